// Staff accounts for outreach officers: head office adds them (the PIN kept only as an Argon2id hash),
// lists them and disables them; field tablets receive them at sync (GET /api/v1/staff).
#include <algorithm>

#include "hub_impl.h"
#include "soundings/json_bounded.h"
#include "soundings/officer_secret.h"

namespace soundings::hub {

namespace {

using detail::storage_error;

constexpr size_t kMaxStaffIdBytes = 64;
constexpr size_t kMaxStaffNameBytes = 200;

Status check_staff_id(const std::string& staff_id) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  if (staff_id.empty() || staff_id.size() > kMaxStaffIdBytes || !std::all_of(staff_id.begin(), staff_id.end(), allowed)) {
    return Error{ErrorCode::InvalidInput, "a staff id is 1 to " + std::to_string(kMaxStaffIdBytes) +
                                              " of a-z, 0-9, '.', '_' and '-' (such as \"sian.jones\"), not \"" +
                                              staff_id + "\""};
  }
  return Status::success();
}

// The name is shown on every field tablet's sign-in screen: one line of readable UTF-8.
Status check_staff_name(const std::string& name) {
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (name.empty() || name.size() > kMaxStaffNameBytes || control || first_bad_utf8(name) != std::string::npos) {
    return Error{ErrorCode::InvalidInput, "a staff name is one line of 1 to " + std::to_string(kMaxStaffNameBytes) +
                                              " bytes of UTF-8 text (--name NAME)"};
  }
  return Status::success();
}

}  // namespace

namespace detail {

Status add_staff(HubState& hub, const std::string& staff_id, const std::string& name, const std::string& secret) {
  if (auto checked = check_staff_id(staff_id); !checked) return checked;
  if (auto checked = check_staff_name(name); !checked) return checked;
  auto hash = hash_officer_secret(secret);
  if (!hash) return hash.error();
  const auto added = hub.store->add_staff(detail::StoredStaff{{staff_id, name, hub.now_text(), ""}, *hash});
  if (!added) return storage_error(added.error());
  if (!*added) {
    return Error{ErrorCode::Conflict, "a staff account \"" + staff_id +
                                          "\" already exists (see soundings-hub staff list); ids are never "
                                          "reused, so choose another"};
  }
  return Status::success();
}

Result<std::vector<StaffAccount>> staff(HubState& hub) {
  auto stored = hub.store->staff();
  if (!stored) return storage_error(stored.error());
  std::vector<StaffAccount> out;
  out.reserve(stored->size());
  for (auto& member : *stored) out.push_back(std::move(member.account));
  return out;
}

Status disable_staff(HubState& hub, const std::string& staff_id) {
  const auto disabled = hub.store->disable_staff(staff_id, hub.now_text());
  if (!disabled) return storage_error(disabled.error());
  if (!*disabled) {
    return Error{ErrorCode::NotFound, "no staff account \"" + staff_id + "\" (see soundings-hub staff list)"};
  }
  return Status::success();
}

}  // namespace detail

Status Hub::add_staff(const std::string& staff_id, const std::string& name, const std::string& secret) {
  return detail::add_staff(*impl_, staff_id, name, secret);
}

Result<std::vector<StaffAccount>> Hub::staff() { return detail::staff(*impl_); }

Status Hub::disable_staff(const std::string& staff_id) { return detail::disable_staff(*impl_, staff_id); }

}  // namespace soundings::hub
