// Pure answer edits used by the controller when a screen reports a tap or a key.
#include "ui/answer_edit.h"

#include <algorithm>

namespace soundings::kiosk {

namespace {
bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

template <typename T>
T copy_or_default(const Answer* current) {
  if (current != nullptr)
    if (const T* existing = std::get_if<T>(current)) return *existing;
  return T{};
}
}  // namespace

size_t utf8_length(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(static_cast<unsigned char>(c)); }));
}

size_t clamp_cursor(std::string_view text, size_t cursor) {
  cursor = std::min(cursor, text.size());
  while (cursor > 0 && cursor < text.size() && is_continuation(static_cast<unsigned char>(text[cursor]))) --cursor;
  return cursor;
}

size_t next_letter(std::string_view text, size_t cursor) {
  cursor = clamp_cursor(text, cursor);
  if (cursor >= text.size()) return text.size();
  ++cursor;
  while (cursor < text.size() && is_continuation(static_cast<unsigned char>(text[cursor]))) ++cursor;
  return cursor;
}

size_t previous_letter(std::string_view text, size_t cursor) {
  cursor = clamp_cursor(text, cursor);
  if (cursor == 0) return 0;
  return clamp_cursor(text, cursor - 1);
}

TextCursor insert_limited(TextCursor field, std::string_view typed, size_t max_chars) {
  field.cursor = clamp_cursor(field.text, field.cursor);
  if (utf8_length(field.text) + utf8_length(typed) > max_chars) return field;
  field.text.insert(field.cursor, typed);
  field.cursor += typed.size();
  return field;
}

TextCursor erase_before(TextCursor field) {
  size_t end = clamp_cursor(field.text, field.cursor);
  size_t start = previous_letter(field.text, end);
  field.text.erase(start, end - start);
  field.cursor = start;
  return field;
}

Answer choose_option(const Answer* current, const std::string& option_id) {
  ChoiceAnswer answer = copy_or_default<ChoiceAnswer>(current);
  if (answer.option != option_id) answer.other_text.clear();
  answer.option = option_id;
  return answer;
}

bool option_chosen(const Answer* current, const std::string& option_id) {
  if (current == nullptr) return false;
  if (const auto* single = std::get_if<ChoiceAnswer>(current)) return single->option == option_id;
  if (const auto* multi = std::get_if<MultiChoiceAnswer>(current))
    return std::find(multi->options.begin(), multi->options.end(), option_id) != multi->options.end();
  return false;
}

std::optional<Answer> toggle_option(const Question& question, const Answer* current, const std::string& option_id) {
  MultiChoiceAnswer answer = copy_or_default<MultiChoiceAnswer>(current);
  const Option* tapped = question.find_option(option_id);
  if (tapped == nullptr) return std::nullopt;
  auto found = std::find(answer.options.begin(), answer.options.end(), option_id);
  if (found != answer.options.end()) {
    answer.options.erase(found);
    if (tapped->other) answer.other_text.clear();
    return answer;
  }
  auto is_exclusive = [&](const std::string& id) {
    const Option* o = question.find_option(id);
    return o != nullptr && (o->exclusive || o->refusal);
  };
  if (tapped->exclusive || tapped->refusal) {
    answer.options.clear();
    answer.other_text.clear();
  } else {
    std::erase_if(answer.options, is_exclusive);
    if (question.max_selections && static_cast<int>(answer.options.size()) >= *question.max_selections) return std::nullopt;
  }
  // Keep the definition's order so that review reads naturally.
  answer.options.push_back(option_id);
  std::vector<std::string> ordered;
  for (const Option& o : question.options)
    if (std::find(answer.options.begin(), answer.options.end(), o.id) != answer.options.end()) ordered.push_back(o.id);
  answer.options = std::move(ordered);
  return answer;
}

std::optional<Answer> tap_rank(const Question& question, const Answer* current, const std::string& option_id) {
  if (question.find_option(option_id) == nullptr) return std::nullopt;
  RankingAnswer answer = copy_or_default<RankingAnswer>(current);
  auto found = std::find(answer.order.begin(), answer.order.end(), option_id);
  if (found != answer.order.end()) {
    answer.order.erase(found);
    return answer;
  }
  size_t limit = question.max_selections ? static_cast<size_t>(*question.max_selections) : question.options.size();
  if (answer.order.size() >= limit) return std::nullopt;
  answer.order.push_back(option_id);
  return answer;
}

int rank_of(const Answer* current, const std::string& option_id) {
  if (current == nullptr) return 0;
  const auto* ranking = std::get_if<RankingAnswer>(current);
  if (ranking == nullptr) return 0;
  auto found = std::find(ranking->order.begin(), ranking->order.end(), option_id);
  return found == ranking->order.end() ? 0 : static_cast<int>(found - ranking->order.begin()) + 1;
}

