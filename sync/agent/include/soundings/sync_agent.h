// The sync agent: pushes the outbox to head office and pulls consultations, on its own thread or once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "soundings/store.h"

namespace soundings::sync {

// What the UI shows of sync (STYLE: a status enum plus the last error text).
enum class SyncState {
  NotEnrolled,  // no hub address or token in the store
  Offline,      // hub not reachable, or something that is not the hub answered (captive portal)
  Syncing,      // a push or pull is under way
  Online,       // last contact with the hub succeeded
  Refused,      // the hub refused this device (token revoked): staff must re-enrol
};
const char* sync_state_name(SyncState state);

struct SyncStatus {
  SyncState state = SyncState::NotEnrolled;
  int64_t waiting = 0;          // responses not yet confirmed
  int64_t needs_review = 0;     // conflicts and rejections kept on the device for staff
  std::string last_success_at;  // ISO 8601 UTC, empty if never
  std::string last_error;       // plain English, empty after a success
  uint64_t consultations_generation = 0;  // bumps when pulled consultations, feedback or the staff list changed
};

struct AgentConfig {
  std::string hub_url_override;                 // empty: the enrolled hub address
  std::string ca_file;                          // a council's own CA; empty: system store
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds low_speed_window{20};    // abort when under 1 byte/s for this long
  std::chrono::seconds request_timeout{120};    // a whole request, upload and answer included
  size_t batch_max_count = 500;
  size_t batch_max_bytes = 4 * 1024 * 1024;
  std::chrono::seconds backoff_base{2};
  std::chrono::seconds backoff_cap{300};
  std::chrono::seconds poll_interval{60};       // pull consultations / heartbeat when idle
  std::string app_version = "0.1.0";
};

struct OnceOutcome {
  int64_t pushed = 0;      // confirmed this run (stored or duplicate)
  int64_t waiting = 0;     // still pending afterwards
  int64_t needs_review = 0;
  int consultations_updated = 0;
  bool reached_hub = false;
  std::string error;       // empty when the hub was reached and answered
};

// Enrols the store with a hub: stores hub URL, device id, token and the hub's sealing key.
// Blocks for up to the config's timeouts (two requests): never call it from a UI frame.
// Errors: InvalidInput for a bad address, CA file or a refused code, NotFound when the hub could
// not be reached (or something else answered), Storage when the store failed. A refused code or
// an unreachable hub changes nothing in the store.
Status enrol(Store& store, const std::string& hub_url, const std::string& code, const std::string& device_name,
             const AgentConfig& config = {});

class SyncAgent {
 public:
  SyncAgent(Store& store, AgentConfig config);
  ~SyncAgent();  // stops the thread
  SyncAgent(const SyncAgent&) = delete;
  SyncAgent& operator=(const SyncAgent&) = delete;

  // Pushes everything waiting and pulls consultations once, on the calling thread (after any
  // cycle the background thread has under way).
  OnceOutcome run_once();

  // Background thread: never blocks the caller.
  void start();
  void stop();
  void notify_response_saved();                     // try at once
  SyncStatus status() const;                        // thread-safe snapshot
  void set_on_change(std::function<void()> callback);  // called from the sync thread (e.g. glfwPostEmptyEvent)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace soundings::sync
