// Helpers shared by the answer rules, the answers' JSON form and the session (not public API).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "soundings/answer.h"
#include "soundings/answer_rules.h"
#include "soundings/clock.h"
#include "soundings/consultation.h"

namespace soundings::detail {

// A number as a resident types it: "12", "-3.5", "1,250", " 7 ". No "inf", "nan" or hex.
std::optional<double> parse_number_text(std::string_view text);

// Shortest text that reads back as the same number: 12 -> "12", 2.5 -> "2.5".
std::string format_number(double value);

// Leading and trailing ASCII white space removed.
std::string trim(std::string_view text);

// Code points in valid UTF-8 text; nullopt when the bytes are not valid UTF-8.
std::optional<size_t> utf8_length(std::string_view text);

// The default length limits for free text (FORMAT.md: 200 short, 2000 long).
int max_text_length(const Question& question);

// The problem as a resident reads it in `language`, with the question's limits filled in.
std::string issue_message(const Question& question, const AnswerIssue& issue, std::string_view language);

// The answer as a resident reads it on the review page, in `language`.
std::string answer_text(const Question& question, const Answer& answer, std::string_view language);

}  // namespace soundings::detail
