// Consultation model helpers: question type names and look-ups over a loaded definition.
#include "soundings/consultation.h"

#include <array>
#include <utility>

namespace soundings {

namespace {

constexpr std::array<std::pair<QuestionType, const char*>, 15> kTypeNames = {{
    {QuestionType::SingleChoice, "single_choice"},
    {QuestionType::MultipleChoice, "multiple_choice"},
    {QuestionType::Agreement, "agreement"},
    {QuestionType::Smiley, "smiley"},
    {QuestionType::Scale10, "scale_0_10"},
    {QuestionType::ShortText, "short_text"},
    {QuestionType::LongText, "long_text"},
    {QuestionType::Number, "number"},
    {QuestionType::Date, "date"},
    {QuestionType::Postcode, "postcode"},
    {QuestionType::Email, "email"},
    {QuestionType::Phone, "phone"},
    {QuestionType::Ranking, "ranking"},
    {QuestionType::Consent, "consent"},
    {QuestionType::Contact, "contact"},
}};

}  // namespace

const char* type_name(QuestionType type) {
  for (const auto& [value, name] : kTypeNames) {
    if (value == type) return name;
  }
  return "unknown";
}

std::optional<QuestionType> type_from_name(std::string_view name) {
  for (const auto& [value, spelling] : kTypeNames) {
    if (name == spelling) return value;
  }
  return std::nullopt;
}

const Option* Question::find_option(std::string_view option_id) const {
  for (const Option& option : options) {
    if (option.id == option_id) return &option;
  }
  return nullptr;
}

const Question* Consultation::find_question(std::string_view question_id) const {
  for (const Page& page : pages) {
    for (const Question& question : page.questions) {
      if (question.id == question_id) return &question;
    }
  }
  return nullptr;
}

bool Consultation::declares(std::string_view language) const {
  for (const std::string& declared : languages) {
    if (declared == language) return true;
  }
  return false;
}

size_t Consultation::question_count() const {
  size_t count = 0;
  for (const Page& page : pages) count += page.questions.size();
  return count;
}

}  // namespace soundings