Answer with_date_part(const Answer* current, DatePart part, int value) {
  DateAnswer date = copy_or_default<DateAnswer>(current);
  switch (part) {
    case DatePart::Day: date.day = value; break;
    case DatePart::Month: date.month = value; break;
    case DatePart::Year: date.year = value; break;
  }
  return date;
}

std::string target_text(const Answer* current, const TextTarget& target) {
  if (current == nullptr) return {};
  switch (target.field) {
    case TextTarget::Field::Answer:
      if (const auto* text = std::get_if<TextAnswer>(current)) return text->text;
      return {};
    case TextTarget::Field::Other:
      if (const auto* single = std::get_if<ChoiceAnswer>(current)) return single->other_text;
      if (const auto* multi = std::get_if<MultiChoiceAnswer>(current)) return multi->other_text;
      return {};
    case TextTarget::Field::ContactName:
    case TextTarget::Field::ContactEmail:
    case TextTarget::Field::ContactPhone:
      if (const auto* contact = std::get_if<ContactAnswer>(current)) {
        if (target.field == TextTarget::Field::ContactName) return contact->name;
        if (target.field == TextTarget::Field::ContactEmail) return contact->email;
        return contact->phone;
      }
      return {};
    case TextTarget::Field::Venue:
    case TextTarget::Field::Passphrase:
    case TextTarget::Field::VisitNote:
      return {};
  }
  return {};
}

Answer with_target_text(const Question& question, const Answer* current, const TextTarget& target, std::string text) {
  switch (target.field) {
    case TextTarget::Field::Other:
      if (question.type == QuestionType::MultipleChoice) {
        MultiChoiceAnswer multi = copy_or_default<MultiChoiceAnswer>(current);
        multi.other_text = std::move(text);
        return multi;
      } else {
        ChoiceAnswer single = copy_or_default<ChoiceAnswer>(current);
        single.other_text = std::move(text);
        return single;
      }
    case TextTarget::Field::ContactName:
    case TextTarget::Field::ContactEmail:
    case TextTarget::Field::ContactPhone: {
      ContactAnswer contact = copy_or_default<ContactAnswer>(current);
      if (target.field == TextTarget::Field::ContactName) contact.name = std::move(text);
      else if (target.field == TextTarget::Field::ContactEmail) contact.email = std::move(text);
      else contact.phone = std::move(text);
      return contact;
    }
    case TextTarget::Field::Answer:
    case TextTarget::Field::Venue:
    case TextTarget::Field::Passphrase:
    case TextTarget::Field::VisitNote:
      break;
  }
  return TextAnswer{std::move(text)};
}

size_t target_max_chars(const Question& question, const TextTarget& target) {
  switch (target.field) {
    case TextTarget::Field::Answer:
      switch (question.type) {
        case QuestionType::LongText: return static_cast<size_t>(question.max_length.value_or(2000));
        case QuestionType::ShortText: return static_cast<size_t>(question.max_length.value_or(200));
        case QuestionType::Postcode: return 10;
        case QuestionType::Phone: return 20;
        case QuestionType::Number: return 20;
        default: return 254;
      }
    case TextTarget::Field::Other: return 200;
    case TextTarget::Field::ContactName: return 100;
    case TextTarget::Field::ContactEmail: return 254;
    case TextTarget::Field::ContactPhone: return 20;
    case TextTarget::Field::Venue: return kVenueMaxChars;
    case TextTarget::Field::Passphrase:
    case TextTarget::Field::VisitNote: return 0;  // typed through the controller's field_edit_text
  }
  return 200;
}

KeyboardKind keyboard_kind_for(const Question& question, const TextTarget& target) {
  switch (target.field) {
    case TextTarget::Field::ContactEmail: return KeyboardKind::Email;
    case TextTarget::Field::ContactPhone: return KeyboardKind::Phone;
    case TextTarget::Field::Venue: return KeyboardKind::Venue;
    case TextTarget::Field::Passphrase:
    case TextTarget::Field::VisitNote: return KeyboardKind::Text;
    case TextTarget::Field::Other:
    case TextTarget::Field::ContactName: return KeyboardKind::Text;
    case TextTarget::Field::Answer: break;
  }
  switch (question.type) {
    case QuestionType::Email: return KeyboardKind::Email;
    case QuestionType::Phone: return KeyboardKind::Phone;
    case QuestionType::Number: return KeyboardKind::Number;
    case QuestionType::Postcode: return KeyboardKind::Postcode;
    default: return KeyboardKind::Text;
  }
}

}  // namespace soundings::kiosk
