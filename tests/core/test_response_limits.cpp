// The response format's limits (field sizes, times, sealed parts), the same on the device and at the hub.
#include <catch2/catch.hpp>

#include "soundings/response.h"
#include "response_fixture.h"
#include "soundings/sealing.h"

using namespace soundings;

namespace {

// The sample response with one page and two answers (and nothing to seal yet).
Response limited_response() {
  Response response = testing::sample_response();
  response.page_seconds = {{"your-library", 40}};
  response.answers = {{"library_used", {{"option", "brynteg"}}}, {"comment", "Diolch yn fawr"}};
  response.personal = nlohmann::json::object();
  return response;
}

std::string refusal(const nlohmann::json& json) {
  const auto result = response_from_json(json);
  if (result.ok()) return "(accepted)";
  return result.error().message;
}

std::string refusal_with(const char* field, const nlohmann::json& value) {
  nlohmann::json json = response_to_json(limited_response());
  json[field] = value;
  return refusal(json);
}

}  // namespace

TEST_CASE("each text field of a response has a size limit, and the refusal names the field", "[response][limits]") {
  CHECK(refusal(response_to_json(limited_response())) == "(accepted)");
  const std::vector<std::pair<const char*, size_t>> fields = {
      {"consultation_id", kMaxResponseIdBytes}, {"device_id", kMaxResponseIdBytes},
      {"staff_id", kMaxResponseIdBytes},        {"language", kMaxLanguageBytes},
      {"venue", kMaxVenueBytes},
  };
  for (const auto& [field, limit] : fields) {
    INFO(field);
    CHECK(refusal_with(field, std::string(limit, 'a')) == "(accepted)");
    const std::string message = refusal_with(field, std::string(limit + 1, 'a'));
    CHECK_THAT(message, Catch::Contains(std::string("response.") + field + ": is " + std::to_string(limit + 1) +
                                        " bytes; at most " + std::to_string(limit)));
    // The refused value is not repeated back.
    CHECK(message.size() < 200);
  }
  // A time or channel that is far too long is refused without echoing it whole.
  CHECK(refusal_with("started_at", std::string(100000, '9')).size() < 200);
  CHECK(refusal_with("channel", std::string(100000, 'k')).size() < 200);
  CHECK(refusal_with("id", std::string(100000, 'f')).size() < 200);
}

TEST_CASE("answers and page timings are limited in number and size", "[response][limits]") {
  nlohmann::json json = response_to_json(limited_response());
  json["answers"]["comment"] = std::string(kMaxAnswerTextBytes + 1, 'c');
  CHECK_THAT(refusal(json), Catch::Contains("response.answers.comment: "));
  json["answers"]["comment"] = std::string(kMaxAnswerTextBytes, 'c');
  CHECK(refusal(json) == "(accepted)");

  json = response_to_json(limited_response());
  json["answers"]["ranking"] = {{"order", nlohmann::json::array()}};
  for (size_t i = 0; i <= kMaxAnswerListItems; ++i) json["answers"]["ranking"]["order"].push_back("x");
  CHECK_THAT(refusal(json), Catch::Contains("response.answers.ranking.order: "));

  json = response_to_json(limited_response());
  json["answers"]["other"] = {{std::string(kMaxResponseIdBytes + 1, 'k'), 1}};
  CHECK_THAT(refusal(json), Catch::Contains("response.answers.other: "));

  json = response_to_json(limited_response());
  json["answers"][std::string(kMaxResponseIdBytes + 1, 'q')] = 1;
  CHECK_THAT(refusal(json), Catch::Contains("response.answers: question id"));

  json = response_to_json(limited_response());
  for (size_t i = 0; i <= kMaxAnswers; ++i) json["answers"]["q" + std::to_string(i)] = 1;
  CHECK_THAT(refusal(json), Catch::Contains("response.answers: "));

  json = response_to_json(limited_response());
  for (size_t i = 0; i <= kMaxPages; ++i) json["page_seconds"].push_back({{"page", "p"}, {"seconds", 1}});
  CHECK_THAT(refusal(json), Catch::Contains("response.page_seconds: "));

  json = response_to_json(limited_response());
  json["page_seconds"][0]["page"] = std::string(kMaxResponseIdBytes + 1, 'p');
  CHECK_THAT(refusal(json), Catch::Contains("response.page_seconds[0].page"));
}

TEST_CASE("a device saves what its clock said; head office names a clock before 2020 or going back", "[response][limits]") {
  // The format takes any readable time, so a kiosk whose clock reset to 1970 still keeps a resident's answers.
  nlohmann::json reset = response_to_json(limited_response());
  reset["started_at"] = "1970-01-01T00:02:00Z";
  reset["submitted_at"] = "1970-01-01T00:05:00Z";
  const auto kept = response_from_json(reset);
  REQUIRE(kept.ok());
  const auto early = clock_problem(*kept);
  REQUIRE(early);
  CHECK_THAT(early->message, Catch::Contains("response.started_at") && Catch::Contains("2020-01-01"));

  Response backwards = limited_response();
  backwards.started_at = "2026-11-23T16:04:03Z";
  REQUIRE(response_from_json(response_to_json(backwards)).ok());
  const auto went_back = clock_problem(backwards);
  REQUIRE(went_back);
  CHECK_THAT(went_back->message, Catch::Contains("response.started_at: is after response.submitted_at"));

  Response fine = limited_response();
  fine.started_at = "2026-11-23T16:04:02Z";
  CHECK_FALSE(clock_problem(fine));
  fine.started_at = "2020-01-01T00:00:00Z";
  CHECK_FALSE(clock_problem(fine));
}

TEST_CASE("a sealed part must be the base64 of a sealed box and nothing else", "[response][limits]") {
  const KeyPair keys = make_key_pair();
  Response sealed = limited_response();
  sealed.personal = {{"contact", {{"name", "Siân Hughes"}}}};
  sealed.special = {{"age_band", {{"option", "25_plus"}}}};
  REQUIRE(seal_response(sealed, keys.public_key_b64));
  CHECK(sealed.is_sealed());
  CHECK(refusal(response_to_json(sealed)) == "(accepted)");
  const std::string box = sealed.personal["sealed"];

  const std::vector<std::pair<const char*, std::string>> bad = {
      {"plain text", "Siân Hughes 07700 900123"},
      {"base64 too short for a box", std::string(64, 'A')},
      {"cut short by one character", box.substr(0, box.size() - 1)},
      {"a line break inside", box.substr(0, 8) + "\n" + box.substr(8)},
      {"the URL-safe alphabet", std::string(95, '_') + "="},
      {"bits left over in the padding", std::string(70, 'Z') + "=="},
      {"too large", std::string(kMaxSealedPartBytes + 4, 'A')},
  };
  for (const auto& [what, text] : bad) {
    INFO(what);
    Response response = limited_response();
    response.special = {{"sealed", text}};
    CHECK_FALSE(response.is_sealed());
    const std::string message = refusal(response_to_json(response));
    CHECK_THAT(message, Catch::Contains("response.special: "));
    CHECK(message.find("Hughes") == std::string::npos);
  }
  nlohmann::json extra = response_to_json(sealed);
  extra["personal"]["note"] = "hi";
  CHECK_THAT(refusal(extra), Catch::Contains("response.personal: "));
}
