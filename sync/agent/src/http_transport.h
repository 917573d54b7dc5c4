// Connections to the hub: requests with the agent's timeouts and TLS rules, two at a time at most,
// abortable from another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "soundings/sync_error.h"

namespace soundings::sync {

struct TransportConfig {
  std::string ca_file;  // empty: the system's CA store
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds low_speed_window{20000};
  std::chrono::milliseconds request_timeout{120000};
  std::string user_agent = "soundings-sync";
  size_t max_reply_bytes = 32 * 1024 * 1024;
};

struct HttpRequest {
  bool post = false;
  std::string url;
  const std::string* body = nullptr;  // POST only; not copied: it must outlive the request
  std::string bearer;                 // empty: no Authorization header
  std::string if_none_match;
};

struct HttpReply {
  long status = 0;
  std::string body;
  std::string content_type;  // lower-case, without parameters
  std::string etag;
  std::string retry_after;   // the Retry-After header as sent, empty when none
};

class HttpTransport {
 public:
  static constexpr int kSlots = 2;  // requests that may be under way at once (keep-alive connections)

  explicit HttpTransport(TransportConfig config);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // One request, start to finish. Transport failures only: the caller judges the status and body.
  SyncError perform(const HttpRequest& request, HttpReply& reply);

  // Overlapping requests: start() on a free slot (the request and reply must outlive it), then
  // wait_any() until each started request has come back. A slot is free again once returned.
  SyncError start(int slot, const HttpRequest& request, HttpReply& reply);
  bool busy(int slot) const;
  int busy_count() const;
  // Blocks until a started request finishes; returns its slot (-1 when none is under way).
  int wait_any(SyncError& error);

  // From any thread: makes the requests under way, and every later one, fail at once with Aborted.
  void abort();
  void clear_abort();

 private:
  struct Slot;
  struct Handles;
  SyncError finish(Slot& slot, int curl_code);

  TransportConfig config_;
  std::unique_ptr<Handles> handles_;
  std::atomic<bool> aborting_{false};
};

}  // namespace soundings::sync
