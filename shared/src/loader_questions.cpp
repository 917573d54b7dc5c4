// Reads and checks one question: its fields by type, options, consents, and its show_if condition.
#include <algorithm>
#include <array>
#include <cctype>

#include "loader_internal.h"

namespace soundings::loader {

namespace {

constexpr std::array<std::string_view, 8> kCommonFields = {
    "id", "type", "text", "help", "required", "data", "show_if", "min_age"};

// Fields that only some types take.
std::vector<std::string_view> type_fields(QuestionType type) {
  switch (type) {
    case QuestionType::SingleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley: return {"options"};
    case QuestionType::MultipleChoice: return {"options", "min_selections", "max_selections"};
    case QuestionType::Ranking: return {"options", "max_selections"};
    case QuestionType::Scale10: return {"min_label", "max_label"};
    case QuestionType::ShortText:
    case QuestionType::LongText: return {"max_length"};
    case QuestionType::Number: return {"min", "max", "integer", "age_source"};
    case QuestionType::Date: return {"year_only_allowed", "age_source"};
    case QuestionType::Contact: return {"consents"};
    default: return {};
  }
}

constexpr std::array<QuestionType, 15> kAllTypes = {
    QuestionType::SingleChoice, QuestionType::MultipleChoice, QuestionType::Agreement, QuestionType::Smiley,
    QuestionType::Scale10,      QuestionType::ShortText,      QuestionType::LongText,  QuestionType::Number,
    QuestionType::Date,         QuestionType::Postcode,       QuestionType::Email,     QuestionType::Phone,
    QuestionType::Ranking,      QuestionType::Consent,        QuestionType::Contact};

// Equality questions that are not put to children (ONS and Welsh Government guidance: 16 or over).
constexpr int kSensitiveMinAge = 16;

// "gender identity" or "sexual orientation" when the question's text, in any language, speaks of it; else empty.
// The validator cannot read meaning, so it looks for the words the harmonised questions use.
std::string sensitive_topic(const LocalText& text) {
  static const std::array<std::pair<std::string_view, std::string_view>, 5> words = {{
      {"gender", "gender identity"},
      {"rhywedd", "gender identity"},
      {"sexual orientation", "sexual orientation"},
      {"cyfeiriadedd rhywiol", "sexual orientation"},
      {"sexuality", "sexual orientation"},
  }};
  for (const auto& [language, words_in] : text.by_language) {
    std::string lower = words_in;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& [word, topic] : words) {
      if (lower.find(word) != std::string::npos) return std::string(topic);
    }
  }
  return {};
}

bool has_options(QuestionType type) {
  return type == QuestionType::SingleChoice || type == QuestionType::MultipleChoice ||
         type == QuestionType::Agreement || type == QuestionType::Smiley || type == QuestionType::Ranking;
}

bool is_numeric(QuestionType type) {
  return type == QuestionType::Number || type == QuestionType::Scale10 || type == QuestionType::Smiley;
}

// "a single_choice question", "an agreement question".
std::string a_question(QuestionType type) {
  const std::string name = type_name(type);
  const bool vowel = name.find_first_of("aeiou") == 0;
  return (vowel ? "an " : "a ") + name + " question";
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < 12; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > 12) out += ", ...";
  return out;
}

// A field that is real but belongs to other question types gets a message saying so.
void misplaced_or_unknown(Problems& problems, const std::string& path, const std::string& name,
                          std::optional<QuestionType> type) {
  std::vector<std::string> known(kCommonFields.begin(), kCommonFields.end());
  if (type) {
    for (std::string_view f : type_fields(*type)) known.emplace_back(f);
  }
  std::string owners;
  for (QuestionType other : kAllTypes) {
    for (std::string_view f : type_fields(other)) {
      if (f == name) owners += std::string(owners.empty() ? "" : ", ") + type_name(other);
    }
  }
  if (!owners.empty()) {
    if (type) {
      problems.add(field(path, name), in_quotes(name) + " does not apply to " + type_name(*type) +
                                          " questions (only to " + owners + ")");
    }
    return;  // with an unknown type, the type itself is the problem already reported
  }
  std::string message = "unknown field " + in_quotes(name);
  const std::string suggestion = nearest(name, known);
  if (!suggestion.empty()) message += "; did you mean " + in_quotes(suggestion) + "?";
  problems.add(field(path, name), message);
}

