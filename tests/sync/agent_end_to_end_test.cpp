// End to end on loopback: a kiosk session's response goes through the store and the agent to a real hub.
#include <catch2/catch.hpp>

#include <random>

#include "agent_fixture.h"
#include "fault_proxy.h"
#include "soundings/loadgen.h"
#include "soundings/device_store.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

Response kiosk_response(const std::string& consultation_json, Store& store, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto response = loadgen::make_response(load_test_consultation(consultation_json), rng,
                                         must(store.setting(setting::kDeviceId)).value_or("kiosk"), "Wrexham Library",
                                         Channel::Kiosk, must(store.setting(setting::kSealPublicKey)).value_or(""));
  INFO((response ? std::string() : response.error().message));
  REQUIRE(response);
  return response.value();
}

}  // namespace

TEST_CASE("a kiosk response reaches head office and shows in the export", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  const Response response = kiosk_response(hub.consultation_json(), device.store(), 7);
  REQUIRE(device.store().save(response));

  sync::SyncAgent agent(device.store(), fast_config());
  const sync::OnceOutcome outcome = agent.run_once();
  INFO(outcome.error);
  CHECK(outcome.error.empty());
  CHECK(outcome.reached_hub);
  CHECK(outcome.pushed == 1);
  CHECK(outcome.waiting == 0);
  CHECK(must(device.store().outbox_counts()).confirmed == 1);
  CHECK(agent.status().state == sync::SyncState::Online);
  CHECK_FALSE(agent.status().last_success_at.empty());

  CHECK(must(hub.hub().stored_ids()) == std::vector<std::string>{response.id});
  const auto csv = hub.hub().export_responses("sync-test", "csv");
  REQUIRE(csv);
  CHECK(csv.value().find(response.id) != std::string::npos);
  CHECK(csv.value().find("Wrexham Library") != std::string::npos);
}

TEST_CASE("a sync pulls the consultations, then asks with the ETag and gets nothing new", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  sync::SyncAgent agent(device.store(), fast_config());
  const auto first = agent.run_once();
  CHECK(first.error.empty());
  CHECK(first.consultations_updated >= 1);
  CHECK(must(device.store().consultation("sync-test", 1)).has_value());
  CHECK_FALSE(must(device.store().setting(setting::kConsultationsEtag)).value_or("").empty());
  const uint64_t generation = agent.status().consultations_generation;
  CHECK(generation > 0);

  const auto second = agent.run_once();
  CHECK(second.error.empty());
  CHECK(second.consultations_updated == 0);
  CHECK(agent.status().consultations_generation == generation);

  REQUIRE(hub.hub().publish_feedback("sync-test", R"({"you_said": {"cy": "Dywedoch chi", "en": "You said"},
      "we_did": {"cy": "Gwnaethom ni", "en": "We did"}, "how_connected": {"cy": "Sut", "en": "How"},
      "published": "2027-03-15"})"));
  const auto third = agent.run_once();
  CHECK(third.error.empty());
  CHECK(third.consultations_updated == 1);
  const auto cached = must(device.store().consultation("sync-test", 1));
  REQUIRE(cached);
  CHECK(cached->feedback_json.find("You said") != std::string::npos);
  CHECK(agent.status().consultations_generation > generation);
}

TEST_CASE("a new version never strands responses captured under the old one", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 5, 11);  // captured under version 1, not yet sent

  const std::string version_two = test_consultation_json("sync-test", 2);
  REQUIRE(hub.hub().publish_json(version_two).problems.empty());
  sync::SyncAgent agent(device.store(), fast_config());
  // Pushes the old version's responses, then pulls version 2 beside version 1.
  const auto outcome = agent.run_once();
  INFO(outcome.error);
  CHECK(outcome.error.empty());
  CHECK(outcome.pushed == 5);
  CHECK(must(device.store().consultation("sync-test", 1)).has_value());
  CHECK(must(device.store().consultation("sync-test", 2)).has_value());

  device.fill(version_two, 5, 12);
  device.fill(hub.consultation_json(), 3, 13);  // a kiosk that had not switched yet
  const auto again = agent.run_once();
  CHECK(again.error.empty());
  CHECK(again.pushed == 8);
  CHECK(must(hub.hub().stored_count("sync-test")) == 13);
  CHECK(must(hub.hub().quarantine_count()) == 0);
}

TEST_CASE("a lost acknowledgement is resent as a duplicate and stored once", "[agent][e2e][faults]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 30, 21);
  const auto ids = device.pending_ids();

  {
    // Every answer to a batch is lost after the hub committed it.
    FaultPlan plan;
    plan.cut_after_request = 1.0;
    plan.only_requests_to = "POST /api/v1/records";
    FaultProxy proxy(hub.port(), plan);
    auto config = fast_config();
    config.hub_url_override = proxy.url();
    sync::SyncAgent agent(device.store(), config);
    const auto outcome = agent.run_once();
    CHECK_FALSE(outcome.error.empty());
    CHECK(outcome.pushed == 0);
    CHECK(outcome.waiting == 30);
    CHECK(proxy.counts().cut_after_request >= 1);
  }
  CHECK(must(hub.hub().stored_count()) == 30);  // committed at head office, unknown to the device

  sync::SyncAgent agent(device.store(), fast_config());
  const auto resend = agent.run_once();
  CHECK(resend.error.empty());
  CHECK(resend.pushed == 30);  // answered "duplicate", which confirms them
  CHECK(resend.waiting == 0);
  CHECK(must(hub.hub().stored_count()) == 30);
  const auto stored = must(hub.hub().stored_ids());
  CHECK(std::set<std::string>(stored.begin(), stored.end()) == ids);
  CHECK(stored.size() == ids.size());
  CHECK(must(hub.hub().quarantine_count()) == 0);
}

