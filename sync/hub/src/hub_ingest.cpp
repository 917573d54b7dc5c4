// Ingest checks: shape, identity, consultation and version, language, closing date, answers.
#include "hub_ingest.h"

#include <array>
#include <optional>
#include <utility>

#include "hub_credentials.h"
#include "soundings/answer_rules.h"
#include "soundings/clock.h"
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

BatchItem prepare_item(const nlohmann::json& item, size_t index, const DefinitionLookup& lookup, TimePoint now) {
  BatchItem out;
  out.canonical = item.dump();
  out.hash = content_hash(out.canonical);
  out.kept = quarantine_copy(item, out.canonical, out.hash);
  const std::string where = "responses[" + std::to_string(index) + "]";
  const auto reject = [&](std::string reason) {
    out.acceptable = false;
    // A reason may quote an answer; it goes back to the device and into quarantine, so it stays short.
    constexpr size_t kMaxReasonBytes = 1000;
    if (reason.size() > kMaxReasonBytes) {
      size_t cut = kMaxReasonBytes;
      while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
      reason = reason.substr(0, cut) + "...";
    }
    out.reason = std::move(reason);
    return out;
  };

  if (!item.is_object()) return reject(where + ": must be a response object, not " + std::string(item.type_name()));
  const auto id = item.find("id");
  if (id != item.end() && id->is_string() && is_uuid(id->get<std::string>())) out.response_id = id->get<std::string>();
  const auto consultation_id = item.find("consultation_id");
  // Kept in its own quarantine column, so only when it is of a size an id can be.
  if (consultation_id != item.end() && consultation_id->is_string() &&
      consultation_id->get_ref<const std::string&>().size() <= kMaxResponseIdBytes) {
    out.consultation_id = consultation_id->get<std::string>();
  }
  if (out.response_id.empty()) return reject(where + ".id: missing or not a lower-case UUID");

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
  return out;
}

}  // namespace soundings::hub::detail
