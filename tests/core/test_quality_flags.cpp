// Quality flags of a response and of visits (quality.h): the one judgement the device and the hub both make.
#include <catch2/catch.hpp>

#include "soundings/field_records.h"
#include "soundings/quality.h"
#include "test_loader_support.h"

using namespace soundings;

namespace {

TimePoint at(const std::string& text) {
  TimePoint when;
  REQUIRE(parse_iso8601_utc(text, when));
  return when;
}

ConsultationPtr small_consultation() {
  auto loaded = loader_test::load(loader_test::small_fixture());
  REQUIRE(loaded.ok());
  return loaded.consultation;
}

// An unhurried response to the small consultation: three scales at different places, plenty of time.
Response considered_response() {
  Response response;
  response.consultation_id = "test-small";
  response.consultation_version = 2;
  response.answers = {{"transport", {{"option", "bus"}}},
                      {"parking", {{"option", "agree"}}},
                      {"mood", {{"option", "s3"}}},
                      {"likely", 7}};
  response.page_seconds = {{"travel", 60}, {"about", 30}};
  return response;
}

std::vector<std::string> flags_at_midday(const Response& response, const Consultation& definition) {
  return response_quality_flags(response, definition, at("2026-12-02T12:00:00Z"), at("2026-12-02T12:05:00Z"), 0);
}

}  // namespace

TEST_CASE("a considered response in working hours has no quality flags", "[quality]") {
  const auto definition = small_consultation();
  CHECK(flags_at_midday(considered_response(), *definition).empty());
}

TEST_CASE("a response with under two seconds an answer is too fast for its length", "[quality]") {
  const auto definition = small_consultation();
  Response response = considered_response();
  response.page_seconds = {{"travel", 4}, {"about", 3}};  // 7 seconds for 4 answers
  CHECK(flags_at_midday(response, *definition) == std::vector<std::string>{kFlagTooFast});
  response.page_seconds = {{"travel", 5}, {"about", 3}};  // 8 seconds: two each
  CHECK(flags_at_midday(response, *definition).empty());
}

TEST_CASE("one or two quick answers are never too fast", "[quality]") {
  const auto definition = small_consultation();
  Response response = considered_response();
  response.answers = {{"transport", {{"option", "bus"}}}, {"likely", 7}};
  response.page_seconds = {{"travel", 1}};
  CHECK(flags_at_midday(response, *definition).empty());
}

TEST_CASE("the same place on every scale of any length is flagged, a different one is not", "[quality]") {
  const auto definition = small_consultation();
  Response response = considered_response();
  response.answers["parking"] = {{"option", "neither"}};  // middle of five (the refusal is no point)
  response.answers["likely"] = 5;                          // middle of 0-10
  CHECK(flags_at_midday(response, *definition) == std::vector<std::string>{kFlagSameAnswerEveryScale});
  response.answers["likely"] = 6;
  CHECK(flags_at_midday(response, *definition).empty());
}

TEST_CASE("refusing every scale or answering only two is not the same answer on every scale", "[quality]") {
  const auto definition = small_consultation();
  Response response = considered_response();
  response.answers["parking"] = {{"option", "refused"}};
  response.answers["mood"] = {{"option", "s1"}};
  response.answers["likely"] = 0;
  CHECK(flags_at_midday(response, *definition).empty());  // two scales at the first place, one refused
}

TEST_CASE("a response begun before eight or sent from eight in the evening local time is outside working hours",
          "[quality]") {
  const auto definition = small_consultation();
  const Response response = considered_response();
  const auto flags = [&](const char* started, const char* submitted, int offset) {
    return response_quality_flags(response, *definition, at(started), at(submitted), offset);
  };
  const std::vector<std::string> outside{kFlagOutsideWorkingHours};
  CHECK(flags("2026-12-02T07:59:00Z", "2026-12-02T08:10:00Z", 0) == outside);
  CHECK(flags("2026-12-02T08:00:00Z", "2026-12-02T19:59:59Z", 0).empty());
  CHECK(flags("2026-12-02T19:50:00Z", "2026-12-02T20:00:00Z", 0) == outside);
  // 07:30 UTC in British Summer Time is 08:30 local; 19:30 UTC is 20:30.
  CHECK(flags("2026-07-01T07:30:00Z", "2026-07-01T07:40:00Z", 60).empty());
  CHECK(flags("2026-07-01T19:10:00Z", "2026-07-01T19:30:00Z", 60) == outside);
}

