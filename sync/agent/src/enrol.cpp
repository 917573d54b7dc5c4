// Enrolment: swaps a one-time code for this device's identity, role, token and head office's sealing key.
#include <cctype>

#include "agent_config.h"
#include "hub_client.h"
#include "soundings/sync_agent.h"
#include "soundings/device_store.h"

namespace soundings::sync {

namespace {

Error enrol_error(const SyncError& error) {
  // Status carries the core's codes: a refused code is bad input; anything on the way is "hub not found".
  const bool bad_input = error.kind == SyncErrorKind::Unauthorized || error.kind == SyncErrorKind::Local;
  const ErrorCode code = bad_input ? ErrorCode::InvalidInput : ErrorCode::NotFound;
  return Error{code, "Enrolment failed: " + error.message};
}

}  // namespace

Status enrol(Store& store, const std::string& hub_url, const std::string& code, const std::string& device_name,
             const AgentConfig& config) {
  std::string problem;
  const std::string base = normalise_hub_url(hub_url, problem);
  if (base.empty()) return Error{ErrorCode::InvalidInput, "Enrolment: the " + problem};
  std::string trimmed_code;
  for (char c : code) {
    if (!std::isspace(static_cast<unsigned char>(c))) trimmed_code += c;
  }
  if (trimmed_code.empty()) return Error{ErrorCode::InvalidInput, "Enrolment: the enrolment code is empty"};
  if (device_name.empty() || device_name.size() > 200) {
    return Error{ErrorCode::InvalidInput, "Enrolment: the device name must be 1 to 200 characters"};
  }

  HttpTransport transport(transport_config(config));
  HubClient client(transport, base, "");
  HealthAnswer health;
  if (auto error = client.health(health); !error.ok()) return enrol_error(error);
  EnrolAnswer answer;
  if (auto error = client.enrol(trimmed_code, device_name, answer); !error.ok()) return enrol_error(error);
  if (answer.hub_id != health.hub_id) {
    return Error{ErrorCode::NotFound, "Enrolment failed: the enrolment answer came from hub " + answer.hub_id +
                                          ", but " + base + " is hub " + health.hub_id};
  }

  // A device enrolled again as a kiosk keeps no officers' PIN hashes and no addresses from its time as a field
  // tablet (its visits still wait for head office, as when a list is unassigned).
  if (answer.role != setting::kRoleField) {
    if (auto cleared = store.replace_staff({}); !cleared.ok()) {
      return Error{ErrorCode::Storage, "Enrolment: could not clear the staff list: " + cleared.error().message};
    }
    if (auto cleared = store.replace_walk_lists({}); !cleared.ok()) {
      return Error{ErrorCode::Storage, "Enrolment: could not clear the walk lists: " + cleared.error().message};
    }
  }
  // Address and token go last: an enrolment cut short leaves the old pair working, or fails as "refused".
  const std::pair<const char*, std::string> settings[] = {
      {setting::kHubId, answer.hub_id},
      {setting::kDeviceId, answer.device_id},
      {setting::kSealPublicKey, answer.seal_public_key},
      {setting::kDeviceName, device_name},
      {setting::kDeviceRole, answer.role},
      {setting::kConsultationsEtag, ""},
      {setting::kStaffEtag, ""},
      {setting::kWalkListsEtag, ""},
      {setting::kHubUrl, base},
      {setting::kDeviceToken, answer.token},
  };
  for (const auto& [key, value] : settings) {
    if (auto status = store.set_setting(key, value); !status.ok()) {
      return Error{ErrorCode::Storage, std::string("Enrolment: could not store ") + key + ": " + status.error().message};
    }
  }
  return Status::success();
}

}  // namespace soundings::sync
