// The one place where libcurl results and HTTP statuses become Soundings sync errors.
#include "soundings/sync_error.h"

#include <curl/curl.h>

namespace soundings::sync {

const char* sync_error_kind_name(SyncErrorKind kind) {
  switch (kind) {
    case SyncErrorKind::None: return "none";
    case SyncErrorKind::Offline: return "offline";
    case SyncErrorKind::Timeout: return "timeout";
    case SyncErrorKind::Tls: return "tls";
    case SyncErrorKind::NotTheHub: return "not_the_hub";
    case SyncErrorKind::ServerError: return "server_error";
    case SyncErrorKind::Unauthorized: return "unauthorized";
    case SyncErrorKind::BadRequest: return "bad_request";
    case SyncErrorKind::NotEnrolled: return "not_enrolled";
    case SyncErrorKind::Aborted: return "aborted";
    case SyncErrorKind::Local: return "local";
  }
  return "unknown";
}

bool means_offline(SyncErrorKind kind) {
  switch (kind) {
    case SyncErrorKind::Offline:
    case SyncErrorKind::Timeout:
    case SyncErrorKind::Tls:
    case SyncErrorKind::NotTheHub:
    case SyncErrorKind::ServerError:
      return true;
    default:
      return false;
  }
}

SyncError classify_transport(int curl_code, const std::string& detail, const std::string& url) {
  const auto code = static_cast<CURLcode>(curl_code);
  if (code == CURLE_OK) return {};
  const std::string what = detail.empty() ? std::string(curl_easy_strerror(code)) : detail;
  const auto make = [&](SyncErrorKind kind, const std::string& lead) {
    return SyncError{kind, lead + " (" + url + ": " + what + ")"};
  };
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return make(SyncErrorKind::Timeout, "The hub did not answer in time");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return make(SyncErrorKind::Offline, "The hub's name could not be found: no network?");
    case CURLE_COULDNT_CONNECT:
      return make(SyncErrorKind::Offline, "Could not connect to the hub");
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return make(SyncErrorKind::Offline, "The connection to the hub was cut");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return make(SyncErrorKind::Tls, "The hub's certificate could not be verified");
    case CURLE_SSL_CACERT_BADFILE:
      return make(SyncErrorKind::Local, "The CA file set for this device cannot be used");
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_FILESIZE_EXCEEDED:
      return make(SyncErrorKind::NotTheHub, "Something that is not the hub answered");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return make(SyncErrorKind::Local, "The hub address is not an http or https URL");
    case CURLE_ABORTED_BY_CALLBACK:
      return make(SyncErrorKind::Aborted, "Sync was stopped");
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
      return make(SyncErrorKind::Local, "The network library failed on this device");
    default:
      return make(SyncErrorKind::Offline, "The hub could not be reached");
  }
}

SyncError classify_status(long status, const std::string& hub_message, const std::string& url,
                          bool not_modified_ok) {
  if (status >= 200 && status < 300) return {};
  if (status == 304 && not_modified_ok) return {};
  const std::string where = " (" + url + ": HTTP " + std::to_string(status) +
                            (hub_message.empty() ? std::string() : ", " + hub_message) + ")";
  if (status >= 300 && status < 400) {
    // The hub never redirects API calls: a redirect is a captive portal's login page.
    return {SyncErrorKind::NotTheHub, "Something that is not the hub answered with a redirect" + where};
  }
  switch (status) {
    case 400:
    case 413:
    case 414:
    case 415:
    case 422:
      return {SyncErrorKind::BadRequest, "The hub refused what was sent" + where};
    case 401:
    case 403:
      return {SyncErrorKind::Unauthorized, "The hub refused this device" + where};
    case 408:
    case 429:
      return {SyncErrorKind::ServerError, "The hub is busy" + where};
    default:
      break;
  }
  if (status >= 500 && status < 600) return {SyncErrorKind::ServerError, "The hub had a problem" + where};
  return {SyncErrorKind::NotTheHub, "Something that is not the hub answered" + where};
}

}  // namespace soundings::sync
