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
    case SyncErrorKind::Held: return "held";
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
      return make(SyncErrorKind::Tls,
                  "A secure connection to the hub could not be made; check whether its address should start "
                  "with https:// (a hub with a certificate) or http://");
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

std::chrono::seconds parse_retry_after(const std::string& header) {
  const auto first = header.find_first_not_of(" \t");
  const auto last = header.find_last_not_of(" \t");
  if (first == std::string::npos) return std::chrono::seconds{0};
  const std::string digits = header.substr(first, last - first + 1);
  // Nine digits are thirty years: more is not a wait anyone means, and would overflow.
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::chrono::seconds{0};
  }
  return std::chrono::seconds{std::stoll(digits)};
}

SyncError classify_status(long status, const HubErrorBody* hub_error, const std::string& url,
                          bool not_modified_ok, const std::string& retry_after) {
  if (status >= 200 && status < 300) return {};
  if (status == 304 && not_modified_ok) return {};
  const std::string where = " (" + url + ": HTTP " + std::to_string(status) +
                            (hub_error == nullptr ? std::string() : ", " + hub_error->message) + ")";
  if (status >= 300 && status < 400) {
    // The hub never redirects API calls: a redirect is a captive portal's login page.
    return {SyncErrorKind::NotTheHub, "Something that is not the hub answered with a redirect" + where};
  }
  if (hub_error == nullptr) {
    // Only the hub's JSON is its verdict: a portal or proxy page with a 4xx or 5xx changes nothing.
    return {SyncErrorKind::NotTheHub,
            "Something that is not the hub answered: the network is not ready yet" + where};
  }
  const auto from_hub = [&](SyncErrorKind kind, const std::string& lead) {
    return SyncError{kind, lead + where, parse_retry_after(retry_after)};
  };
  if (status == 429 && hub_error->code == "quarantine_full") {
    return from_hub(SyncErrorKind::Held,
                    "Head office is holding this device's uploads for now; they are kept safe here and will be "
                    "sent when head office is ready");
  }
  if (status == 400 && hub_error->code == "bad_body") {
    // The hub's own word that the upload was cut on the way: the network's fault, not the responses'.
    return from_hub(SyncErrorKind::ServerError, "The upload was cut before the hub had all of it");
  }
  if (status == 403 && hub_error->code == "not_a_field_device") {
    // The device's own idea of its role is wrong; its token is fine, so this is no reason to stop syncing.
    return from_hub(SyncErrorKind::Local, "Head office has this device down as a kiosk, not a field tablet");
  }
  switch (status) {
    case 400:
    case 413:
    case 414:
    case 415:
    case 422:
      return from_hub(SyncErrorKind::BadRequest, "The hub refused what was sent");
    case 401:
    case 403:
      return from_hub(SyncErrorKind::Unauthorized, "The hub refused this device");
    case 408:
    case 429:
      return from_hub(SyncErrorKind::ServerError, "The hub is busy");
    default:
      break;
  }
  if (status >= 500 && status < 600) return from_hub(SyncErrorKind::ServerError, "The hub had a problem");
  return {SyncErrorKind::NotTheHub, "Something that is not the hub answered" + where};
}

}  // namespace soundings::sync
