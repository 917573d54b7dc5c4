// Valid answers by question type: varied text in Welsh and English, real-shaped postcodes, phones and dates.
#include "random_answers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iterator>
#include <vector>

namespace soundings::loadgen {

namespace {

const std::vector<std::string> kWords = {
    "library", "evening", "parking", "bus",   "young",   "people",  "cafe",     "quiet",   "open",    "later",
    "Saturday", "children", "safe",  "lights", "park",   "llyfrgell", "nos",    "bws",     "plant",   "diogel",
    "ŵyl",     "tŷ",       "cwrw",  "gwên",   "hŷn",     "dŵr",     "more",    "staff",   "books",   "Wi-Fi"};
const std::vector<std::string> kPostcodes = {"LL11 1AY", "LL13 8DG", "LL12 7BW", "CF10 4UW", "SA1 3SN",
                                             "NP20 4UR", "SY23 1DE", "LL57 2DG", "CH5 1BD",  "M1 1AE"};
const std::vector<std::string> kNames = {"Siân Jones", "Gwenllïan ap Rhys", "Tom Evans", "Aled Hughes",
                                         "Priya Patel", "Ffion Wyn",         "Sam Roberts"};
const std::vector<std::string> kDomains = {"example.cymru", "example.wales", "example.org.uk"};

int uniform(std::mt19937_64& rng, int low, int high) {  // inclusive
  if (high <= low) return low;
  return std::uniform_int_distribution<int>(low, high)(rng);
}

bool chance(std::mt19937_64& rng, double probability) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < probability;
}

// Words up to `limit` bytes; bytes bound code points, so the length rule always holds.
std::string phrase(std::mt19937_64& rng, size_t limit, int max_words) {
  std::string text;
  const int words = uniform(rng, 1, max_words);
  for (int i = 0; i < words; ++i) {
    const std::string& word = kWords[static_cast<size_t>(uniform(rng, 0, static_cast<int>(kWords.size()) - 1))];
    const size_t extra = word.size() + (text.empty() ? 0 : 1);
    if (text.size() + extra > limit) break;
    if (!text.empty()) text += ' ';
    text += word;
  }
  if (text.empty()) text = "ok";
  return text;
}

const std::string& pick(std::mt19937_64& rng, const std::vector<std::string>& from) {
  return from[static_cast<size_t>(uniform(rng, 0, static_cast<int>(from.size()) - 1))];
}

std::string digits(std::mt19937_64& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += static_cast<char>('0' + uniform(rng, 0, 9));
  return out;
}

std::string email(std::mt19937_64& rng) {
  return "resident" + digits(rng, 5) + "@" + pick(rng, kDomains);
}

std::string phone(std::mt19937_64& rng) {
  return chance(rng, 0.5) ? "01978 29" + digits(rng, 4) : "07700 900" + digits(rng, 3);
}

int current_year(TimePoint now) {
  const std::time_t seconds = Clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return utc.tm_year + 1900;
}

ChoiceAnswer choice(const Question& question, std::mt19937_64& rng) {
  ChoiceAnswer answer;
  const Option& option = question.options[static_cast<size_t>(uniform(rng, 0, static_cast<int>(question.options.size()) - 1))];
  answer.option = option.id;
  if (option.other) answer.other_text = phrase(rng, 60, 4);
  return answer;
}

MultiChoiceAnswer multi(const Question& question, std::mt19937_64& rng) {
  MultiChoiceAnswer answer;
  std::vector<const Option*> ordinary;
  std::vector<const Option*> exclusive;
  for (const auto& option : question.options) (option.exclusive || option.refusal ? exclusive : ordinary).push_back(&option);
  const int minimum = std::max(1, question.min_selections.value_or(1));
  const bool alone = !exclusive.empty() && minimum <= 1 && (ordinary.empty() || chance(rng, 0.1));
  if (alone) {
    answer.options.push_back(exclusive[static_cast<size_t>(uniform(rng, 0, static_cast<int>(exclusive.size()) - 1))]->id);
  } else {
    std::shuffle(ordinary.begin(), ordinary.end(), rng);
    const int maximum = std::min(static_cast<int>(ordinary.size()), question.max_selections.value_or(static_cast<int>(ordinary.size())));
    const int count = uniform(rng, std::min(minimum, maximum), maximum);
    for (int i = 0; i < count; ++i) answer.options.push_back(ordinary[static_cast<size_t>(i)]->id);
  }
  for (const auto& id : answer.options) {
    const Option* option = question.find_option(id);
    if (option && option->other) answer.other_text = phrase(rng, 60, 4);
  }
  return answer;
}

TextAnswer number(const Question& question, std::mt19937_64& rng) {
  const double low = question.min_value.value_or(0);
  const double high = question.max_value.value_or(std::max(low, 0.0) + 100);
  if (question.integer_only) {
    const auto value = uniform(rng, static_cast<int>(std::ceil(low)), static_cast<int>(std::floor(high)));
    return TextAnswer{std::to_string(value)};
  }
  const int tenths = uniform(rng, static_cast<int>(std::ceil(low * 10)), static_cast<int>(std::floor(high * 10)));
  const int whole = tenths / 10;
  const int fraction = std::abs(tenths % 10);
  const std::string sign = (tenths < 0 && whole == 0) ? "-" : "";
  return TextAnswer{sign + std::to_string(whole) + "." + std::to_string(fraction)};
}

DateAnswer date(const Question& question, std::mt19937_64& rng, TimePoint now) {
  const int latest = current_year(now) - 17;  // a whole year back: never in the future in any time zone
  DateAnswer answer;
  answer.year = uniform(rng, 1935, latest);
  if (question.year_only_allowed && chance(rng, 0.2)) return answer;
  answer.month = uniform(rng, 1, 12);
  answer.day = uniform(rng, 1, 28);
  return answer;
}

RankingAnswer ranking(const Question& question, std::mt19937_64& rng) {
  RankingAnswer answer;
  for (const auto& option : question.options) answer.order.push_back(option.id);
  std::shuffle(answer.order.begin(), answer.order.end(), rng);
  const int limit = question.max_selections.value_or(static_cast<int>(answer.order.size()));
  answer.order.resize(static_cast<size_t>(uniform(rng, 1, std::min(limit, static_cast<int>(answer.order.size())))));
  return answer;
}

ContactAnswer contact(const Question& question, const std::string& language, std::mt19937_64& rng) {
  ContactAnswer answer;
  answer.name = pick(rng, kNames);
  if (chance(rng, 0.8)) answer.email = email(rng);
  if (chance(rng, 0.5)) answer.phone = phone(rng);
  answer.language = language;
  for (const auto& consent : question.consents) {
    if ((consent.channel == "email" && answer.email.empty()) || (consent.channel == "phone" && answer.phone.empty())) {
      continue;
    }
    if (chance(rng, 0.6)) answer.consents.push_back(consent.id);
  }
  // A detail is only kept with a consent for its channel ticked.
  const auto ticked = [&](const std::string& channel) {
    return std::any_of(answer.consents.begin(), answer.consents.end(), [&](const std::string& id) {
      return std::any_of(question.consents.begin(), question.consents.end(),
                         [&](const ContactConsent& c) { return c.id == id && c.channel == channel; });
    });
  };
  if (!ticked("email")) answer.email.clear();
  if (!ticked("phone")) answer.phone.clear();
  return answer;
}

}  // namespace

