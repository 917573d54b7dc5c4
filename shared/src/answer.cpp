// Answers: equality, their JSON form in a response record, and what show_if conditions see of them.
//
// JSON form of an answer, by question type (the `answers`, `personal` and `special`
// objects of a response hold one of these per question id):
//   single_choice, agreement, smiley  {"option": "<id>"}, plus "other_text" when the option is `other`
//   multiple_choice                   {"options": ["<id>", ...]}, plus "other_text" when an `other` option is chosen
//   scale_0_10                        a whole number 0..10
//   short_text, long_text, phone      the text as typed ("email" trimmed; "phone" trimmed)
//   postcode                          normalised: "LL11 1AY"
//   number                            a JSON number (whole numbers as integers: 12, not 12.0)
//   date                              "YYYY-MM-DD", or "YYYY" when only a year was given
//   ranking                           ["<id>", ...], most important first
//   consent                           true / false
//   contact                           {"name", "email", "phone", "language", "consents": ["<id>", ...]}
// Dates are strings rather than objects so that exports sort and read naturally; a
// year alone keeps its own shape so that "born 1980" never turns into 1 January 1980.
#include <cmath>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "answer_detail.h"
#include "soundings/answer_rules.h"
#include "soundings/expression.h"

namespace soundings {

bool operator==(const ChoiceAnswer& a, const ChoiceAnswer& b) {
  return a.option == b.option && a.other_text == b.other_text;
}
bool operator==(const MultiChoiceAnswer& a, const MultiChoiceAnswer& b) {
  return a.options == b.options && a.other_text == b.other_text;
}
bool operator==(const ScaleAnswer& a, const ScaleAnswer& b) { return a.value == b.value; }
bool operator==(const TextAnswer& a, const TextAnswer& b) { return a.text == b.text; }
bool operator==(const DateAnswer& a, const DateAnswer& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}
bool operator==(const RankingAnswer& a, const RankingAnswer& b) { return a.order == b.order; }
bool operator==(const ConsentAnswer& a, const ConsentAnswer& b) { return a.given == b.given; }
bool operator==(const ContactAnswer& a, const ContactAnswer& b) {
  return a.name == b.name && a.email == b.email && a.phone == b.phone && a.language == b.language &&
         a.consents == b.consents;
}

namespace detail {

std::string format_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  // nlohmann prints the shortest text that reads back as the same double.
  return nlohmann::json(value).dump();
}

}  // namespace detail

namespace {

bool chosen_is_other(const Question& question, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    const Option* option = question.find_option(id);
    if (option && option->other) return true;
  }
  return false;
}

nlohmann::json number_json(const std::string& text) {
  const auto value = detail::parse_number_text(text);
  if (!value) return text;  // never reaches a record: submit refuses invalid answers
  if (std::floor(*value) == *value && std::fabs(*value) < 9e15) return static_cast<int64_t>(*value);
  return *value;
}

std::string date_text(const DateAnswer& date) {
  char buffer[32];
  if (date.month == 0 && date.day == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d", date.year);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  }
  return buffer;
}

bool read_digits(const std::string& text, size_t at, size_t count, int& out) {
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool only_keys(const nlohmann::json& value, std::initializer_list<const char*> keys, std::string& error) {
  for (const auto& item : value.items()) {
    bool known = false;
    for (const char* key : keys) known = known || item.key() == key;
    if (!known) {
      error = "unknown field \"" + item.key() + "\"";
      return false;
    }
  }
  return true;
}

std::optional<std::vector<std::string>> string_list(const nlohmann::json& value) {
  if (!value.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::string> optional_string(const nlohmann::json& value, const char* key, std::string& error) {
  if (!value.contains(key)) return std::string();
  if (!value[key].is_string()) {
    error = std::string("\"") + key + "\" must be a string";
    return std::nullopt;
  }
  return value[key].get<std::string>();
}

std::optional<Answer> fail(std::string& error, std::string message) {
  error = std::move(message);
  return std::nullopt;
}

std::optional<Answer> text_from_json(const Question& question, const nlohmann::json& value, std::string& error) {
  if (question.type == QuestionType::Number) {
    if (value.is_number_integer()) return Answer{TextAnswer{value.dump()}};
    if (value.is_number_float()) return Answer{TextAnswer{detail::format_number(value.get<double>())}};
    return fail(error, "a number answer must be a JSON number");
  }
  if (!value.is_string()) return fail(error, std::string("a ") + type_name(question.type) + " answer must be a string");
  return Answer{TextAnswer{value.get<std::string>()}};
}

std::optional<Answer> date_from_json(const nlohmann::json& value, std::string& error) {
  const std::string message = "a date answer must be \"YYYY-MM-DD\" or \"YYYY\"";
  if (!value.is_string()) return fail(error, message);
  const std::string text = value.get<std::string>();
  DateAnswer date;
  if (text.size() == 4 && read_digits(text, 0, 4, date.year)) return Answer{date};
  if (text.size() == 10 && read_digits(text, 0, 4, date.year) && text[4] == '-' &&
      read_digits(text, 5, 2, date.month) && text[7] == '-' && read_digits(text, 8, 2, date.day)) {
    return Answer{date};
  }
  return fail(error, message);
}

std::optional<Answer> contact_from_json(const nlohmann::json& value, std::string& error) {
  if (!value.is_object()) return fail(error, "a contact answer must be an object");
  if (!only_keys(value, {"name", "email", "phone", "language", "consents"}, error)) return std::nullopt;
  ContactAnswer contact;
  for (const auto& [key, field] : {std::pair{"name", &contact.name}, std::pair{"email", &contact.email},
                                   std::pair{"phone", &contact.phone}, std::pair{"language", &contact.language}}) {
    if (!value.contains(key) || !value[key].is_string()) {
      return fail(error, std::string("a contact answer needs \"") + key + "\" as a string");
    }
    *field = value[key].get<std::string>();
  }
  const auto consents = value.contains("consents") ? string_list(value["consents"]) : std::nullopt;
  if (!consents) return fail(error, "a contact answer needs \"consents\" as a list of consent ids");
  contact.consents = *consents;
  return Answer{contact};
}

}  // namespace

nlohmann::json answer_to_json(const Question& question, const Answer& answer) {
  if (!answer_fits(question, answer)) return nullptr;
  return std::visit(
      [&](const auto& typed) -> nlohmann::json {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          nlohmann::json out{{"option", typed.option}};
          if (chosen_is_other(question, {typed.option})) out["other_text"] = typed.other_text;
          return out;
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          nlohmann::json out{{"options", typed.options}};
          if (chosen_is_other(question, typed.options)) out["other_text"] = typed.other_text;
          return out;
        } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
          return typed.value;
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          switch (question.type) {
            case QuestionType::Number: return number_json(typed.text);
            case QuestionType::Postcode: return normalise_postcode(typed.text);
            case QuestionType::Email:
            case QuestionType::Phone: return detail::trim(typed.text);
            default: return typed.text;
          }
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          return date_text(typed);
        } else if constexpr (std::is_same_v<T, RankingAnswer>) {
          return typed.order;
        } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
          return typed.given;
        } else {
          return nlohmann::json{{"name", typed.name},
                                {"email", detail::trim(typed.email)},
                                {"phone", detail::trim(typed.phone)},
                                {"language", typed.language},
                                {"consents", typed.consents}};
        }
      },
      answer);
}

