// Checks one answer against its question: the same rules on the device and at head office.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "soundings/answer.h"
#include "soundings/clock.h"
#include "soundings/consultation.h"

namespace soundings {

// Why an answer is not acceptable, as a key into the UI strings (e.g.
// "error.email") plus values to fill in; empty when the answer is fine.
struct AnswerIssue {
  std::string key;
  std::string detail;  // e.g. the limit that was broken, for {detail} in the text
};

// Is `answer` acceptable for `question`? (Not "is it required": see Session.)
// Dates are judged "not in the future" against the system clock.
std::optional<AnswerIssue> check_answer(const Question& question, const Answer& answer);
// The same, with "now" given (the session's injected clock), so that date rules are testable.
std::optional<AnswerIssue> check_answer(const Question& question, const Answer& answer, TimePoint now);

// The issue as a resident reads it in `language` ("cy", "en"), with the question's limits
// filled in ({min}, {max}, {option}, {detail}): use this rather than ui_text(issue.key).
std::string describe_issue(const Question& question, const AnswerIssue& issue, std::string_view language);

// The youngest the respondent can be, in whole years on `now`'s local date, going by their answer
// to an age_source question (a date of birth, or an age); nullopt when the answer states no age
// (empty or not acceptable). A year of birth alone gives the younger of its two possible ages.
std::optional<int> youngest_age(const Question& question, const Answer& answer, TimePoint now);

// Is `answer` the kind of answer this question takes (ChoiceAnswer for single choice, ...)?
bool answer_fits(const Question& question, const Answer& answer);

// True when the answer holds nothing (empty text, no option chosen...).
bool answer_is_empty(const Answer& answer);

bool is_valid_uk_postcode(const std::string& text);
bool is_valid_email(const std::string& text);   // REQUIREMENTS W7
bool is_valid_uk_phone(const std::string& text);

// Normalised forms for storage: "ll11 1ay" -> "LL11 1AY".
std::string normalise_postcode(const std::string& text);

// The answer as it appears in a response record and back.
nlohmann::json answer_to_json(const Question& question, const Answer& answer);
// nullopt and `error` set when the JSON is not an answer of this question's kind.
std::optional<Answer> answer_from_json(const Question& question, const nlohmann::json& value, std::string& error);

// What a condition sees of an answer (for show_if).
struct AnswerView;
AnswerView view_of(const Question& question, const Answer& answer);

}  // namespace soundings
