// The device store settings the sync agent reads and writes (documented in sync/PROTOCOL.md, "Device side").
#pragma once

namespace soundings::sync::setting {

inline constexpr const char* kHubUrl = "hub_url";                // enrolled hub address, e.g. https://hub.example.gov.uk
inline constexpr const char* kHubId = "hub_id";                  // the hub's id from enrolment; /health must match it
inline constexpr const char* kDeviceId = "device_id";            // set from the hub at enrolment
inline constexpr const char* kDeviceToken = "device_token";      // bearer token; never shown or logged
inline constexpr const char* kSealPublicKey = "seal_public_key";  // head office's sealing key (base64)
inline constexpr const char* kDeviceName = "device_name";        // the name given at enrolment
inline constexpr const char* kConsultationsEtag = "consultations_etag";    // last pull's ETag
inline constexpr const char* kConsultationStatus = "consultation_status";  // JSON {"<id>": "open"|"closed"|...}
inline constexpr const char* kLastSyncSuccessAt = "last_sync_success_at";  // ISO 8601 UTC

}  // namespace soundings::sync::setting

namespace soundings::sync {

// The device store's file name inside a data folder (soundings-sync --data DIR, the kiosk's data folder).
inline constexpr const char* kDeviceStoreFile = "device.sqlite";

}  // namespace soundings::sync