TEST_CASE("a conflicting resend stays on the device for staff and is not sent again", "[agent][e2e]") {
  TestHub hub;
  TestDevice first;
  first.enrol(hub, "kiosk one");
  TestDevice second;
  second.enrol(hub, "kiosk two");
  Response original = kiosk_response(hub.consultation_json(), first.store(), 31);
  REQUIRE(first.store().save(original));
  sync::SyncAgent first_agent(first.store(), fast_config());
  REQUIRE(first_agent.run_once().pushed == 1);

  Response altered = original;  // same id, different content: a device bug or tampering
  altered.venue = "Somewhere else";
  REQUIRE(second.store().save(altered));
  sync::SyncAgent agent(second.store(), fast_config());
  const auto outcome = agent.run_once();
  CHECK(outcome.pushed == 0);
  CHECK(outcome.waiting == 0);
  CHECK(outcome.needs_review == 1);
  const auto review = must(second.store().needs_review());
  REQUIRE(review.size() == 1);
  CHECK(review.front().last_error.find("conflict") == 0);
  CHECK(agent.status().needs_review == 1);
  CHECK(must(hub.hub().quarantine_count()) == 1);

  const auto again = agent.run_once();
  CHECK(again.needs_review == 1);
  CHECK(must(hub.hub().quarantine_count()) == 1);  // not sent again
}

TEST_CASE("a response the hub rejects is put aside with the hub's reason", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  Response response = kiosk_response(hub.consultation_json(), device.store(), 41);
  response.consultation_version = 9;  // a version head office never published
  REQUIRE(device.store().save(response));
  device.fill(hub.consultation_json(), 4, 42);

  sync::SyncAgent agent(device.store(), fast_config());
  const auto outcome = agent.run_once();
  CHECK(outcome.error.empty());
  CHECK(outcome.pushed == 4);
  CHECK(outcome.needs_review == 1);
  const auto review = must(device.store().needs_review());
  REQUIRE(review.size() == 1);
  CHECK(review.front().id == response.id);
  CHECK(review.front().last_error.find("rejected") == 0);
  CHECK(review.front().last_error.find("version 9") != std::string::npos);
}

TEST_CASE("the heartbeat tells head office what is waiting on the device", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Brymbo library kiosk");
  device.fill(hub.consultation_json(), 3, 51);
  sync::SyncAgent agent(device.store(), fast_config());
  REQUIRE(agent.run_once().error.empty());
  const auto devices = must(hub.hub().devices());
  REQUIRE(devices.size() == 1);
  CHECK(devices.front().name == "Brymbo library kiosk");
  CHECK(devices.front().pending_on_device == 0);
  CHECK(devices.front().app_version == fast_config().app_version);
  CHECK(devices.front().consultation_versions.find("sync-test") != std::string::npos);
  CHECK_FALSE(devices.front().last_contact_at.empty());
}

TEST_CASE("a revoked token leaves everything waiting and says the device was refused", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 3, 61);
  REQUIRE(hub.hub().revoke(must(device.store().setting(setting::kDeviceId)).value()));
  sync::SyncAgent agent(device.store(), fast_config());
  const auto outcome = agent.run_once();
  CHECK(outcome.pushed == 0);
  CHECK(outcome.waiting == 3);
  CHECK(agent.status().state == sync::SyncState::Refused);
  CHECK(agent.status().last_error.find("revoked") != std::string::npos);
  CHECK(must(hub.hub().stored_count()) == 0);
}

TEST_CASE("enrolment with a used code is refused and changes nothing", "[agent][e2e]") {
  TestHub hub;
  TestDevice device;
  const std::string code = hub.enrol_code();
  REQUIRE(sync::enrol(device.store(), hub.url(), code, "first", fast_config()));
  const std::string token = must(device.store().setting(setting::kDeviceToken)).value();
  TestDevice other;
  const Status again = sync::enrol(other.store(), hub.url(), code, "second", fast_config());
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::InvalidInput);
  CHECK(again.error().message.find("enrolment code") != std::string::npos);
  CHECK_FALSE(must(other.store().setting(setting::kDeviceToken)).has_value());
  CHECK_FALSE(must(other.store().setting(setting::kHubUrl)).has_value());
}

TEST_CASE("an unenrolled device says so and sends nothing", "[agent][e2e]") {
  TestDevice device;
  sync::SyncAgent agent(device.store(), fast_config());
  CHECK(agent.status().state == sync::SyncState::NotEnrolled);
  const auto outcome = agent.run_once();
  CHECK_FALSE(outcome.reached_hub);
  CHECK(agent.status().state == sync::SyncState::NotEnrolled);
}