std::optional<Answer> answer_from_json(const Question& question, const nlohmann::json& value, std::string& error) {
  switch (question.type) {
    case QuestionType::SingleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley: {
      if (!value.is_object() || !value.contains("option") || !value["option"].is_string()) {
        return fail(error, "a choice answer must be {\"option\": \"<id>\"}");
      }
      if (!only_keys(value, {"option", "other_text"}, error)) return std::nullopt;
      const auto other = optional_string(value, "other_text", error);
      if (!other) return std::nullopt;
      return Answer{ChoiceAnswer{value["option"].get<std::string>(), *other}};
    }
    case QuestionType::MultipleChoice: {
      const auto options = value.is_object() && value.contains("options") ? string_list(value["options"]) : std::nullopt;
      if (!options) return fail(error, "a multiple choice answer must be {\"options\": [\"<id>\", ...]}");
      if (!only_keys(value, {"options", "other_text"}, error)) return std::nullopt;
      const auto other = optional_string(value, "other_text", error);
      if (!other) return std::nullopt;
      return Answer{MultiChoiceAnswer{*options, *other}};
    }
    case QuestionType::Scale10:
      if (!value.is_number_integer()) return fail(error, "a 0-10 scale answer must be a whole number");
      if (value.get<int64_t>() < 0 || value.get<int64_t>() > 10) return fail(error, "a 0-10 scale answer must be 0 to 10");
      return Answer{ScaleAnswer{value.get<int>()}};
    case QuestionType::ShortText:
    case QuestionType::LongText:
    case QuestionType::Number:
    case QuestionType::Postcode:
    case QuestionType::Email:
    case QuestionType::Phone: return text_from_json(question, value, error);
    case QuestionType::Date: return date_from_json(value, error);
    case QuestionType::Ranking: {
      const auto order = string_list(value);
      if (!order) return fail(error, "a ranking answer must be a list of option ids");
      return Answer{RankingAnswer{*order}};
    }
    case QuestionType::Consent:
      if (!value.is_boolean()) return fail(error, "a consent answer must be true or false");
      return Answer{ConsentAnswer{value.get<bool>()}};
    case QuestionType::Contact: return contact_from_json(value, error);
  }
  return fail(error, "unknown question type");
}

AnswerView view_of(const Question& question, const Answer& answer) {
  AnswerView view;
  std::visit(
      [&](const auto& typed) {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          if (typed.option.empty()) return;
          view.options.push_back(typed.option);
          // Smiley faces compare as 1 (very unhappy) to 5 (very happy), by position.
          if (question.type == QuestionType::Smiley) {
            for (size_t i = 0; i < question.options.size(); ++i) {
              if (question.options[i].id == typed.option) view.number = static_cast<double>(i + 1);
            }
          }
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          view.options = typed.options;
        } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
          view.number = typed.value;
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          if (question.type == QuestionType::Postcode) {
            view.text = normalise_postcode(typed.text);
          } else {
            view.text = detail::trim(typed.text);
          }
          if (question.type == QuestionType::Number) view.number = detail::parse_number_text(typed.text);
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          view.text = date_text(typed);
        } else if constexpr (std::is_same_v<T, RankingAnswer>) {
          view.options = typed.order;
        } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
          view.ticked = typed.given;
        } else {
          view.options = typed.consents;
          view.ticked = !typed.consents.empty();
          if (!detail::trim(typed.email).empty()) view.text = detail::trim(typed.email);
        }
      },
      answer);
  return view;
}

}  // namespace soundings
