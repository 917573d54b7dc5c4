// JSON forms of field records (visits, check-ins, sign-in events), checked field by field.
#include "soundings/field_records.h"

#include <chrono>
#include <initializer_list>
#include <set>

#include "soundings/clock.h"
#include "soundings/json_bounded.h"
#include "soundings/response.h"

namespace soundings {

const char* visit_outcome_name(VisitOutcome outcome) {
  switch (outcome) {
    case VisitOutcome::Completed: return "completed";
    case VisitOutcome::NotHome: return "not_home";
    case VisitOutcome::Declined: return "declined";
    case VisitOutcome::ComeBack: return "come_back";
    case VisitOutcome::CardLeft: return "card_left";
    case VisitOutcome::MovedOrEmpty: return "moved_or_empty";
    case VisitOutcome::DoNotVisitUnsafe: return "do_not_visit_unsafe";
  }
  return "not_home";
}

std::optional<VisitOutcome> visit_outcome_from_name(std::string_view name) {
  for (const VisitOutcome outcome : kAllVisitOutcomes) {
    if (name == visit_outcome_name(outcome)) return outcome;
  }
  return std::nullopt;
}

const char* check_in_status_name(CheckInStatus status) {
  switch (status) {
    case CheckInStatus::Ok: return "ok";
    case CheckInStatus::Missed: return "missed";
  }
  return "ok";
}

const char* sign_in_event_name(SignInEvent event) {
  switch (event) {
    case SignInEvent::SignedIn: return "signed_in";
    case SignInEvent::SignedOut: return "signed_out";
    case SignInEvent::TimedOut: return "timed_out";
    case SignInEvent::LockedOut: return "locked_out";
  }
  return "signed_in";
}

namespace {

// Reads one record's fields, naming "<kind>.<field>" in every error and never quoting a note back.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& value, const char* kind) : value_(value), kind_(kind) {}

  std::optional<Error> shape(std::initializer_list<const char*> fields) {
    if (!value_.is_object()) return fail("", std::string("must be an object, not ") + value_.type_name());
    std::set<std::string_view> known(fields.begin(), fields.end());
    for (const auto& [key, unused] : value_.items()) {
      if (known.count(key) == 0) return fail("", "has an unknown field \"" + utf8_prefix(key, 40) + "\"");
    }
    const auto format = value_.find("format");
    if (format == value_.end()) return fail("format", "missing");
    if (!format->is_number_integer() || format->get<int64_t>() != 1) return fail("format", "must be 1");
    return std::nullopt;
  }

  std::optional<Error> text(const char* field, bool allow_empty, size_t max_bytes, std::string& out) {
    const auto it = value_.find(field);
    if (it == value_.end()) return fail(field, "missing");
    if (!it->is_string()) return fail(field, "must be a string");
    const std::string& got = it->get_ref<const std::string&>();
    if (got.size() > max_bytes) {
      return fail(field, "is " + std::to_string(got.size()) + " bytes; at most " + std::to_string(max_bytes) +
                             " are accepted");
    }
    if (!allow_empty && got.empty()) return fail(field, "must not be empty");
    out = got;
    return std::nullopt;
  }

  std::optional<Error> id(std::string& out) {
    if (auto error = text("id", false, 64, out)) return error;
    if (!is_uuid(out)) return fail("id", "must be a lower-case UUID");
    return std::nullopt;
  }

  // A UTC time like 2026-12-02T10:15:00Z, not before kEarliestResponseTime; empty when allowed.
  std::optional<Error> time(const char* field, bool allow_empty, std::string& out) {
    if (auto error = text(field, allow_empty, 20, out)) return error;
    if (out.empty()) return std::nullopt;
    TimePoint when;
    TimePoint earliest;
    parse_iso8601_utc(kEarliestResponseTime, earliest);
    if (out.size() != 20 || !parse_iso8601_utc(out, when)) {
      return fail(field, "must be a UTC time like 2026-12-02T10:15:00Z");
    }
    if (when < earliest) return fail(field, std::string("is before ") + kEarliestResponseTime + "; the clock is wrong");
    return std::nullopt;
  }

  std::optional<Error> flags(std::vector<std::string>& out) {
    const auto it = value_.find("flags");
    if (it == value_.end()) return fail("flags", "missing");
    if (!it->is_array()) return fail("flags", "must be a list");
    if (it->size() > kMaxRecordFlags) return fail("flags", "has more than " + std::to_string(kMaxRecordFlags) + " entries");
    for (const auto& flag : *it) {
      if (!flag.is_string() || flag.get_ref<const std::string&>().empty() ||
          flag.get_ref<const std::string&>().size() > 64) {
        return fail("flags", "each flag must be a short name");
      }
      out.push_back(flag.get<std::string>());
    }
    return std::nullopt;
  }

  Error fail(std::string_view field, const std::string& problem) const {
    std::string where = kind_;
    if (!field.empty()) where += "." + std::string(field);
    return Error{ErrorCode::InvalidInput, where + ": " + problem};
  }

 private:
  const nlohmann::json& value_;
  const char* kind_;
};

}  // namespace

