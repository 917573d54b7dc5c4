// The store's field-mode operations: records of the kinds other than responses, the staff list and the
// walk lists head office sends a field tablet.
#include <set>

#include "soundings/clock.h"
#include "soundings/device_store.h"
#include "store_sqlite.h"

namespace soundings {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

// Saves one record and its outbox row in one transaction.
Status save_record(Store::Impl& impl, RecordKind kind, const nlohmann::json& body, const std::string& subject,
                   const std::string& door, const std::string& at) {
  auto envelope = make_envelope(kind, body);
  if (!envelope) return Error{envelope.error().code, envelope.error().message + " (nothing was saved)"};
  const std::lock_guard lock(impl.mutex);
  Transaction transaction(impl.db);
  if (auto begun = transaction.begin(); !begun) return begun;
  auto insert = impl.db.cached("INSERT INTO records (kind, id, subject, door, at, body) VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->bind(1, record_kind_name(kind)).bind(2, envelope->id).bind(3, subject).bind(4, door).bind(5, at).bind(
      6, envelope->body);
  const std::string what = std::string(record_kind_name(kind)) + " " + envelope->id;
  if (auto inserted = insert->run("saving " + what); !inserted) {
    if (inserted.error().code == ErrorCode::Conflict) {
      return Error{ErrorCode::Conflict, what + " is already saved on this device; a record is saved once"};
    }
    return inserted;
  }
  if (auto queued = impl.queue(kind, envelope->id, envelope->hash); !queued) return queued;
  return transaction.commit();
}

// Checks a record the way the hub will, so that a device never keeps what the hub would refuse.
template <typename T, typename ToJson, typename FromJson>
Result<nlohmann::json> checked_body(const T& record, ToJson to_json, FromJson from_json) {
  nlohmann::json body = to_json(record);
  if (auto parsed = from_json(body); !parsed) {
    return Error{parsed.error().code, parsed.error().message + " (nothing was saved)"};
  }
  return body;
}

}  // namespace

Status Store::save_visit(const Visit& visit) {
  auto body = checked_body(visit, visit_to_json, visit_from_json);
  if (!body) return body.error();
  return save_record(*impl_, RecordKind::Visit, *body, visit.list_id, visit.uprn, visit.visited_at);
}

Status Store::save_check_in(const CheckIn& check_in) {
  auto body = checked_body(check_in, check_in_to_json, check_in_from_json);
  if (!body) return body.error();
  return save_record(*impl_, RecordKind::CheckIn, *body, "", "", check_in.at);
}

Status Store::save_sign_in(const SignIn& sign_in) {
  auto body = checked_body(sign_in, sign_in_to_json, sign_in_from_json);
  if (!body) return body.error();
  return save_record(*impl_, RecordKind::SignIn, *body, "", "", sign_in.at);
}

Result<std::vector<Visit>> Store::visits_for_list(const std::string& list_id) {
  const std::lock_guard lock(impl_->mutex);
  auto select = impl_->db.cached("SELECT body FROM records WHERE kind = 'visit' AND subject = ? ORDER BY at, seq");
  if (!select) return select.error();
  select->bind(1, list_id);
  std::vector<Visit> out;
  while (true) {
    auto row = select->step("reading the visits of walk list " + list_id);
    if (!row) return row.error();
    if (!*row) return out;
    auto parsed = nlohmann::json::parse(select->text(0), nullptr, false);
    auto visit = visit_from_json(parsed);
    if (!visit) return Error{ErrorCode::Corrupt, "a stored visit cannot be read: " + visit.error().message};
    out.push_back(std::move(visit.value()));
  }
}

