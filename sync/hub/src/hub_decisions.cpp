// Quarantine decisions (hub_decisions.h): what a release may store, checked before the one transaction
// that records the decision with it.
#include "hub_decisions.h"

#include <optional>

#include "hub_credentials.h"
#include "hub_facets.h"
#include "soundings/answer_rules.h"
#include "soundings/field_records.h"
#include "soundings/json_bounded.h"
#include "soundings/response.h"

namespace soundings::hub::detail {

namespace {

using nlohmann::json;

DecisionOutcome refuse(DecisionRefusal refusal, std::string detail = {}) { return {refusal, std::move(detail)}; }

size_t utf8_chars(const std::string& text) {
  size_t count = 0;
  for (const unsigned char byte : text) count += (byte & 0xC0) != 0x80;
  return count;
}

// A personal or equality part a stored response may hold: absent, empty, or sealed for the hub.
bool sealed_or_empty(const json& response, const char* name) {
  const auto it = response.find(name);
  return it == response.end() || it->is_null() || (it->is_object() && it->empty()) || is_sealed_box_part(*it);
}

// Why a quarantined response cannot be counted now, or nullopt. Head office's release stands in for the
// checks a device's clock can spoil (times ahead of the hub, before the epoch, started after submitted,
// after the closing date): those are what a person can judge. Everything results read must hold.
std::optional<std::string> response_problem(const json& body, const Response& response, const Consultation& definition) {
  if (!definition.declares(response.language)) {
    return "response.language: \"" + response.language + "\" is not a language of " + definition.id;
  }
  if (!sealed_or_empty(body, "personal") || !sealed_or_empty(body, "special")) {
    return "the kept copy holds personal or equality answers that are not sealed; the hub never stores them";
  }
  TimePoint submitted;
  if (!parse_iso8601_utc(response.submitted_at, submitted)) return "response.submitted_at: not a UTC time";
  for (const auto& [question_id, value] : response.answers.items()) {
    const std::string where = "response.answers." + question_id;
    const Question* question = definition.find_question(question_id);
    if (question == nullptr) return where + ": " + definition.id + " has no such question";
    if (question->data != DataClass::Ordinary) return where + ": a personal question's answer must be sealed";
    std::string error;
    const std::optional<Answer> answer = answer_from_json(*question, value, error);
    if (!answer) return where + ": " + error;
    if (const auto issue = check_answer(*question, *answer, submitted)) {
      return where + ": " + describe_issue(*question, *issue, "en");
    }
  }
  return std::nullopt;
}

void set_facets(ReleaseWrite& release, const json& body, const Consultation& definition) {
  Facets facets = facets_of(body, definition);
  release.language = std::move(facets.language);
  release.channel = std::move(facets.channel);
  release.venue = std::move(facets.venue);
  release.device = std::move(facets.device);
  release.choices = std::move(facets.choices);
  release.texts = std::move(facets.texts);
  release.facets_version = kFacetsVersion;
}

// Fills `release` for a quarantined response, or says why it cannot be released.
Result<std::optional<std::string>> plan_response(HubState& hub, const QuarantinedItem& item, const json& body,
                                                 ReleaseWrite& release) {
  using Problem = std::optional<std::string>;
  Result<Response> parsed = response_from_json(body);
  if (!parsed) return Problem(parsed.error().message);
  const Response& response = parsed.value();
  if (!is_uuid(response.id)) return Problem("response.id: not a lower-case UUID");
  auto definition = hub.definition(response.consultation_id, response.consultation_version);
  if (!definition) return definition.error();
  if (!*definition) {
    return Problem("response.consultation_id: no consultation \"" + response.consultation_id + "\" version " +
                   std::to_string(response.consultation_version) + " is published on this hub");
  }
  if (auto problem = response_problem(body, response, **definition)) return problem;

  BatchItem& out = release.item;
  out.kind = RecordKind::Response;
  out.record_id = response.id;
  out.consultation_id = response.consultation_id;
  out.consultation_version = response.consultation_version;
  out.submitted_at = response.submitted_at;
  out.canonical = body.dump();
  out.hash = content_hash(out.canonical);
  out.acceptable = true;
  set_facets(release, body, **definition);

  auto stored = hub.store->stored_body(RecordKind::Response, response.id);
  if (!stored) return stored.error();
  if (!*stored) {
    release.what = ReleaseWrite::What::Response;
    return Problem();
  }
  if (**stored == out.canonical) {
    release.what = ReleaseWrite::What::Nothing;  // stored meanwhile (sent again): releasing it changes nothing
    return Problem();
  }
  if (item.kind != "conflict") {
    return Problem("a different response with id " + response.id +
                   " was stored after this one was set aside; it cannot be stored beside it");
  }
  // A correction stands for the stored response in every count, so it must answer the same version.
  const json stored_json = json::parse(**stored, nullptr, false);
  if (!stored_json.is_object() || stored_json.value("consultation_id", json()) != response.consultation_id ||
      stored_json.value("consultation_version", json()) != response.consultation_version) {
    return Problem("the stored response " + response.id + " answers another consultation or version; a correction "
                   "must answer the same one");
  }
  auto corrected = hub.store->correction_of(response.id);
  if (!corrected) return corrected.error();
  if (*corrected) {
    return Problem("response " + response.id + " already has a reviewed correction (quarantine item " +
                   std::to_string((*corrected)->first) + ")");
  }
  release.what = ReleaseWrite::What::Correction;
  return Problem();
}

// Fills `release` for a quarantined visit, check-in or sign-in event: stored if it parses as its kind.
Result<std::optional<std::string>> plan_record(HubState& hub, const QuarantinedItem& item, RecordKind kind,
                                               const json& body, ReleaseWrite& release) {
  using Problem = std::optional<std::string>;
  const std::string kind_name = record_kind_name(kind);
  if (item.kind == "conflict") {
    return Problem("a different " + kind_name + " with this id is stored, and the hub keeps one " + kind_name +
                   " per id; reject this copy instead");
  }
  BatchItem& out = release.item;
  out.kind = kind;
  const auto fill = [&](const auto& parsed, const std::string& staff, const std::string& at) {
    out.record_id = parsed.id;
    out.staff_id = staff;
    out.submitted_at = at;
  };
  switch (kind) {
    case RecordKind::Visit: {
      auto visit = visit_from_json(body);
      if (!visit) return Problem(visit.error().message);
      fill(*visit, visit->staff_id, visit->visited_at);
      out.subject = visit->list_id;
      out.door = visit->uprn;
      break;
    }
    case RecordKind::CheckIn: {
      auto check_in = check_in_from_json(body);
      if (!check_in) return Problem(check_in.error().message);
      fill(*check_in, check_in->staff_id, check_in->at);
      break;
    }
    case RecordKind::SignIn: {
      auto sign_in = sign_in_from_json(body);
      if (!sign_in) return Problem(sign_in.error().message);
      fill(*sign_in, sign_in->staff_id, sign_in->at);
      break;
    }
    case RecordKind::Response: return Problem("a response is released as a response");
  }
  if (!is_uuid(out.record_id)) return Problem(kind_name + ".id: not a lower-case UUID");
  out.canonical = body.dump();
  out.hash = content_hash(out.canonical);
  out.acceptable = true;
  auto stored = hub.store->stored_body(kind, out.record_id);
  if (!stored) return stored.error();
  if (!*stored) {
    release.what = ReleaseWrite::What::Record;
  } else if (**stored == out.canonical) {
    release.what = ReleaseWrite::What::Nothing;
  } else {
    return Problem("a different " + kind_name + " with id " + out.record_id + " was stored after this one was set aside");
  }
  return Problem();
}

Result<std::optional<std::string>> plan_release(HubState& hub, const QuarantinedItem& item, ReleaseWrite& release) {
  using Problem = std::optional<std::string>;
  auto parsed = parse_json_bounded(item.body, "the kept copy");
  if (!parsed) return Problem(parsed.error().message);
  json body = std::move(parsed.value());
  if (!body.is_object()) return Problem("the kept copy is not a record");
  if (body.contains("not_kept")) {
    return Problem("the hub kept only a summary of this item (it was too large to keep), so there is nothing to store");
  }
  // An envelope the hub could not open is kept whole: its body is the record.
  if (body.contains("kind") && body.contains("body") && body["body"].is_object()) body = json(body["body"]);
  const auto kind = record_kind_from_name(item.record_kind);
  if (!kind) return Problem("the item's kind \"" + item.record_kind + "\" is not one the hub stores");
  release.received_from = item.received_from;
  release.received_at = item.first_seen_at;
  if (*kind == RecordKind::Response) return plan_response(hub, item, body, release);
  return plan_record(hub, item, *kind, body, release);
}

}  // namespace

const char* decision_name(DecisionKind kind) { return kind == DecisionKind::Release ? "released" : "rejected"; }

DecisionOutcome check_decision_reason(const std::string& reason, std::string& trimmed) {
  if (first_bad_utf8(reason) != std::string::npos) return refuse(DecisionRefusal::BadReason, "reason: not UTF-8 text");
  // A reason is for people to read: control characters (NUL among them) could make a required reason
  // invisible, so only line breaks and tabs are allowed.
  for (const unsigned char c : reason) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      return refuse(DecisionRefusal::BadReason, "reason: holds a control character; write it as plain text");
    }
  }
  const auto first = reason.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return refuse(DecisionRefusal::BadReason, "reason: say why (it is empty)");
  trimmed = reason.substr(first, reason.find_last_not_of(" \t\r\n") - first + 1);
  if (utf8_chars(trimmed) > kMaxDecisionReasonChars) {
    return refuse(DecisionRefusal::BadReason, "reason: at most " + std::to_string(kMaxDecisionReasonChars) +
                                                  " characters (it has " + std::to_string(utf8_chars(trimmed)) + ")");
  }
  return {};
}

