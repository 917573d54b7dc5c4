// Hub tests: publishing consultations and feedback, and the consultations listing with ETag / 304.
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/loader.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;

using hubtest::bearer;
using hubtest::ServedHub;
using nlohmann::json;

namespace {

json feedback_json() {
  return {{"you_said", {{"cy", "Roeddech chi eisiau mwy o goed a seddi."}, {"en", "You wanted more trees and seats."}}},
          {"we_did", {{"cy", "Byddwn yn plannu deuddeg coeden."}, {"en", "We will plant twelve trees."}}},
          {"how_connected",
           {{"cy", "Dewisodd y Cabinet y cynllun gyda'r mwyaf o goed."},
            {"en", "The Cabinet chose the layout with the most trees."}}},
          {"published", "2026-03-01"}};
}

}  // namespace

TEST_CASE("the consultations listing carries versions, status and feedback, with ETag and 304", "[hub]") {
  ServedHub served;
  REQUIRE(served.hub().publish_json(hubtest::town_square_json(1, "2024-06-30", "old-square")).problems.empty());
  auto client = served.client();
  const std::string token = served.enrol();

  const auto first = client.Get("/api/v1/consultations", bearer(token));
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const std::string etag = first->get_header_value("ETag");
  CHECK(!etag.empty());
  const auto listing = json::parse(first->body)["consultations"];
  REQUIRE(listing.size() == 2);
  CHECK(listing[0]["id"] == "old-square");
  CHECK(listing[0]["status"] == "closed");
  CHECK(listing[1]["id"] == "town-square");
  CHECK(listing[1]["version"] == 1);
  CHECK(listing[1]["status"] == "open");
  CHECK(listing[1]["feedback"].is_null());
  CHECK(listing[1]["definition"]["id"] == "town-square");
  CHECK(listing[1]["definition"]["pages"].size() == 2);

  httplib::Headers conditional = bearer(token);
  conditional.emplace("If-None-Match", etag);
  const auto unchanged = client.Get("/api/v1/consultations", conditional);
  REQUIRE(unchanged);
  CHECK(unchanged->status == 304);
  CHECK(unchanged->body.empty());
  CHECK(unchanged->get_header_value("ETag") == etag);

  // Feedback changes the set, so the old ETag no longer matches.
  REQUIRE(served.hub().publish_feedback("town-square", feedback_json().dump()));
  const auto changed = client.Get("/api/v1/consultations", conditional);
  REQUIRE(changed);
  CHECK(changed->status == 200);
  CHECK(changed->get_header_value("ETag") != etag);
  const auto with_feedback = json::parse(changed->body)["consultations"][1];
  CHECK(with_feedback["feedback"]["we_did"]["cy"] == "Byddwn yn plannu deuddeg coeden.");

  // So does a new version; the listing offers only the newest.
  REQUIRE(served.hub().publish_json(hubtest::town_square_json(2)).problems.empty());
  const auto newer = client.Get("/api/v1/consultations", bearer(token));
  REQUIRE(newer);
  CHECK(json::parse(newer->body)["consultations"][1]["version"] == 2);
}

TEST_CASE("an upcoming consultation is listed as upcoming", "[hub]") {
  ServedHub served;
  auto definition = json::parse(hubtest::town_square_json(1, "2099-12-31", "future-square"));
  definition["opens"] = "2099-01-01";
  REQUIRE(served.hub().publish_json(definition.dump()).problems.empty());
  const auto summaries = must(served.hub().consultations());
  REQUIRE(summaries.size() == 2);
  CHECK(summaries[0].id == "future-square");
  CHECK(summaries[0].status == "upcoming");
  CHECK(summaries[1].status == "open");
}

TEST_CASE("publishing refuses an invalid file with the loader's own messages and stores nothing", "[hub]") {
  ServedHub served;
  auto definition = json::parse(hubtest::town_square_json(1, "2099-12-31", "broken-square"));
  definition["title"].erase("cy");
  definition["pages"][0]["questions"][0]["type"] = "favourite_colour";
  const std::string text = definition.dump();

  const auto outcome = served.hub().publish_json(text);
  const auto loaded = soundings::load_consultation(text);
  REQUIRE_FALSE(loaded.ok());
  REQUIRE(outcome.problems.size() == loaded.problems.size());
  for (size_t i = 0; i < loaded.problems.size(); ++i) {
    CHECK(outcome.problems[i].path == loaded.problems[i].path);
    CHECK(outcome.problems[i].message == loaded.problems[i].message);
  }
  CHECK(must(served.hub().consultations()).size() == 1);

  const auto missing = served.hub().publish_file((served.data_dir() / "no-such-file.json").string());
  CHECK_FALSE(missing.problems.empty());
}

TEST_CASE("a new version of a published consultation must have a higher version number", "[hub]") {
  ServedHub served;
  const auto same = served.hub().publish_json(hubtest::town_square_json(1));
  REQUIRE(same.problems.size() == 1);
  CHECK(same.problems[0].path == "version");
  CHECK(same.problems[0].message.find("not higher than version 1") != std::string::npos);

  REQUIRE(served.hub().publish_json(hubtest::town_square_json(3)).problems.empty());
  const auto lower = served.hub().publish_json(hubtest::town_square_json(2));
  REQUIRE(lower.problems.size() == 1);
  CHECK(lower.problems[0].message.find("version 3") != std::string::npos);
  CHECK(must(served.hub().consultations())[0].version == 3);

  // The fixture file itself publishes through the file path too.
  hubtest::TempDir other;
  soundings::hub::HubConfig config;
  config.data_dir = other.path().string();
  soundings::test::use_test_database(config);
  auto hub = soundings::hub::Hub::open(config);
  REQUIRE(hub);
  const auto from_file = (*hub)->publish_file(hubtest::data_file("town-square.json").string());
  CHECK(from_file.problems.empty());
  CHECK(from_file.id == "town-square");
  CHECK(from_file.version == 1);
}

TEST_CASE("feedback is checked like the definition and refused when a language is missing", "[hub]") {
  ServedHub served;
  auto feedback = feedback_json();
  feedback["we_did"].erase("cy");
  const auto refused = served.hub().publish_feedback("town-square", feedback.dump());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("feedback.we_did") != std::string::npos);
  CHECK_FALSE(must(served.hub().consultations())[0].has_feedback);

  CHECK_FALSE(served.hub().publish_feedback("town-square", "{not json"));
  const auto unknown = served.hub().publish_feedback("no-such", feedback_json().dump());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == soundings::ErrorCode::NotFound);

  REQUIRE(served.hub().publish_feedback("town-square", feedback_json().dump()));
  CHECK(must(served.hub().consultations())[0].has_feedback);
}
