// Reach by equality group (REQUIREMENTS C5 and P4): who responded, counted by each equality
// question's answers, so that staff can see which groups were not heard.
//
// Each response's sealed equality part is opened with the hub's secret key, in memory only, and
// counted; the report holds counts and never a row per person. Written-in text is never shown,
// only that something was written. Small counts are hidden: a count from 1 to min_count - 1 reads
// "<min_count". When a question would hide exactly one of its counts, the next smallest count
// is hidden as well, so that the hidden one cannot be worked out from the total.
#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "console.h"
#include "hub_csv.h"
#include "hub_impl.h"
#include "hub_reach.h"
#include "soundings/answer_rules.h"
#include "soundings/ui_text.h"

namespace soundings::hub {

namespace {

using nlohmann::json;

struct Row {
  std::string answer_key;  // option id, age band or a fixed key; unique within the question
  std::string label;
  int64_t count = 0;
};

struct QuestionCounts {
  std::string id;
  std::string text;
  std::vector<Row> rows;

  Row& row(const std::string& key, const std::string& label) {
    for (Row& r : rows)
      if (r.answer_key == key) return r;
    rows.push_back({key, label, 0});
    return rows.back();
  }
};

// Age bands as the census reports them for consultation reach.
const std::vector<std::pair<int, int>> kAgeBands = {{16, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 74}};

// Every age row's key, youngest first.
std::vector<std::string> age_keys() {
  std::vector<std::string> keys = {"age:0"};
  for (const auto& band : kAgeBands) keys.push_back("age:" + std::to_string(band.first));
  keys.push_back("age:75");
  return keys;
}

std::string age_key(int age) {
  if (age < 16) return "age:0";
  for (const auto& [from, to] : kAgeBands)
    if (age <= to) return "age:" + std::to_string(from);
  return "age:75";
}

std::string age_label(const std::string& key, const std::string& language) {
  if (key == "age:0") return ui_text("reach.age_under_16", language);
  if (key == "age:75") return ui_text("reach.age_75_plus", language);
  const int from = std::stoi(key.substr(4));
  for (const auto& band : kAgeBands)
    if (band.first == from)
      return ui_text("reach.age_band", language,
                     {{"from", std::to_string(band.first)}, {"to", std::to_string(band.second)}});
  return key;
}

// Age on the day the response was submitted; with a year only, the age reached that year.
std::optional<int> age_at(const DateAnswer& born, const std::string& submitted_at) {
  if (submitted_at.size() < 10) return std::nullopt;
  const int year = std::stoi(submitted_at.substr(0, 4));
  const int month = std::stoi(submitted_at.substr(5, 2));
  const int day = std::stoi(submitted_at.substr(8, 2));
  int age = year - born.year;
  if (born.month != 0 && (month < born.month || (month == born.month && day < born.day))) --age;
  if (age < 0 || age > 130) return std::nullopt;
  return age;
}

// Adds one response's answer to `question` into its counts.
void count_answer(const Question& question, const Answer& answer, const std::string& submitted_at,
                  const std::string& language, QuestionCounts& counts) {
  const auto option_row = [&](const std::string& option_id) -> Row& {
    const Option* option = question.find_option(option_id);
    return counts.row("option:" + option_id, option ? option->label.in(language) : option_id);
  };
  const auto age_row = [&](int age) -> Row& { return counts.row(age_key(age), age_label(age_key(age), language)); };
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          option_row(a.option).count++;
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          for (const std::string& option : a.options) option_row(option).count++;
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          // The equality blocks ask for a date of birth; counted by age band, never by date.
          if (const auto age = age_at(a, submitted_at)) age_row(*age).count++;
          else counts.row("answered", ui_text("reach.answered_text", language)).count++;
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          // A number question in an equality block is an age; anything written is never shown.
          char* end = nullptr;
          const long value = std::strtol(a.text.c_str(), &end, 10);
          if (question.type == QuestionType::Number && end != a.text.c_str() && *end == '\0' && value >= 0 && value <= 130) {
            age_row(static_cast<int>(value)).count++;
          } else {
            counts.row("answered", ui_text("reach.answered_text", language)).count++;
          }
        } else {
          counts.row("answered", ui_text("reach.answered_text", language)).count++;
        }
      },
      answer);
}

}  // namespace

}  // namespace soundings::hub

