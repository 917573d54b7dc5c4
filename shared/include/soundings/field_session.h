// A field tablet's timing decisions as pure functions of an injected clock: the growing delay after wrong
// PINs at sign-in, signing an officer out after time unused, and lone-working check-in reminders.
#pragma once

#include <chrono>

#include <string>

#include "soundings/clock.h"

namespace soundings {

// Defaults for the settings setting::kFieldSignOutMinutes and setting::kFieldCheckInMinutes.
inline constexpr std::chrono::minutes kDefaultFieldSignOut{20};
inline constexpr std::chrono::minutes kDefaultFieldCheckIn{60};
// How long a check-in reminder waits for "I'm OK" before it is recorded as missed.
inline constexpr std::chrono::minutes kCheckInAnswerWithin{5};
// The longest wait after wrong PINs: long enough to make guessing hopeless, short enough for a real officer.
inline constexpr std::chrono::seconds kMaxSignInDelay{15 * 60};

// The wait before the next try after `failures` wrong PINs in a row: none for the first three, then 30 s,
// doubling with each further failure up to kMaxSignInDelay.
std::chrono::seconds sign_in_delay(int failures);

// Wrong PINs on this tablet since the last right one (for any officer: trying each name in turn is no way round).
struct SignInAttempts {
  int failures = 0;
  TimePoint last_failure{};
};
SignInAttempts after_wrong_secret(SignInAttempts attempts, TimePoint now);
// Whole seconds (rounded up) before another try is allowed; 0 when one is allowed now.
int sign_in_seconds_left(const SignInAttempts& attempts, TimePoint now);

// Whether an officer left signed in should be signed out now, and when that could next change.
struct SignOutDecision {
  bool sign_out = false;
  std::chrono::milliseconds next_change{0};
};
SignOutDecision decide_sign_out(TimePoint last_activity, TimePoint now, std::chrono::minutes sign_out_after);

// Lone working: a reminder `interval` after `since` (sign-in, or the last check-in made or missed), asked until
// `answer_within` has passed, then missed.
struct CheckInDecision {
  enum class Kind { NotDue, Ask, Missed };
  Kind kind = Kind::NotDue;
  TimePoint due_at{};
  int seconds_left = 0;  // while asking: whole seconds until it counts as missed
  std::chrono::milliseconds next_change{0};
};
CheckInDecision decide_check_in(TimePoint since, TimePoint now, std::chrono::minutes interval,
                                std::chrono::minutes answer_within = kCheckInAnswerWithin);

// A minutes setting as stored ("20"), or `fallback` when empty, not a whole number or outside 1..1440.
std::chrono::minutes minutes_setting(const std::string& text, std::chrono::minutes fallback);

}  // namespace soundings
