// What results count of a response (hub_facets.h).
//
// `choices` is a flat text "q=key;q=key;...": question and option ids are letters, digits, '-', '_',
// '.' and '+' (the loader's id rule), and the numbers written are digits, '-' and '.', so neither '='
// nor ';' can occur inside a part. A results page splits it without a JSON parser, which is what keeps
// a count over 100,000 responses within its time.
#include "hub_facets.h"

#include <variant>

#include "soundings/answer_rules.h"
#include "soundings/response.h"

namespace soundings::hub::detail {

namespace {

bool encodable(std::string_view part) {
  if (part.empty()) return false;
  for (const char c : part) {
    if (c == '=' || c == ';' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

void add_choice(std::string& out, const std::string& question_id, std::string_view key) {
  if (!encodable(question_id) || !encodable(key)) return;
  if (!out.empty()) out += ';';
  out += question_id;
  out += '=';
  out += key;
}

// A number as typed, kept only when it is a plain decimal (what Number questions accept).
bool plain_number(const std::string& text) {
  if (text.empty() || text.size() > 32) return false;
  size_t i = text[0] == '-' ? 1 : 0;
  bool digits = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      digits = true;
    } else if (text[i] == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits;
}

std::string string_field(const nlohmann::json& response, const char* name) {
  const auto it = response.find(name);
  return it != response.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Facets facets_of(const nlohmann::json& response, const Consultation& definition) {
  Facets facets;
  if (!response.is_object()) return facets;
  facets.language = string_field(response, "language");
  facets.channel = string_field(response, "channel");
  facets.venue = string_field(response, "venue");
  facets.device = string_field(response, "device_id");
  // Only `answers`: the personal and special parts are sealed boxes, and an ordinary question whose
  // answer arrived elsewhere is not one this hub stored.
  const auto answers = response.find("answers");
  if (answers == response.end() || !answers->is_object()) return facets;
  for (const auto& [question_id, value] : answers->items()) {
    const Question* question = definition.find_question(question_id);
    if (question == nullptr || question->data != DataClass::Ordinary) continue;
    std::string error;
    const std::optional<Answer> answer = answer_from_json(*question, value, error);
    if (!answer) continue;
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, ChoiceAnswer>) {
            add_choice(facets.choices, question_id, a.option);
            if (!a.other_text.empty()) facets.texts.emplace_back(question_id, a.other_text);
          } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
            for (const std::string& option : a.options) add_choice(facets.choices, question_id, option);
            if (!a.other_text.empty()) facets.texts.emplace_back(question_id, a.other_text);
          } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
            add_choice(facets.choices, question_id, std::to_string(a.value));
          } else if constexpr (std::is_same_v<T, TextAnswer>) {
            if (question->type == QuestionType::Number) {
              if (plain_number(a.text)) add_choice(facets.choices, question_id, a.text);
            } else if (question->type == QuestionType::ShortText || question->type == QuestionType::LongText) {
              // Postcodes, email addresses and phone numbers are not free text to read: never drawn out.
              if (!a.text.empty()) facets.texts.emplace_back(question_id, a.text);
            }
          } else if constexpr (std::is_same_v<T, RankingAnswer>) {
            // What people put first: an order of several options is not one count per option.
            if (!a.order.empty()) add_choice(facets.choices, question_id, a.order.front());
          } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
            add_choice(facets.choices, question_id, a.given ? "yes" : "no");
          }
          // Dates are not counted: a day is too near to naming someone; contact details are never ordinary.
        },
        *answer);
  }
  return facets;
}

std::vector<std::pair<std::string, std::string>> decode_choices(const std::string& choices) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < choices.size()) {
    size_t end = choices.find(';', start);
    if (end == std::string::npos) end = choices.size();
    const size_t equals = choices.find('=', start);
    if (equals != std::string::npos && equals < end) {
      out.emplace_back(choices.substr(start, equals - start), choices.substr(equals + 1, end - equals - 1));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace soundings::hub::detail