Result<DecisionOutcome> decide_quarantine(HubState& hub, int64_t seq, DecisionKind kind, const std::string& actor,
                                          const std::string& reason) {
  std::string trimmed;
  if (auto checked = check_decision_reason(reason, trimmed); !checked.ok()) return checked;
  auto item = hub.store->quarantined_item(seq);
  if (!item) return storage_error(item.error());
  if (!*item) return refuse(DecisionRefusal::NoSuchItem, "no quarantined item " + std::to_string(seq));
  auto earlier = hub.store->quarantine_decision(seq);
  if (!earlier) return storage_error(earlier.error());
  if (*earlier) {
    return refuse(DecisionRefusal::AlreadyDecided, "item " + std::to_string(seq) + " was already " +
                                                       (*earlier)->decision + " by " + (*earlier)->decided_by +
                                                       " at " + (*earlier)->decided_at);
  }
  ReleaseWrite release;
  if (kind == DecisionKind::Release) {
    auto problem = plan_release(hub, **item, release);
    if (!problem) return storage_error(problem.error());
    if (*problem) return refuse(DecisionRefusal::CannotRelease, std::move(**problem));
  }
  const QuarantineDecision decision{seq, decision_name(kind), actor, hub.now_text(), trimmed, (*item)->response_id,
                                    (*item)->received_from};
  auto written = hub.store->record_decision(decision, release);
  if (!written) return storage_error(written.error());
  switch (*written) {
    case DecisionWrite::Done: return DecisionOutcome{};
    case DecisionWrite::AlreadyDecided:
      return refuse(DecisionRefusal::AlreadyDecided, "item " + std::to_string(seq) + " was decided meanwhile");
    case DecisionWrite::AlreadyCorrected:
      return refuse(DecisionRefusal::CannotRelease,
                    "response " + release.item.record_id + " was given a reviewed correction meanwhile");
    case DecisionWrite::AlreadyStored:
      return refuse(DecisionRefusal::CannotRelease,
                    "a record with id " + release.item.record_id + " was stored meanwhile");
  }
  return DecisionOutcome{};
}

}  // namespace soundings::hub::detail