Status Store::replace_staff(const std::vector<StaffMember>& staff) {
  const std::lock_guard lock(impl_->mutex);
  Transaction transaction(impl_->db);
  if (auto begun = transaction.begin(); !begun) return begun;
  if (auto cleared = impl_->db.exec("DELETE FROM staff", "replacing the staff list"); !cleared) return cleared;
  for (const auto& member : staff) {
    auto insert = impl_->db.cached("INSERT INTO staff (id, name, pin_hash, disabled) VALUES (?, ?, ?, ?)");
    if (!insert) return insert.error();
    insert->bind(1, member.id).bind(2, member.name).bind(3, member.pin_hash).bind(4, int64_t{member.disabled ? 1 : 0});
    if (auto done = insert->run("saving staff member " + member.id); !done) return done;
  }
  if (auto committed = transaction.commit(); !committed) return committed;
  // An officer removed from the list, or a hash replaced, leaves no copy in the write-ahead log.
  return impl_->checkpoint_truncate();
}

Result<std::vector<StaffMember>> Store::staff() {
  const std::lock_guard lock(impl_->mutex);
  auto select = impl_->db.cached("SELECT id, name, pin_hash, disabled FROM staff ORDER BY name, id");
  if (!select) return select.error();
  std::vector<StaffMember> out;
  while (true) {
    auto row = select->step("reading the staff list");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(StaffMember{select->text(0), select->text(1), select->text(2), select->integer(3) != 0});
  }
}

