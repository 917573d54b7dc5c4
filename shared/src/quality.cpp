// Quality flags of a response (quality.h): too fast, the same answer on every scale, outside working hours.
#include "soundings/quality.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "soundings/answer_rules.h"
#include "soundings/field_records.h"

namespace soundings {

namespace {

size_t answered_count(const nlohmann::json& answers) {
  if (!answers.is_object()) return 0;
  return static_cast<size_t>(std::count_if(answers.begin(), answers.end(), [](const auto& a) { return !a.is_null(); }));
}

bool too_fast(const Response& response) {
  const size_t answers = answered_count(response.answers);
  if (answers < kTooFastMinAnswers) return false;
  long long seconds = 0;
  for (const PageTime& page : response.page_seconds) seconds += std::max(page.seconds, 0);
  return seconds < static_cast<long long>(answers) * kTooFastSecondsPerAnswer;
}

// Where a scale answer lies along its scale, as a fraction (step, steps): agreement and smiley by the
// chosen option's place among the points (a "prefer not to say" is no point), 0-10 by value. The same
// place on scales of different lengths (the middle of a 5-point and of a 0-10 scale) is the same answer.
struct ScalePlace {
  int step = 0;
  int steps = 1;
  bool operator==(const ScalePlace& other) const { return step * other.steps == other.step * steps; }
};

std::optional<ScalePlace> scale_place(const Question& question, const nlohmann::json& value) {
  std::string error;
  if (question.type == QuestionType::Scale10) {
    const auto answer = answer_from_json(question, value, error);
    if (!answer) return std::nullopt;
    return ScalePlace{std::get<ScaleAnswer>(*answer).value, 10};
  }
  if (question.type != QuestionType::Agreement && question.type != QuestionType::Smiley) return std::nullopt;
  const auto answer = answer_from_json(question, value, error);
  if (!answer) return std::nullopt;
  const std::string& chosen = std::get<ChoiceAnswer>(*answer).option;
  int step = 0;
  std::optional<int> found;
  for (const Option& option : question.options) {
    if (option.refusal) continue;
    if (option.id == chosen) found = step;
    ++step;
  }
  if (!found || step < 2) return std::nullopt;
  return ScalePlace{*found, step - 1};
}

// Every answered scale at the same place, and enough scales answered to say so.
bool same_answer_every_scale(const Response& response, const Consultation& definition) {
  if (!response.answers.is_object()) return false;
  std::vector<ScalePlace> places;
  for (const auto& [id, value] : response.answers.items()) {
    const Question* question = definition.find_question(id);
    if (question == nullptr || question->data != DataClass::Ordinary || value.is_null()) continue;
    if (const auto place = scale_place(*question, value)) places.push_back(*place);
  }
  if (places.size() < kSameAnswerMinScales) return false;
  return std::all_of(places.begin(), places.end(), [&](const ScalePlace& place) { return place == places.front(); });
}

// 01:00 UTC on the last Sunday of `month` in `y`: when UK clocks change.
TimePoint last_sunday_one_am(std::chrono::year y, std::chrono::month month) {
  using namespace std::chrono;
  const sys_days last{year_month_day_last{y, month_day_last{month}}};
  const sys_days sunday = last - (weekday{last} - Sunday);
  return TimePoint{sunday} + hours{1};
}

}  // namespace

std::vector<std::string> response_quality_flags(const Response& response, const Consultation& definition,
                                                TimePoint started, TimePoint submitted, int utc_offset_minutes) {
  std::vector<std::string> flags;
  if (too_fast(response)) flags.emplace_back(kFlagTooFast);
  if (same_answer_every_scale(response, definition)) flags.emplace_back(kFlagSameAnswerEveryScale);
  if (started != kTimeUnknown && submitted != kTimeUnknown &&
      (outside_working_hours(started, utc_offset_minutes) || outside_working_hours(submitted, utc_offset_minutes))) {
    flags.emplace_back(kFlagOutsideWorkingHours);
  }
  return merge_quality_flags(flags, {});
}

bool outside_working_hours(TimePoint at, int utc_offset_minutes) {
  using namespace std::chrono;
  const auto local = floor<minutes>(at) + minutes{utc_offset_minutes};
  const int minute_of_day = static_cast<int>((local - floor<days>(local)).count());
  return minute_of_day < kWorkingDayStartHour * 60 || minute_of_day >= kWorkingDayEndHour * 60;
}

void flag_many_completions(std::vector<Visit>& visits) {
  std::map<std::pair<std::string, std::string>, size_t> completed;
  for (const Visit& visit : visits) {
    if (visit.outcome == VisitOutcome::Completed) ++completed[{visit.list_id, visit.uprn}];
  }
  for (Visit& visit : visits) {
    if (visit.outcome == VisitOutcome::Completed && completed[{visit.list_id, visit.uprn}] > kManyCompletionsAtAddress) {
      visit.flags = merge_quality_flags(visit.flags, {kFlagManyCompletionsAtAddress});
    }
  }
}

int uk_utc_offset_minutes(TimePoint when) {
  using namespace std::chrono;
  const year y = year_month_day{floor<days>(when)}.year();
  const bool summer = when >= last_sunday_one_am(y, March) && when < last_sunday_one_am(y, October);
  return summer ? 60 : 0;
}

bool is_coarsened_time(const std::string& iso8601_utc) {
  const std::string midnight = "T00:00:00Z";
  return iso8601_utc.size() == 20 && iso8601_utc.compare(10, midnight.size(), midnight) == 0;
}

std::vector<std::string> merge_quality_flags(const std::vector<std::string>& first,
                                             const std::vector<std::string>& second) {
  std::set<std::string> all(first.begin(), first.end());
  all.insert(second.begin(), second.end());
  return {all.begin(), all.end()};
}

}  // namespace soundings
