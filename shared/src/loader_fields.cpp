// Field readers for the consultation loader: types, ranges, dates, ids, text in every language.
#include <algorithm>
#include <cmath>
#include <limits>

#include "loader_internal.h"

namespace soundings::loader {

std::string field(const std::string& path, std::string_view name) {
  if (path.empty()) return std::string(name);
  return path + "." + std::string(name);
}

std::string item(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  // Long or binary keys would flood a terminal; a prefix is enough to find them.
  const size_t limit = 60;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > limit) out += "...";
  return out + "\"";
}

std::string kind_of(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "the number " + value.dump();
    case Json::value_t::number_float: return "the number " + value.dump();
    case Json::value_t::string: return "the text " + in_quotes(value.get_ref<const std::string&>());
    case Json::value_t::array: return "a list";
    case Json::value_t::object: return "an object";
    default: return "something else";
  }
}

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Edit distance where swapping two neighbouring letters counts as one mistake ("requried").
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > 64) return {};  // nothing sensible is that long; keeps the table small
  const std::string lowered = lowercase(word);
  const size_t allowed = word.size() <= 3 ? 1 : word.size() <= 6 ? 2 : 3;
  std::string best;
  size_t best_distance = allowed + 1;
  for (const std::string& candidate : candidates) {
    const size_t distance = edit_distance(lowered, lowercase(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

void unknown_field(Problems& problems, const std::string& path, const std::string& name,
                   std::initializer_list<std::string_view> known) {
  std::vector<std::string> candidates(known.begin(), known.end());
  std::string message = "unknown field " + in_quotes(name);
  const std::string suggestion = nearest(name, candidates);
  if (!suggestion.empty()) message += "; did you mean " + in_quotes(suggestion) + "?";
  problems.add(field(path, name), message);
}

void require_fields(Problems& problems, const Json& object, const std::string& path,
                    std::initializer_list<std::string_view> required) {
  for (std::string_view name : required) {
    if (!object.contains(name)) problems.add(path, "missing " + in_quotes(name));
  }
}

std::optional<std::string> read_string(Problems& problems, const Json& value, const std::string& path) {
  if (!value.is_string()) {
    problems.add(path, "expected text in quotes, found " + kind_of(value));
    return std::nullopt;
  }
  return value.get<std::string>();
}

std::optional<int> read_int(Problems& problems, const Json& value, const std::string& path, long long min,
                            long long max) {
  long long number = 0;
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    number = value.get<long long>();
  } else if (value.is_number_unsigned()) {
    const auto u = value.get<unsigned long long>();
    number = u > static_cast<unsigned long long>(std::numeric_limits<long long>::max())
                 ? std::numeric_limits<long long>::max()
                 : static_cast<long long>(u);
  } else if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > 9e15) {
      problems.add(path, "the number " + value.dump() + " is too large (at most " + std::to_string(max) + ")");
      return std::nullopt;
    }
    if (d != std::floor(d)) {
      problems.add(path, "expected a whole number, found " + kind_of(value));
      return std::nullopt;
    }
    number = static_cast<long long>(d);
  } else {
    problems.add(path, "expected a whole number, found " + kind_of(value));
    return std::nullopt;
  }
  if (number < min) {
    problems.add(path, "must be at least " + std::to_string(min) + ", found " + std::to_string(number));
    return std::nullopt;
  }
  if (number > max) {
    problems.add(path, "must be at most " + std::to_string(max) + ", found " + value.dump());
    return std::nullopt;
  }
  return static_cast<int>(number);
}

std::optional<double> read_number(Problems& problems, const Json& value, const std::string& path) {
  if (!value.is_number()) {
    problems.add(path, "expected a number, found " + kind_of(value));
    return std::nullopt;
  }
  const double d = value.get<double>();
  // Beyond 2^53 numbers stop being exact, and nobody is asked to type them.
  if (!std::isfinite(d) || std::fabs(d) > 9e15) {
    problems.add(path, "the number " + value.dump() + " is too large to use");
    return std::nullopt;
  }
  return d;
}

std::optional<bool> read_bool(Problems& problems, const Json& value, const std::string& path) {
  if (!value.is_boolean()) {
    problems.add(path, "expected true or false, found " + kind_of(value));
    return std::nullopt;
  }
  return value.get<bool>();
}

