// What is not the hub, or a hub in trouble, never confirms anything: captive portals, impostors, 5xx, hangs, resets.
#include <catch2/catch.hpp>

#include "agent_fixture.h"
#include "fake_server.h"
#include "soundings/device_store.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

// A device enrolled with a real hub that has three responses waiting; syncs go to `url` instead.
struct Stranded {
  TestHub hub;
  TestDevice device;
  Stranded() {
    device.enrol(hub);
    device.fill(hub.consultation_json(), 3, 5);
  }
  std::string hub_id() { return must(device.store().setting(setting::kHubId)).value(); }
  sync::OnceOutcome sync_via(const std::string& url, sync::SyncState expected_state) {
    auto config = fast_config();
    config.hub_url_override = url;
    sync::SyncAgent agent(device.store(), config);
    const auto outcome = agent.run_once();
    CHECK(agent.status().state == expected_state);
    CHECK(agent.status().last_error == outcome.error);
    return outcome;
  }
  void check_nothing_confirmed(const sync::OnceOutcome& outcome) {
    CHECK_FALSE(outcome.error.empty());
    CHECK(outcome.pushed == 0);
    CHECK(outcome.waiting == 3);
    CHECK(must(device.store().outbox_counts()).confirmed == 0);
    CHECK(must(device.store().outbox_counts()).needs_review == 0);
  }
};

// Answers health as the enrolled hub would, and everything else with `reply`.
FakeServer::Handler healthy_then(const std::string& hub_id, FakeReply reply) {
  return [hub_id, reply](const FakeRequest& request) {
    return request.path == "/api/v1/health" ? health_of(hub_id) : reply;
  };
}

}  // namespace

TEST_CASE("a captive portal's HTML 200 counts as offline, never as success", "[agent][offline]") {
  Stranded fixture;
  FakeServer portal([](const FakeRequest&) { return captive_portal_page(); });
  const auto outcome = fixture.sync_via(portal.url(), sync::SyncState::Offline);
  fixture.check_nothing_confirmed(outcome);
  CHECK(outcome.error.find("not JSON") != std::string::npos);
  CHECK_FALSE(outcome.reached_hub);
}

TEST_CASE("a captive portal that answers the health check but not the upload confirms nothing", "[agent][offline]") {
  Stranded fixture;
  FakeServer portal(healthy_then(fixture.hub_id(), captive_portal_page()));
  fixture.check_nothing_confirmed(fixture.sync_via(portal.url(), sync::SyncState::Offline));
}

TEST_CASE("a redirect counts as offline and is not followed", "[agent][offline]") {
  Stranded fixture;
  FakeServer portal([](const FakeRequest&) { return redirect_to_login(); });
  const auto outcome = fixture.sync_via(portal.url(), sync::SyncState::Offline);
  fixture.check_nothing_confirmed(outcome);
  CHECK(outcome.error.find("redirect") != std::string::npos);
  CHECK(portal.requests() == 1);
}

TEST_CASE("another server on the hub's address is not the hub", "[agent][offline]") {
  Stranded fixture;
  FakeServer impostor([](const FakeRequest&) {
    return json_reply(200, R"({"service": "print-server", "status": "ok"})");
  });
  const auto outcome = fixture.sync_via(impostor.url(), sync::SyncState::Offline);
  fixture.check_nothing_confirmed(outcome);
  CHECK(outcome.error.find("soundings-hub") != std::string::npos);
}

TEST_CASE("a different Soundings hub on the address is not this device's hub", "[agent][offline]") {
  Stranded fixture;
  TestHub other;  // a real hub with its own id: another council, or a test hub left on the address
  const auto outcome = fixture.sync_via(other.url(), sync::SyncState::Offline);
  fixture.check_nothing_confirmed(outcome);
  CHECK(outcome.error.find(fixture.hub_id()) != std::string::npos);
  CHECK(must(other.hub().stored_count()) == 0);
}

