// The audit log: append-only and hash-chained, appended by every hub on the database, walked to verify.
//
// Each entry's hash is BLAKE2b-256 over the previous entry's hash and this entry's fields, each prefixed
// by its length so that no two different entries hash the same text ("ab"+"c" is not "a"+"bc"). Changing,
// removing or reordering an entry breaks the link of the one after it, or its own hash.
#include <sodium.h>

#include <array>

#include "console_state.h"
#include "hub_credentials.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

std::string chain_hash(const AuditRow& entry) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  auto add = [&state](const std::string& field) {
    const std::string prefix = std::to_string(field.size()) + ":";
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(prefix.data()), prefix.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
  };
  for (const std::string& field : {entry.prev_hash, std::to_string(entry.seq), entry.at, entry.actor, entry.action,
                                   entry.subject, entry.detail}) {
    add(field);
  }
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

AuditEntry entry_of(const AuditRow& row) {
  return AuditEntry{row.seq, row.at, row.actor, row.action, row.subject, row.detail, row.prev_hash, row.hash};
}

}  // namespace

Status audit(HubState& hub, const std::string& actor, const std::string& action, const std::string& subject,
             const std::string& detail) {
  if (sodium_init() < 0) return Error{ErrorCode::Crypto, "libsodium could not be initialised"};
  AuditRow row;
  row.at = hub.now_text();
  row.actor = actor;
  row.action = action;
  row.subject = subject;
  row.detail = detail;
  const auto appended = hub.store->append_audit(std::move(row), chain_hash);
  if (!appended) return storage_error(appended.error());
  return Status::success();
}

Result<std::vector<AuditEntry>> audit_entries(HubState& hub, int64_t before, int64_t limit) {
  const auto rows = hub.store->audit_rows_before(before, limit);
  if (!rows) return storage_error(rows.error());
  std::vector<AuditEntry> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) out.push_back(entry_of(row));
  return out;
}

Result<AuditCheck> verify_audit_chain(HubState& hub) {
  AuditCheck check;
  std::string previous(64, '0');
  int64_t expected_seq = 1;
  const Status walked = hub.store->scan_audit([&](const AuditRow& row) {
    // The first problem is the one reported: what follows a broken link cannot be trusted either.
    if (row.seq != expected_seq) {
      check.problem = "entry " + std::to_string(expected_seq) + " is missing (the next entry is " +
                      std::to_string(row.seq) + ")";
      check.first_bad_seq = expected_seq;
    } else if (row.prev_hash != previous) {
      check.problem = "its previous hash does not match the hash of entry " + std::to_string(row.seq - 1);
      check.first_bad_seq = row.seq;
    } else if (chain_hash(row) != row.hash) {
      check.problem = "its hash does not match its contents (changed after it was written)";
      check.first_bad_seq = row.seq;
    }
    if (check.first_bad_seq != 0) {
      check.intact = false;
      return false;
    }
    ++check.entries;
    previous = row.hash;
    ++expected_seq;
    return true;
  });
  if (!walked) return storage_error(walked.error());
  return check;
}

}  // namespace soundings::hub::detail::console

namespace soundings::hub {

Result<AuditCheck> Hub::verify_audit() { return detail::console::verify_audit_chain(*impl_); }

Status Hub::audit(const std::string& actor, const std::string& action, const std::string& subject,
                  const std::string& detail) {
  return detail::console::audit(*impl_, actor, action, subject, detail);
}

}  // namespace soundings::hub