TEST_CASE("a response whose times are unknown is not judged on working hours", "[quality]") {
  const auto definition = small_consultation();
  CHECK(response_quality_flags(considered_response(), *definition, kTimeUnknown, kTimeUnknown, 0).empty());
}

TEST_CASE("flags from several judgements come sorted, each once", "[quality]") {
  const auto definition = small_consultation();
  Response response = considered_response();
  response.page_seconds = {{"travel", 1}};
  response.answers["parking"] = {{"option", "strongly_agree"}};
  response.answers["mood"] = {{"option", "s1"}};
  response.answers["likely"] = 0;
  const auto flags = response_quality_flags(response, *definition, at("2026-12-02T23:00:00Z"),
                                            at("2026-12-02T23:01:00Z"), 0);
  CHECK(flags == std::vector<std::string>{kFlagOutsideWorkingHours, kFlagSameAnswerEveryScale, kFlagTooFast});
}

TEST_CASE("merging the hub's flags into the device's drops none and repeats none", "[quality]") {
  CHECK(merge_quality_flags({"too_fast", "device_only"}, {"same_answer_every_scale", "too_fast"}) ==
        std::vector<std::string>{"device_only", "same_answer_every_scale", "too_fast"});
}

TEST_CASE("UK clocks are an hour ahead from the last Sunday of March to the last Sunday of October", "[quality]") {
  CHECK(uk_utc_offset_minutes(at("2026-03-29T00:59:59Z")) == 0);
  CHECK(uk_utc_offset_minutes(at("2026-03-29T01:00:00Z")) == 60);
  CHECK(uk_utc_offset_minutes(at("2026-10-25T00:59:59Z")) == 60);
  CHECK(uk_utc_offset_minutes(at("2026-10-25T01:00:00Z")) == 0);
  CHECK(uk_utc_offset_minutes(at("2026-12-02T12:00:00Z")) == 0);
}

TEST_CASE("a time at midnight exactly is taken as coarsened to the day", "[quality]") {
  CHECK(is_coarsened_time("2026-12-02T00:00:00Z"));
  CHECK_FALSE(is_coarsened_time("2026-12-02T00:00:01Z"));
  CHECK_FALSE(is_coarsened_time("2026-12-02"));
}

TEST_CASE("more than two completed visits at one door flag each of them, and only them", "[quality]") {
  const auto visit = [](const std::string& list, const std::string& uprn, VisitOutcome outcome) {
    Visit v;
    v.list_id = list;
    v.uprn = uprn;
    v.outcome = outcome;
    v.flags = {"outside_working_hours"};
    return v;
  };
  std::vector<Visit> visits = {visit("l1", "100", VisitOutcome::Completed), visit("l1", "100", VisitOutcome::Completed),
                               visit("l1", "100", VisitOutcome::NotHome),   visit("l1", "100", VisitOutcome::Completed),
                               visit("l1", "200", VisitOutcome::Completed), visit("l1", "200", VisitOutcome::Completed),
                               visit("l2", "100", VisitOutcome::Completed)};
  flag_many_completions(visits);
  const std::vector<std::string> flagged{kFlagManyCompletionsAtAddress, "outside_working_hours"};
  const std::vector<std::string> unflagged{"outside_working_hours"};
  CHECK(visits[0].flags == flagged);
  CHECK(visits[1].flags == flagged);
  CHECK(visits[2].flags == unflagged);  // not a completion
  CHECK(visits[3].flags == flagged);
  CHECK(visits[4].flags == unflagged);  // two at one door is not many
  CHECK(visits[6].flags == unflagged);  // the same UPRN on another list is another door
}
