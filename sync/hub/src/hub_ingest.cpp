// Ingest checks: shape, identity, consultation and version, language, closing date, answers.
#include "hub_ingest.h"

#include <array>
#include <optional>
#include <utility>

#include "hub_credentials.h"
#include "soundings/answer_rules.h"
#include "soundings/clock.h"
#include "soundings/field_records.h"
#include "soundings/json_bounded.h"
#include "soundings/response.h"
#include "soundings/ui_text.h"

namespace soundings::hub::detail {

namespace {

const char* data_class_name(DataClass data) {
  switch (data) {
    case DataClass::Ordinary: return "ordinary";
    case DataClass::Personal: return "personal";
    case DataClass::Special: return "special";
  }
  return "ordinary";
}

bool holds_plain_data(const nlohmann::json& part) {
  return part.is_object() && !part.empty() && !(part.size() == 1 && part.contains("sealed"));
}

constexpr std::array<const char*, 2> kPersonalParts = {"personal", "special"};

// A personal part the hub may keep: absent, empty, or a sealed box it cannot read either.
bool keepable_part(const nlohmann::json& item, const char* name) {
  const auto it = item.find(name);
  return it == item.end() || (it->is_object() && it->empty()) || is_sealed_box_part(*it);
}

// What quarantine keeps of an item. Staff review it, so it must not hold what the hub refused to
// store: a personal part that is not a sealed box (a name and phone number sent as "sealed") is
// replaced by a marker, and an item too large is kept as its id, size and hash only.
std::string quarantine_copy(const nlohmann::json& item, const std::string& canonical, const std::string& hash) {
  std::string copy = canonical;
  if (item.is_object() && !(keepable_part(item, kPersonalParts[0]) && keepable_part(item, kPersonalParts[1]))) {
    nlohmann::json redacted = item;
    for (const char* name : kPersonalParts) {
      if (!keepable_part(item, name)) {
        redacted[name] = {{"refused", "not a sealed box: refused and not kept by the hub"}};
      }
    }
    copy = redacted.dump();
  }
  if (copy.size() <= kMaxQuarantineCopyBytes) return copy;
  nlohmann::json summary{{"not_kept", "the item was " + std::to_string(canonical.size()) +
                                          " bytes; quarantine keeps items of at most " +
                                          std::to_string(kMaxQuarantineCopyBytes) + " bytes"},
                         {"hash", to_hex(hash)}};
  if (item.is_object()) {
    const auto id = item.find("id");
    if (id != item.end() && id->is_string() && is_uuid(id->get<std::string>())) summary["id"] = *id;
  }
  return summary.dump();
}

// Times a device cannot have recorded yet, judged against the hub's clock with some skew allowed.
std::optional<std::string> check_not_ahead(const Response& response, TimePoint now) {
  const TimePoint latest = now + kDeviceClockSkew;
  for (const auto& [field, text] : {std::pair<const char*, const std::string&>{"started_at", response.started_at},
                                    std::pair<const char*, const std::string&>{"submitted_at", response.submitted_at}}) {
    TimePoint when;
    parse_iso8601_utc(text, when);  // response_from_json has checked it
    if (when > latest) {
      return std::string("response.") + field + ": " + text + " is more than a day after the hub's clock (" +
             format_iso8601_utc(now) + "); the device's clock is wrong";
    }
  }
  return std::nullopt;
}

// Every reason why the answers do not fit the definition, or nullopt when they all do.
std::optional<std::string> check_answers(const Consultation& consultation, const nlohmann::json& answers,
                                         TimePoint submitted) {
  for (const auto& [question_id, value] : answers.items()) {
    const std::string where = "response.answers." + question_id;
    const Question* question = consultation.find_question(question_id);
    if (question == nullptr) {
      return where + ": " + consultation.id + " version " + std::to_string(consultation.version) +
             " has no such question";
    }
    if (question->data != DataClass::Ordinary) {
      return where + ": the answer to a " + data_class_name(question->data) +
             " question must arrive sealed in \"" + data_class_name(question->data) + "\", not in \"answers\"";
    }
    std::string error;
    const std::optional<Answer> answer = answer_from_json(*question, value, error);
    if (!answer) return where + ": " + error;
    // Judged as at submission, as the device judged it: "not in the future" means then.
    if (const auto issue = check_answer(*question, *answer, submitted)) {
      // The sentence a resident would read, with the question's own limits filled in.
      return where + ": " + describe_issue(*question, *issue, "en");
    }
  }
  return std::nullopt;
}

}  // namespace

bool submitted_in_time(const std::string& submitted_at, const std::string& closes) {
  TimePoint submitted;
  TimePoint closing_day;
  if (!parse_iso8601_utc(submitted_at, submitted) || !parse_iso8601_utc(closes, closing_day)) return false;
  return submitted < closing_day + std::chrono::hours(24);
}

namespace {

// Marks `out` refused. A reason may quote an answer; it goes back to the device and into quarantine,
// so it stays short.
BatchItem refused(BatchItem& out, std::string reason) {
  constexpr size_t kMaxReasonBytes = 1000;
  out.acceptable = false;
  if (reason.size() > kMaxReasonBytes) reason = utf8_prefix(reason, kMaxReasonBytes) + "...";
  out.reason = std::move(reason);
  return out;
}

// A time a record says something happened, judged against the hub's clock like a response's times.
std::optional<std::string> record_time_problem(const char* where, const std::string& text, TimePoint now) {
  TimePoint when;
  parse_iso8601_utc(text, when);  // the kind's from_json has checked it
  if (when > now + kDeviceClockSkew) {
    return std::string(where) + ": " + text + " is more than a day after the hub's clock (" +
           format_iso8601_utc(now) + "); the device's clock is wrong";
  }
  return std::nullopt;
}

// The officer a field record names must be known to head office.
std::optional<std::string> staff_problem(const char* kind, const std::string& staff_id, const FieldLookup& field) {
  if (field.known_staff(staff_id)) return std::nullopt;
  return std::string(kind) + ".staff_id: no officer \"" + staff_id + "\" is known to this hub";
}

// Checks of a visit, check-in or sign-in body, filling the item's indexed columns.
void check_field_record(BatchItem& out, const nlohmann::json& body, const FieldLookup& field, TimePoint now) {
  const auto done = [&](std::optional<std::string> problem) {
    if (problem) {
      refused(out, std::move(*problem));
    } else {
      out.acceptable = true;
    }
  };
  switch (out.kind) {
    case RecordKind::Visit: {
      auto visit = visit_from_json(body);
      if (!visit) return done(visit.error().message);
      out.staff_id = visit->staff_id;
      out.subject = visit->list_id;
      out.door = visit->uprn;
      out.submitted_at = visit->visited_at;
      if (auto problem = record_time_problem("visit.visited_at", visit->visited_at, now)) return done(problem);
      if (auto problem = staff_problem("visit", visit->staff_id, field)) return done(problem);
      if (!field.known_door(visit->list_id, visit->uprn)) {
        // Never quote the UPRN back at length; it names a home.
        return done("visit.uprn: this door is not on walk list " + utf8_prefix(visit->list_id, 64) + " at this hub");
      }
      return done(std::nullopt);
    }
    case RecordKind::CheckIn: {
      auto check_in = check_in_from_json(body);
      if (!check_in) return done(check_in.error().message);
      out.staff_id = check_in->staff_id;
      out.submitted_at = check_in->at;
      if (auto problem = record_time_problem("check_in.at", check_in->at, now)) return done(problem);
      return done(staff_problem("check_in", check_in->staff_id, field));
    }
    case RecordKind::SignIn: {
      auto sign_in = sign_in_from_json(body);
      if (!sign_in) return done(sign_in.error().message);
      out.staff_id = sign_in->staff_id;
      out.submitted_at = sign_in->at;
      if (auto problem = record_time_problem("sign_in.at", sign_in->at, now)) return done(problem);
      return done(staff_problem("sign_in", sign_in->staff_id, field));
    }
    case RecordKind::Response: break;  // checked by prepare_item
  }
  done("records: a response is checked as a response");
}

}  // namespace

BatchItem prepare_record(const nlohmann::json& envelope, size_t index, const DefinitionLookup& lookup,
                         const FieldLookup& field, TimePoint now) {
  const std::string where = "records[" + std::to_string(index) + "]";
  const auto body = envelope.is_object() ? envelope.find("body") : envelope.end();
  const auto kind = envelope.is_object() ? envelope.find("kind") : envelope.end();
  // What a device sent for this item, kept whole in quarantine when it cannot be used.
  BatchItem out;
  const auto whole = [&]() {
    out.canonical = envelope.dump();
    out.hash = content_hash(out.canonical);
    out.kept = quarantine_copy(envelope, out.canonical, out.hash);
    const auto id = envelope.is_object() ? envelope.find("id") : envelope.end();
    if (id != envelope.end() && id->is_string() && is_uuid(id->get<std::string>())) out.record_id = id->get<std::string>();
  };
  if (!envelope.is_object()) {
    whole();
    return refused(out, where + ": must be a record envelope {\"kind\", \"id\", \"hash\", \"body\"}, not " +
                            envelope.type_name());
  }
  if (kind == envelope.end() || !kind->is_string() || !record_kind_from_name(kind->get<std::string>())) {
    whole();
    return refused(out, where + ".kind: must be one of response, visit, check_in, sign_in");
  }
  const RecordKind record_kind = *record_kind_from_name(kind->get<std::string>());
  if (body == envelope.end() || !body->is_object()) {
    whole();
    out.kind = record_kind;
    return refused(out, where + ".body: must be the record's JSON object");
  }
  if (record_kind == RecordKind::Response) {
    out = prepare_item(*body, index, lookup, now);
  } else {
    out.kind = record_kind;
    out.canonical = body->dump();
    out.hash = content_hash(out.canonical);
    out.kept = quarantine_copy(*body, out.canonical, out.hash);
    const auto id = body->find("id");
    if (id != body->end() && id->is_string() && is_uuid(id->get<std::string>())) out.record_id = id->get<std::string>();
    check_field_record(out, *body, field, now);
  }
  out.kind = record_kind;
  // The envelope must agree with its body: the same id, and the hash of exactly this body.
  const auto id = envelope.find("id");
  if (id == envelope.end() || !id->is_string() || id->get<std::string>() != out.record_id || out.record_id.empty()) {
    return refused(out, where + ".id: must be the body's id, a lower-case UUID");
  }
  const auto hash = envelope.find("hash");
  if (hash != envelope.end() && !(hash->is_string() && (hash->get_ref<const std::string&>().empty() ||
                                                        hash->get<std::string>() == to_hex(out.hash)))) {
    return refused(out, where + ".hash: does not match the body; the record was changed on its way or on the "
                                "device's disk");
  }
  return out;
}

BatchItem prepare_item(const nlohmann::json& item, size_t index, const DefinitionLookup& lookup, TimePoint now) {
  BatchItem out;
  out.canonical = item.dump();
  out.hash = content_hash(out.canonical);
  out.kept = quarantine_copy(item, out.canonical, out.hash);
  const std::string where = "responses[" + std::to_string(index) + "]";
  const auto reject = [&](std::string reason) { return refused(out, std::move(reason)); };

  if (!item.is_object()) return reject(where + ": must be a response object, not " + std::string(item.type_name()));
  const auto id = item.find("id");
  if (id != item.end() && id->is_string() && is_uuid(id->get<std::string>())) out.record_id = id->get<std::string>();
  const auto consultation_id = item.find("consultation_id");
  // Kept in its own quarantine column, so only when it is of a size an id can be.
  if (consultation_id != item.end() && consultation_id->is_string() &&
      consultation_id->get_ref<const std::string&>().size() <= kMaxResponseIdBytes) {
    out.consultation_id = consultation_id->get<std::string>();
  }
  if (out.record_id.empty()) return reject(where + ".id: missing or not a lower-case UUID");

  Result<Response> parsed = response_from_json(item);
  if (!parsed) return reject(parsed.error().message);
  const Response& response = parsed.value();
  out.consultation_version = response.consultation_version;
  out.submitted_at = response.submitted_at;
  if (auto problem = clock_problem(response)) return reject(problem->message);
  if (auto problem = check_not_ahead(response, now)) return reject(std::move(*problem));

  const ConsultationPtr definition = lookup(response.consultation_id, response.consultation_version);
  if (!definition) {
    return reject("response.consultation_id: no consultation \"" + response.consultation_id + "\" version " +
                  std::to_string(response.consultation_version) + " is published on this hub");
  }
  if (!definition->declares(response.language)) {
    return reject("response.language: \"" + response.language + "\" is not a language of " + definition->id);
  }
  if (!submitted_in_time(response.submitted_at, definition->closes)) {
    return reject("response.submitted_at: submitted after the consultation closed (" + response.submitted_at +
                  " is after the end of " + definition->closes + ", UTC)");
  }
  if (holds_plain_data(response.personal)) {
    return reject("response.personal: personal data must arrive sealed with the hub's public key");
  }
  if (holds_plain_data(response.special)) {
    return reject("response.special: equality answers must arrive sealed with the hub's public key");
  }
  TimePoint submitted;
  parse_iso8601_utc(response.submitted_at, submitted);  // response_from_json has checked it
  if (auto problem = check_answers(*definition, response.answers, submitted)) return reject(std::move(*problem));

  out.acceptable = true;
  out.facets = facets_of(item, *definition);
  return out;
}

}  // namespace soundings::hub::detail