void read_options(Problems& problems, const Json& value, const std::string& path, Question& question,
                  const Languages& languages) {
  if (!value.is_array()) {
    problems.add(path, "expected a list of options, found " + kind_of(value));
    return;
  }
  const QuestionType type = question.type;
  std::map<std::string, std::string, std::less<>> seen;  // option id -> path
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string option_path = item(path, i);
    const Json& entry = value[i];
    if (!entry.is_object()) {
      problems.add(option_path, "expected an option like {\"id\": \"...\", \"label\": {...}}, found " + kind_of(entry));
      continue;
    }
    Option option;
    for (const auto& [name, v] : entry.items()) {
      const std::string p = field(option_path, name);
      if (name == "id") {
        if (auto id = read_id(problems, v, p, IdRule::Plain)) option.id = *id;
      } else if (name == "label") {
        option.label = read_text(problems, v, p, languages);
      } else if (name == "exclusive" || name == "other" || name == "refusal") {
        auto flag = read_bool(problems, v, p);
        if (!flag) continue;
        const bool applies =
            (name == "exclusive" && type == QuestionType::MultipleChoice) ||
            (name == "other" && (type == QuestionType::SingleChoice || type == QuestionType::MultipleChoice)) ||
            (name == "refusal" && type != QuestionType::Ranking);
        if (!applies) {
          problems.add(p, in_quotes(name) + " does not apply to the options of " + type_name(type) + " questions");
          continue;
        }
        if (name == "exclusive") option.exclusive = *flag;
        if (name == "other") option.other = *flag;
        if (name == "refusal") option.refusal = *flag;
      } else {
        unknown_field(problems, option_path, name, {"id", "label", "exclusive", "other", "refusal"});
      }
    }
    require_fields(problems, entry, option_path, {"id", "label"});
    if (option.refusal) option.exclusive = true;  // "Prefer not to say" cannot sit beside other answers
    if (!option.id.empty()) {
      if (auto it = seen.find(option.id); it != seen.end()) {
        problems.add(field(option_path, "id"), "duplicate option id " + in_quotes(option.id) + " (also at " + it->second + ")");
      } else {
        seen.emplace(option.id, option_path);
      }
    }
    question.options.push_back(std::move(option));
  }
  if (value.empty()) {
    problems.add(path, "the option list is empty");
    return;
  }
  const auto count_if = [&](auto pred) { return std::count_if(question.options.begin(), question.options.end(), pred); };
  if (count_if([](const Option& o) { return o.other; }) > 1) problems.add(path, "more than one option is \"other\"");
  if (count_if([](const Option& o) { return o.refusal; }) > 1) problems.add(path, "more than one option is a \"refusal\"");
  const auto points = count_if([](const Option& o) { return !o.refusal; });
  if ((type == QuestionType::Agreement || type == QuestionType::Smiley) && points != 5) {
    problems.add(path, std::string(type_name(type)) + " questions take exactly 5 options (plus an optional refusal), found " +
                           std::to_string(points));
  }
  if ((type == QuestionType::SingleChoice || type == QuestionType::Ranking) && question.options.size() < 2) {
    problems.add(path, std::string(type_name(type)) + " questions need at least two options");
  }
}

