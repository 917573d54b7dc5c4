// Network and hub failures as values: every CURLcode and HTTP status is mapped here, once (after cpr's error.h).
#pragma once

#include <string>

namespace soundings::sync {

enum class SyncErrorKind {
  None,
  Offline,       // no network, name not found, connection refused or reset
  Timeout,       // connect, low-speed or whole-request timeout
  Tls,           // certificate or handshake failure (verification is never turned off)
  NotTheHub,     // a redirect, HTML, a non-JSON or unexpected answer: a captive portal or another server
  ServerError,   // 5xx, 408 or 429: the hub is there but cannot take it now
  Unauthorized,  // 401/403: the token is unknown or revoked, or an enrolment code is refused
  BadRequest,    // 400/413/414/415/422: the hub refused what was sent
  NotEnrolled,   // no hub address or token in the store
  Aborted,       // the agent is stopping
  Local,         // the device's own store or set-up failed
};
const char* sync_error_kind_name(SyncErrorKind kind);

struct SyncError {
  SyncErrorKind kind = SyncErrorKind::None;
  std::string message;  // plain English, for staff and logs

  bool ok() const { return kind == SyncErrorKind::None; }
};

// What a failure means for the device: the hub could not be reached (try again later)...
bool means_offline(SyncErrorKind kind);

// Maps a libcurl result (a CURLcode, as int to keep curl.h out of this header) to an error.
// `detail` is curl's error buffer text, `url` names the place.
SyncError classify_transport(int curl_code, const std::string& detail, const std::string& url);

// Maps an HTTP status to an error; 2xx is success (None). `hub_message` is the "message" of the
// hub's JSON error body when there was one. A 304 is success only when `not_modified_ok`.
SyncError classify_status(long status, const std::string& hub_message, const std::string& url,
                          bool not_modified_ok = false);

}  // namespace soundings::sync
