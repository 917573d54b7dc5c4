// Answers and answer problems as a resident reads them, in the language on screen.
#include <nlohmann/json.hpp>

#include "answer_detail.h"
#include "soundings/ui_text.h"

namespace soundings::detail {

namespace {

std::string option_label(const Question& question, const std::string& id, std::string_view language) {
  const Option* option = question.find_option(id);
  return option ? option->label.in(language) : id;
}

std::string choice_text(const Question& question, const std::string& id, const std::string& other_text,
                        std::string_view language) {
  std::string text = option_label(question, id, language);
  const Option* option = question.find_option(id);
  if (option && option->other && !trim(other_text).empty()) text += ": " + trim(other_text);
  return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string contact_text(const Question& question, const ContactAnswer& contact, std::string_view language) {
  std::vector<std::string> lines;
  const auto add = [&](const char* key, const std::string& value) {
    if (!trim(value).empty()) lines.push_back(ui_text(key, language, {{"value", trim(value)}}));
  };
  add("answer.contact_name", contact.name);
  add("answer.contact_email", contact.email);
  add("answer.contact_phone", contact.phone);
  if (!contact.language.empty()) {
    add("answer.contact_language", ui_text("answer.language." + contact.language, language));
  }
  std::vector<std::string> consents;
  for (const auto& id : contact.consents) {
    std::string label = id;
    for (const auto& consent : question.consents) {
      if (consent.id == id) label = consent.label.in(language);
    }
    consents.push_back(label);
  }
  add("answer.contact_consents", join(consents, "; "));
  return join(lines, "\n");
}

}  // namespace

std::string issue_message(const Question& question, const AnswerIssue& issue, std::string_view language) {
  std::vector<std::pair<std::string, std::string>> values = {{"detail", issue.detail}};
  if (issue.key == "error.number_range" || issue.key == "error.number_min" || issue.key == "error.number_max") {
    if (question.min_value) values.emplace_back("min", format_number(*question.min_value));
    if (question.max_value) values.emplace_back("max", format_number(*question.max_value));
  } else if (issue.key == "error.min_selections") {
    values.emplace_back("min", issue.detail);
  } else if (issue.key == "error.too_long" || issue.key == "error.max_selections" ||
             issue.key == "error.ranking_too_many") {
    values.emplace_back("max", issue.detail);
  } else if (issue.key == "error.exclusive") {
    values.emplace_back("option", option_label(question, issue.detail, language));
  }
  return ui_text(issue.key, language, values);
}

std::string answer_text(const Question& question, const Answer& answer, std::string_view language) {
  // An unticked box reads "Not ticked" rather than "Not answered": it was seen and left.
  if (answer_is_empty(answer) && !std::holds_alternative<ConsentAnswer>(answer)) {
    return ui_text("review.not_answered", language);
  }
  return std::visit(
      [&](const auto& typed) -> std::string {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          return choice_text(question, typed.option, typed.other_text, language);
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          std::vector<std::string> labels;
          for (const auto& id : typed.options) labels.push_back(choice_text(question, id, typed.other_text, language));
          return join(labels, "; ");
        } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
          return ui_text("answer.scale", language, {{"value", std::to_string(typed.value)}});
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          if (question.type == QuestionType::Postcode && is_valid_uk_postcode(typed.text)) {
            return normalise_postcode(typed.text);
          }
          return question.type == QuestionType::LongText ? typed.text : trim(typed.text);
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          if (typed.month < 1 || typed.month > 12) return std::to_string(typed.year);
          return ui_text("answer.date", language,
                         {{"day", std::to_string(typed.day)},
                          {"month", ui_text("answer.month." + std::to_string(typed.month), language)},
                          {"year", std::to_string(typed.year)}});
        } else if constexpr (std::is_same_v<T, RankingAnswer>) {
          std::vector<std::string> lines;
          for (size_t i = 0; i < typed.order.size(); ++i) {
            lines.push_back(std::to_string(i + 1) + ". " + option_label(question, typed.order[i], language));
          }
          return join(lines, "\n");
        } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
          return ui_text(typed.given ? "answer.yes_ticked" : "answer.not_ticked", language);
        } else {
          return contact_text(question, typed, language);
        }
      },
      answer);
}

}  // namespace soundings::detail

namespace soundings {

std::string describe_issue(const Question& question, const AnswerIssue& issue, std::string_view language) {
  return detail::issue_message(question, issue, language);
}

}  // namespace soundings
