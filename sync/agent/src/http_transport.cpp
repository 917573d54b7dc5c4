// libcurl behind the agent: one multi handle around a few reused easy handles, so keep-alive works,
// two batches can be at the hub at once, and stop() can wake a transfer at any moment.
#include "http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

namespace soundings::sync {

namespace {

std::once_flag curl_global_once;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

struct Sink {
  HttpReply* reply = nullptr;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t bytes = size * count;
  if (sink->reply->body.size() + bytes > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  sink->reply->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* reply = static_cast<HttpReply*>(user);
  const size_t bytes = size * count;
  const std::string line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {  // a new status line (after a 100 Continue): forget earlier headers
    reply->content_type.clear();
    reply->etag.clear();
    reply->retry_after.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return bytes;
  const std::string name = lower(trim(line.substr(0, colon)));
  const std::string value = trim(line.substr(colon + 1));
  if (name == "content-type") {
    reply->content_type = lower(trim(value.substr(0, value.find(';'))));
  } else if (name == "etag") {
    reply->etag = value;
  } else if (name == "retry-after") {
    reply->retry_after = value;
  }
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* aborting = static_cast<const std::atomic<bool>*>(user);
  return aborting->load() ? 1 : 0;
}

long whole_seconds_at_least_one(std::chrono::milliseconds duration) {
  return std::max<long>(1, static_cast<long>((duration.count() + 999) / 1000));
}

}  // namespace

struct HttpTransport::Slot {
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  struct curl_slist* headers = nullptr;
  Sink sink;
  std::string url;
  bool active = false;
};

struct HttpTransport::Handles {
  CURLM* multi = nullptr;
  std::array<Slot, kSlots> slots;
};

HttpTransport::HttpTransport(TransportConfig config) : config_(std::move(config)), handles_(new Handles) {
  std::call_once(curl_global_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  handles_->multi = curl_multi_init();
  for (Slot& slot : handles_->slots) {
    slot.easy = curl_easy_init();
    CURL* easy = slot.easy;
    if (easy == nullptr) continue;  // start() reports it
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, slot.error);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    // A redirect is what a captive portal does: it must fail, never be followed.
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, config_.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, whole_seconds_at_least_one(config_.low_speed_window));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.request_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(config_.max_reply_bytes));
    curl_easy_setopt(easy, CURLOPT_USERAGENT, config_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &aborting_);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &slot.sink);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  }
}

HttpTransport::~HttpTransport() {
  for (Slot& slot : handles_->slots) {
    if (slot.active) curl_multi_remove_handle(handles_->multi, slot.easy);
    if (slot.easy != nullptr) curl_easy_cleanup(slot.easy);
    curl_slist_free_all(slot.headers);
  }
  if (handles_->multi != nullptr) curl_multi_cleanup(handles_->multi);
}

void HttpTransport::abort() {
  aborting_ = true;
  if (handles_->multi != nullptr) curl_multi_wakeup(handles_->multi);
}

void HttpTransport::clear_abort() { aborting_ = false; }

bool HttpTransport::busy(int slot) const { return handles_->slots.at(static_cast<size_t>(slot)).active; }

int HttpTransport::busy_count() const {
  return static_cast<int>(std::count_if(handles_->slots.begin(), handles_->slots.end(),
                                        [](const Slot& slot) { return slot.active; }));
}

SyncError HttpTransport::start(int slot_index, const HttpRequest& request, HttpReply& reply) {
  reply = HttpReply{};
  if (aborting_) return {SyncErrorKind::Aborted, "Sync was stopped"};
  Slot& slot = handles_->slots.at(static_cast<size_t>(slot_index));
  if (slot.active) return {SyncErrorKind::Local, "Internal: a request slot was reused while busy"};
  if (slot.easy == nullptr || handles_->multi == nullptr) {
    return {SyncErrorKind::Local, "The network library could not start on this device"};
  }
  CURL* easy = slot.easy;
  curl_slist_free_all(slot.headers);
  slot.headers = nullptr;
  slot.headers = curl_slist_append(slot.headers, "Accept: application/json");
  // Waiting for "100 Continue" before a large batch only adds a round trip.
  slot.headers = curl_slist_append(slot.headers, "Expect:");
  if (request.post) slot.headers = curl_slist_append(slot.headers, "Content-Type: application/json");
  if (!request.bearer.empty()) {
    slot.headers = curl_slist_append(slot.headers, ("Authorization: Bearer " + request.bearer).c_str());
  }
  if (!request.if_none_match.empty()) {
    slot.headers = curl_slist_append(slot.headers, ("If-None-Match: " + request.if_none_match).c_str());
  }
  slot.sink = Sink{&reply, config_.max_reply_bytes, false};
  slot.url = request.url;
  slot.error[0] = '\0';
  curl_easy_setopt(easy, CURLOPT_URL, slot.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, slot.headers);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &reply);
  if (request.post) {
    const char* data = request.body != nullptr ? request.body->data() : "";
    const size_t size = request.body != nullptr ? request.body->size() : 0;
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, data);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(size));
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
  if (curl_multi_add_handle(handles_->multi, easy) != CURLM_OK) {
    return {SyncErrorKind::Local, "The network library could not start a request on this device"};
  }
  slot.active = true;
  return {};
}

SyncError HttpTransport::finish(Slot& slot, int curl_code) {
  curl_multi_remove_handle(handles_->multi, slot.easy);
  slot.active = false;
  curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(slot.headers);
  slot.headers = nullptr;
  curl_easy_getinfo(slot.easy, CURLINFO_RESPONSE_CODE, &slot.sink.reply->status);
  if (slot.sink.too_large) {
    return {SyncErrorKind::NotTheHub, "The answer from " + slot.url + " was larger than " +
                                          std::to_string(config_.max_reply_bytes) + " bytes: not the hub"};
  }
  if (aborting_) return {SyncErrorKind::Aborted, "Sync was stopped"};
  return classify_transport(curl_code, slot.error, slot.url);
}

int HttpTransport::wait_any(SyncError& error) {
  CURLM* multi = handles_->multi;
  // Bounded by curl's own connect, low-speed and whole-request timeouts, and by abort().
  while (busy_count() > 0) {
    int running = 0;
    const bool perform_failed = curl_multi_perform(multi, &running) != CURLM_OK;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
      if (slot == nullptr || !slot->active) continue;
      // The message is only valid until the handle leaves the multi: read the result first.
      const int result = static_cast<int>(message->data.result);
      error = finish(*slot, result);
      return static_cast<int>(slot - handles_->slots.data());
    }
    if (aborting_ || perform_failed) {
      for (Slot& slot : handles_->slots) {
        if (!slot.active) continue;
        error = finish(slot, perform_failed ? CURLE_FAILED_INIT : CURLE_ABORTED_BY_CALLBACK);
        return static_cast<int>(&slot - handles_->slots.data());
      }
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  error = {};
  return -1;
}

SyncError HttpTransport::perform(const HttpRequest& request, HttpReply& reply) {
  if (busy_count() > 0) return {SyncErrorKind::Local, "Internal: perform() while other requests are under way"};
  if (auto error = start(0, request, reply); !error.ok()) return error;
  SyncError error;
  wait_any(error);
  return error;
}

}  // namespace soundings::sync