bool is_real_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto digits = [&](size_t from, size_t count) {
    int n = 0;
    for (size_t i = from; i < from + count; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const int year = digits(0, 4);
  const int month = digits(5, 2);
  const int day = digits(8, 2);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

std::optional<std::string> read_date(Problems& problems, const Json& value, const std::string& path) {
  if (!value.is_string()) {
    problems.add(path, "expected a date in quotes like \"2027-01-31\", found " + kind_of(value));
    return std::nullopt;
  }
  const std::string& text = value.get_ref<const std::string&>();
  if (!is_real_date(text)) {
    problems.add(path, in_quotes(text) + " is not a real date written as YYYY-MM-DD (for example \"2027-01-31\")");
    return std::nullopt;
  }
  return text;
}

namespace {

const std::set<std::string, std::less<>> kExpressionWords = {"and", "or", "not", "in", "contains", "answered"};

bool id_char(char c, IdRule rule) {
  const bool basic = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                     c == '-';
  if (rule == IdRule::Question) return basic;
  return basic || c == '.' || c == '+';
}

}  // namespace

std::optional<std::string> read_id(Problems& problems, const Json& value, const std::string& path, IdRule rule) {
  auto text = read_string(problems, value, path);
  if (!text) return std::nullopt;
  if (text->empty()) {
    problems.add(path, "the id is empty");
    return std::nullopt;
  }
  if (text->size() > 100) {
    problems.add(path, "the id is too long (at most 100 characters)");
    return std::nullopt;
  }
  const bool chars_ok = std::all_of(text->begin(), text->end(), [&](char c) { return id_char(c, rule); });
  if (!chars_ok) {
    problems.add(path, in_quotes(*text) + " cannot be used as an id: use only letters a-z, digits, \"-\" and \"_\"" +
                           std::string(rule == IdRule::Plain ? ", \".\" and \"+\"" : "") + ", with no spaces");
    return std::nullopt;
  }
  if (rule == IdRule::Question) {
    const char first = text->front();
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
      problems.add(path, in_quotes(*text) + " cannot be used as a question id: it must start with a letter");
      return std::nullopt;
    }
    std::string lowered = *text;
    for (char& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (kExpressionWords.count(lowered) > 0) {
      problems.add(path, in_quotes(*text) + " cannot be used as a question id: it is a word of show_if conditions");
      return std::nullopt;
    }
  }
  return text;
}

namespace {
const std::map<std::string, std::string, std::less<>> kLanguageNames = {
    {"cy", "Welsh"}, {"en", "English"}, {"ga", "Irish"}, {"gd", "Scottish Gaelic"},
    {"pl", "Polish"}, {"ar", "Arabic"}, {"ur", "Urdu"},  {"ro", "Romanian"}};
}  // namespace

std::string language_name(std::string_view code) {
  if (auto it = kLanguageNames.find(code); it != kLanguageNames.end()) return it->second + " (" + std::string(code) + ")";
  return in_quotes(code);
}

LocalText read_text(Problems& problems, const Json& value, const std::string& path, const Languages& languages) {
  LocalText text;
  if (!value.is_object()) {
    std::string example = "{";
    for (size_t i = 0; i < languages.required.size(); ++i) {
      example += (i ? ", \"" : "\"") + languages.required[i] + "\": \"...\"";
    }
    example += "}";
    problems.add(path, "expected the text in each language, like " + example + ", found " + kind_of(value));
    return text;
  }
  for (const auto& [language, entry] : value.items()) {
    const std::string entry_path = field(path, language);
    const bool allowed = std::find(languages.allowed.begin(), languages.allowed.end(), language) !=
                         languages.allowed.end();
    if (!allowed) {
      std::string message = in_quotes(language) + " is not a declared language (declared: ";
      for (size_t i = 0; i < languages.allowed.size(); ++i) message += (i ? ", " : "") + languages.allowed[i];
      message += ")";
      const std::string suggestion = nearest(language, languages.allowed);
      if (!suggestion.empty()) message += "; did you mean " + in_quotes(suggestion) + "?";
      problems.add(entry_path, message);
      continue;
    }
    auto string = read_string(problems, entry, entry_path);
    if (!string) continue;
    const bool blank = std::all_of(string->begin(), string->end(),
                                   [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
    if (blank) {
      problems.add(entry_path, "the " + language_name(language) + " text is blank");
      continue;
    }
    if (std::find(languages.required.begin(), languages.required.end(), language) != languages.required.end()) {
      text.by_language[language] = *string;
    }
  }
  for (const std::string& language : languages.required) {
    if (!value.contains(language)) problems.add(path, "missing the " + language_name(language) + " text");
  }
  return text;
}

}  // namespace soundings::loader