void read_consents(Problems& problems, const Json& value, const std::string& path, Question& question,
                   const Languages& languages) {
  if (!value.is_array()) {
    problems.add(path, "expected a list of consents, found " + kind_of(value));
    return;
  }
  std::map<std::string, std::string, std::less<>> seen;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string consent_path = item(path, i);
    const Json& entry = value[i];
    if (!entry.is_object()) {
      problems.add(consent_path, "expected a consent like {\"id\": \"...\", \"channel\": \"email\", \"label\": {...}}, "
                                 "found " + kind_of(entry));
      continue;
    }
    ContactConsent consent;
    for (const auto& [name, v] : entry.items()) {
      const std::string p = field(consent_path, name);
      if (name == "id") {
        if (auto id = read_id(problems, v, p, IdRule::Plain)) consent.id = *id;
      } else if (name == "channel") {
        auto channel = read_string(problems, v, p);
        if (!channel) continue;
        if (*channel != "email" && *channel != "phone" && *channel != "post") {
          std::string message = in_quotes(*channel) + " is not a channel; use \"email\", \"phone\" or \"post\"";
          const std::string suggestion = nearest(*channel, {"email", "phone", "post"});
          if (!suggestion.empty()) message += " (did you mean " + in_quotes(suggestion) + "?)";
          problems.add(p, message);
          continue;
        }
        consent.channel = *channel;
      } else if (name == "label") {
        consent.label = read_text(problems, v, p, languages);
      } else {
        unknown_field(problems, consent_path, name, {"id", "channel", "label"});
      }
    }
    require_fields(problems, entry, consent_path, {"id", "channel", "label"});
    if (!consent.id.empty()) {
      if (auto it = seen.find(consent.id); it != seen.end()) {
        problems.add(field(consent_path, "id"), "duplicate consent id " + in_quotes(consent.id) + " (also at " + it->second + ")");
      } else {
        seen.emplace(consent.id, consent_path);
      }
    }
    question.consents.push_back(std::move(consent));
  }
}

void check_comparison(Problems& problems, const ExprComparison& comparison, const EarlierQuestion& target,
                      const std::string& path) {
  const std::string id = in_quotes(comparison.question);
  const std::string what = id + " is " + a_question(target.type);
  if (target.type == QuestionType::Date || target.type == QuestionType::Consent ||
      target.type == QuestionType::Contact) {
    problems.add(path, what + "; a condition can only ask whether it was answered: answered(" + comparison.question + ")");
    return;
  }
  if (comparison.numeric) {
    if (!is_numeric(target.type)) {
      problems.add(path, what + "; its answer cannot be compared with the number " + comparison.literal +
                             (has_options(target.type) ? " (compare it with an option id in quotes)" : ""));
    }
    return;
  }
  if (target.type == QuestionType::Number || target.type == QuestionType::Scale10) {
    problems.add(path, what + "; compare it with a number without quotes, not " + in_quotes(comparison.literal));
    return;
  }
  if (has_options(target.type)) {
    if ((comparison.op == "=" || comparison.op == "!=") &&
        (target.type == QuestionType::MultipleChoice || target.type == QuestionType::Ranking)) {
      problems.add(path, what + "; use \"contains\" or \"in\" to ask about its options, not \"" + comparison.op + "\"");
    }
    // An empty option list is reported at the question itself; naming each missing option again adds nothing.
    if (!target.options.empty() &&
        std::find(target.options.begin(), target.options.end(), comparison.literal) == target.options.end()) {
      std::string message = id + " has no option " + in_quotes(comparison.literal) + " (its options: " +
                            join_ids(target.options) + ")";
      const std::string suggestion = nearest(comparison.literal, target.options);
      if (!suggestion.empty()) message += "; did you mean " + in_quotes(suggestion) + "?";
      problems.add(path, message);
    }
  }
}

void check_condition(Problems& problems, const Question& question, const std::string& path,
                     const PageContext& context) {
  const Expression& condition = *question.show_if;
  std::set<std::string, std::less<>> reported;
  for (const std::string& ref : condition.referenced_questions()) {
    if (!reported.insert(ref).second) continue;
    if (context.earlier.count(ref) > 0) continue;
    if (ref == question.id) {
      problems.add(path, "refers to its own question " + in_quotes(ref) + "; a condition can only use earlier answers");
    } else if (auto later = context.all_ids.find(ref); later != context.all_ids.end()) {
      problems.add(path, "refers to " + in_quotes(ref) + ", which comes later (at " + later->second +
                             "); a condition can only use earlier answers");
    } else {
      std::vector<std::string> earlier_ids;
      for (const auto& [id, facts] : context.earlier) earlier_ids.push_back(id);
      std::string message = "refers to " + in_quotes(ref) + "; no earlier question has that id";
      const std::string suggestion = nearest(ref, earlier_ids);
      if (!suggestion.empty()) message += " (did you mean " + in_quotes(suggestion) + "?)";
      problems.add(path, message);
    }
  }
  for (const ExprComparison& comparison : condition.comparisons()) {
    auto target = context.earlier.find(comparison.question);
    if (target == context.earlier.end()) continue;  // already reported above
    check_comparison(problems, comparison, target->second, path);
  }
}

