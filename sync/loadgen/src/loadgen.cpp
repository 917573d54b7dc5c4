// Drives real Sessions to submission with random valid answers and saves them as the kiosk does.
#include "soundings/loadgen.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "random_answers.h"
#include "soundings/sealing.h"
#include "soundings/session.h"
#include "soundings/device_store.h"

namespace soundings::loadgen {

namespace {

constexpr int kTriesPerQuestion = 8;

int uniform(std::mt19937_64& rng, int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); }

// Answers `question_id` until the session accepts the answer; false if it never does.
Result<bool> answer_until_accepted(Session& session, const Question& question, std::mt19937_64& rng,
                                   const TimeSource& clock) {
  for (int attempt = 0; attempt < kTriesPerQuestion; ++attempt) {
    auto problem = session.set_answer(question.id, random_answer(question, session.language(), rng, clock.now()));
    if (!problem) return problem.error();
    if (!problem->has_value()) return true;
  }
  session.clear_answer(question.id);
  return false;
}

Error stuck(const Consultation& consultation, const std::vector<QuestionProblem>& problems) {
  std::string message = "loadgen could not complete a response to " + consultation.id + ": ";
  message += problems.empty() ? "no way forward" : problems.front().question_id + ": " + problems.front().message;
  return Error{ErrorCode::Internal, message};
}

}  // namespace

Result<Response> make_response(const ConsultationPtr& consultation, std::mt19937_64& rng, const std::string& device_id,
                               const std::string& venue, Channel channel, const std::string& seal_public_key,
                               std::optional<TimePoint> started) {
  // Started within the last three days, so responses spread over days as at a real venue.
  ManualTimeSource clock(started.value_or(Clock::now() - std::chrono::seconds(uniform(rng, 600, 3 * 24 * 3600))));
  SessionStart start;
  start.language = consultation->languages.empty()
                       ? std::string("en")
                       : consultation->languages[static_cast<size_t>(
                             uniform(rng, 0, static_cast<int>(consultation->languages.size()) - 1))];
  start.channel = channel;
  start.device_id = device_id;
  start.venue = venue;
  if (channel == Channel::Field) start.staff_id = "staff-" + std::to_string(uniform(rng, 1, 12));
  start.collect_personal = !seal_public_key.empty();
  Session session(consultation, start, clock);

  // Each round answers one page; a consultation has far fewer pages than this bound.
  const size_t max_rounds = consultation->pages.size() + 2;
  for (size_t round = 0; round < max_rounds && !session.at_review(); ++round) {
    std::set<std::string> decided;
    // Answers can reveal more questions on the same page, so look again until nothing new shows.
    for (size_t pass = 0; pass <= consultation->question_count(); ++pass) {
      bool more = false;
      for (const Question* question : session.visible_questions()) {
        if (!decided.insert(question->id).second) continue;
        more = true;
        if (!question->required && std::uniform_real_distribution<double>(0, 1)(rng) < 0.15) continue;
        if (auto accepted = answer_until_accepted(session, *question, rng, clock); !accepted) return accepted.error();
      }
      if (!more) break;
    }
    clock.advance(std::chrono::seconds(uniform(rng, 5, 90)));
    if (auto problems = session.next(); !problems.empty()) {
      for (const auto& problem : problems) {
        if (const Question* question = consultation->find_question(problem.question_id)) {
          if (auto accepted = answer_until_accepted(session, *question, rng, clock); !accepted) {
            return accepted.error();
          }
        }
      }
      if (auto again = session.next(); !again.empty()) return stuck(*consultation, again);
    }
  }
  if (!session.at_review()) return stuck(*consultation, {});
  auto response = session.submit();
  if (!response) return response.error();
  // As the kiosk and the tablet record it: the intro, with its privacy notice, comes before the questions.
  response->given.privacy_notice_shown = true;
  if (!seal_public_key.empty()) {
    if (auto sealed = seal_response(*response, seal_public_key); !sealed) return sealed.error();
  }
  return response;
}

