// Idle policy for an unattended kiosk: a pure function of the last activity, now and settings.
#pragma once

#include <chrono>

#include "soundings/clock.h"

namespace soundings {

struct IdleSettings {
  std::chrono::seconds warn_after{60};           // inactivity before "Are you still there?"
  std::chrono::seconds reset_after_warning{30};  // further inactivity before the session is wiped (A4: >= 20 s)
};

struct IdleDecision {
  enum class Kind { Continue, Warn, Reset };
  Kind kind = Kind::Continue;
  int seconds_left = 0;  // while warning: whole seconds until reset, rounded up
  // How long until the decision can next change: the UI sleeps this long at most.
  std::chrono::milliseconds next_change{0};
};

// Continuing after a warning is recording activity (last_activity = now): one tap, unlimited times.
IdleDecision decide_idle(TimePoint last_activity, TimePoint now, const IdleSettings& settings);

}  // namespace soundings
