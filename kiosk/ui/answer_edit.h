// Pure edits of answers from taps and key presses: what a tap on an option or a key makes of the current answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "soundings/answer.h"
#include "soundings/consultation.h"
#include "ui/app_state.h"

namespace soundings::kiosk {

size_t utf8_length(std::string_view text);
// Appends `typed` unless the result would exceed `max_chars` code points.
std::string append_limited(const std::string& text, std::string_view typed, size_t max_chars);
// Removes the last UTF-8 code point.
std::string drop_last_code_point(const std::string& text);

// Single choice, agreement, smiley: choosing an option (keeps "other" text when it stays chosen).
Answer choose_option(const Answer* current, const std::string& option_id);
// Multiple choice: tapping an option. Exclusive and refusal options clear the others; choosing
// another clears them. At max_selections a new option is not added (returns nullopt).
std::optional<Answer> toggle_option(const Question& question, const Answer* current, const std::string& option_id);
bool option_chosen(const Answer* current, const std::string& option_id);

// Ranking: tapping an unranked option ranks it next; tapping a ranked one takes it out
// (those after it move up). Nothing happens when `max_selections` are already ranked.
std::optional<Answer> tap_rank(const Question& question, const Answer* current, const std::string& option_id);
// 1-based rank of an option, 0 when not ranked.
int rank_of(const Answer* current, const std::string& option_id);

// Date: sets one part, keeping the others.
Answer with_date_part(const Answer* current, DatePart part, int value);

// The text a field holds now, and the answer with that text replaced.
std::string target_text(const Answer* current, const TextTarget& target);
Answer with_target_text(const Question& question, const Answer* current, const TextTarget& target, std::string text);
size_t target_max_chars(const Question& question, const TextTarget& target);
// Which keys a field wants first.
KeyboardKind keyboard_kind_for(const Question& question, const TextTarget& target);

}  // namespace soundings::kiosk
