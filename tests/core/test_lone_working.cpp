// Lone working at head office: the overdue decision, with a fake clock.
#include <catch2/catch.hpp>

#include "soundings/lone_working.h"

using namespace soundings;
using std::chrono::minutes;

namespace {

TimePoint at(const std::string& text) {
  TimePoint when;
  REQUIRE(parse_iso8601_utc(text, when));
  return when;
}

CheckIn check_in(CheckInStatus status, const std::string& time) {
  CheckIn record;
  record.staff_id = "officer-1";
  record.device_id = "tablet-1";
  record.status = status;
  record.due_at = time;
  record.at = time;
  return record;
}

SignIn sign_in(SignInEvent event, const std::string& time) {
  SignIn record;
  record.staff_id = "officer-1";
  record.device_id = "tablet-1";
  record.event = event;
  record.at = time;
  return record;
}

OfficerState state_at(const OfficerActivity& activity, const std::string& now) {
  return decide_officer(activity, at(now), minutes(75)).state;
}

}  // namespace

TEST_CASE("an officer with no records has not been out", "[lone_working]") {
  CHECK(state_at({}, "2026-12-02T12:00:00Z") == OfficerState::NotOut);
}

TEST_CASE("a recent ok check-in is fine and one older than the allowance is overdue", "[lone_working]") {
  const OfficerActivity activity{check_in(CheckInStatus::Ok, "2026-12-02T10:00:00Z"),
                                 sign_in(SignInEvent::SignedIn, "2026-12-02T09:00:00Z")};
  CHECK(state_at(activity, "2026-12-02T11:15:00Z") == OfficerState::Fine);
  const auto late = decide_officer(activity, at("2026-12-02T11:15:01Z"), minutes(75));
  CHECK(late.state == OfficerState::Overdue);
  CHECK(late.since == "2026-12-02T10:00:00Z");
  CHECK(late.device_id == "tablet-1");
  CHECK(late.reason.find("2026-12-02T10:00:00Z") != std::string::npos);
}

TEST_CASE("a missed check-in is overdue at once and stays so until the officer answers", "[lone_working]") {
  OfficerActivity activity{check_in(CheckInStatus::Missed, "2026-12-02T10:00:00Z"),
                           sign_in(SignInEvent::SignedIn, "2026-12-02T09:00:00Z")};
  const auto verdict = decide_officer(activity, at("2026-12-02T10:00:30Z"), minutes(75));
  CHECK(verdict.state == OfficerState::Overdue);
  CHECK(verdict.reason.find("missed") != std::string::npos);
  // The tablet signing itself out does not clear it.
  activity.last_sign_in = sign_in(SignInEvent::TimedOut, "2026-12-02T10:20:00Z");
  CHECK(state_at(activity, "2026-12-02T10:30:00Z") == OfficerState::Overdue);
  // A later ok check-in does.
  activity.last_check_in = check_in(CheckInStatus::Ok, "2026-12-02T10:40:00Z");
  CHECK(state_at(activity, "2026-12-02T10:45:00Z") == OfficerState::Fine);
}

TEST_CASE("signing out after the last check-in ends the watch, even after a missed one", "[lone_working]") {
  const OfficerActivity activity{check_in(CheckInStatus::Missed, "2026-12-02T16:00:00Z"),
                                 sign_in(SignInEvent::SignedOut, "2026-12-02T16:05:00Z")};
  CHECK(state_at(activity, "2026-12-03T02:00:00Z") == OfficerState::SignedOut);
}

TEST_CASE("a tablet that signed itself out after an ok check-in raises no alarm", "[lone_working]") {
  const OfficerActivity activity{check_in(CheckInStatus::Ok, "2026-12-02T16:00:00Z"),
                                 sign_in(SignInEvent::TimedOut, "2026-12-02T16:30:00Z")};
  CHECK(state_at(activity, "2026-12-03T02:00:00Z") == OfficerState::TimedOut);
}

TEST_CASE("signed in but not yet checked in runs from the sign-in", "[lone_working]") {
  const OfficerActivity activity{std::nullopt, sign_in(SignInEvent::SignedIn, "2026-12-02T09:00:00Z")};
  CHECK(state_at(activity, "2026-12-02T10:00:00Z") == OfficerState::Fine);
  CHECK(state_at(activity, "2026-12-02T10:16:00Z") == OfficerState::Overdue);
}

TEST_CASE("signing in again after a missed check-in is the officer's word that they are fine", "[lone_working]") {
  const OfficerActivity activity{check_in(CheckInStatus::Missed, "2026-12-02T10:00:00Z"),
                                 sign_in(SignInEvent::SignedIn, "2026-12-02T10:10:00Z")};
  CHECK(state_at(activity, "2026-12-02T10:20:00Z") == OfficerState::Fine);
}

TEST_CASE("a check-in stamped in the future by a fast tablet clock is not overdue", "[lone_working]") {
  const OfficerActivity activity{check_in(CheckInStatus::Ok, "2026-12-02T13:00:00Z"), std::nullopt};
  CHECK(state_at(activity, "2026-12-02T12:00:00Z") == OfficerState::Fine);
}