Answer random_answer(const Question& question, const std::string& language, std::mt19937_64& rng, TimePoint now) {
  switch (question.type) {
    case QuestionType::SingleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley: return choice(question, rng);
    case QuestionType::MultipleChoice: return multi(question, rng);
    case QuestionType::Scale10: return ScaleAnswer{uniform(rng, 0, 10)};
    case QuestionType::ShortText:
      return TextAnswer{phrase(rng, static_cast<size_t>(std::min(question.max_length.value_or(200), 80)), 8)};
    case QuestionType::LongText:
      return TextAnswer{phrase(rng, static_cast<size_t>(std::min(question.max_length.value_or(2000), 400)), 60)};
    case QuestionType::Number: return number(question, rng);
    case QuestionType::Date: return date(question, rng, now);
    case QuestionType::Postcode: return TextAnswer{pick(rng, kPostcodes)};
    case QuestionType::Email: return TextAnswer{email(rng)};
    case QuestionType::Phone: return TextAnswer{phone(rng)};
    case QuestionType::Ranking: return ranking(question, rng);
    case QuestionType::Consent: return ConsentAnswer{question.required || chance(rng, 0.7)};
    case QuestionType::Contact: return contact(question, language, rng);
  }
  return TextAnswer{"ok"};
}

}  // namespace soundings::loadgen
