// The load generator behind the benchmarks: valid, varied responses through a real Session, repeatable by seed.
#include <catch2/catch.hpp>

#include <set>

#include "agent_fixture.h"
#include "soundings/loadgen.h"
#include "soundings/sealing.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

TEST_CASE("the load generator answers varied, in both languages, and repeats itself for a seed", "[agent][loadgen]") {
  const ConsultationPtr consultation = load_test_consultation(test_consultation_json());
  const KeyPair keys = make_key_pair();
  std::mt19937_64 first(42);
  std::mt19937_64 second(42);
  std::set<std::string> distinct_answers;
  std::set<std::string> languages;
  int with_personal = 0;
  for (int i = 0; i < 60; ++i) {
    auto a = loadgen::make_response(consultation, first, "device-1", "Wrexham", Channel::Field, keys.public_key_b64);
    auto b = loadgen::make_response(consultation, second, "device-1", "Wrexham", Channel::Field, keys.public_key_b64);
    INFO((a ? std::string() : a.error().message));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->answers == b->answers);  // same seed, same walk
    CHECK(a->id != b->id);            // ids are always fresh
    CHECK(a->is_sealed());
    CHECK(a->channel == Channel::Field);
    CHECK_FALSE(a->staff_id.empty());
    distinct_answers.insert(a->answers.dump());
    languages.insert(a->language);
    if (a->personal.contains("sealed")) ++with_personal;
  }
  CHECK(distinct_answers.size() >= 55);
  CHECK(languages == std::set<std::string>{"cy", "en"});
  CHECK(with_personal > 0);  // contact details were asked, because a key was given, and sealed
}

TEST_CASE("without head office's key the load generator never asks for personal data", "[agent][loadgen]") {
  const ConsultationPtr consultation = load_test_consultation(test_consultation_json());
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20; ++i) {
    auto response = loadgen::make_response(consultation, rng, "device-1", "Wrexham", Channel::Kiosk, "");
    REQUIRE(response);
    CHECK(response->personal.empty());
    CHECK(response->special.empty());
  }
}

TEST_CASE("the load generator fills a store through Store::save and refuses a negative count", "[agent][loadgen]") {
  TestDevice device;
  loadgen::LoadgenOptions options;
  options.count = 25;
  const auto consultation = load_test_consultation(test_consultation_json());
  const auto saved = loadgen::fill_store(device.store(), consultation, options);
  REQUIRE(saved);
  CHECK(saved.value() == 25);
  CHECK(must(device.store().response_count()) == 25);
  CHECK(must(device.store().outbox_counts()).pending == 25);
  CHECK(must(device.store().consultation("sync-test", 1)).has_value());  // cached as a kiosk would have it
  // One person after another, as a real backlog builds up: oldest first in the outbox, each id
  // (time-ordered) above the one before, each session started before the next.
  const auto queued = must(device.store().pending_batch(100, 1 << 24));
  REQUIRE(queued.size() == 25);
  for (size_t i = 1; i < queued.size(); ++i) {
    CHECK(queued[i].id > queued[i - 1].id);
    const auto earlier = nlohmann::json::parse(queued[i - 1].body);
    const auto later = nlohmann::json::parse(queued[i].body);
    CHECK(later.at("started_at").get<std::string>() >= earlier.at("started_at").get<std::string>());
  }

  options.count = -1;
  const auto refused = loadgen::fill_store(device.store(), consultation, options);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::InvalidInput);
  CHECK(must(device.store().response_count()) == 25);
}
