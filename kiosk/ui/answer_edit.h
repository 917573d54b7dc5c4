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

// A field's text and the cursor in it: a byte offset at the start of a letter (UTF-8), or the end.
struct TextCursor {
  std::string text;
  size_t cursor = 0;
  bool operator==(const TextCursor&) const = default;
};
// Within the text, and moved back to the start of the letter it falls in.
size_t clamp_cursor(std::string_view text, size_t cursor);
// One letter right or left of `cursor` (stays put at either end).
size_t next_letter(std::string_view text, size_t cursor);
size_t previous_letter(std::string_view text, size_t cursor);
// Inserts `typed` at the cursor and moves the cursor after it, unless the text would exceed `max_chars` letters.
TextCursor insert_limited(TextCursor field, std::string_view typed, size_t max_chars);
// Removes the letter before the cursor.
TextCursor erase_before(TextCursor field);

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
// The longest venue name staff may type (it is recorded on each response).
constexpr size_t kVenueMaxChars = 60;
size_t target_max_chars(const Question& question, const TextTarget& target);
// Which keys a field wants first.
KeyboardKind keyboard_kind_for(const Question& question, const TextTarget& target);

}  // namespace soundings::kiosk
