// Quality flags for responses, and the anonymising of a response taken at a door.
#include "soundings/quality.h"

#include <ctime>
#include <optional>

#include "soundings/field_records.h"

namespace soundings {

namespace {
// Where an answer sits on its scale, from 0 (first point) to 1 (last point); nullopt when not a scale answer.
std::optional<double> scale_position(const Question& question, const nlohmann::json& answer) {
  switch (question.type) {
    case QuestionType::Scale10:
      if (!answer.is_number_integer()) return std::nullopt;
      return answer.get<double>() / 10.0;
    case QuestionType::Agreement:
    case QuestionType::Smiley: {
      if (!answer.is_object() || !answer.contains("option") || !answer["option"].is_string()) return std::nullopt;
      const std::string chosen = answer["option"].get<std::string>();
      const size_t points = question.options.size();
      for (size_t i = 0; i < points; ++i)
        if (question.options[i].id == chosen)
          return points > 1 ? static_cast<double>(i) / static_cast<double>(points - 1) : 0.0;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

size_t answers_in(const nlohmann::json& part) { return part.is_object() && !part.contains("sealed") ? part.size() : 0; }
}  // namespace

bool outside_working_hours(TimePoint at, int utc_offset_minutes) {
  auto local = std::chrono::floor<std::chrono::minutes>(at.time_since_epoch()) + std::chrono::minutes(utc_offset_minutes);
  auto minute_of_day = (local.count() % (24 * 60) + 24 * 60) % (24 * 60);
  return minute_of_day < kWorkingDayStartHour * 60 || minute_of_day >= kWorkingDayEndHour * 60;
}

bool answered_too_fast(const Response& response, TimePoint started, TimePoint submitted) {
  size_t answered = answers_in(response.answers) + answers_in(response.personal) + answers_in(response.special);
  if (answered == 0) return false;
  double seconds = std::chrono::duration<double>(submitted - started).count();
  return seconds < kMinSecondsPerAnswer * static_cast<double>(answered);
}

bool same_answer_every_scale(const Response& response, const Consultation& consultation) {
  std::optional<double> first;
  size_t scales = 0;
  for (const Page& page : consultation.pages) {
    for (const Question& question : page.questions) {
      auto found = response.answers.find(question.id);
      if (found == response.answers.end()) continue;
      std::optional<double> at = scale_position(question, *found);
      if (!at) continue;
      if (first && *first != *at) return false;
      first = at;
      ++scales;
    }
  }
  return scales >= kMinScalesForSameAnswer;
}

std::vector<std::string> response_quality_flags(const Response& response, const Consultation& consultation,
                                                TimePoint started, TimePoint submitted, int utc_offset_minutes) {
  std::vector<std::string> flags;
  if (answered_too_fast(response, started, submitted)) flags.emplace_back(kFlagTooFast);
  if (same_answer_every_scale(response, consultation)) flags.emplace_back(kFlagSameAnswerEveryScale);
  if (outside_working_hours(started, utc_offset_minutes) || outside_working_hours(submitted, utc_offset_minutes))
    flags.emplace_back(kFlagOutsideWorkingHours);
  return flags;
}

int local_utc_offset_minutes(TimePoint at) {
  std::time_t t = Clock::to_time_t(at);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return 0;
  return static_cast<int>(local.tm_gmtoff / 60);
}

void make_field_response_anonymous(Response& response) {
  auto day = [](const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) + "T00:00:00Z" : iso; };
  response.id = make_uuid();
  response.venue.clear();
  response.started_at = day(response.started_at);
  response.submitted_at = day(response.submitted_at);
}

}  // namespace soundings
