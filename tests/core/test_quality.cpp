// Quality flags for responses and the anonymous form of a response taken at a door.
#include <catch2/catch.hpp>

#include "soundings/field_records.h"
#include "soundings/quality.h"

using namespace soundings;
using namespace std::chrono_literals;

namespace {
TimePoint at(const char* iso) {
  TimePoint t;
  REQUIRE(parse_iso8601_utc(iso, t));
  return t;
}

Question agreement(const std::string& id) {
  Question q;
  q.id = id;
  q.type = QuestionType::Agreement;
  for (const char* o : {"strongly_agree", "agree", "neither", "disagree", "strongly_disagree"}) q.options.push_back(Option{o, {}, false, false, false});
  return q;
}

Consultation three_scales() {
  Consultation c;
  Page page;
  page.questions = {agreement("a"), agreement("b")};
  Question ten;
  ten.id = "c";
  ten.type = QuestionType::Scale10;
  page.questions.push_back(ten);
  c.pages.push_back(page);
  return c;
}
}  // namespace

TEST_CASE("working hours run from 08:00 to 20:00 in local time", "[quality]") {
  CHECK(outside_working_hours(at("2026-12-02T07:59:00Z"), 0));
  CHECK_FALSE(outside_working_hours(at("2026-12-02T08:00:00Z"), 0));
  CHECK_FALSE(outside_working_hours(at("2026-12-02T19:59:00Z"), 0));
  CHECK(outside_working_hours(at("2026-12-02T20:00:00Z"), 0));
  // British Summer Time: 19:30 UTC is 20:30 in Wrexham.
  CHECK(outside_working_hours(at("2026-07-02T19:30:00Z"), 60));
  CHECK_FALSE(outside_working_hours(at("2026-07-02T06:30:00Z"), 120));
}

TEST_CASE("a response is too fast under two seconds per answer", "[quality]") {
  Response r;
  r.answers = {{"a", 1}, {"b", 2}, {"c", 3}};
  TimePoint start = at("2026-12-02T10:00:00Z");
  CHECK(answered_too_fast(r, start, start + 5s));
  CHECK_FALSE(answered_too_fast(r, start, start + 6s));
  Response empty;
  CHECK_FALSE(answered_too_fast(empty, start, start));
}

TEST_CASE("three or more scales at the same point are flagged; two, or one different, are not", "[quality]") {
  Consultation c = three_scales();
  Response r;
  r.answers = {{"a", {{"option", "strongly_agree"}}}, {"b", {{"option", "strongly_agree"}}}, {"c", 0}};
  CHECK(same_answer_every_scale(r, c));
  r.answers["c"] = 10;
  CHECK_FALSE(same_answer_every_scale(r, c));
  r.answers.erase("c");
  CHECK_FALSE(same_answer_every_scale(r, c));  // only two scales
}

TEST_CASE("response_quality_flags lists each flag that applies, in order", "[quality]") {
  Consultation c = three_scales();
  Response r;
  r.answers = {{"a", {{"option", "neither"}}}, {"b", {{"option", "neither"}}}, {"c", 5}};
  TimePoint start = at("2026-12-02T20:30:00Z");
  CHECK(response_quality_flags(r, c, start, start + 1s, 0) ==
        std::vector<std::string>{kFlagTooFast, kFlagSameAnswerEveryScale, kFlagOutsideWorkingHours});
  CHECK(response_quality_flags(r, c, start - 10h, start - 9h, 0) == std::vector<std::string>{kFlagSameAnswerEveryScale});
}

TEST_CASE("an anonymous field response has a new random id, no venue and times cut to the day", "[quality]") {
  Response r;
  r.id = make_time_ordered_uuid(at("2026-12-02T10:15:00Z"));
  r.venue = "12 Canary Street";
  r.staff_id = "officer-7";
  r.started_at = "2026-12-02T10:15:07Z";
  r.submitted_at = "2026-12-02T10:21:44Z";
  std::string before = r.id;
  make_field_response_anonymous(r);
  CHECK(r.id != before);
  REQUIRE(is_uuid(r.id));
  CHECK(r.id[14] == '4');  // version 4: random, not time-ordered
  CHECK(r.venue.empty());
  CHECK(r.staff_id == "officer-7");
  CHECK(r.started_at == "2026-12-02T00:00:00Z");
  CHECK(r.submitted_at == "2026-12-02T00:00:00Z");
}
