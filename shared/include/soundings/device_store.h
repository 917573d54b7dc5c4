// The device store's contract, shared by the kiosk, its sync thread, soundings-sync and the load generator:
// one file in the data folder, and the names of the settings kept in it (sync/PROTOCOL.md, "Device side").
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "soundings/result.h"
#include "soundings/store.h"

namespace soundings {

// The one store file inside a device's data folder (--data DIR).
inline constexpr const char* kDeviceStoreFile = "device.sqlite";
// The file name kiosks before one-store used; merged into kDeviceStoreFile when found.
inline constexpr const char* kLegacyKioskStoreFile = "soundings.db";

// DIR/device.sqlite.
std::string device_store_path(const std::string& data_dir);

// Opens DIR/device.sqlite (creating DIR and the store if needed), the way every program on a device opens
// its store. A DIR/soundings.db left by an older kiosk is merged in first (merge_legacy_store) and then
// renamed to soundings.db.merged-<UTC time>, never deleted.
Result<std::unique_ptr<Store>> open_device_store(const std::string& data_dir);

// What merging found and did.
struct LegacyMerge {
  int64_t responses_added = 0;     // unsent or set-aside responses copied in
  int64_t responses_present = 0;   // already in the store (an earlier merge that stopped half way)
  int64_t settings_added = 0;
  int64_t consultations_added = 0;
};

// Copies what only `legacy` holds into `into`: responses still waiting to be sent (pending or set aside
// for review, in their state), settings `into` lacks (the enrolment keys only as a whole, and only when
// `into` is not enrolled), cached consultations and whether staff offered them. Each response is its own
// transaction and one already present is skipped, so a merge stopped at any instant (power cut) is
// finished by running it again, losing and doubling nothing. `after_each_response` is for crash tests.
Result<LegacyMerge> merge_legacy_store(Store& into, Store& legacy,
                                       const std::function<void(int64_t copied)>& after_each_response = {});

}  // namespace soundings

namespace soundings::setting {

// Written at enrolment and by the sync agent.
inline constexpr const char* kHubUrl = "hub_url";                // enrolled hub address, e.g. https://hub.example.gov.uk
inline constexpr const char* kHubId = "hub_id";                  // the hub's id from enrolment; /health must match it
inline constexpr const char* kDeviceId = "device_id";            // set from the hub at enrolment
inline constexpr const char* kDeviceToken = "device_token";      // bearer token; never shown or logged
inline constexpr const char* kSealPublicKey = "seal_public_key";  // head office's sealing key (base64)
inline constexpr const char* kDeviceName = "device_name";        // the name given at enrolment
inline constexpr const char* kConsultationsEtag = "consultations_etag";    // last pull's ETag
inline constexpr const char* kConsultationStatus = "consultation_status";  // JSON {"<id>": "open"|"closed"|...}
inline constexpr const char* kLastSyncSuccessAt = "last_sync_success_at";  // ISO 8601 UTC
inline constexpr const char* kDeviceRole = "device_role";        // "kiosk" or "field", from enrolment
inline constexpr const char* kStaffEtag = "staff_etag";          // last staff-list pull's ETag (field tablets)
inline constexpr const char* kWalkListsEtag = "walk_lists_etag"; // last walk-list pull's ETag (field tablets)
// The values of kDeviceRole, as the hub's enrolment answer gives them ("role").
inline constexpr const char* kRoleKiosk = "kiosk";
inline constexpr const char* kRoleField = "field";

// Written on the kiosk by staff.
inline constexpr const char* kVenue = "venue";                  // where the kiosk stands, recorded on each response
inline constexpr const char* kStaffPinHash = "staff_pin_hash";  // Argon2id hash of the staff PIN
inline constexpr const char* kLangFirst = "lang_first";         // "cy" or "en": the language read first
// Field tablets: minutes unused before an officer is signed out, and minutes between check-in reminders.
inline constexpr const char* kFieldSignOutMinutes = "field_sign_out_minutes";
inline constexpr const char* kFieldCheckInMinutes = "field_check_in_minutes";

}  // namespace soundings::setting
