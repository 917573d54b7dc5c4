// The hub store's staff accounts: officers added by head office, listed, disabled, sent to field tablets.
#include "hub_store.h"

namespace soundings::hub::detail {

Result<bool> Store::add_staff(const StoredStaff& staff) {
  const std::lock_guard lock(write_mutex_);
  // An id is never reused, even after it is disabled: records already made name it.
  auto insert = writer_->cached(
      "INSERT INTO staff (staff_id, name, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (staff_id) DO NOTHING");
  if (!insert) return insert.error();
  auto done = insert->bind(1, staff.account.staff_id)
                  .bind(2, staff.account.name)
                  .bind(3, staff.pin_hash)
                  .bind(4, staff.account.created_at)
                  .run("adding staff account " + staff.account.staff_id);
  if (!done) return done.error();
  return writer_->changes() > 0;
}

Result<std::vector<StoredStaff>> Store::staff() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT staff_id, name, created_at, coalesce(disabled_at, ''), pin_hash FROM staff ORDER BY staff_id");
  if (!query) return query.error();
  std::vector<StoredStaff> out;
  while (true) {
    auto row = query->step("reading the staff accounts");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(StoredStaff{StaffAccount{query->text(0), query->text(1), query->text(2), query->text(3)},
                              query->text(4)});
  }
}

Result<bool> Store::disable_staff(const std::string& staff_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  // Disabling twice keeps the first time: that is when the officer lost access.
  auto update = writer_->cached("UPDATE staff SET disabled_at = coalesce(disabled_at, ?2) WHERE staff_id = ?1");
  if (!update) return update.error();
  if (auto done = update->bind(1, staff_id).bind(2, now).run("disabling staff account " + staff_id); !done) {
    return done.error();
  }
  return writer_->changes() > 0;
}

}  // namespace soundings::hub::detail
