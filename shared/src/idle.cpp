// Idle policy for an unattended kiosk: when to ask "Are you still there?" and when to wipe the session.
#include "soundings/idle.h"

namespace soundings {

IdleDecision decide_idle(TimePoint last_activity, TimePoint now, const IdleSettings& settings) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  // A clock stepped backwards (NTP, a wrong RTC corrected) must never reset a person mid-answer.
  const milliseconds idle = now > last_activity ? duration_cast<milliseconds>(now - last_activity) : milliseconds{0};
  const milliseconds warn_at = settings.warn_after;
  const milliseconds reset_at = warn_at + duration_cast<milliseconds>(settings.reset_after_warning);

  IdleDecision decision;
  if (idle < warn_at) {
    decision.kind = IdleDecision::Kind::Continue;
    decision.next_change = warn_at - idle;
  } else if (idle < reset_at) {
    decision.kind = IdleDecision::Kind::Warn;
    const milliseconds remaining = reset_at - idle;
    const auto whole = (remaining.count() + 999) / 1000;  // rounded up: "1" until the very end
    decision.seconds_left = static_cast<int>(whole);
    // Wake when the count shown drops by one (or at the reset itself).
    decision.next_change = remaining - milliseconds{(whole - 1) * 1000};
  } else {
    decision.kind = IdleDecision::Kind::Reset;
    decision.next_change = milliseconds{0};
  }
  return decision;
}

}  // namespace soundings
