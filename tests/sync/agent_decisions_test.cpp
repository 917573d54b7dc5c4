// A device learns head office's quarantine decisions at its next sync and settles its needs-review entries;
// only the hub's own answer counts.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <mutex>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "agent_fixture.h"
#include "fake_server.h"
#include "hub_decisions.h"
#include "must.h"
#include "soundings/device_store.h"
#include "soundings/loadgen.h"
#include "test_database.h"

using namespace soundings;
using namespace soundings::test;
using soundings::testing::must;
using nlohmann::json;

namespace {

Response kiosk_response(const std::string& consultation_json, Store& store, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto response = loadgen::make_response(load_test_consultation(consultation_json), rng,
                                         must(store.setting(setting::kDeviceId)).value_or("kiosk"), "Wrexham Library",
                                         Channel::Kiosk, must(store.setting(setting::kSealPublicKey)).value_or(""));
  REQUIRE(response);
  return response.value();
}

// Another hub process on the test hub's store, where head office decides.
std::unique_ptr<hub::detail::HubState> hub_on(TestHub& served) {
  auto hub = std::make_unique<hub::detail::HubState>();
  hub->config.data_dir = served.dir().str();
  use_test_database(hub->config);
  hub->clock = std::make_shared<SystemTimeSource>();
  hub->store = must(hub::detail::open_store(hub->config));
  hub->keys = must(hub::detail::load_keys_for(hub->config, *hub->store));
  return hub;
}

// Stores a changed copy of `response` at the hub from another device first, so that the kiosk's own copy
// is a conflict when it arrives.
void store_changed_copy_first(TestHub& hub, const Response& response) {
  httplib::Client client("127.0.0.1", hub.port());
  const auto enrolled = client.Post("/api/v1/enrol", json{{"code", hub.enrol_code("other")}}.dump(), "application/json");
  REQUIRE(enrolled);
  REQUIRE(enrolled->status == 200);
  const std::string token = json::parse(enrolled->body)["token"];
  json changed = response_to_json(response);
  changed["venue"] = "Somewhere else";
  const auto stored = client.Post("/api/v1/responses", {{"Authorization", "Bearer " + token}},
                                  json{{"responses", {changed}}}.dump(), "application/json");
  REQUIRE(stored);
  REQUIRE(json::parse(stored->body)["results"][0]["status"] == "stored");
}

int64_t seq_of(TestHub& hub, const std::string& record_id) {
  for (const auto& item : must(hub.hub().quarantined())) {
    if (item.response_id == record_id) return item.seq;
  }
  FAIL("no quarantined item for " + record_id);
  return 0;
}

}  // namespace

TEST_CASE("a device learns head office's decisions at its next sync; a proxy's answer settles nothing",
          "[agent][decisions]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  const Response rejected = kiosk_response(hub.consultation_json(), device.store(), 11);
  const Response released = kiosk_response(hub.consultation_json(), device.store(), 12);
  REQUIRE(device.store().save(rejected));
  REQUIRE(device.store().save(released));
  store_changed_copy_first(hub, rejected);
  store_changed_copy_first(hub, released);

  std::mutex mutex;
  std::optional<FakeReply> decisions_reply;  // set: the middlebox answers GET /decisions itself
  int decisions_asked = 0;
  FakeServer box([&](const FakeRequest& request) {
    std::lock_guard lock(mutex);
    if (request.path == "/api/v1/decisions") {
      ++decisions_asked;
      if (decisions_reply) return *decisions_reply;
    }
    return forward_to(hub.port(), request);
  });
  auto config = fast_config();
  config.hub_url_override = box.url();
  sync::SyncAgent agent(device.store(), config);

  // Both set aside as conflicts; the device asks after uploading, and with nothing decided nothing changes.
  auto outcome = agent.run_once();
  CHECK(outcome.error.empty());
  CHECK(outcome.needs_review == 2);
  CHECK(decisions_asked == 1);

  auto office = hub_on(hub);
  using hub::detail::DecisionKind;
  REQUIRE(must(hub::detail::decide_quarantine(*office, seq_of(hub, rejected.id), DecisionKind::Reject,
                                              "officer@council.gov.uk", "sent twice by mistake"))
              .ok());
  REQUIRE(must(hub::detail::decide_quarantine(*office, seq_of(hub, released.id), DecisionKind::Release,
                                              "officer@council.gov.uk", "the kiosk's copy is the right one"))
              .ok());

  const json shaped_wrong = {{"decisions", {{{"record_id", rejected.id}, {"decision", "maybe"}}}}};
  const json one_decision = {{"decisions",
                              {{{"record_id", rejected.id}, {"decision", "rejected"}, {"reason", "forged"},
                                {"decided_at", "2026-12-02T10:00:00Z"}}}}};
  const struct {
    const char* name;
    FakeReply reply;
  } impostors[] = {
      {"a proxy's 200 HTML page", captive_portal_page()},
      {"a proxy's HTML error", http_reply(502, "text/html", "<html><body>Bad gateway</body></html>")},
      {"JSON of another shape", json_reply(200, shaped_wrong.dump())},
      {"the hub's decisions as plain text", http_reply(200, "text/plain", one_decision.dump())},
  };
  for (const auto& impostor : impostors) {
    INFO(impostor.name);
    {
      std::lock_guard lock(mutex);
      decisions_reply = impostor.reply;
    }
    outcome = agent.run_once();
    CHECK(outcome.needs_review == 2);
    CHECK(agent.status().last_error.find("not the hub") != std::string::npos);
  }

  {
    std::lock_guard lock(mutex);
    decisions_reply.reset();
  }
  outcome = agent.run_once();
  CHECK(outcome.error.empty());
  CHECK(outcome.needs_review == 0);
  CHECK(must(device.store().needs_review()).empty());
  const auto counts = must(device.store().outbox_counts());
  CHECK(counts.confirmed == 2);
  CHECK(counts.pending == 0);
  CHECK(agent.status().needs_review == 0);

  // Settled once: the next sync has nothing in review and does not ask again.
  const int asked = decisions_asked;
  outcome = agent.run_once();
  CHECK(outcome.error.empty());
  CHECK(decisions_asked == asked);
}

TEST_CASE("the device store settles a needs-review entry once, and only one in review", "[agent][decisions]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  const Response response = kiosk_response(hub.consultation_json(), device.store(), 21);
  const Response pending = kiosk_response(hub.consultation_json(), device.store(), 22);
  REQUIRE(device.store().save(response));
  REQUIRE(device.store().save(pending));
  REQUIRE(device.store().mark_needs_review(response.id, "conflict: a different response with this id"));

  // A pending record is not in review: a decision on it changes nothing.
  CHECK_FALSE(must(device.store().resolve_review(pending.id, true, "")));
  CHECK(must(device.store().outbox_counts()).pending == 1);

  CHECK(must(device.store().resolve_review(response.id, false, "rejected by head office at T: test")));
  auto counts = must(device.store().outbox_counts());
  CHECK(counts.needs_review == 0);
  CHECK(counts.confirmed == 1);
  CHECK_FALSE(must(device.store().resolve_review(response.id, false, "again")));
  CHECK_FALSE(must(device.store().resolve_review("no-such-record", true, "")));
}
