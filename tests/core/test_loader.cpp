// Loading valid definitions: the model built, blocks expanded in place, and the canonical JSON round trip.
#include <filesystem>

#include <catch2/catch.hpp>

#include "soundings/loader.h"
#include "test_loader_support.h"

using namespace loader_test;
using soundings::DataClass;
using soundings::QuestionType;

TEST_CASE("the small fixture loads into a definition holding what the file says", "[loader]") {
  auto outcome = load(small_fixture());
  INFO(listing(outcome));
  REQUIRE(outcome.ok());
  REQUIRE(outcome.problems.empty());
  const soundings::Consultation& c = *outcome.consultation;
  CHECK(c.format == 1);
  CHECK(c.id == "test-small");
  CHECK(c.version == 2);
  CHECK(c.languages == std::vector<std::string>{"cy", "en"});
  CHECK(c.title.in("cy") == "Ymgynghoriad bach");
  CHECK(c.title.in("en") == "A small consultation");
  CHECK(c.decision_maker.in("en") == "The Cabinet");
  CHECK(c.opens == "2026-11-01");
  CHECK(c.closes == "2027-01-31");
  CHECK(c.results_how.in("en") == "On our website");
  CHECK(c.results_date == "2027-03-15");
  REQUIRE(c.feedback.has_value());
  CHECK(c.feedback->published == "2025-06-01");
  CHECK(c.pages.size() == 4);
  CHECK(c.question_count() == 18);

  const soundings::Question* transport = c.find_question("transport");
  REQUIRE(transport);
  CHECK(transport->type == QuestionType::SingleChoice);
  CHECK(transport->required);
  CHECK(transport->help.in("en") == "Choose one");
  REQUIRE(transport->find_option("other_way"));
  CHECK(transport->find_option("other_way")->other);
  REQUIRE(transport->find_option("refused"));
  CHECK(transport->find_option("refused")->refusal);
  CHECK(transport->find_option("refused")->exclusive);  // a refusal is always exclusive

  const soundings::Question* routes = c.find_question("bus_routes");
  REQUIRE(routes);
  CHECK(routes->min_selections == 1);
  CHECK(routes->max_selections == 2);
  REQUIRE(routes->show_if);
  CHECK(routes->show_if->source() == "transport = \"bus\"");
  CHECK(routes->find_option("none")->exclusive);

  CHECK(c.find_question("likely")->min_label.in("en") == "Not at all");
  CHECK(c.find_question("why_unhappy")->max_length == 500);
  CHECK(c.find_question("name_short")->max_length == 200);  // the documented default
  CHECK(c.find_question("age")->integer_only);
  CHECK(c.find_question("age")->min_value == 0.0);
  CHECK(c.find_question("age")->max_value == 120.0);
  CHECK(c.find_question("youth_service")->max_selections == 2);

  const soundings::Question* contact = c.find_question("contact");
  REQUIRE(contact);
  CHECK(contact->data == DataClass::Personal);
  REQUIRE(contact->consents.size() == 2);
  CHECK(contact->consents[1].channel == "phone");
  CHECK(contact->consents[0].label.in("cy") == "Diweddariadau e-bost");
}

TEST_CASE("an included block's pages are expanded in place and keep only the declared languages", "[loader]") {
  auto outcome = load(small_fixture());
  REQUIRE(outcome.ok());
  const soundings::Consultation& c = *outcome.consultation;
  REQUIRE(c.pages.size() == 4);
  CHECK(c.pages[1].id == "about");
  CHECK(c.pages[2].id == "test-equality-page");
  CHECK(c.pages[2].from_block == "test-equality");
  CHECK(c.pages[3].id == "last");
  CHECK(c.pages[3].from_block.empty());
  const soundings::Question* age = c.find_question("eq_age");
  REQUIRE(age);
  CHECK(age->data == DataClass::Special);
  CHECK(age->year_only_allowed);
  // The block also carries Polish; the consultation does not declare it, so it is not kept.
  CHECK(age->text.by_language.size() == 2);
  CHECK(age->text.by_language.count("pl") == 0);
  CHECK(c.canonical_json.find("\"pl\"") == std::string::npos);
  CHECK(c.canonical_json.find("\"include\"") == std::string::npos);
}

