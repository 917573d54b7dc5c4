// Field mode's records and data: door visits, lone-working check-ins, sign-in events, the staff list and
// walk lists a field tablet holds. Their JSON forms are checked here, on the device before saving and at
// the hub again (which adds the checks that need its own tables: known officer, list and address).
//
// Privacy (shared/REQUIREMENTS.md P1-P3): a visit names an address and may carry a note; a response
// never does. Nothing in this header joins the two.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/result.h"

namespace soundings {

inline constexpr size_t kMaxVisitNoteBytes = 500;     // a short note: "dog; knock at side door"
inline constexpr size_t kMaxFieldIdBytes = 128;       // staff, device, list ids and UPRNs
inline constexpr size_t kMaxAddressBytes = 300;       // one address, street, postcode or ward
inline constexpr size_t kMaxRecordFlags = 16;

// The one outcome recorded at a door.
enum class VisitOutcome { Completed, NotHome, Declined, ComeBack, CardLeft, MovedOrEmpty, DoNotVisitUnsafe };
inline constexpr VisitOutcome kAllVisitOutcomes[] = {VisitOutcome::Completed,    VisitOutcome::NotHome,
                                                     VisitOutcome::Declined,     VisitOutcome::ComeBack,
                                                     VisitOutcome::CardLeft,     VisitOutcome::MovedOrEmpty,
                                                     VisitOutcome::DoNotVisitUnsafe};
// "completed", "not_home", "declined", "come_back", "card_left", "moved_or_empty", "do_not_visit_unsafe"
const char* visit_outcome_name(VisitOutcome outcome);
std::optional<VisitOutcome> visit_outcome_from_name(std::string_view name);

// Quality flags: shown beside a record in exports, never a reason to drop it.
inline constexpr const char* kFlagTooFast = "too_fast";                          // responses
inline constexpr const char* kFlagSameAnswerEveryScale = "same_answer_every_scale";  // responses
inline constexpr const char* kFlagOutsideWorkingHours = "outside_working_hours";  // responses and visits
inline constexpr const char* kFlagManyCompletionsAtAddress = "many_completions_at_address";  // visits only

// A visit to one door of a walk list. format 1, every key present, no others:
// {"format":1,"id":"<uuid>","list_id":"...","uprn":"...","outcome":"come_back",
//  "come_back_at":"2026-12-03T18:00:00Z" or "","note":"...","staff_id":"...","device_id":"...",
//  "visited_at":"2026-12-02T10:15:00Z","flags":["outside_working_hours"]}
struct Visit {
  int format = 1;
  std::string id;
  std::string list_id;
  std::string uprn;
  VisitOutcome outcome = VisitOutcome::NotHome;
  std::string come_back_at;  // the time promised, for ComeBack only; empty otherwise
  std::string note;          // optional, at most kMaxVisitNoteBytes
  std::string staff_id;
  std::string device_id;
  std::string visited_at;
  std::vector<std::string> flags;
};
nlohmann::json visit_to_json(const Visit& visit);
Result<Visit> visit_from_json(const nlohmann::json& value);

// A lone-working check-in: the officer said they are fine, or the reminder went unanswered.
enum class CheckInStatus { Ok, Missed };
const char* check_in_status_name(CheckInStatus status);  // "ok", "missed"
// {"format":1,"id":"<uuid>","staff_id":"...","device_id":"...","status":"ok","due_at":"...","at":"..."}
struct CheckIn {
  int format = 1;
  std::string id;
  std::string staff_id;
  std::string device_id;
  CheckInStatus status = CheckInStatus::Ok;
  std::string due_at;  // when the check-in was due
  std::string at;      // when it was made, or when it was found missed
};
nlohmann::json check_in_to_json(const CheckIn& check_in);
Result<CheckIn> check_in_from_json(const nlohmann::json& value);

// Who used a tablet and when: sign-in, sign-out, sign-out after time unused, lockout after failed PINs.
enum class SignInEvent { SignedIn, SignedOut, TimedOut, LockedOut };
const char* sign_in_event_name(SignInEvent event);  // "signed_in", "signed_out", "timed_out", "locked_out"
// {"format":1,"id":"<uuid>","staff_id":"...","device_id":"...","event":"signed_in","at":"..."}
struct SignIn {
  int format = 1;
  std::string id;
  std::string staff_id;
  std::string device_id;
  SignInEvent event = SignInEvent::SignedIn;
  std::string at;
};
nlohmann::json sign_in_to_json(const SignIn& sign_in);
Result<SignIn> sign_in_from_json(const nlohmann::json& value);

// An officer as head office sends them to field tablets: the PIN only as its Argon2id hash.
struct StaffMember {
  std::string id;
  std::string name;
  std::string pin_hash;  // crypto_pwhash_str form
  bool disabled = false;
};

// One door of a walk list, and a list as a tablet holds it.
struct WalkAddress {
  std::string uprn;
  std::string address;
  std::string street;
  std::string postcode;
  std::string ward;
};
struct WalkList {
  std::string id;    // stable id made by the hub at import
  std::string name;  // the name given at import
  std::vector<WalkAddress> addresses;
};

}  // namespace soundings
