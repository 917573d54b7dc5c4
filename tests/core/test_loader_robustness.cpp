// The loader never crashes: truncations, flipped bytes, random bytes, deep nesting, huge numbers.
#include <random>

#include <catch2/catch.hpp>

#include "soundings/loader.h"
#include "test_loader_support.h"

using namespace loader_test;

namespace {

// Whatever the input, the outcome is a definition or problems, never both, never neither.
void check_outcome_shape(const soundings::LoadOutcome& outcome) {
  if (outcome.ok()) {
    CHECK(outcome.problems.empty());
  } else {
    CHECK_FALSE(outcome.problems.empty());
    for (const auto& problem : outcome.problems) CHECK_FALSE(problem.message.empty());
  }
}

}  // namespace

TEST_CASE("every truncation of a valid file is refused with a located problem", "[loader]") {
  const std::string text = read_file(data_path("consultations/small.json"));
  REQUIRE(text.size() > 1000);
  const auto options = fixture_options();
  // Every 7th length plus the last few bytes before the final brace, the interesting end.
  const size_t end = text.rfind('}');
  for (size_t length = 0; length <= end; length += (length + 8 >= end ? 1 : 7)) {
    const std::string cut = text.substr(0, length);
    if (cut.find_first_not_of(" \n") == std::string::npos) continue;
    auto outcome = soundings::load_consultation(cut, options);
    INFO("length " << length);
    REQUIRE_FALSE(outcome.ok());
    REQUIRE(outcome.problems.size() == 1);
    CHECK(outcome.problems[0].message.rfind("invalid JSON at line ", 0) == 0);
  }
}

TEST_CASE("flipped bytes in a valid file give a definition or problems, never a crash", "[loader]") {
  const std::string text = read_file(data_path("consultations/small.json"));
  const auto options = fixture_options();
  std::mt19937 random(7);
  int refused = 0;
  for (int round = 0; round < 400; ++round) {
    std::string mutated = text;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) {
      mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
    }
    auto outcome = soundings::load_consultation(mutated, options);
    check_outcome_shape(outcome);
    if (!outcome.ok()) ++refused;
  }
  CHECK(refused > 300);
}

TEST_CASE("random bytes, empty input, deep nesting and huge numbers are refused as problems", "[loader]") {
  std::mt19937 random(11);
  for (int round = 0; round < 200; ++round) {
    std::string bytes(random() % 512, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    auto outcome = soundings::load_consultation(bytes);
    REQUIRE_FALSE(outcome.ok());
    check_outcome_shape(outcome);
  }
  CHECK(soundings::load_consultation("").problems.size() == 1);
  CHECK(soundings::load_consultation(std::string("\0\0\0", 3)).problems.size() == 1);

  auto deep = soundings::load_consultation(std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE(deep.problems.size() == 1);
  CHECK(deep.problems[0].message == "invalid JSON at line 1, column 65: nested more than 64 levels deep");

  std::string deep_objects;
  for (int i = 0; i < 5000; ++i) deep_objects += "{\"a\":";
  auto objects = soundings::load_consultation(deep_objects);
  REQUIRE(objects.problems.size() == 1);
  CHECK(objects.problems[0].message.find("nested more than 64 levels") != std::string::npos);

  Json doc = small_fixture();
  std::string text = doc.dump();
  const std::string version = "\"version\":2";
  text.replace(text.find(version), version.size(), "\"version\":1e999");
  auto overflow = soundings::load_consultation(text, fixture_options());
  REQUIRE(overflow.problems.size() == 1);
  CHECK(overflow.problems[0].message.find("the number \"1e999\" is too large") != std::string::npos);

  doc["version"] = 1e300;
  auto big = load(doc);
  CHECK(has_problem(big, "version", "is too large"));
  doc["version"] = Json::parse("123456789012345678901234567890");
  CHECK(has_problem(load(doc), "version", "is too large"));
  doc["version"] = 2;
  doc["pages"][1]["questions"][1]["max"] = 1e200;
  CHECK(has_problem(load(doc), "pages[1].questions[1].max", "is too large to use"));
}

TEST_CASE("bytes that are not UTF-8 are refused naming their place", "[loader]") {
  auto outcome = soundings::load_consultation("{\n  \"id\": \"caf\xe9\"\n}");
  REQUIRE(outcome.problems.size() == 1);
  CHECK(outcome.problems[0].message ==
        "invalid JSON at line 2, column 13: bytes that are not UTF-8 text (save the file as UTF-8)");
}

TEST_CASE("a byte-order mark and Welsh text are read as they are", "[loader]") {
  std::string text = "\xEF\xBB\xBF" + read_file(data_path("consultations/small.json"));
  auto outcome = soundings::load_consultation(text, fixture_options());
  INFO(listing(outcome));
  REQUIRE(outcome.ok());
  CHECK(outcome.consultation->find_question("phone_plain")->text.in("cy") == "Ffôn");
}