// A question limited by age needs an earlier answer that can say the age, or it could never be shown.
// Questions on gender identity or sexual orientation are only for those who have said they are 16 or
// over; one without that rule still loads (the council decides) but is flagged.
void check_age_rule(Problems& problems, const Question& question, const std::string& path,
                    const PageContext& context) {
  if (question.min_age) {
    const bool has_source = std::any_of(context.earlier.begin(), context.earlier.end(),
                                        [](const auto& earlier) { return earlier.second.age_source; });
    if (!has_source) {
      problems.add(field(path, "min_age"), "no earlier question gives the respondent's age; mark the date of birth "
                                           "or age question with \"age_source\": true");
    }
  }
  if (question.data != DataClass::Special || question.min_age.value_or(0) >= kSensitiveMinAge) return;
  const std::string topic = sensitive_topic(question.text);
  if (topic.empty()) return;
  const std::string age = std::to_string(kSensitiveMinAge);
  problems.warn(path, in_quotes(question.id) + " asks about " + topic + " but may be shown to children: add "
                      "\"min_age\": " + age + " so that only people who have said they are " + age + " or over see it");
}

}  // namespace

std::optional<Question> read_question(Problems& problems, const Json& value, const std::string& path,
                                      const PageContext& context) {
  if (!value.is_object()) {
    problems.add(path, "expected a question (an object with \"id\", \"type\" and \"text\"), found " + kind_of(value));
    return std::nullopt;
  }
  Question question;
  std::optional<QuestionType> type;
  if (auto it = value.find("type"); it != value.end()) {
    if (auto name = read_string(problems, *it, field(path, "type"))) {
      type = type_from_name(*name);
      if (!type) {
        std::vector<std::string> names;
        for (QuestionType t : kAllTypes) names.emplace_back(type_name(t));
        std::string message = in_quotes(*name) + " is not a question type";
        const std::string suggestion = nearest(*name, names);
        message += suggestion.empty() ? " (types: " + join_ids(names) + ")" : "; did you mean " + in_quotes(suggestion) + "?";
        problems.add(field(path, "type"), message);
      }
    }
  }
  if (type) question.type = *type;
  const bool typed = type.has_value();
  const auto takes = [&](std::string_view name) {
    if (!typed) return false;
    const auto fields = type_fields(*type);
    return std::find(fields.begin(), fields.end(), name) != fields.end();
  };
  const Languages& languages = context.languages;
  std::optional<std::string> data_name;
  bool show_if_ok = false;
  for (const auto& [name, v] : value.items()) {
    const std::string p = field(path, name);
    if (name == "type") {
      continue;
    } else if (name == "id") {
      if (auto id = read_id(problems, v, p, IdRule::Question)) question.id = *id;
    } else if (name == "text") {
      question.text = read_text(problems, v, p, languages);
    } else if (name == "help") {
      question.help = read_text(problems, v, p, languages);
    } else if (name == "required") {
      if (auto b = read_bool(problems, v, p)) question.required = *b;
    } else if (name == "data") {
      data_name = read_string(problems, v, p);
      if (!data_name) continue;
      if (*data_name == "ordinary") question.data = DataClass::Ordinary;
      else if (*data_name == "personal") question.data = DataClass::Personal;
      else if (*data_name == "special") question.data = DataClass::Special;
      else {
        std::string message = in_quotes(*data_name) + " is not a kind of data; use \"ordinary\", \"personal\" or \"special\"";
        const std::string suggestion = nearest(*data_name, {"ordinary", "personal", "special"});
        if (!suggestion.empty()) message += " (did you mean " + in_quotes(suggestion) + "?)";
        problems.add(p, message);
      }
    } else if (name == "show_if") {
      auto source = read_string(problems, v, p);
      if (!source) continue;
      std::string error;
      question.show_if = Expression::parse(*source, error);
      if (!question.show_if) problems.add(p, error);
      show_if_ok = question.show_if.has_value();
    } else if (name == "options" && takes(name)) {
      read_options(problems, v, p, question, languages);
    } else if ((name == "min_selections" || name == "max_selections") && takes(name)) {
      auto n = read_int(problems, v, p, name == "min_selections" ? 0 : 1, 1000);
      (name == "min_selections" ? question.min_selections : question.max_selections) = n;
    } else if ((name == "min_label" || name == "max_label") && takes(name)) {
      (name == "min_label" ? question.min_label : question.max_label) = read_text(problems, v, p, languages);
    } else if (name == "max_length" && takes(name)) {
      question.max_length = read_int(problems, v, p, 1, 100000);
    } else if ((name == "min" || name == "max") && takes(name)) {
      (name == "min" ? question.min_value : question.max_value) = read_number(problems, v, p);
    } else if (name == "integer" && takes(name)) {
      if (auto b = read_bool(problems, v, p)) question.integer_only = *b;
    } else if (name == "year_only_allowed" && takes(name)) {
      if (auto b = read_bool(problems, v, p)) question.year_only_allowed = *b;
    } else if (name == "age_source" && takes(name)) {
      if (auto b = read_bool(problems, v, p)) question.age_source = *b;
    } else if (name == "min_age") {
      question.min_age = read_int(problems, v, p, 1, 120);
    } else if (name == "consents" && takes(name)) {
      read_consents(problems, v, p, question, languages);
    } else {
      misplaced_or_unknown(problems, path, name, type);
    }
  }
  require_fields(problems, value, path, {"id", "type", "text"});
  if (!typed) return question;

  switch (question.type) {
    case QuestionType::SingleChoice:
    case QuestionType::MultipleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley:
    case QuestionType::Ranking: require_fields(problems, value, path, {"options"}); break;
    case QuestionType::Scale10: require_fields(problems, value, path, {"min_label", "max_label"}); break;
    case QuestionType::ShortText: question.max_length = question.max_length.value_or(200); break;
    case QuestionType::LongText: question.max_length = question.max_length.value_or(2000); break;
    case QuestionType::Contact:
      if (data_name && *data_name != "personal") {
        problems.add(field(path, "data"), "a contact question always holds personal data: write \"personal\" or "
                                          "leave \"data\" out");
      }
      question.data = DataClass::Personal;
      break;
    default: break;
  }
  const int option_count = static_cast<int>(question.options.size());
  if (question.min_selections && question.max_selections && *question.min_selections > *question.max_selections) {
    problems.add(field(path, "min_selections"), "min_selections (" + std::to_string(*question.min_selections) +
                                                    ") is more than max_selections (" +
                                                    std::to_string(*question.max_selections) + ")");
  }
  if (option_count > 0) {
    if (question.min_selections && *question.min_selections > option_count) {
      problems.add(field(path, "min_selections"), "min_selections (" + std::to_string(*question.min_selections) +
                                                      ") is more than the number of options (" +
                                                      std::to_string(option_count) + ")");
    }
    if (question.max_selections && *question.max_selections > option_count) {
      problems.add(field(path, "max_selections"), "max_selections (" + std::to_string(*question.max_selections) +
                                                      ") is more than the number of options (" +
                                                      std::to_string(option_count) + ")");
    }
  }
  if (question.min_value && question.max_value && *question.min_value > *question.max_value) {
    problems.add(field(path, "min"), "min (" + Json(*question.min_value).dump() + ") is more than max (" +
                                         Json(*question.max_value).dump() + ")");
  }
  if (show_if_ok) check_condition(problems, question, field(path, "show_if"), context);
  check_age_rule(problems, question, path, context);
  return question;
}

}  // namespace soundings::loader
