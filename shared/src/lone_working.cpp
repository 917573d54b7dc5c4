// Lone working at head office (lone_working.h): overdue, fine or off duty, from the last records received.
#include "soundings/lone_working.h"

namespace soundings {

namespace {

OfficerVerdict from_sign_in(const SignIn& event) {
  switch (event.event) {
    case SignInEvent::SignedOut: return {OfficerState::SignedOut, event.at, event.device_id, ""};
    case SignInEvent::TimedOut: return {OfficerState::TimedOut, event.at, event.device_id, ""};
    case SignInEvent::LockedOut: return {OfficerState::LockedOut, event.at, event.device_id, ""};
    case SignInEvent::SignedIn: break;
  }
  return {OfficerState::Fine, event.at, event.device_id, ""};
}

// Overdue when `since` is longer ago than allowed; a time from the future (a tablet's fast clock) is not.
OfficerVerdict judge_silence(OfficerVerdict verdict, TimePoint now, std::chrono::minutes overdue_after) {
  TimePoint since;
  if (!parse_iso8601_utc(verdict.since, since)) {
    verdict.state = OfficerState::Overdue;
    verdict.reason = "the last record's time cannot be read";
  } else if (now - since > overdue_after) {
    verdict.state = OfficerState::Overdue;
    verdict.reason = "nothing since " + verdict.since + ", more than " + std::to_string(overdue_after.count()) +
                     " minutes ago";
  }
  return verdict;
}

}  // namespace

const char* officer_state_name(OfficerState state) {
  switch (state) {
    case OfficerState::NotOut: return "not out";
    case OfficerState::Fine: return "fine";
    case OfficerState::Overdue: return "OVERDUE";
    case OfficerState::SignedOut: return "signed out";
    case OfficerState::TimedOut: return "timed out";
    case OfficerState::LockedOut: return "locked out";
  }
  return "OVERDUE";
}

OfficerVerdict decide_officer(const OfficerActivity& activity, TimePoint now, std::chrono::minutes overdue_after) {
  const auto& check_in = activity.last_check_in;
  const auto& sign_in = activity.last_sign_in;
  if (!check_in && !sign_in) return {};
  // ISO 8601 UTC times in one form compare as text. A sign-in event at the same second as a check-in is
  // the later: a tablet checks in, then signs out.
  const bool event_is_latest = sign_in && (!check_in || sign_in->at >= check_in->at);
  if (event_is_latest) {
    // Signing in again with the PIN after a missed check-in is the officer's word that they are fine.
    if (sign_in->event == SignInEvent::SignedIn) return judge_silence(from_sign_in(*sign_in), now, overdue_after);
    if (sign_in->event == SignInEvent::SignedOut || !check_in || check_in->status == CheckInStatus::Ok) {
      return from_sign_in(*sign_in);
    }
  }
  if (check_in->status == CheckInStatus::Missed) {
    return {OfficerState::Overdue, check_in->at, check_in->device_id,
            "missed the check-in due at " + check_in->due_at};
  }
  return judge_silence({OfficerState::Fine, check_in->at, check_in->device_id, ""}, now, overdue_after);
}

}  // namespace soundings