namespace soundings::hub::detail {

Result<ReachCounts> reach_counts(HubState& hub, const std::string& consultation_id, const std::string& language) {
  const auto versions = hub.store->all_versions(consultation_id);
  if (!versions) return storage_error(versions.error());
  if (versions->empty()) {
    return Error{ErrorCode::NotFound, "no consultation \"" + consultation_id + "\" is published on this hub"};
  }
  std::map<int, ConsultationPtr> definitions;
  for (const auto& [version, text] : *versions) {
    const auto definition = hub.definition(consultation_id, version);
    if (!definition) return storage_error(definition.error());
    if (*definition) definitions[version] = *definition;
  }
  auto read_stored = hub.store->responses_of(consultation_id);
  if (!read_stored) return storage_error(read_stored.error());
  const std::vector<detail::StoredResponse> stored = std::move(*read_stored);

  // The equality questions, newest version's order first, then any only older versions asked.
  std::vector<QuestionCounts> questions;
  std::map<std::string, size_t> index;
  for (auto it = definitions.rbegin(); it != definitions.rend(); ++it) {
    for (const Page& page : it->second->pages) {
      for (const Question& question : page.questions) {
        if (question.data != DataClass::Special || index.count(question.id)) continue;
        index[question.id] = questions.size();
        questions.push_back({question.id, question.text.in(language), {}});
        QuestionCounts& counts = questions.back();
        for (const Option& option : question.options) counts.row("option:" + option.id, option.label.in(language));
        if (question.type == QuestionType::Date || question.type == QuestionType::Number) {
          for (const std::string& key : age_keys()) counts.row(key, age_label(key, language));
        }
      }
    }
  }

  ReachCounts out;
  std::vector<int64_t> answered(questions.size(), 0);
  for (const auto& response : stored) {
    const json body = json::parse(response.body, nullptr, false);
    if (!body.is_object()) continue;  // stored bodies passed validation; this cannot happen
    const auto found = definitions.find(response.consultation_version);
    const auto special = body.find("special");
    if (found == definitions.end() || special == body.end() || !special->is_object() || !special->contains("sealed")) {
      continue;  // nothing sealed: every equality question unanswered
    }
    Result<json> opened = open_sealed(*special, hub.keys);
    if (!opened || !opened->is_object()) {
      ++out.unreadable;
      continue;
    }
    const std::string submitted_at = body.value("submitted_at", "");
    for (const auto& [question_id, value] : opened->items()) {
      const Question* question = found->second->find_question(question_id);
      const auto slot = index.find(question_id);
      if (question == nullptr || slot == index.end()) continue;
      std::string error;
      const std::optional<Answer> answer = answer_from_json(*question, value, error);
      if (!answer) continue;
      count_answer(*question, *answer, submitted_at, language, questions[slot->second]);
      answered[slot->second]++;
    }
  }

  out.total = static_cast<int64_t>(stored.size());
  for (size_t q = 0; q < questions.size(); ++q) {
    QuestionCounts& counts = questions[q];
    // Every response counts once per question: answered in some way, or not at all. (A multiple
    // choice answer can name several options, so its rows may add up to more than the total.)
    counts.rows.push_back({"not_answered", ui_text("reach.not_answered", language), out.total - answered[q]});
    ReachQuestion question{counts.id, counts.text, {}};
    for (const Row& row : counts.rows) question.rows.push_back({row.answer_key, row.label, row.count});
    out.questions.push_back(std::move(question));
  }
  return out;
}

}  // namespace soundings::hub::detail

namespace soundings::hub {

Result<std::string> Hub::reach_report(const std::string& consultation_id, const ReachOptions& options) {
  if (options.min_count < 1) return Error{ErrorCode::InvalidInput, "--min-count must be 1 or more"};
  if (options.language != "cy" && options.language != "en") {
    return Error{ErrorCode::InvalidInput, "--lang must be cy or en, not \"" + options.language + "\""};
  }
  const std::string& language = options.language;
  auto counted = detail::reach_counts(*impl_, consultation_id, language);
  if (!counted) return counted.error();
  const std::string hidden_text = "<" + std::to_string(options.min_count);
  // The total and the unreadable count are counts like any other: a small one is hidden too. One rule for
  // the command and the console's pages: console::suppress.
  const auto shown = [&](int64_t count) {
    const auto kept = detail::console::suppress_one(count, options.min_count);
    return kept ? std::to_string(*kept) : hidden_text;
  };
  std::string out = detail::kUtf8ByteOrderMark;
  detail::append_csv_row(out, {"question_id", "question", "answer", "responses"});
  detail::append_csv_row(out, {"", ui_text("reach.all", language), "", shown(counted->total)});
  for (const detail::ReachQuestion& question : counted->questions) {
    std::vector<int64_t> counts;
    for (const detail::ReachRow& row : question.rows) counts.push_back(row.count);
    const auto kept = detail::console::suppress(counts, options.min_count);
    for (size_t i = 0; i < question.rows.size(); ++i) {
      detail::append_csv_row(out, {question.id, question.text, question.rows[i].label,
                                   kept[i] ? std::to_string(*kept[i]) : hidden_text});
    }
  }
  if (counted->unreadable > 0) {
    detail::append_csv_row(out, {"", ui_text("reach.unreadable", language), "", shown(counted->unreadable)});
  }
  return out;
}

}  // namespace soundings::hub
