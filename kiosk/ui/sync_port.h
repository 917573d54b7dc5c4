// What the kiosk sees of the sync agent: a status snapshot and a nudge, so the UI builds and tests without it.
#pragma once

#include <cstdint>
#include <string>

namespace soundings::kiosk {

struct SyncSnapshot {
  std::string state = "not_enrolled";  // not_enrolled, offline, syncing, online or refused
  int64_t waiting = 0;
  int64_t needs_review = 0;
  std::string last_success_at;
  std::string last_error;
  uint64_t consultations_generation = 0;  // bumps when the hub sent new consultations, feedback or staff list
};

class SyncPort {
 public:
  virtual ~SyncPort() = default;
  virtual SyncSnapshot status() const = 0;  // thread-safe, cheap
  virtual void response_saved() = 0;        // a response was committed: push soon
};

}  // namespace soundings::kiosk
