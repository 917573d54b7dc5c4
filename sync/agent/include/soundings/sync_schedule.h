// When the sync agent tries next: backoff with full jitter and the wake-up decision, as pure functions of an injected clock.
#pragma once

#include <chrono>

namespace soundings::sync {

using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

// Full jitter: uniform in [0, min(cap, base * 2^attempt)], picked by `random01` in [0, 1).
// attempt 0 is the first retry after a failure.
Millis next_delay(int attempt, Millis base, Millis cap, double random01);

enum class CycleResult {
  Success,      // the hub was reached and everything it was sent was answered
  Failed,       // offline, timeout, server error, not the hub...: back off
  Refused,      // the token was refused: staff must re-enrol; try rarely
  NotEnrolled,  // nothing to talk to
};

struct ScheduleConfig {
  Millis backoff_base{2000};
  Millis backoff_cap{300000};
  Millis poll_interval{60000};  // pull consultations and send a heartbeat when idle
};

struct SyncSchedule {
  SteadyTime next_due{};  // when the next cycle is due without a nudge
  SteadyTime hold_until{};  // the hub asked for quiet until then (Retry-After): not even a nudge runs earlier
  int failures = 0;       // consecutive failed cycles; 0 after a success
  bool nudged = false;    // a response was saved or the network came back: try at once
};

// A response was saved or the network came back.
SyncSchedule nudge(SyncSchedule schedule);

// The hub's Retry-After as the agent obeys it: a hub, or a fault, asking for no wait or for a day
// gets kMinHubWait or kMaxHubWait. 0 (not asked) stays 0.
constexpr Millis kMinHubWait{5 * 1000};
constexpr Millis kMaxHubWait{60 * 60 * 1000};
Millis hub_wait(std::chrono::seconds asked);

// After a cycle: a success resets the backoff and waits for the poll interval; a failure waits
// next_delay(failures - 1), and at least hub_wait(hub_asked) when the hub asked for a wait (then
// nudges wait too); refused and not enrolled wait for the cap without growing.
SyncSchedule after_cycle(SyncSchedule schedule, CycleResult result, SteadyTime now, const ScheduleConfig& config,
                         double random01, std::chrono::seconds hub_asked = std::chrono::seconds{0});

struct WakeDecision {
  bool run_now = false;
  Millis wait{0};  // when not running now: how long to sleep (a nudge may cut it short)
};
WakeDecision decide_wake(const SyncSchedule& schedule, SteadyTime now);

// Starting a cycle consumes the nudge that caused it.
SyncSchedule begin_cycle(SyncSchedule schedule);

}  // namespace soundings::sync
