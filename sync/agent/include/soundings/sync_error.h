// Network and hub failures as values: every CURLcode and HTTP status is mapped here, once (after cpr's error.h).
#pragma once

#include <chrono>
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
  Held,          // 429 quarantine_full: head office is holding this device's uploads for now
  NotEnrolled,   // no hub address or token in the store
  Aborted,       // the agent is stopping
  Local,         // the device's own store or set-up failed
};
const char* sync_error_kind_name(SyncErrorKind kind);

struct SyncError {
  SyncErrorKind kind = SyncErrorKind::None;
  std::string message;  // plain English, for staff and logs
  std::chrono::seconds retry_after{0};  // the wait the hub asked for (Retry-After); 0 when it asked none

  bool ok() const { return kind == SyncErrorKind::None; }
};

// What a failure means for the device: the hub could not be reached (try again later)...
bool means_offline(SyncErrorKind kind);

// Maps a libcurl result (a CURLcode, as int to keep curl.h out of this header) to an error.
// `detail` is curl's error buffer text, `url` names the place.
SyncError classify_transport(int curl_code, const std::string& detail, const std::string& url);

// The body of an answer that is not a success, when it is the hub's own error: a JSON media type
// and a body that parsed (within limits) to {"error": "<code>", "message": "..."}.
struct HubErrorBody {
  std::string code;     // the hub's stable error code: "bad_json", "unauthorized", "quarantine_full"...
  std::string message;  // the hub's plain-English reason
};

// Maps an HTTP status to an error; 2xx is success (None), and a 304 when `not_modified_ok`.
// Any other status is the hub's verdict only when `hub_error` is given (the body was the hub's
// error JSON): an HTML page or plain text with a 400, 401 or 500 is a portal or a proxy, so it is
// NotTheHub ("not connected yet"), never a refusal that would put responses aside or ask for
// re-enrolment. `retry_after` is the Retry-After header as sent; it counts only from the hub.
SyncError classify_status(long status, const HubErrorBody* hub_error, const std::string& url,
                          bool not_modified_ok = false, const std::string& retry_after = "");

// Retry-After in whole seconds ("120"); an HTTP date or anything else is 0 (not said).
std::chrono::seconds parse_retry_after(const std::string& header);

}  // namespace soundings::sync