Status Store::replace_walk_lists(const std::vector<WalkList>& lists) {
  const std::lock_guard lock(impl_->mutex);
  {
    Transaction transaction(impl_->db);
    if (auto begun = transaction.begin(); !begun) return begun;
    if (auto done = impl_->db.exec("DELETE FROM walk_addresses", "replacing the walk lists"); !done) return done;
    if (auto done = impl_->db.exec("DELETE FROM walk_lists", "replacing the walk lists"); !done) return done;
    for (const auto& list : lists) {
      auto insert = impl_->db.cached("INSERT INTO walk_lists (id, name) VALUES (?, ?)");
      if (!insert) return insert.error();
      insert->bind(1, list.id).bind(2, list.name);
      if (auto done = insert->run("saving walk list " + list.name); !done) return done;
      int64_t position = 0;
      for (const auto& door : list.addresses) {
        auto address = impl_->db.cached(
            "INSERT INTO walk_addresses (list_id, uprn, address, street, postcode, ward, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!address) return address.error();
        address->bind(1, list.id).bind(2, door.uprn).bind(3, door.address).bind(4, door.street).bind(5, door.postcode)
            .bind(6, door.ward).bind(7, position++);
        if (auto done = address->run("saving an address of walk list " + list.name); !done) return done;
      }
    }
    if (auto done = impl_->forget_visits_of_removed_lists(); !done) return done.error();
    if (auto committed = transaction.commit(); !committed) return committed;
  }
  return impl_->checkpoint_truncate();
}

Result<std::vector<WalkList>> Store::walk_lists() {
  const std::lock_guard lock(impl_->mutex);
  std::vector<WalkList> out;
  {
    auto lists = impl_->db.cached("SELECT id, name FROM walk_lists ORDER BY name, id");
    if (!lists) return lists.error();
    while (true) {
      auto row = lists->step("reading the walk lists");
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(WalkList{lists->text(0), lists->text(1), {}});
    }
  }
  for (auto& list : out) {
    auto doors = impl_->db.cached(
        "SELECT uprn, address, street, postcode, ward FROM walk_addresses WHERE list_id = ? ORDER BY position");
    if (!doors) return doors.error();
    doors->bind(1, list.id);
    while (true) {
      auto row = doors->step("reading walk list " + list.name);
      if (!row) return row.error();
      if (!*row) break;
      list.addresses.push_back(
          WalkAddress{doors->text(0), doors->text(1), doors->text(2), doors->text(3), doors->text(4)});
    }
  }
  return out;
}

namespace {

constexpr std::string_view kForgetting = "removing the visits of walk lists taken off this tablet";

// The lists that records name and the tablet no longer holds. This runs after every confirmed
// batch, so it steps from one subject to the next along records_by_door (a probe per list ever
// held) instead of reading every record: a scan per batch made draining N visits cost N squared.
Result<std::vector<std::string>> removed_list_subjects(Connection& db) {
  std::vector<std::string> removed;
  std::string subject;  // visits always name their list; other records' subject may be empty
  while (true) {
    auto next = db.cached("SELECT subject FROM records WHERE subject > ? ORDER BY subject LIMIT 1");
    if (!next) return next.error();
    next->bind(1, subject);
    auto row = next->step(kForgetting);
    if (!row) return row.error();
    if (!*row) return removed;
    subject = next->text(0);
    auto held = db.cached("SELECT 1 FROM walk_lists WHERE id = ?");
    if (!held) return held.error();
    held->bind(1, subject);
    auto is_held = held->step(kForgetting);
    if (!is_held) return is_held.error();
    if (!*is_held) removed.push_back(subject);
  }
}

}  // namespace

Result<bool> Store::Impl::forget_visits_of_removed_lists() {
  auto removed = removed_list_subjects(db);
  if (!removed) return removed.error();
  int64_t forgotten = 0;
  for (const auto& list_id : *removed) {
    // Only what head office holds: a visit still waiting to be sent stays until it is confirmed.
    auto outbox = db.cached(
        "DELETE FROM outbox WHERE kind = 'visit' AND state = 'confirmed' AND record_id IN "
        "(SELECT id FROM records WHERE kind = 'visit' AND subject = ?)");
    if (!outbox) return outbox.error();
    outbox->bind(1, list_id);
    if (auto done = outbox->run(kForgetting); !done) return done.error();
    auto records = db.cached(
        "DELETE FROM records WHERE kind = 'visit' AND subject = ? AND id NOT IN (SELECT record_id FROM outbox)");
    if (!records) return records.error();
    records->bind(1, list_id);
    if (auto done = records->run(kForgetting); !done) return done.error();
    forgotten += db.changes();
  }
  return forgotten > 0;
}

Result<bool> Store::Impl::forget_confirmed_field_responses(const std::vector<std::string>& record_ids) {
  // The order of a tablet's responses matches the order of its "completed" visits at head office.
  // Only the ids just confirmed are looked at: a kiosk keeps every confirmed response, and looking
  // through all of them after every batch made a long backlog's drain quadratic.
  const char* doing = "removing field responses head office holds";
  int64_t removed = 0;
  for (const auto& id : record_ids) {
    auto remove = db.cached("DELETE FROM responses WHERE id = ?1 AND json_extract(body, '$.channel') = 'field'");
    if (!remove) return remove.error();
    if (auto done = remove->bind(1, id).run(doing); !done) return done.error();
    removed += db.changes();
  }
  if (removed == 0) return false;
  return forget_outbox_rows_of_removed_responses();
}

Result<bool> Store::Impl::forget_every_confirmed_field_response() {
  // At start, on a field tablet only: a confirmation cut short (the power lost between marking a batch
  // confirmed and deleting its responses) leaves nothing behind for long.
  auto role = db.cached("SELECT value FROM settings WHERE key = ?1");
  if (!role) return role.error();
  role->bind(1, setting::kDeviceRole);
  auto row = role->step("reading the device's role");
  if (!row) return row.error();
  if (!*row || role->text(0) != setting::kRoleField) return false;
  const char* doing = "removing field responses head office holds";
  if (auto done = db.exec("DELETE FROM responses WHERE json_extract(body, '$.channel') = 'field' AND id IN "
                          "(SELECT record_id FROM outbox WHERE kind = 'response' AND state = 'confirmed')",
                          doing);
      !done) {
    return done.error();
  }
  if (db.changes() == 0) return false;
  return forget_outbox_rows_of_removed_responses();
}

Result<bool> Store::Impl::forget_outbox_rows_of_removed_responses() {
  if (auto done = db.exec("DELETE FROM outbox WHERE kind = 'response' AND state = 'confirmed' AND "
                          "record_id NOT IN (SELECT id FROM responses)",
                          "removing field responses head office holds");
      !done) {
    return done.error();
  }
  return true;
}

Status Store::Impl::checkpoint_truncate() {
  // Copies the WAL into the database (where secure_delete has overwritten what was deleted) and empties it.
  auto rows = db.text_rows("PRAGMA wal_checkpoint(TRUNCATE)", "emptying the write-ahead log");
  if (!rows) return rows.error();
  return Status::success();
}

}  // namespace soundings
