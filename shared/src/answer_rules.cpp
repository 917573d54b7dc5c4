// The rules one answer must meet for its question, and the UK postcode, phone and email formats.
#include "soundings/answer_rules.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <set>

#include "answer_detail.h"

namespace soundings {

namespace detail {

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

namespace {

// Decodes the code point at `at`, advancing it; nullopt on invalid UTF-8 (overlong,
// surrogate, out of range or truncated), so that length limits cannot be dodged.
std::optional<char32_t> next_code_point(std::string_view text, size_t& at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  size_t extra = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    ++at;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (at + extra >= text.size()) return std::nullopt;
  for (size_t i = 1; i <= extra; ++i) {
    const unsigned char next = byte(at + i);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  at += extra + 1;
  return value;
}

}  // namespace

std::optional<size_t> utf8_length(std::string_view text) {
  size_t count = 0;
  size_t at = 0;
  while (at < text.size()) {
    if (!next_code_point(text, at)) return std::nullopt;
    ++count;
  }
  return count;
}

std::optional<double> parse_number_text(std::string_view raw) {
  std::string text = trim(raw);
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  if (text.empty()) return std::nullopt;
  // Thousands separators only in their proper places ("1,250,000"), never as a decimal comma.
  if (text.find(',') != std::string::npos) {
    const size_t point = text.find('.');
    const std::string whole = text.substr(0, point);
    const size_t digits_start = (!whole.empty() && whole[0] == '-') ? 1 : 0;
    std::string joined = whole.substr(0, digits_start);
    size_t group = 0;
    bool first = true;
    for (size_t i = digits_start; i <= whole.size(); ++i) {
      if (i == whole.size() || whole[i] == ',') {
        if ((first && (group < 1 || group > 3)) || (!first && group != 3)) return std::nullopt;
        first = false;
        group = 0;
      } else {
        joined.push_back(whole[i]);
        ++group;
      }
    }
    if (point != std::string::npos) joined += text.substr(point);
    text = joined;
  }
  for (const char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')) {
      return std::nullopt;
    }
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

int max_text_length(const Question& question) {
  if (question.max_length) return *question.max_length;
  return question.type == QuestionType::LongText ? 2000 : 200;
}

}  // namespace detail

namespace {

using detail::trim;

constexpr int kOtherTextLimit = 200;
constexpr int kContactFieldLimit = 200;
constexpr int kEarliestYear = 1850;  // catches "0198" for "1980"; nobody alive was born earlier

AnswerIssue issue(std::string key, std::string detail = {}) { return AnswerIssue{std::move(key), std::move(detail)}; }

// Letters and marks in e-mail addresses: anything from U+00C0 up (ŵ ŷ â ê î ô û ë ï, combining
// accents, other scripts) except blocks of punctuation, symbols, spaces, private use and emoji.
bool is_letter_like(char32_t c) {
  if (c < 0x80) return std::isalnum(static_cast<int>(c)) != 0;
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  if (c >= 0xE000 && c <= 0xF8FF) return false;
  if (c >= 0xFE00 && c <= 0xFE0F) return false;
  if (c >= 0xFFF0) return c <= 0xFFFF ? false : c < 0x1F000;
  return c != 0xFEFF;
}

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t label_start = 0;
  int labels = 0;
  std::string last_label;
  while (label_start <= domain.size()) {
    size_t dot = domain.find('.', label_start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(label_start, dot - label_start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    size_t at = 0;
    while (at < label.size()) {
      const auto c = detail::next_code_point(label, at);
      if (!c || !(*c == '-' || is_letter_like(*c))) return false;
    }
    ++labels;
    last_label = label;
    label_start = dot + 1;
    if (dot == domain.size()) break;
  }
  if (labels < 2 || last_label.size() < 2) return false;
  // A top-level domain is never all digits: "name@10.0.0.1" is not an address people give.
  for (const char c : last_label) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

bool valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  if (local.find("..") != std::string_view::npos) return false;
  static constexpr std::string_view allowed_symbols = ".!#$%&'*+/=?^_`{|}~-";
  size_t at = 0;
  while (at < local.size()) {
    const auto c = detail::next_code_point(local, at);
    if (!c) return false;
    if (*c < 0x80 && allowed_symbols.find(static_cast<char>(*c)) != std::string_view::npos) continue;
    if (!is_letter_like(*c)) return false;
  }
  return true;
}

// `code` is the compact form (no spaces, upper case). The letter rules are Royal Mail's, so a
// mistyped O for 0 in the inward part is caught rather than stored.
bool valid_compact_postcode(const std::string& code) {
  if (code == "GIR0AA") return true;
  if (code.size() < 5 || code.size() > 7) return false;
  const std::string outward = code.substr(0, code.size() - 3);
  const std::string inward = code.substr(code.size() - 3);
  static constexpr std::string_view inward_letters = "ABDEFGHJLNPQRSTUWXYZ";  // never C I K M O V
  if (!std::isdigit(static_cast<unsigned char>(inward[0])) ||
      inward_letters.find(inward[1]) == std::string_view::npos ||
      inward_letters.find(inward[2]) == std::string_view::npos) {
    return false;
  }
  const auto alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string shape;
  for (const char c : outward) shape.push_back(alpha(c) ? 'A' : digit(c) ? '9' : '?');
  static const std::set<std::string> shapes = {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"};
  if (!shapes.count(shape)) return false;
  if (std::string_view("QVX").find(outward[0]) != std::string_view::npos) return false;
  if (shape[1] == 'A' && std::string_view("IJZ").find(outward[1]) != std::string_view::npos) return false;
  if (shape == "A9A" && std::string_view("ABCDEFGHJKPSTUW").find(outward[2]) == std::string_view::npos) return false;
  if (shape == "AA9A" && std::string_view("ABEHMNPRVWXY").find(outward[3]) == std::string_view::npos) return false;
  return true;
}

std::string compact_postcode(const std::string& text) {
  std::string compact;
  for (const char c : text) {
    if (c == ' ' || c == '\t') continue;
    compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return compact;
}

std::optional<AnswerIssue> check_length(const std::string& text, int limit) {
  const auto length = detail::utf8_length(text);
  if (!length) return issue("error.invalid");
  if (*length > static_cast<size_t>(limit)) return issue("error.too_long", std::to_string(limit));
  return std::nullopt;
}

std::optional<AnswerIssue> check_number(const Question& question, const std::string& text) {
  const auto value = detail::parse_number_text(text);
  if (!value) return issue("error.number");
  if (question.integer_only && std::floor(*value) != *value) return issue("error.whole_number");
  const bool too_low = question.min_value && *value < *question.min_value;
  const bool too_high = question.max_value && *value > *question.max_value;
  if (!too_low && !too_high) return std::nullopt;
  if (question.min_value && question.max_value) {
    return issue("error.number_range",
                 detail::format_number(*question.min_value) + "-" + detail::format_number(*question.max_value));
  }
  if (too_low) return issue("error.number_min", detail::format_number(*question.min_value));
  return issue("error.number_max", detail::format_number(*question.max_value));
}

std::optional<AnswerIssue> check_text(const Question& question, const TextAnswer& answer) {
  if (trim(answer.text).empty()) return std::nullopt;
  switch (question.type) {
    case QuestionType::Number: return check_number(question, answer.text);
    case QuestionType::Postcode:
      return is_valid_uk_postcode(answer.text) ? std::nullopt : std::optional(issue("error.postcode"));
    case QuestionType::Email:
      return is_valid_email(answer.text) ? std::nullopt : std::optional(issue("error.email"));
    case QuestionType::Phone:
      return is_valid_uk_phone(answer.text) ? std::nullopt : std::optional(issue("error.phone"));
    default: return check_length(answer.text, detail::max_text_length(question));
  }
}

struct LocalDate {
  int year = 0;
  int month = 0;
  int day = 0;
};

// Birthdays and "not in the future" are about the resident's calendar: the device's local date.
LocalDate local_date(TimePoint now) {
  const std::time_t now_seconds = Clock::to_time_t(now);
  std::tm local{};
  localtime_r(&now_seconds, &local);
  return LocalDate{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

std::optional<AnswerIssue> check_date(const Question& question, const DateAnswer& answer, TimePoint now) {
  using namespace std::chrono;
  if (answer.year == 0 && answer.month == 0 && answer.day == 0) return std::nullopt;
  const auto [this_year, this_month, this_day] = local_date(now);
  if (answer.month == 0 && answer.day == 0) {
    if (!question.year_only_allowed) return issue("error.date_full");
    if (answer.year < kEarliestYear) return issue("error.date");
    if (answer.year > this_year) return issue("error.date_future");
    return std::nullopt;
  }
  if (answer.month < 1 || answer.month > 12 || answer.day < 1 || answer.day > 31 || answer.year < kEarliestYear) {
    return issue("error.date");
  }
  const year_month_day date{year{answer.year}, month{static_cast<unsigned>(answer.month)},
                            day{static_cast<unsigned>(answer.day)}};
  if (!date.ok()) return issue("error.date");
  const year_month_day today{year{this_year}, month{static_cast<unsigned>(this_month)},
                             day{static_cast<unsigned>(this_day)}};
  if (date > today) return issue("error.date_future");
  return std::nullopt;
}

std::optional<AnswerIssue> check_other_text(const Option& option, const std::string& other_text) {
  if (!option.other) return std::nullopt;
  if (trim(other_text).empty()) return issue("error.other_text");
  return check_length(other_text, kOtherTextLimit);
}

std::optional<AnswerIssue> check_choice(const Question& question, const ChoiceAnswer& answer) {
  if (answer.option.empty()) return std::nullopt;
  const Option* option = question.find_option(answer.option);
  if (!option) return issue("error.unknown_option", answer.option);
  return check_other_text(*option, answer.other_text);
}

std::optional<AnswerIssue> check_multi(const Question& question, const MultiChoiceAnswer& answer) {
  if (answer.options.empty()) return std::nullopt;
  std::set<std::string> seen;
  const Option* other = nullptr;
  for (const auto& id : answer.options) {
    const Option* option = question.find_option(id);
    if (!option) return issue("error.unknown_option", id);
    if (!seen.insert(id).second) return issue("error.invalid", id);
    if ((option->exclusive || option->refusal) && answer.options.size() > 1) return issue("error.exclusive", id);
    if (option->other) other = option;
  }
  const int count = static_cast<int>(answer.options.size());
  if (question.min_selections && count < *question.min_selections) {
    return issue("error.min_selections", std::to_string(*question.min_selections));
  }
  if (question.max_selections && count > *question.max_selections) {
    return issue("error.max_selections", std::to_string(*question.max_selections));
  }
  if (other) return check_other_text(*other, answer.other_text);
  return std::nullopt;
}

std::optional<AnswerIssue> check_ranking(const Question& question, const RankingAnswer& answer) {
  std::set<std::string> seen;
  for (const auto& id : answer.order) {
    if (!question.find_option(id)) return issue("error.unknown_option", id);
    if (!seen.insert(id).second) return issue("error.ranking", id);
  }
  const size_t limit = question.max_selections ? static_cast<size_t>(*question.max_selections) : question.options.size();
  if (answer.order.size() > limit) return issue("error.ranking_too_many", std::to_string(limit));
  return std::nullopt;
}

std::optional<AnswerIssue> check_contact(const Question& question, const ContactAnswer& answer) {
  if (answer_is_empty(Answer{answer})) return std::nullopt;
  if (auto problem = check_length(answer.name, kContactFieldLimit)) return problem;
  const std::string email = trim(answer.email);
  const std::string phone = trim(answer.phone);
  if (!email.empty() && !is_valid_email(email)) return issue("error.email");
  if (!phone.empty() && !is_valid_uk_phone(phone)) return issue("error.phone");
  // The follow-up language must be one the consultation speaks (W5); its text holds exactly those.
  const bool declared = question.text.empty() ? (answer.language == "cy" || answer.language == "en")
                                              : question.text.by_language.count(answer.language) > 0;
  if (answer.language.empty() || !declared) return issue("error.contact_language");
  std::set<std::string> seen;
  std::set<std::string> channels;  // with a consent ticked
  for (const auto& id : answer.consents) {
    const ContactConsent* consent = nullptr;
    for (const auto& candidate : question.consents) {
      if (candidate.id == id) consent = &candidate;
    }
    if (!consent || !seen.insert(id).second) return issue("error.invalid", id);
    if (consent->channel == "email" && email.empty()) return issue("error.contact_needs_email", id);
    if (consent->channel == "phone" && phone.empty()) return issue("error.contact_needs_phone", id);
    channels.insert(consent->channel);
  }
  // An address kept without a ticked purpose would be personal data held for nothing (P3): the
  // resident says what it is for or takes it out, rather than it being kept or dropped unseen.
  if (!email.empty() && !channels.count("email")) return issue("error.contact_email_unticked");
  if (!phone.empty() && !channels.count("phone")) return issue("error.contact_phone_unticked");
  return std::nullopt;
}

}  // namespace

std::optional<AnswerIssue> check_answer(const Question& question, const Answer& answer) {
  return check_answer(question, answer, Clock::now());
}

std::optional<AnswerIssue> check_answer(const Question& question, const Answer& answer, TimePoint now) {
  if (!answer_fits(question, answer)) return issue("error.invalid");
  return std::visit(
      [&](const auto& typed) -> std::optional<AnswerIssue> {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          return check_choice(question, typed);
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          return check_multi(question, typed);
        } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
          return (typed.value < 0 || typed.value > 10) ? std::optional(issue("error.scale")) : std::nullopt;
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          return check_text(question, typed);
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          return check_date(question, typed, now);
        } else if constexpr (std::is_same_v<T, RankingAnswer>) {
          return check_ranking(question, typed);
        } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
          return std::nullopt;
        } else {
          return check_contact(question, typed);
        }
      },
      answer);
}

namespace {
constexpr double kOldestAge = 150;
}  // namespace

std::optional<int> youngest_age(const Question& question, const Answer& answer, TimePoint now) {
  if (!question.age_source || answer_is_empty(answer) || check_answer(question, answer, now)) return std::nullopt;
  if (const auto* told = std::get_if<TextAnswer>(&answer)) {
    const auto years = detail::parse_number_text(told->text);
    if (!years || question.type != QuestionType::Number) return std::nullopt;
    // Not an age a person can have (a question with no max lets "1e20" through): says nothing about age.
    if (!std::isfinite(*years) || *years < 0 || *years > kOldestAge) return std::nullopt;
    return static_cast<int>(std::floor(*years));
  }
  const auto* born = std::get_if<DateAnswer>(&answer);
  if (!born) return std::nullopt;
  const LocalDate today = local_date(now);
  const int years = today.year - born->year;
  // A year alone could be either age; a birthday later this year (or today not yet reached) counts one less.
  if (born->month == 0) return years - 1;
  const bool had_birthday = today.month > born->month || (today.month == born->month && today.day >= born->day);
  return had_birthday ? years : years - 1;
}

bool answer_fits(const Question& question, const Answer& answer) {
  switch (question.type) {
    case QuestionType::SingleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley: return std::holds_alternative<ChoiceAnswer>(answer);
    case QuestionType::MultipleChoice: return std::holds_alternative<MultiChoiceAnswer>(answer);
    case QuestionType::Scale10: return std::holds_alternative<ScaleAnswer>(answer);
    case QuestionType::ShortText:
    case QuestionType::LongText:
    case QuestionType::Number:
    case QuestionType::Postcode:
    case QuestionType::Email:
    case QuestionType::Phone: return std::holds_alternative<TextAnswer>(answer);
    case QuestionType::Date: return std::holds_alternative<DateAnswer>(answer);
    case QuestionType::Ranking: return std::holds_alternative<RankingAnswer>(answer);
    case QuestionType::Consent: return std::holds_alternative<ConsentAnswer>(answer);
    case QuestionType::Contact: return std::holds_alternative<ContactAnswer>(answer);
  }
  return false;
}

bool answer_is_empty(const Answer& answer) {
  return std::visit(
      [](const auto& typed) -> bool {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          return typed.option.empty();
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          return typed.options.empty();
        } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
          return false;  // 0 is a real answer; clearing the question removes it
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          return trim(typed.text).empty();
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          return typed.year == 0 && typed.month == 0 && typed.day == 0;
        } else if constexpr (std::is_same_v<T, RankingAnswer>) {
          return typed.order.empty();
        } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
          return !typed.given;
        } else {
          // The language alone is not an answer: the screen preselects the one in use.
          return trim(typed.name).empty() && trim(typed.email).empty() && trim(typed.phone).empty() &&
                 typed.consents.empty();
        }
      },
      answer);
}

bool is_valid_uk_postcode(const std::string& text) { return valid_compact_postcode(compact_postcode(trim(text))); }

std::string normalise_postcode(const std::string& text) {
  const std::string compact = compact_postcode(trim(text));
  if (compact.size() < 5) return compact;
  return compact.substr(0, compact.size() - 3) + " " + compact.substr(compact.size() - 3);
}

bool is_valid_email(const std::string& text) {
  const std::string address = trim(text);
  if (address.size() > 254) return false;
  const size_t at = address.find('@');
  if (at == std::string::npos || address.find('@', at + 1) != std::string::npos) return false;
  return valid_local_part(std::string_view(address).substr(0, at)) &&
         valid_domain(std::string_view(address).substr(at + 1));
}

bool is_valid_uk_phone(const std::string& text) {
  std::string rest = trim(text);
  bool international = false;
  if (rest.rfind("+44", 0) == 0) {
    rest.erase(0, 3);
    international = true;
  } else if (rest.rfind("0044", 0) == 0) {
    rest.erase(0, 4);
    international = true;
  }
  if (international) {
    // "+44 (0)1978 ..." is how many people write it; the (0) is dropped when dialling.
    rest = trim(rest);
    if (rest.rfind("(0)", 0) == 0) rest.erase(0, 3);
  }
  std::string digits;
  for (const char c : rest) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  if (international) {
    // "+44 01978 ..." is a common slip with only one meaning.
    if (digits.empty() || digits[0] != '0') digits.insert(digits.begin(), '0');
  }
  // National form: 0 then a non-zero digit, 10 or 11 digits in all (a few old areas have 10).
  return (digits.size() == 10 || digits.size() == 11) && digits[0] == '0' && digits[1] != '0';
}

}  // namespace soundings
