// The consultation definition model: an immutable, validated consultation as loaded from JSON.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soundings/expression.h"
#include "soundings/text.h"

namespace soundings {

enum class QuestionType {
  SingleChoice,    // one option; options may be `other` (opens a text box), `refusal` (prefer not to say)
  MultipleChoice,  // several options; min/max selections; `exclusive` options (None of the above)
  Agreement,       // 5-point agreement scale, one label per point (options, exactly 5)
  Smiley,          // 1-5 faces, one label per face (options, exactly 5)
  Scale10,         // 0-10 scale with end labels
  ShortText,       // one line, max_length
  LongText,        // several lines, max_length
  Number,          // min/max, integer or decimal
  Date,            // day-month-year; year alone when `year_only_allowed`
  Postcode,        // UK postcode
  Email,           // accepts .cymru/.wales and Welsh letters (REQUIREMENTS W7)
  Phone,           // UK phone number
  Ranking,         // order options by tapping
  Consent,         // an explicit tick
  Contact,         // name, email, phone, preferred language, consent per channel
};

// The JSON spelling of each type ("single_choice", "agreement", ...).
const char* type_name(QuestionType type);
std::optional<QuestionType> type_from_name(std::string_view name);

// Which answers are sealed before they touch a device's disk (DESIGN invariant 4).
enum class DataClass {
  Ordinary,  // kept in `answers`
  Personal,  // contact details: sealed into `personal`
  Special,   // equality monitoring (special category): sealed into `special`
};

struct Option {
  std::string id;
  LocalText label;
  bool exclusive = false;  // choosing it clears the others (multiple choice)
  bool other = false;      // "Other, please specify": opens a text box
  bool refusal = false;    // "Prefer not to say": exclusive; kiosk shows it, field staff do not read it out
};

// A separately consented contact purpose/channel (REQUIREMENTS P3).
struct ContactConsent {
  std::string id;       // e.g. "email_updates"
  std::string channel;  // "email", "phone" or "post"
  LocalText label;      // the wording shown; the consultation version identifies the wording version
};

struct Question {
  std::string id;
  QuestionType type = QuestionType::ShortText;
  LocalText text;
  LocalText help;  // may be empty
  bool required = false;
  DataClass data = DataClass::Ordinary;
  std::optional<Expression> show_if;
  // Date of birth (date) or age in years (number): the answer says how old the respondent is.
  bool age_source = false;
  // Shown only to someone whose answer to an earlier age_source question says they are at least this old.
  std::optional<int> min_age;

  std::vector<Option> options;          // choice, agreement, smiley, ranking
  std::optional<int> min_selections;    // multiple choice
  std::optional<int> max_selections;    // multiple choice; ranking: how many to rank (default all)
  LocalText min_label;                  // scale 0-10: label of 0
  LocalText max_label;                  // scale 0-10: label of 10
  std::optional<int> max_length;        // text (default 200 short, 2000 long)
  std::optional<double> min_value;      // number
  std::optional<double> max_value;      // number
  bool integer_only = false;            // number
  bool year_only_allowed = false;       // date
  std::vector<ContactConsent> consents; // contact

  const Option* find_option(std::string_view option_id) const;
};

struct Page {
  std::string id;
  LocalText title;
  LocalText intro;  // may be empty
  std::vector<Question> questions;
  std::string from_block;  // name of the included block this page came from, or empty
};

struct Feedback {  // "You said, we did" (REQUIREMENTS C3)
  LocalText you_said;
  LocalText we_did;
  LocalText how_connected;
  std::string published;  // YYYY-MM-DD
};

struct Consultation {
  int format = 1;
  std::string id;
  int version = 0;
  std::vector<std::string> languages;  // first is read first

  LocalText council;
  LocalText title;
  LocalText summary;
  LocalText purpose;
  LocalText decision;         // the decision to be made
  LocalText decision_maker;   // who makes it
  LocalText can_change;
  LocalText cannot_change;    // with reasons
  std::string opens;          // YYYY-MM-DD
  std::string closes;         // YYYY-MM-DD
  LocalText results_how;      // how and when results will be published
  std::string results_date;   // YYYY-MM-DD
  LocalText contact;
  LocalText privacy_notice;
  std::optional<Feedback> feedback;

  std::vector<Page> pages;

  // The definition with blocks expanded, as canonical JSON: what the hub publishes
  // and devices cache, so that a device never needs the block files.
  std::string canonical_json;

  const Question* find_question(std::string_view question_id) const;
  bool declares(std::string_view language) const;
  size_t question_count() const;
};

using ConsultationPtr = std::shared_ptr<const Consultation>;

}  // namespace soundings