nlohmann::json visit_to_json(const Visit& visit) {
  return {{"format", visit.format},     {"id", visit.id},
          {"list_id", visit.list_id},   {"uprn", visit.uprn},
          {"outcome", visit_outcome_name(visit.outcome)},
          {"come_back_at", visit.come_back_at},
          {"note", visit.note},         {"staff_id", visit.staff_id},
          {"device_id", visit.device_id}, {"visited_at", visit.visited_at},
          {"flags", visit.flags}};
}

Result<Visit> visit_from_json(const nlohmann::json& value) {
  FieldReader read(value, "visit");
  if (auto error = read.shape({"format", "id", "list_id", "uprn", "outcome", "come_back_at", "note", "staff_id",
                               "device_id", "visited_at", "flags"})) {
    return *error;
  }
  Visit visit;
  std::string outcome;
  if (auto e = read.id(visit.id)) return *e;
  if (auto e = read.text("list_id", false, kMaxFieldIdBytes, visit.list_id)) return *e;
  if (auto e = read.text("uprn", false, kMaxFieldIdBytes, visit.uprn)) return *e;
  if (auto e = read.text("outcome", false, 64, outcome)) return *e;
  const auto parsed = visit_outcome_from_name(outcome);
  if (!parsed) return read.fail("outcome", "is not one of the door outcomes");
  visit.outcome = *parsed;
  if (auto e = read.time("come_back_at", true, visit.come_back_at)) return *e;
  if (visit.outcome == VisitOutcome::ComeBack && visit.come_back_at.empty()) {
    return read.fail("come_back_at", "a \"come back\" visit must say when");
  }
  if (visit.outcome != VisitOutcome::ComeBack && !visit.come_back_at.empty()) {
    return read.fail("come_back_at", "only a \"come back\" visit has a time promised");
  }
  if (auto e = read.text("note", true, kMaxVisitNoteBytes, visit.note)) return *e;
  if (auto e = read.text("staff_id", false, kMaxFieldIdBytes, visit.staff_id)) return *e;
  if (auto e = read.text("device_id", false, kMaxFieldIdBytes, visit.device_id)) return *e;
  if (auto e = read.time("visited_at", false, visit.visited_at)) return *e;
  if (auto e = read.flags(visit.flags)) return *e;
  return visit;
}

nlohmann::json check_in_to_json(const CheckIn& check_in) {
  return {{"format", check_in.format},       {"id", check_in.id},
          {"staff_id", check_in.staff_id},   {"device_id", check_in.device_id},
          {"status", check_in_status_name(check_in.status)},
          {"due_at", check_in.due_at},       {"at", check_in.at}};
}

Result<CheckIn> check_in_from_json(const nlohmann::json& value) {
  FieldReader read(value, "check_in");
  if (auto error = read.shape({"format", "id", "staff_id", "device_id", "status", "due_at", "at"})) return *error;
  CheckIn check_in;
  std::string status;
  if (auto e = read.id(check_in.id)) return *e;
  if (auto e = read.text("staff_id", false, kMaxFieldIdBytes, check_in.staff_id)) return *e;
  if (auto e = read.text("device_id", false, kMaxFieldIdBytes, check_in.device_id)) return *e;
  if (auto e = read.text("status", false, 16, status)) return *e;
  if (status == "ok") {
    check_in.status = CheckInStatus::Ok;
  } else if (status == "missed") {
    check_in.status = CheckInStatus::Missed;
  } else {
    return read.fail("status", "must be \"ok\" or \"missed\"");
  }
  if (auto e = read.time("due_at", false, check_in.due_at)) return *e;
  if (auto e = read.time("at", false, check_in.at)) return *e;
  return check_in;
}

nlohmann::json sign_in_to_json(const SignIn& sign_in) {
  return {{"format", sign_in.format},     {"id", sign_in.id},
          {"staff_id", sign_in.staff_id}, {"device_id", sign_in.device_id},
          {"event", sign_in_event_name(sign_in.event)}, {"at", sign_in.at}};
}

Result<SignIn> sign_in_from_json(const nlohmann::json& value) {
  FieldReader read(value, "sign_in");
  if (auto error = read.shape({"format", "id", "staff_id", "device_id", "event", "at"})) return *error;
  SignIn sign_in;
  std::string event;
  if (auto e = read.id(sign_in.id)) return *e;
  if (auto e = read.text("staff_id", false, kMaxFieldIdBytes, sign_in.staff_id)) return *e;
  if (auto e = read.text("device_id", false, kMaxFieldIdBytes, sign_in.device_id)) return *e;
  if (auto e = read.text("event", false, 16, event)) return *e;
  bool known = false;
  for (const SignInEvent candidate : {SignInEvent::SignedIn, SignInEvent::SignedOut, SignInEvent::TimedOut,
                                      SignInEvent::LockedOut}) {
    if (event == sign_in_event_name(candidate)) {
      sign_in.event = candidate;
      known = true;
    }
  }
  if (!known) return read.fail("event", "must be signed_in, signed_out, timed_out or locked_out");
  if (auto e = read.time("at", false, sign_in.at)) return *e;
  return sign_in;
}

}  // namespace soundings
