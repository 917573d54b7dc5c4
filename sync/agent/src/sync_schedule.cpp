// Backoff and wake-up decisions for the sync thread; no clock or randomness of their own, so tests drive them.
#include "soundings/sync_schedule.h"

#include <algorithm>

namespace soundings::sync {

Millis next_delay(int attempt, Millis base, Millis cap, double random01) {
  if (base.count() <= 0 || cap.count() <= 0) return Millis{0};
  attempt = std::clamp(attempt, 0, 40);
  // Doubling stops at the cap, so the shift never overflows.
  int64_t ceiling = base.count();
  for (int i = 0; i < attempt && ceiling < cap.count(); ++i) ceiling *= 2;
  ceiling = std::min<int64_t>(ceiling, cap.count());
  const double r = std::clamp(random01, 0.0, 1.0);
  return Millis{static_cast<int64_t>(r * static_cast<double>(ceiling))};
}

SyncSchedule nudge(SyncSchedule schedule) {
  schedule.nudged = true;
  return schedule;
}

SyncSchedule begin_cycle(SyncSchedule schedule) {
  schedule.nudged = false;
  return schedule;
}

Millis hub_wait(std::chrono::seconds asked) {
  if (asked.count() <= 0) return Millis{0};
  return std::clamp<Millis>(std::chrono::duration_cast<Millis>(asked), kMinHubWait, kMaxHubWait);
}

SyncSchedule after_cycle(SyncSchedule schedule, CycleResult result, SteadyTime now, const ScheduleConfig& config,
                         double random01, std::chrono::seconds hub_asked) {
  schedule.hold_until = SteadyTime{};
  switch (result) {
    case CycleResult::Success:
      schedule.failures = 0;
      schedule.next_due = now + config.poll_interval;
      break;
    case CycleResult::Failed: {
      const Millis asked = hub_wait(hub_asked);
      const Millis backoff = next_delay(schedule.failures, config.backoff_base, config.backoff_cap, random01);
      schedule.next_due = now + std::max(backoff, asked);
      if (asked.count() > 0) schedule.hold_until = now + asked;
      ++schedule.failures;
      break;
    }
    case CycleResult::Refused:
    case CycleResult::NotEnrolled:
      schedule.failures = 0;
      schedule.next_due = now + config.backoff_cap;
      break;
  }
  return schedule;
}

WakeDecision decide_wake(const SyncSchedule& schedule, SteadyTime now) {
  // A saved response or a network change does not override the hub's own "not before".
  if (now < schedule.hold_until) return {false, std::chrono::ceil<Millis>(schedule.hold_until - now)};
  if (schedule.nudged || now >= schedule.next_due) return {true, Millis{0}};
  return {false, std::chrono::ceil<Millis>(schedule.next_due - now)};
}

}  // namespace soundings::sync
