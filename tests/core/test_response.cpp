// The response record's JSON form, response UUIDs and the ISO 8601 clock helpers.
#include <set>

#include <catch2/catch.hpp>

#include "soundings/clock.h"
#include "soundings/response.h"
#include "response_fixture.h"

using namespace soundings;
using soundings::testing::sample_response;

TEST_CASE("a response survives a JSON round trip unchanged", "[response]") {
  const Response original = sample_response();
  const nlohmann::json json = response_to_json(original);
  const auto back = response_from_json(json);
  REQUIRE(back.ok());
  CHECK(response_to_json(*back) == json);
  CHECK(back->channel == Channel::Field);
  REQUIRE(back->page_seconds.size() == 3);
  CHECK(back->page_seconds[1].page_id == "evenings");  // page order is kept
  CHECK(back->page_seconds[1].seconds == 73);
  CHECK(json["channel"] == "field");
  CHECK(json["answers"]["visits"] == 4);
}

TEST_CASE("a malformed response is refused with the field named", "[response]") {
  const nlohmann::json good = response_to_json(sample_response());
  const auto refused_for = [&](const std::string& field, const nlohmann::json& value) {
    nlohmann::json bad = good;
    if (value.is_discarded()) {
      bad.erase(field);
    } else {
      bad[field] = value;
    }
    const auto result = response_from_json(bad);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
  };
  const nlohmann::json missing(nlohmann::json::value_t::discarded);
  CHECK_THAT(refused_for("id", "1234"), Catch::Contains("response.id"));
  CHECK_THAT(refused_for("id", missing), Catch::Contains("response.id: missing"));
  CHECK_THAT(refused_for("channel", "bus"), Catch::Contains("response.channel"));
  CHECK_THAT(refused_for("consultation_version", 0), Catch::Contains("response.consultation_version"));
  CHECK_THAT(refused_for("started_at", "23/11/2026"), Catch::Contains("response.started_at"));
  CHECK_THAT(refused_for("answers", nlohmann::json::array()), Catch::Contains("response.answers"));
  CHECK_THAT(refused_for("personal", {{"sealed", 5}}), Catch::Contains("response.personal"));
  CHECK_THAT(refused_for("page_seconds", {{{"page", "a"}, {"seconds", -1}}}),
             Catch::Contains("response.page_seconds[0].seconds"));
  CHECK_THAT(refused_for("surprise", true), Catch::Contains("response.surprise: unknown field"));
  CHECK_FALSE(response_from_json(nlohmann::json::array()).ok());
}

TEST_CASE("a response from a newer format is refused as too new", "[response]") {
  nlohmann::json json = response_to_json(sample_response());
  json["format"] = 3;
  const auto result = response_from_json(json);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::TooNew);
}

TEST_CASE("device and hub ids are random version-4 UUIDs", "[response]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = make_uuid();
    REQUIRE(is_uuid(id));
    REQUIRE(id[14] == '4');
    REQUIRE(std::string("89ab").find(id[19]) != std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
  CHECK(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  CHECK_FALSE(is_uuid("123E4567-E89B-12D3-A456-426614174000"));  // one spelling per id
  CHECK_FALSE(is_uuid("123e4567e89b12d3a456426614174000"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  CHECK_FALSE(is_uuid(""));
}

TEST_CASE("response ids are version-7 UUIDs that sort in the order they were made", "[response]") {
  // 2026-11-23T10:15:30.123Z is 1795428930123 ms since 1970, 0x01a207e7524b.
  const TimePoint when = TimePoint{} + std::chrono::milliseconds(1795428930123LL);
  const std::string id = make_time_ordered_uuid(when);
  REQUIRE(is_uuid(id));
  CHECK(id.substr(0, 13) == "01a207e7-524b");
  CHECK(id[14] == '7');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);

  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 200; ++i) {
    const std::string next = make_time_ordered_uuid(when + std::chrono::milliseconds(i));
    REQUIRE(is_uuid(next));
    CHECK(next > previous);  // a millisecond later sorts later, as text
    previous = next;
    seen.insert(next);
  }
  // The same millisecond still gives different ids (74 random bits).
  for (int i = 0; i < 200; ++i) seen.insert(make_time_ordered_uuid(when));
  CHECK(seen.size() == 400);
  // A device whose clock lost its time still makes valid ids.
  CHECK(is_uuid(make_time_ordered_uuid(TimePoint{} - std::chrono::hours(1))));
}

TEST_CASE("a response is sealed only when both personal parts are empty or sealed", "[response]") {
  Response response;
  CHECK(response.is_sealed());
  response.personal = {{"sealed", std::string(96, 'A')}};
  CHECK(response.is_sealed());
  response.special = {{"sex", {{"option", "female"}}}};
  CHECK_FALSE(response.is_sealed());
}

TEST_CASE("times are written and read as ISO 8601 UTC", "[clock]") {
  TimePoint when;
  REQUIRE(parse_iso8601_utc("2026-11-23T16:01:30Z", when));
  CHECK(format_iso8601_utc(when) == "2026-11-23T16:01:30Z");
  CHECK(format_iso8601_utc(when + std::chrono::milliseconds(999)) == "2026-11-23T16:01:30Z");
  CHECK(format_iso8601_utc(TimePoint{}) == "1970-01-01T00:00:00Z");

  TimePoint day;
  REQUIRE(parse_iso8601_utc("2024-02-29", day));
  CHECK(format_iso8601_utc(day) == "2024-02-29T00:00:00Z");

  TimePoint unused;
  CHECK_FALSE(parse_iso8601_utc("2023-02-29", unused));
  CHECK_FALSE(parse_iso8601_utc("2026-11-23T24:00:00Z", unused));
  CHECK_FALSE(parse_iso8601_utc("2026-11-23 16:01:30", unused));
  CHECK_FALSE(parse_iso8601_utc("2026-13-01", unused));
  CHECK_FALSE(parse_iso8601_utc("", unused));
}

TEST_CASE("a time too far from now to be held is refused, not turned into another time", "[clock]") {
  TimePoint when;
  REQUIRE(parse_iso8601_utc("2200-01-01T00:00:00Z", when));
  CHECK(format_iso8601_utc(when) == "2200-01-01T00:00:00Z");
  TimePoint unused;
  // A device clock set to year 4052 once made the hub's closing-date check overflow.
  CHECK_FALSE(parse_iso8601_utc("4052-11-23T15:58:30Z", unused));
  CHECK_FALSE(parse_iso8601_utc("9999-12-31", unused));
  CHECK_FALSE(parse_iso8601_utc("1066-10-14", unused));
}
