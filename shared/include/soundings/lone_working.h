// Lone working at head office: from an officer's last check-in and last sign-in event, whether they are in
// the field and fine, overdue, or off duty. A pure decision with the time passed in, so that it is tested
// with a fake clock and `soundings-hub field` only reads and prints.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "soundings/clock.h"
#include "soundings/field_records.h"

namespace soundings {

// Overdue after this long without a check-in, by default: an hourly check-in and a quarter of an hour's
// grace. Head office sets its own (`soundings-hub field --overdue-after MINUTES`): the tablets' check-in
// interval plus the grace the council's lone-worker procedure allows.
inline constexpr std::chrono::minutes kDefaultOverdueAfter{75};

enum class OfficerState {
  NotOut,     // no check-in or sign-in has reached head office
  Fine,       // on duty, last check-in (or sign-in) recent enough
  Overdue,    // on duty and silent too long, or the last check-in was missed
  SignedOut,  // signed out by the officer after the last check-in
  TimedOut,   // signed out by the tablet, unused: not a confirmation that the officer is safe, but no alarm
  LockedOut,  // the tablet locked after failed PINs: someone may be trying another officer's PIN
};
const char* officer_state_name(OfficerState state);  // "not out", "fine", "OVERDUE", ...

struct OfficerActivity {
  std::optional<CheckIn> last_check_in;  // the latest by its time
  std::optional<SignIn> last_sign_in;    // the latest sign-in event of any kind
};

struct OfficerVerdict {
  OfficerState state = OfficerState::NotOut;
  std::string since;      // the time the verdict runs from: the check-in or event it rests on
  std::string device_id;  // the tablet of that record
  std::string reason;     // for OVERDUE: why, in a sentence head office can act on
};

// A sign-out by the officer after the last check-in ends the watch. A missed check-in stands until a later
// ok check-in, sign-in or sign-out; the tablet's own sign-out (unused, locked) does not clear it. On duty
// (signed in, or checking in), silence longer than `overdue_after` since the last of them is overdue.
OfficerVerdict decide_officer(const OfficerActivity& activity, TimePoint now, std::chrono::minutes overdue_after);

}  // namespace soundings
