// The hub store's walk lists: imported doors, their assignment to field tablets, and the visits' outcomes.
#include "hub_store.h"

namespace soundings::hub::detail {

namespace {

Status insert_doors(db::Connection& db, const std::string& list_id, const std::vector<ImportedDoor>& doors) {
  for (const ImportedDoor& imported : doors) {
    auto insert = db.cached(
        "INSERT INTO walk_addresses (list_id, uprn, address, street, postcode, ward, line) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert) return insert.error();
    const WalkAddress& door = imported.door;
    auto done = insert->bind(1, list_id).bind(2, door.uprn).bind(3, door.address).bind(4, door.street)
                    .bind(5, door.postcode).bind(6, door.ward).bind(7, imported.line)
                    .run("importing the doors of a walk list");
    if (!done) return done;
  }
  return Status::success();
}

}  // namespace

Status Store::add_walk_list(const WalkListRow& list, const std::vector<ImportedDoor>& doors) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto insert = writer_->cached("INSERT INTO walk_lists (list_id, name, imported_at) VALUES (?1, ?2, ?3)");
    if (!insert) return insert.error();
    auto done = insert->bind(1, list.id).bind(2, list.name).bind(3, list.imported_at).run("importing a walk list");
    if (!done) {
      if (done.error().code == ErrorCode::Conflict) {
        return Error{ErrorCode::Conflict, "a walk list named \"" + list.name + "\" already exists; choose another name"};
      }
      return done;
    }
  }
  if (auto done = insert_doors(*writer_, list.id, doors); !done) return done;
  return transaction.commit();
}

Result<std::optional<WalkListRow>> Store::walk_list_named(const std::string& name) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT list_id, name, imported_at, coalesce(closed_at, '') FROM walk_lists WHERE name = ?1");
  if (!query) return query.error();
  query->bind(1, name);
  auto row = query->step("reading walk list " + name);
  if (!row) return row.error();
  if (!*row) return std::optional<WalkListRow>();
  return std::optional<WalkListRow>(WalkListRow{query->text(0), query->text(1), query->text(2), query->text(3)});
}

Result<std::optional<EnrolledDevice>> Store::enrolled_device(const std::string& device_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT name, role = 'field', revoked_at IS NOT NULL FROM devices WHERE device_id = ?1");
  if (!query) return query.error();
  query->bind(1, device_id);
  auto row = query->step("reading device " + device_id);
  if (!row) return row.error();
  if (!*row) return std::optional<EnrolledDevice>();
  return std::optional<EnrolledDevice>(EnrolledDevice{query->text(0), query->integer(1) != 0, query->integer(2) != 0});
}

Result<bool> Store::assign_walk_list(const std::string& list_id, const std::string& device_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  auto insert = writer_->cached(
      "INSERT INTO walk_assignments (list_id, device_id, assigned_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (list_id, device_id) DO NOTHING");
  if (!insert) return insert.error();
  if (auto done = insert->bind(1, list_id).bind(2, device_id).bind(3, now).run("assigning a walk list"); !done) {
    return done.error();
  }
  return writer_->changes() > 0;
}

Result<bool> Store::unassign_walk_list(const std::string& list_id, const std::string& device_id) {
  const std::lock_guard lock(write_mutex_);
  auto remove = writer_->cached("DELETE FROM walk_assignments WHERE list_id = ?1 AND device_id = ?2");
  if (!remove) return remove.error();
  if (auto done = remove->bind(1, list_id).bind(2, device_id).run("unassigning a walk list"); !done) {
    return done.error();
  }
  return writer_->changes() > 0;
}

Result<bool> Store::close_walk_list(const std::string& list_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  auto update = writer_->cached("UPDATE walk_lists SET closed_at = ?2 WHERE list_id = ?1 AND closed_at IS NULL");
  if (!update) return update.error();
  if (auto done = update->bind(1, list_id).bind(2, now).run("closing a walk list"); !done) return done.error();
  return writer_->changes() > 0;
}

Result<std::vector<WalkListSummary>> Store::walk_list_summaries() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT l.list_id, l.name, l.imported_at, coalesce(l.closed_at, ''), "
      "(SELECT count(*) FROM walk_addresses a WHERE a.list_id = l.list_id) "
      "FROM walk_lists l ORDER BY l.name");
  if (!query) return query.error();
  std::vector<WalkListSummary> out;
  while (true) {
    auto row = query->step("listing the walk lists");
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(WalkListSummary{query->text(0), query->text(1), query->text(2), query->text(3), query->integer(4), {}});
  }
  for (WalkListSummary& list : out) {
    auto devices = (*db)->cached(
        "SELECT d.device_id, d.name FROM walk_assignments w JOIN devices d ON d.device_id = w.device_id "
        "WHERE w.list_id = ?1 ORDER BY d.name, d.device_id");
    if (!devices) return devices.error();
    devices->bind(1, list.id);
    while (true) {
      auto row = devices->step("listing a walk list's devices");
      if (!row) return row.error();
      if (!*row) break;
      list.devices.push_back(WalkListSummary::Device{devices->text(0), devices->text(1)});
    }
  }
  return out;
}

Result<std::vector<WalkList>> Store::open_walk_lists_for(const std::string& device_id) {
  auto db = reader();
  if (!db) return db.error();
  std::vector<WalkList> out;
  {
    auto query = (*db)->cached(
        "SELECT l.list_id, l.name FROM walk_assignments w JOIN walk_lists l ON l.list_id = w.list_id "
        "WHERE w.device_id = ?1 AND l.closed_at IS NULL ORDER BY l.name");
    if (!query) return query.error();
    query->bind(1, device_id);
    while (true) {
      auto row = query->step("reading a device's walk lists");
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(WalkList{query->text(0), query->text(1), {}});
    }
  }
  // A list's doors never change after import, so reading them apart from the list is safe.
  for (WalkList& list : out) {
    auto doors = walk_addresses(list.id);
    if (!doors) return doors.error();
    list.addresses = std::move(*doors);
  }
  return out;
}

Result<std::vector<WalkAddress>> Store::walk_addresses(const std::string& list_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT uprn, address, street, postcode, ward FROM walk_addresses WHERE list_id = ?1 ORDER BY line");
  if (!query) return query.error();
  query->bind(1, list_id);
  std::vector<WalkAddress> out;
  while (true) {
    auto row = query->step("reading the doors of a walk list");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(WalkAddress{query->text(0), query->text(1), query->text(2), query->text(3), query->text(4)});
  }
}

}  // namespace soundings::hub::detail