TEST_CASE("loading canonical JSON again gives the same definition, with no block files needed", "[loader]") {
  auto first = load(small_fixture());
  REQUIRE(first.ok());
  // No resolver: the canonical form must not need one.
  auto second = soundings::load_consultation(first.consultation->canonical_json);
  INFO(listing(second));
  REQUIRE(second.ok());
  CHECK(second.consultation->canonical_json == first.consultation->canonical_json);
  CHECK(second.consultation->question_count() == first.consultation->question_count());
  CHECK(second.consultation->pages[2].from_block == "test-equality");
  CHECK(second.consultation->find_question("transport")->find_option("refused")->exclusive);
  CHECK(second.consultation->find_question("name_short")->max_length == 200);
}

TEST_CASE("every demo consultation in assets loads and survives the canonical round trip", "[loader]") {
  soundings::LoadOptions options;
  options.resolve_block = soundings::blocks_from_directory(std::string(SOUNDINGS_ASSETS_DIR) + "/blocks");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SOUNDINGS_ASSETS_DIR) + "/consultations")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    INFO(entry.path().string());
    auto outcome = soundings::load_consultation_file(entry.path().string(), options);
    INFO(listing(outcome));
    REQUIRE(outcome.ok());
    const auto& c = *outcome.consultation;
    CHECK(c.question_count() > 0);
    for (const std::string& language : c.languages) CHECK(c.declares(language));
    auto again = soundings::load_consultation(c.canonical_json);
    INFO(listing(again));
    REQUIRE(again.ok());
    CHECK(again.consultation->canonical_json == c.canonical_json);
  }
  CHECK(files > 0);
}

TEST_CASE("every demo block loads when included by a minimal consultation", "[loader]") {
  int blocks = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SOUNDINGS_ASSETS_DIR) + "/blocks")) {
    if (entry.path().extension() != ".json") continue;
    ++blocks;
    Json doc = small_fixture();
    doc["pages"][2] = Json{{"include", entry.path().stem().string()}};
    doc["pages"].erase(doc["pages"].begin() + 3);  // its condition names the fixture block's question
    soundings::LoadOptions options;
    options.resolve_block = soundings::blocks_from_directory(std::string(SOUNDINGS_ASSETS_DIR) + "/blocks");
    auto outcome = soundings::load_consultation(doc.dump(), options);
    INFO(entry.path().string() << "\n" << listing(outcome));
    CHECK(outcome.ok());
  }
  CHECK(blocks > 0);
}

TEST_CASE("default_blocks_directory follows SOUNDINGS_ASSETS when it is set", "[loader]") {
  const char* before = std::getenv("SOUNDINGS_ASSETS");
  const std::string saved = before ? before : "";
  setenv("SOUNDINGS_ASSETS", "/srv/soundings/assets", 1);
  CHECK(soundings::default_blocks_directory() == "/srv/soundings/assets/blocks");
  unsetenv("SOUNDINGS_ASSETS");
  CHECK(soundings::default_blocks_directory() == std::string(SOUNDINGS_ASSETS_DIR) + "/blocks");
  if (before) setenv("SOUNDINGS_ASSETS", saved.c_str(), 1);
}

TEST_CASE("block names cannot reach outside the block directory", "[loader]") {
  const auto resolve = soundings::blocks_from_directory(data_path("blocks"));
  CHECK(resolve("test-equality").has_value());
  CHECK_FALSE(resolve("../consultations/small").has_value());
  CHECK_FALSE(resolve("..").has_value());
  CHECK_FALSE(resolve("").has_value());
  CHECK_FALSE(resolve("no-such-block").has_value());
}

TEST_CASE("a file that cannot be read is one problem with no path", "[loader]") {
  auto missing = soundings::load_consultation_file(data_path("no-such-file.json"));
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].path.empty());
  CHECK(missing.problems[0].message.find("no such file") != std::string::npos);
  auto directory = soundings::load_consultation_file(data_path("blocks"));
  REQUIRE(directory.problems.size() == 1);
  CHECK(directory.problems[0].message.find("not a file") != std::string::npos);
}
