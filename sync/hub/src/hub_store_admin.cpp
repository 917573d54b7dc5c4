// The hub store's admin side: enrolment codes, device tokens, heartbeats, revocation and the quarantine.
#include "hub_store.h"

#include "soundings/device_store.h"

namespace soundings::hub::detail {

namespace {

// The role column holds setting::kRoleKiosk or kRoleField (its CHECK allows nothing else).
DeviceRole role_from_text(const std::string& text) {
  return text == setting::kRoleField ? DeviceRole::Field : DeviceRole::Kiosk;
}

}  // namespace

Status Store::add_enrol_code(const std::string& code_hash, const std::string& name, const std::string& now,
                             int64_t expires_epoch, DeviceRole role) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto insert = writer_->cached(
        "INSERT INTO enrol_codes (code_hash, name, created_at, expires_epoch, role) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert) return insert.error();
    auto done = insert->bind_blob(1, code_hash)
                    .bind(2, name)
                    .bind(3, now)
                    .bind(4, expires_epoch)
                    .bind(5, std::string_view(device_role_name(role)))
                    .run("adding an enrolment code");
    if (!done) return done;
  }
  return transaction.commit();
}

Result<Redemption> Store::redeem_enrol_code(const std::string& code_hash, int64_t now_epoch, const std::string& now,
                                              const std::string& device_id, const std::string& token_hash,
                                              const std::string& reported_name) {
  const std::lock_guard lock(write_mutex_);
  // Checked and spent in one write transaction: two devices racing with one code cannot both win.
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun.error();
  std::string name;
  std::string role;
  {
    auto find = writer_->cached("SELECT name, expires_epoch, used_at, role FROM enrol_codes WHERE code_hash = ?1");
    if (!find) return find.error();
    find->bind_blob(1, code_hash);
    auto row = find->step("reading an enrolment code");
    if (!row) return row.error();
    if (!*row) return Redemption{EnrolRefusal::Unknown};
    if (!find->is_null(2)) return Redemption{EnrolRefusal::Used};
    if (now_epoch >= find->integer(1)) return Redemption{EnrolRefusal::Expired};
    name = find->text(0);
    role = find->text(3);
  }
  {
    // Spent only if still unspent: another hub process may have spent it since the read above (PostgreSQL
    // reads committed rows; this update waits for that hub's commit, then finds the code used).
    auto spend = writer_->cached(
        "UPDATE enrol_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1 AND used_at IS NULL");
    if (!spend) return spend.error();
    auto done = spend->bind_blob(1, code_hash).bind(2, now).bind(3, device_id).run("spending an enrolment code");
    if (!done) return done.error();
    if (writer_->changes() == 0) return Redemption{EnrolRefusal::Used};
  }
  {
    auto add = writer_->cached(
        "INSERT INTO devices (device_id, name, reported_name, token_hash, enrolled_at, last_contact_at, role) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)");
    if (!add) return add.error();
    auto done = add->bind(1, device_id)
                    .bind(2, name)
                    .bind(3, reported_name)
                    .bind_blob(4, token_hash)
                    .bind(5, now)
                    .bind(6, role)
                    .run("enrolling a device");
    if (!done) return done.error();
  }
  if (auto committed = transaction.commit(); !committed) return committed.error();
  return Redemption{EnrolRefusal::None, role_from_text(role)};
}

Result<std::optional<DeviceAuth>> Store::device_for_token(const std::string& token_hash) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT device_id, revoked_at IS NOT NULL, role FROM devices WHERE token_hash = ?1");
  if (!query) return query.error();
  query->bind_blob(1, token_hash);
  auto row = query->step("checking a device token");
  if (!row) return row.error();
  if (!*row) return std::optional<DeviceAuth>();
  return std::optional<DeviceAuth>(DeviceAuth{query->text(0), query->integer(1) != 0, role_from_text(query->text(2))});
}

Status Store::record_contact(const std::string& device_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  auto update = writer_->cached("UPDATE devices SET last_contact_at = ?2 WHERE device_id = ?1");
  if (!update) return update.error();
  return update->bind(1, device_id).bind(2, now).run("recording contact from a device");
}

Status Store::record_heartbeat(const std::string& device_id, const Heartbeat& heartbeat, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  auto update = writer_->cached(
      "UPDATE devices SET last_contact_at = ?2, pending = ?3, oldest_pending_at = ?4, "
      "app_version = ?5, consultation_versions = ?6, free_disk_bytes = ?7 WHERE device_id = ?1");
  if (!update) return update.error();
  return update->bind(1, device_id)
      .bind(2, now)
      .bind(3, heartbeat.pending)
      .bind(4, heartbeat.oldest_pending_at)
      .bind(5, heartbeat.app_version)
      .bind(6, heartbeat.consultation_versions)
      .bind(7, heartbeat.free_disk_bytes)
      .run("recording a heartbeat");
}

Result<bool> Store::revoke(const std::string& device_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  auto update = writer_->cached("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE device_id = ?1");
  if (!update) return update.error();
  if (auto done = update->bind(1, device_id).bind(2, now).run("revoking device " + device_id); !done) {
    return done.error();
  }
  return writer_->changes() > 0;
}

Result<std::vector<DeviceInfo>> Store::devices() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT device_id, name, enrolled_at, last_contact_at, pending, oldest_pending_at, app_version, "
      "consultation_versions, free_disk_bytes, revoked_at IS NOT NULL, role FROM devices "
      "ORDER BY name, device_id");
  if (!query) return query.error();
  std::vector<DeviceInfo> out;
  while (true) {
    auto row = query->step("listing devices");
    if (!row) return row.error();
    if (!*row) return out;
    DeviceInfo info;
    info.device_id = query->text(0);
    info.name = query->text(1);
    info.enrolled_at = query->text(2);
    info.last_contact_at = query->text(3);
    info.pending_on_device = query->integer(4);
    info.oldest_pending_at = query->text(5);
    info.app_version = query->text(6);
    info.consultation_versions = query->text(7);
    info.free_disk_bytes = query->integer(8);
    info.revoked = query->integer(9) != 0;
    info.role = role_from_text(query->text(10));
    out.push_back(std::move(info));
  }
}

Result<std::vector<QuarantinedItem>> Store::quarantined(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT seq, kind, response_id, consultation_id, reason, body, received_from, received_at, "
      "last_seen_at, times_seen, record_kind FROM quarantine WHERE ?1 = '' OR consultation_id = ?1 ORDER BY seq");
  if (!query) return query.error();
  query->bind(1, consultation_id);
  std::vector<QuarantinedItem> out;
  while (true) {
    auto row = query->step("reading the quarantine");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(QuarantinedItem{query->integer(0), query->text(1), query->text(2), query->text(3), query->text(4),
                                  query->text(5), query->text(6), query->text(7), query->text(8), query->integer(9),
                                  query->text(10)});
  }
}

}  // namespace soundings::hub::detail