TEST_CASE("a hub answering 500 or 503 leaves everything waiting, not put aside", "[agent][offline]") {
  for (int status : {500, 503}) {
    DYNAMIC_SECTION("HTTP " << status) {
      Stranded fixture;
      FakeServer failing(healthy_then(fixture.hub_id(), json_reply(status, R"({"error": "storage_unavailable",
          "message": "the hub could not use its database"})")));
      const auto outcome = fixture.sync_via(failing.url(), sync::SyncState::Offline);
      fixture.check_nothing_confirmed(outcome);
      CHECK(outcome.reached_hub);
      CHECK(outcome.error.find("could not use its database") != std::string::npos);
      for (const auto& item : must(fixture.device.store().pending_batch(10, 1 << 20))) CHECK(item.attempts == 0);
    }
  }
}

TEST_CASE("a hub slower than the timeout is abandoned in time", "[agent][offline]") {
  Stranded fixture;
  FakeReply slow = json_reply(200, R"({"results": []})");
  slow.delay = std::chrono::milliseconds(9000);
  FakeServer sluggish(healthy_then(fixture.hub_id(), slow));
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = fixture.sync_via(sluggish.url(), sync::SyncState::Offline);
  const auto took = std::chrono::steady_clock::now() - started;
  fixture.check_nothing_confirmed(outcome);
  CHECK(outcome.error.find("in time") != std::string::npos);
  CHECK(took < std::chrono::milliseconds(6500));  // the agent's timeouts (2 s quiet, 5 s whole), not the server's 9 s
}

TEST_CASE("a connection reset in the middle of the answer confirms nothing", "[agent][offline]") {
  Stranded fixture;
  FakeServer cutting(healthy_then(fixture.hub_id(), reset_mid_body()));
  const auto outcome = fixture.sync_via(cutting.url(), sync::SyncState::Offline);
  fixture.check_nothing_confirmed(outcome);
}

TEST_CASE("an answer that does not match the batch confirms nothing", "[agent][offline]") {
  SECTION("too few results") {
    Stranded fixture;
    FakeServer short_answer(healthy_then(fixture.hub_id(), json_reply(200, R"({"results": [{"id": "x", "status": "stored"}]})")));
    const auto outcome = fixture.sync_via(short_answer.url(), sync::SyncState::Offline);
    fixture.check_nothing_confirmed(outcome);
    CHECK(outcome.error.find("1 results for a batch of 3") != std::string::npos);
  }
  SECTION("results for other ids") {
    Stranded fixture;
    const std::string other = R"({"id": "00000000-0000-4000-8000-000000000000", "status": "stored"})";
    FakeServer wrong_ids(healthy_then(fixture.hub_id(), json_reply(200, "{\"results\": [" + other + "," + other + "," + other + "]}")));
    fixture.check_nothing_confirmed(fixture.sync_via(wrong_ids.url(), sync::SyncState::Offline));
  }
  SECTION("not JSON at all") {
    Stranded fixture;
    FakeServer garbage(healthy_then(fixture.hub_id(), http_reply(200, "application/json", "<html>oops")));
    fixture.check_nothing_confirmed(fixture.sync_via(garbage.url(), sync::SyncState::Offline));
  }
}

TEST_CASE("a response the hub keeps refusing as a request is put aside after three tries", "[agent][offline]") {
  Stranded fixture;
  FakeServer refusing(healthy_then(fixture.hub_id(), json_reply(400, R"({"error": "bad_json", "message": "not JSON"})")));
  // Halving finds the one it objects to; each sync counts one refusal of the oldest response.
  for (int run = 1; run <= 2; ++run) {
    const auto outcome = fixture.sync_via(refusing.url(), sync::SyncState::Online);
    CHECK(outcome.waiting == 3);
    CHECK(outcome.needs_review == 0);
  }
  const auto third = fixture.sync_via(refusing.url(), sync::SyncState::Online);
  CHECK(third.needs_review >= 1);
  const auto review = must(fixture.device.store().needs_review());
  REQUIRE_FALSE(review.empty());
  CHECK(review.front().last_error.find("refused by the hub 3 times") != std::string::npos);
}

TEST_CASE("a hub that is down, then up, gets everything once it is back", "[agent][offline]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 10, 71);
  hub.go_down();
  sync::SyncAgent agent(device.store(), fast_config());
  const auto down = agent.run_once();
  CHECK_FALSE(down.reached_hub);
  CHECK(down.waiting == 10);
  CHECK(agent.status().state == sync::SyncState::Offline);
  CHECK(down.error.find("connect") != std::string::npos);

  hub.come_up();
  const auto up = agent.run_once();
  CHECK(up.error.empty());
  CHECK(up.pushed == 10);
  CHECK(up.waiting == 0);
  CHECK(must(hub.hub().stored_count()) == 10);
}
