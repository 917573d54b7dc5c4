// Hub tests: reach by equality group — sealed equality answers counted at head office, small
// counts hidden (with the next smallest when only one would be), never a row per person.
#include <map>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/sealing.h"
#include "must.h"

using soundings::testing::must;

using hubtest::good_response;
using hubtest::parse_csv;
using hubtest::ServedHub;

namespace {

// A town-square response whose equality answer (age_band) is sealed with `key`; no answer when
// `age_band` is empty.
soundings::Response with_age(const std::string& age_band, const std::string& key) {
  soundings::Response response = good_response();
  if (!age_band.empty()) {
    response.special = {{"age_band", {{"option", age_band}}}};
    REQUIRE(soundings::seal_response(response, key));
  }
  return response;
}

// The report's rows for one question as answer label -> shown count.
std::map<std::string, std::string> rows_of(const std::vector<std::vector<std::string>>& rows, const std::string& id) {
  std::map<std::string, std::string> out;
  for (const auto& row : rows) {
    REQUIRE(row.size() == 4);
    if (row[0] == id) out[row[2]] = row[3];
  }
  return out;
}

}  // namespace

TEST_CASE("reach counts sealed equality answers and hides small counts", "[hub][reach]") {
  ServedHub served;
  const std::string token = served.enrol();
  auto client = served.client();
  const std::string key = served.hub().seal_public_key();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 9; ++i) responses.push_back(with_age("under_25", key));
  for (int i = 0; i < 3; ++i) responses.push_back(with_age("25_plus", key));
  for (int i = 0; i < 6; ++i) responses.push_back(with_age("", key));
  int status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
  REQUIRE(status == 200);
  REQUIRE(must(served.hub().stored_count()) == 18);

  SECTION("three people in a group are shown as fewer than five, and so is the next smallest count") {
    const auto report = served.hub().reach_report("town-square");
    REQUIRE(report);
    REQUIRE(report->rfind("\xEF\xBB\xBF", 0) == 0);
    const auto rows = parse_csv(report->substr(3));
    REQUIRE(rows.size() == 6);
    CHECK(rows[0] == std::vector<std::string>{"question_id", "question", "answer", "responses"});
    CHECK(rows[1] == std::vector<std::string>{"", "All responses", "", "18"});
    const auto age = rows_of(rows, "age_band");
    CHECK(age.at("Under 25") == "9");
    CHECK(age.at("25 or over") == "<5");
    CHECK(age.at("Prefer not to say") == "0");
    // 6 on its own would give away the hidden 3 (18 - 9 - 0 - 6), so it is hidden too.
    CHECK(age.at("Not answered") == "<5");
    // Counts only: no response id, device or venue anywhere in it.
    for (const auto& response : responses) CHECK(report->find(response.id) == std::string::npos);
    CHECK(report->find("kiosk-test") == std::string::npos);
  }

  SECTION("with a threshold of one every count is shown, in Welsh when asked") {
    const auto report = served.hub().reach_report("town-square", {1, "cy"});
    REQUIRE(report);
    const auto rows = parse_csv(report->substr(3));
    CHECK(rows[1] == std::vector<std::string>{"", "Pob ymateb", "", "18"});
    const auto age = rows_of(rows, "age_band");
    CHECK(age.at("Dan 25") == "9");
    CHECK(age.at("25 neu hŷn") == "3");
    CHECK(age.at("Gwell gennyf beidio â dweud") == "0");
    CHECK(age.at("Dim ateb") == "6");
  }

  SECTION("an answer sealed with another key is counted as unreadable, not guessed") {
    const soundings::KeyPair stranger = soundings::make_key_pair();
    hubtest::post_batch(client, token, hubtest::batch_of({with_age("under_25", stranger.public_key_b64)}), &status);
    REQUIRE(status == 200);
    const auto report = served.hub().reach_report("town-square", {1, "en"});
    REQUIRE(report);
    const auto rows = parse_csv(report->substr(3));
    CHECK(rows[1][3] == "19");
    CHECK(rows_of(rows, "age_band").at("Under 25") == "9");
    CHECK(rows_of(rows, "age_band").at("Not answered") == "7");
    CHECK(rows.back() == std::vector<std::string>{"", "Equality answers that could not be opened", "", "1"});
  }

  SECTION("bad requests are refused with the reason") {
    const auto unknown = served.hub().reach_report("no-such-consultation");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == soundings::ErrorCode::NotFound);
    const auto zero = served.hub().reach_report("town-square", {0, "en"});
    REQUIRE_FALSE(zero);
    CHECK(zero.error().message.find("--min-count") != std::string::npos);
    const auto french = served.hub().reach_report("town-square", {5, "fr"});
    REQUIRE_FALSE(french);
    CHECK(french.error().message.find("--lang") != std::string::npos);
  }
}

TEST_CASE("a consultation with fewer than five responses shows neither its total nor its unreadable count",
          "[hub][reach]") {
  ServedHub served;
  const std::string token = served.enrol();
  auto client = served.client();
  const soundings::KeyPair stranger = soundings::make_key_pair();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 2; ++i) responses.push_back(with_age("under_25", served.hub().seal_public_key()));
  responses.push_back(with_age("under_25", stranger.public_key_b64));
  int status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
  REQUIRE(status == 200);
  const auto report = served.hub().reach_report("town-square");
  REQUIRE(report);
  const auto rows = parse_csv(report->substr(3));
  CHECK(rows[1] == std::vector<std::string>{"", "All responses", "", "<5"});
  CHECK(rows.back() == std::vector<std::string>{"", "Equality answers that could not be opened", "", "<5"});
  for (const auto& row : rows) CHECK((row[3] == "responses" || row[3] == "<5" || row[3] == "0"));
}
