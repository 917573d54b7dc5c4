// Ingest checks: shape, identity, consultation and version, language, closing date, answers.
#include "hub_ingest.h"

#include <optional>

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

BatchItem prepare_item(const nlohmann::json& item, size_t index, const DefinitionLookup& lookup) {
  BatchItem out;
  out.canonical = item.dump();
  out.hash = content_hash(out.canonical);
  const std::string where = "responses[" + std::to_string(index) + "]";
  const auto reject = [&](std::string reason) {
    out.acceptable = false;
    out.reason = std::move(reason);
    return out;
  };

  if (!item.is_object()) return reject(where + ": must be a response object, not " + std::string(item.type_name()));
  const auto id = item.find("id");
  if (id != item.end() && id->is_string() && is_uuid(id->get<std::string>())) out.response_id = id->get<std::string>();
  const auto consultation_id = item.find("consultation_id");
  if (consultation_id != item.end() && consultation_id->is_string()) {
    out.consultation_id = consultation_id->get<std::string>();
  }
  if (out.response_id.empty()) return reject(where + ".id: missing or not a lower-case UUID");

  Result<Response> parsed = response_from_json(item);
  if (!parsed) return reject(parsed.error().message);
  const Response& response = parsed.value();
  out.consultation_version = response.consultation_version;
  out.submitted_at = response.submitted_at;

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