Result<int64_t> fill_store(Store& store, const ConsultationPtr& consultation, const LoadgenOptions& options) {
  if (options.count < 0) return Error{ErrorCode::InvalidInput, "loadgen: the count must not be negative"};
  if (auto cached = store.put_consultation(consultation->id, consultation->version, consultation->canonical_json);
      !cached) {
    return Error{cached.error().code, "loadgen: caching " + consultation->id + ": " + cached.error().message};
  }
  auto stored_device_id = store.setting(setting::kDeviceId);
  auto stored_key = store.setting(setting::kSealPublicKey);
  if (!stored_device_id) return Error{stored_device_id.error().code, "loadgen: " + stored_device_id.error().message};
  if (!stored_key) return Error{stored_key.error().code, "loadgen: " + stored_key.error().message};
  std::string device_id = options.device_id;
  if (device_id.empty()) device_id = stored_device_id->value_or("loadgen-device");
  const std::string key = stored_key->value_or("");
  std::mt19937_64 rng(options.seed);
  // One person after another over the last three days, ending a quarter of an hour ago (so that no
  // response is submitted in the future), as a device's backlog builds up: in the order saved.
  const TimePoint last_start = Clock::now() - std::chrono::minutes(15);
  const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(72) - std::chrono::minutes(15));
  const auto step = std::max<int64_t>(1, window.count() / std::max<int64_t>(1, options.count));
  int64_t saved = 0;
  for (; saved < options.count; ++saved) {
    const TimePoint started = last_start - window + std::chrono::milliseconds(saved * step);
    auto response = make_response(consultation, rng, device_id, options.venue, options.channel, key, started);
    if (!response) return response.error();
    if (auto status = store.save(*response); !status) {
      return Error{status.error().code, "loadgen: saving response " + std::to_string(saved + 1) + ": " +
                                            status.error().message};
    }
    if (options.progress && (saved + 1) % 1000 == 0) options.progress(saved + 1);
  }
  return saved;
}

Result<int64_t> fill_visits(Store& store, int64_t count, uint64_t seed,
                            const std::function<void(int64_t saved)>& progress) {
  auto lists = store.walk_lists();
  auto staff = store.staff();
  auto device_id = store.setting(setting::kDeviceId);
  if (!lists) return lists.error();
  if (!staff) return staff.error();
  if (!device_id) return device_id.error();
  std::vector<std::pair<std::string, std::string>> doors;  // (list id, UPRN)
  for (const auto& list : *lists) {
    for (const auto& door : list.addresses) doors.emplace_back(list.id, door.uprn);
  }
  const auto officer = std::find_if(staff->begin(), staff->end(), [](const StaffMember& m) { return !m.disabled; });
  if (doors.empty() || officer == staff->end()) {
    return Error{ErrorCode::InvalidInput,
                 "loadgen: visits need a walk list and an enabled officer in the store (sync a field tablet first)"};
  }
  std::mt19937_64 rng(seed);
  const TimePoint last = Clock::now() - std::chrono::minutes(15);
  const auto window = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::hours(72));
  const auto step = std::max<int64_t>(1, window.count() / std::max<int64_t>(1, count));
  for (int64_t saved = 0; saved < count; ++saved) {
    const TimePoint when = last - window + std::chrono::seconds(saved * step);
    Visit visit;
    visit.id = make_time_ordered_uuid(when);  // as the tablet makes them
    visit.list_id = doors[static_cast<size_t>(saved) % doors.size()].first;
    visit.uprn = doors[static_cast<size_t>(saved) % doors.size()].second;
    visit.outcome = kAllVisitOutcomes[static_cast<size_t>(uniform(rng, 0, std::size(kAllVisitOutcomes) - 1))];
    visit.visited_at = format_iso8601_utc(when);
    if (visit.outcome == VisitOutcome::ComeBack) visit.come_back_at = format_iso8601_utc(when + std::chrono::hours(26));
    visit.staff_id = officer->id;
    visit.device_id = device_id->value_or("loadgen-device");
    if (auto status = store.save_visit(visit); !status) {
      return Error{status.error().code, "loadgen: saving visit " + std::to_string(saved + 1) + ": " +
                                            status.error().message};
    }
    if (progress && (saved + 1) % 1000 == 0) progress(saved + 1);
  }
  return count;
}

}  // namespace soundings::loadgen
