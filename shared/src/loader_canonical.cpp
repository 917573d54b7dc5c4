// The expanded consultation written back as canonical JSON, which the loader reads to the same definition.
#include "loader_internal.h"

namespace soundings::loader {

namespace {

Json text_json(const LocalText& text) {
  Json out = Json::object();
  for (const auto& [language, value] : text.by_language) out[language] = value;
  return out;
}

const char* data_name(DataClass data) {
  switch (data) {
    case DataClass::Personal: return "personal";
    case DataClass::Special: return "special";
    default: return "ordinary";
  }
}

Json option_json(const Option& option) {
  Json out = Json::object();
  out["id"] = option.id;
  out["label"] = text_json(option.label);
  // A refusal is exclusive by definition; writing both would not load on scales.
  if (option.exclusive && !option.refusal) out["exclusive"] = true;
  if (option.other) out["other"] = true;
  if (option.refusal) out["refusal"] = true;
  return out;
}

Json question_json(const Question& q) {
  Json out = Json::object();
  out["id"] = q.id;
  out["type"] = type_name(q.type);
  out["text"] = text_json(q.text);
  if (!q.help.empty()) out["help"] = text_json(q.help);
  if (q.required) out["required"] = true;
  if (q.data != DataClass::Ordinary) out["data"] = data_name(q.data);
  if (q.show_if) out["show_if"] = q.show_if->source();
  if (q.min_age) out["min_age"] = *q.min_age;
  if (q.age_source) out["age_source"] = true;
  if (!q.options.empty()) {
    Json options = Json::array();
    for (const Option& option : q.options) options.push_back(option_json(option));
    out["options"] = std::move(options);
  }
  if (q.min_selections) out["min_selections"] = *q.min_selections;
  if (q.max_selections) out["max_selections"] = *q.max_selections;
  if (!q.min_label.empty()) out["min_label"] = text_json(q.min_label);
  if (!q.max_label.empty()) out["max_label"] = text_json(q.max_label);
  if (q.max_length) out["max_length"] = *q.max_length;
  if (q.min_value) out["min"] = *q.min_value;
  if (q.max_value) out["max"] = *q.max_value;
  if (q.integer_only) out["integer"] = true;
  if (q.year_only_allowed) out["year_only_allowed"] = true;
  if (!q.consents.empty()) {
    Json consents = Json::array();
    for (const ContactConsent& consent : q.consents) {
      Json c = Json::object();
      c["id"] = consent.id;
      c["channel"] = consent.channel;
      c["label"] = text_json(consent.label);
      consents.push_back(std::move(c));
    }
    out["consents"] = std::move(consents);
  }
  return out;
}

}  // namespace

std::string canonical_json(const Consultation& c) {
  Json out = Json::object();
  out["format"] = c.format;
  out["id"] = c.id;
  out["version"] = c.version;
  out["languages"] = c.languages;
  if (!c.council.empty()) out["council"] = text_json(c.council);
  out["title"] = text_json(c.title);
  out["summary"] = text_json(c.summary);
  out["purpose"] = text_json(c.purpose);
  out["decision"] = text_json(c.decision);
  out["decision_maker"] = text_json(c.decision_maker);
  out["can_change"] = text_json(c.can_change);
  out["cannot_change"] = text_json(c.cannot_change);
  out["opens"] = c.opens;
  out["closes"] = c.closes;
  Json results = Json::object();
  results["how"] = text_json(c.results_how);
  if (!c.results_date.empty()) results["date"] = c.results_date;
  out["results"] = std::move(results);
  out["contact"] = text_json(c.contact);
  out["privacy_notice"] = text_json(c.privacy_notice);
  if (c.feedback) {
    Json feedback = Json::object();
    feedback["you_said"] = text_json(c.feedback->you_said);
    feedback["we_did"] = text_json(c.feedback->we_did);
    feedback["how_connected"] = text_json(c.feedback->how_connected);
    feedback["published"] = c.feedback->published;
    out["feedback"] = std::move(feedback);
  }
  Json pages = Json::array();
  for (const Page& page : c.pages) {
    Json p = Json::object();
    p["id"] = page.id;
    p["title"] = text_json(page.title);
    if (!page.intro.empty()) p["intro"] = text_json(page.intro);
    if (!page.from_block.empty()) p["from_block"] = page.from_block;
    Json questions = Json::array();
    for (const Question& question : page.questions) questions.push_back(question_json(question));
    p["questions"] = std::move(questions);
    pages.push_back(std::move(p));
  }
  out["pages"] = std::move(pages);
  return out.dump();
}

}  // namespace soundings::loader
