// The hub store's admin side: enrolment codes, device tokens, heartbeats, revocation and the quarantine.
#include "hub_store.h"

namespace soundings::hub::detail {

void Store::add_enrol_code(const std::string& code_hash, const std::string& name, const std::string& now,
                           int64_t expires_epoch) {
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  Statement insert(*writer_,
                   "INSERT INTO enrol_codes (code_hash, name, created_at, expires_epoch) VALUES (?1, ?2, ?3, ?4)");
  insert.bind_blob(1, code_hash).bind(2, name).bind(3, now).bind(4, expires_epoch).run();
  transaction.commit();
}

EnrolRefusal Store::redeem_enrol_code(const std::string& code_hash, int64_t now_epoch, const std::string& now,
                                      const std::string& device_id, const std::string& token_hash,
                                      const std::string& reported_name) {
  const std::lock_guard lock(write_mutex_);
  // Checked and spent in one write transaction: two devices racing with one code cannot both win.
  Transaction transaction(*writer_);
  Statement find(*writer_, "SELECT name, expires_epoch, used_at FROM enrol_codes WHERE code_hash = ?1");
  find.bind_blob(1, code_hash);
  if (!find.step()) return EnrolRefusal::Unknown;
  if (!find.is_null(2)) return EnrolRefusal::Used;
  if (now_epoch >= find.int64(1)) return EnrolRefusal::Expired;
  const std::string name = find.text(0);
  Statement spend(*writer_, "UPDATE enrol_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1");
  spend.bind_blob(1, code_hash).bind(2, now).bind(3, device_id).run();
  Statement add(*writer_,
                "INSERT INTO devices (device_id, name, reported_name, token_hash, enrolled_at, last_contact_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
  add.bind(1, device_id).bind(2, name).bind(3, reported_name).bind_blob(4, token_hash).bind(5, now).run();
  transaction.commit();
  return EnrolRefusal::None;
}

std::optional<DeviceAuth> Store::device_for_token(const std::string& token_hash) {
  auto db = reader();
  Statement query(*db, "SELECT device_id, revoked_at IS NOT NULL FROM devices WHERE token_hash = ?1");
  query.bind_blob(1, token_hash);
  if (!query.step()) return std::nullopt;
  return DeviceAuth{query.text(0), query.int64(1) != 0};
}

void Store::record_contact(const std::string& device_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  Statement update(*writer_, "UPDATE devices SET last_contact_at = ?2 WHERE device_id = ?1");
  update.bind(1, device_id).bind(2, now).run();
}

void Store::record_heartbeat(const std::string& device_id, const Heartbeat& heartbeat, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  Statement update(*writer_,
                   "UPDATE devices SET last_contact_at = ?2, pending = ?3, oldest_pending_at = ?4, "
                   "app_version = ?5, consultation_versions = ?6, free_disk_bytes = ?7 WHERE device_id = ?1");
  update.bind(1, device_id)
      .bind(2, now)
      .bind(3, heartbeat.pending)
      .bind(4, heartbeat.oldest_pending_at)
      .bind(5, heartbeat.app_version)
      .bind(6, heartbeat.consultation_versions)
      .bind(7, heartbeat.free_disk_bytes)
      .run();
}

bool Store::revoke(const std::string& device_id, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  Statement update(*writer_,
                   "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE device_id = ?1");
  update.bind(1, device_id).bind(2, now).run();
  return writer_->changes() > 0;
}

std::vector<DeviceInfo> Store::devices() {
  auto db = reader();
  Statement query(*db,
                  "SELECT device_id, name, enrolled_at, last_contact_at, pending, oldest_pending_at, app_version, "
                  "consultation_versions, free_disk_bytes, revoked_at IS NOT NULL FROM devices "
                  "ORDER BY name, device_id");
  std::vector<DeviceInfo> out;
  while (query.step()) {
    DeviceInfo info;
    info.device_id = query.text(0);
    info.name = query.text(1);
    info.enrolled_at = query.text(2);
    info.last_contact_at = query.text(3);
    info.pending_on_device = query.int64(4);
    info.oldest_pending_at = query.text(5);
    info.app_version = query.text(6);
    info.consultation_versions = query.text(7);
    info.free_disk_bytes = query.int64(8);
    info.revoked = query.int64(9) != 0;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<QuarantinedItem> Store::quarantined(const std::string& consultation_id) {
  auto db = reader();
  Statement query(*db,
                  "SELECT seq, kind, response_id, consultation_id, reason, body, received_from, received_at, "
                  "last_seen_at, times_seen FROM quarantine WHERE ?1 = '' OR consultation_id = ?1 ORDER BY seq");
  query.bind(1, consultation_id);
  std::vector<QuarantinedItem> out;
  while (query.step()) {
    out.push_back(QuarantinedItem{query.int64(0), query.text(1), query.text(2), query.text(3), query.text(4),
                                  query.text(5), query.text(6), query.text(7), query.text(8), query.int64(9)});
  }
  return out;
}

}  // namespace soundings::hub::detail
