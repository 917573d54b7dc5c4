// A field tablet's timing decisions with a fake clock: sign-in delays, sign-out after time unused, check-ins.
#include <catch2/catch.hpp>

#include "soundings/field_session.h"

using namespace soundings;
using namespace std::chrono_literals;

TEST_CASE("three wrong PINs cost nothing, then each wait doubles from 30 seconds up to 15 minutes", "[field_session]") {
  CHECK(sign_in_delay(0) == 0s);
  CHECK(sign_in_delay(3) == 0s);
  CHECK(sign_in_delay(4) == 30s);
  CHECK(sign_in_delay(5) == 60s);
  CHECK(sign_in_delay(6) == 120s);
  CHECK(sign_in_delay(9) == 900s);
  CHECK(sign_in_delay(40) == kMaxSignInDelay);
}

TEST_CASE("a try during the wait is not counted, and the wait counts down in whole seconds", "[field_session]") {
  ManualTimeSource clock;
  SignInAttempts attempts;
  for (int i = 0; i < 4; ++i) attempts = after_wrong_secret(attempts, clock.now());
  CHECK(attempts.failures == 4);
  CHECK(sign_in_seconds_left(attempts, clock.now()) == 30);
  clock.advance(10500ms);
  attempts = after_wrong_secret(attempts, clock.now());
  CHECK(attempts.failures == 4);
  CHECK(sign_in_seconds_left(attempts, clock.now()) == 20);
  clock.advance(20s);
  CHECK(sign_in_seconds_left(attempts, clock.now()) == 0);
  attempts = after_wrong_secret(attempts, clock.now());
  CHECK(sign_in_seconds_left(attempts, clock.now()) == 60);
}

TEST_CASE("an officer is signed out when the set minutes pass unused, and not a moment before", "[field_session]") {
  ManualTimeSource clock;
  TimePoint last = clock.now();
  clock.advance(19min + 59s);
  SignOutDecision d = decide_sign_out(last, clock.now(), 20min);
  CHECK_FALSE(d.sign_out);
  CHECK(d.next_change == 1s);
  clock.advance(1s);
  CHECK(decide_sign_out(last, clock.now(), 20min).sign_out);
}

TEST_CASE("a check-in is asked at the interval, counts down for five minutes, then is missed", "[field_session]") {
  ManualTimeSource clock;
  TimePoint since = clock.now();
  clock.advance(59min);
  CheckInDecision d = decide_check_in(since, clock.now(), 60min);
  CHECK(d.kind == CheckInDecision::Kind::NotDue);
  CHECK(d.next_change == 1min);
  clock.advance(1min);
  d = decide_check_in(since, clock.now(), 60min);
  CHECK(d.kind == CheckInDecision::Kind::Ask);
  CHECK(d.due_at == since + 60min);
  CHECK(d.seconds_left == 300);
  CHECK(d.next_change == 1s);
  clock.advance(4min + 59s);
  CHECK(decide_check_in(since, clock.now(), 60min).kind == CheckInDecision::Kind::Ask);
  clock.advance(1s);
  CHECK(decide_check_in(since, clock.now(), 60min).kind == CheckInDecision::Kind::Missed);
}

TEST_CASE("a minutes setting that is missing or nonsense falls back to the default", "[field_session]") {
  CHECK(minutes_setting("", 20min) == 20min);
  CHECK(minutes_setting("45", 20min) == 45min);
  CHECK(minutes_setting("0", 20min) == 20min);
  CHECK(minutes_setting("ten", 20min) == 20min);
  CHECK(minutes_setting("9999", 60min) == 60min);
}
