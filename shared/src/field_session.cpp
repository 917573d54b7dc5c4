// Sign-in delays, sign-out after time unused and check-in reminders: pure functions of the time given.
#include "soundings/field_session.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace soundings {

namespace {
using std::chrono::milliseconds;

milliseconds until(TimePoint from, TimePoint to) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(to - from));
}

int whole_seconds(milliseconds ms) { return static_cast<int>((ms.count() + 999) / 1000); }
}  // namespace

std::chrono::seconds sign_in_delay(int failures) {
  constexpr int kFree = 3;
  if (failures <= kFree) return std::chrono::seconds(0);
  std::chrono::seconds delay(30);
  for (int i = kFree + 1; i < failures && delay < kMaxSignInDelay; ++i) delay *= 2;
  return std::min(delay, kMaxSignInDelay);
}

SignInAttempts after_wrong_secret(SignInAttempts attempts, TimePoint now) {
  if (sign_in_seconds_left(attempts, now) > 0) return attempts;  // a try while waiting is neither made nor counted
  attempts.failures += 1;
  attempts.last_failure = now;
  return attempts;
}

int sign_in_seconds_left(const SignInAttempts& attempts, TimePoint now) {
  if (attempts.failures == 0) return 0;
  return whole_seconds(until(now, attempts.last_failure + sign_in_delay(attempts.failures)));
}

SignOutDecision decide_sign_out(TimePoint last_activity, TimePoint now, std::chrono::minutes sign_out_after) {
  TimePoint at = last_activity + sign_out_after;
  if (now >= at) return {true, milliseconds(0)};
  return {false, until(now, at)};
}

CheckInDecision decide_check_in(TimePoint since, TimePoint now, std::chrono::minutes interval,
                                std::chrono::minutes answer_within) {
  CheckInDecision d;
  d.due_at = since + interval;
  TimePoint missed_at = d.due_at + answer_within;
  if (now < d.due_at) {
    d.next_change = until(now, d.due_at);
  } else if (now < missed_at) {
    d.kind = CheckInDecision::Kind::Ask;
    d.next_change = until(now, missed_at);
    // The countdown shown changes every second.
    d.seconds_left = whole_seconds(d.next_change);
    d.next_change = std::min(d.next_change, milliseconds(1000 - (d.next_change.count() % 1000)));
  } else {
    d.kind = CheckInDecision::Kind::Missed;
  }
  return d;
}

std::chrono::minutes minutes_setting(const std::string& text, std::chrono::minutes fallback) {
  if (text.empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || n < 1 || n > 24 * 60) return fallback;
  return std::chrono::minutes(n);
}

}  // namespace soundings
