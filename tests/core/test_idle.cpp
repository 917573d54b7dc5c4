// Idle policy: warning, countdown and reset on an unattended kiosk, driven by a simulated clock.
#include <catch2/catch.hpp>

#include "soundings/idle.h"

using namespace soundings;
using namespace std::chrono_literals;
using Kind = IdleDecision::Kind;

TEST_CASE("the defaults warn after 60 seconds and reset 30 seconds later", "[idle]") {
  const IdleSettings settings;
  CHECK(settings.warn_after == 60s);
  CHECK(settings.reset_after_warning == 30s);
  CHECK(settings.reset_after_warning >= 20s);  // REQUIREMENTS A4
}

TEST_CASE("an active kiosk continues and sleeps until the warning is due", "[idle]") {
  ManualTimeSource clock;
  const TimePoint last = clock.now();
  clock.advance(59s);
  const auto decision = decide_idle(last, clock.now(), IdleSettings{});
  CHECK(decision.kind == Kind::Continue);
  CHECK(decision.next_change == 1s);
}

TEST_CASE("after 60 seconds the warning shows 30 seconds left and counts down", "[idle]") {
  ManualTimeSource clock;
  const TimePoint last = clock.now();
  clock.advance(60s);
  auto decision = decide_idle(last, clock.now(), IdleSettings{});
  CHECK(decision.kind == Kind::Warn);
  CHECK(decision.seconds_left == 30);
  CHECK(decision.next_change == 1s);

  clock.advance(10500ms);
  decision = decide_idle(last, clock.now(), IdleSettings{});
  CHECK(decision.kind == Kind::Warn);
  CHECK(decision.seconds_left == 20);  // 19.5 s rounds up
  CHECK(decision.next_change == 500ms);

  clock.advance(19499ms);
  decision = decide_idle(last, clock.now(), IdleSettings{});
  CHECK(decision.kind == Kind::Warn);
  CHECK(decision.seconds_left == 1);
}

TEST_CASE("after 90 seconds of nothing the session is reset", "[idle]") {
  ManualTimeSource clock;
  const TimePoint last = clock.now();
  clock.advance(90s);
  CHECK(decide_idle(last, clock.now(), IdleSettings{}).kind == Kind::Reset);
  clock.advance(1h);
  CHECK(decide_idle(last, clock.now(), IdleSettings{}).kind == Kind::Reset);
}

TEST_CASE("continuing is one action and works at least ten times in a row", "[idle]") {
  ManualTimeSource clock;
  TimePoint last = clock.now();
  for (int round = 0; round < 12; ++round) {
    clock.advance(85s);
    const auto warning = decide_idle(last, clock.now(), IdleSettings{});
    REQUIRE(warning.kind == Kind::Warn);
    REQUIRE(warning.seconds_left == 5);
    last = clock.now();  // the one tap on "continue"
    REQUIRE(decide_idle(last, clock.now(), IdleSettings{}).kind == Kind::Continue);
  }
}

TEST_CASE("a clock stepped backwards never resets a session", "[idle]") {
  ManualTimeSource clock;
  const TimePoint last = clock.now();
  const auto decision = decide_idle(last, last - 10min, IdleSettings{});
  CHECK(decision.kind == Kind::Continue);
  CHECK(decision.next_change == 60s);
}

TEST_CASE("custom settings are honoured", "[idle]") {
  ManualTimeSource clock;
  const TimePoint last = clock.now();
  const IdleSettings settings{120s, 45s};
  clock.advance(130s);
  const auto decision = decide_idle(last, clock.now(), settings);
  CHECK(decision.kind == Kind::Warn);
  CHECK(decision.seconds_left == 35);
  clock.advance(35s);
  CHECK(decide_idle(last, clock.now(), settings).kind == Kind::Reset);
}
