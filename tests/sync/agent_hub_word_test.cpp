// Only the hub's own answer counts: pages from middleboxes, deep replies and the hub's whole-batch refusals and holds.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "agent_fixture.h"
#include "fake_server.h"
#include "must.h"
#include "soundings/device_store.h"

using namespace soundings;
using namespace soundings::test;
using soundings::testing::must;

namespace {

using Meddle = std::function<std::optional<FakeReply>(const FakeRequest&)>;

// A device enrolled with a real hub, syncing through a middlebox that passes everything on unless
// `meddle` answers a request itself.
struct Middlebox {
  TestHub hub;
  TestDevice device;
  std::mutex mutex;
  Meddle meddle;
  std::atomic<int> uploads{0};  // POST /responses that reached the middlebox
  FakeServer box{[this](const FakeRequest& request) {
    if (request.path == "/api/v1/records") ++uploads;
    std::optional<FakeReply> reply;
    {
      std::lock_guard lock(mutex);
      if (meddle) reply = meddle(request);
    }
    return reply ? *reply : forward_to(hub.port(), request);
  }};

  explicit Middlebox(int64_t responses) {
    device.enrol(hub);
    device.fill(hub.consultation_json(), responses, 41);
  }
  void set_meddle(Meddle next) {
    std::lock_guard lock(mutex);
    meddle = std::move(next);
  }
  sync::AgentConfig config() {
    auto config = fast_config();
    config.hub_url_override = box.url();
    return config;
  }
  std::vector<OutboxItem> pending() { return must(device.store().pending_batch(1000, SIZE_MAX)); }
  void check_nothing_set_aside_or_counted() {
    CHECK(must(device.store().outbox_counts()).needs_review == 0);
    for (const auto& item : pending()) CHECK(item.attempts == 0);
  }
};

// Everything but the health check, answered by the middlebox with `reply`.
Meddle all_but_health(FakeReply reply) {
  return [reply](const FakeRequest& request) -> std::optional<FakeReply> {
    if (request.path == "/api/v1/health") return std::nullopt;
    return reply;
  };
}

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("a middlebox's error pages are not the hub's verdict: nothing set aside, nobody told to re-enrol",
          "[agent][hub-word]") {
  const std::string html = "<!DOCTYPE html><html><body><h1>Request blocked</h1></body></html>";
  struct Page {
    const char* name;
    FakeReply reply;
  };
  const Page pages[] = {
      {"HTML 400", http_reply(400, "text/html", html)},
      {"HTML 413", http_reply(413, "text/html; charset=utf-8", html)},
      {"HTML 403", http_reply(403, "text/html", html)},
      {"HTML 401", http_reply(401, "text/html", html)},
      {"text/plain 500", http_reply(500, "text/plain", "Internal Server Error")},
      {"a proxy's 200 HTML", captive_portal_page()},
      {"JSON 400 of another shape", json_reply(400, R"({"detail": "blocked by policy"})")},
      {"JSON 403 nested too deep", json_reply(403, nested_arrays(100000))},
  };
  for (const auto& page : pages) {
    DYNAMIC_SECTION(page.name) {
      Middlebox fixture(6);
      fixture.set_meddle(all_but_health(page.reply));
      sync::SyncAgent agent(fixture.device.store(), fixture.config());
      // More runs than the three refusals that put a response aside when the hub itself refuses it.
      for (int run = 1; run <= 4; ++run) {
        const auto outcome = agent.run_once();
        CHECK(outcome.pushed == 0);
        CHECK(outcome.waiting == 6);
        CHECK(outcome.needs_review == 0);
        const sync::SyncStatus status = agent.status();
        CHECK(status.state == sync::SyncState::Offline);
        CHECK(status.last_error.find("not the hub") != std::string::npos);
        CHECK(status.last_error.find("refused this device") == std::string::npos);
      }
      fixture.check_nothing_set_aside_or_counted();
      CHECK(must(fixture.hub.hub().stored_count()) == 0);

      fixture.set_meddle(nullptr);  // the real hub answers
      const auto outcome = agent.run_once();
      CHECK(outcome.error.empty());
      CHECK(outcome.pushed == 6);
      CHECK(outcome.waiting == 0);
      CHECK(agent.status().state == sync::SyncState::Online);
      CHECK(must(fixture.hub.hub().stored_count()) == 6);
      CHECK(must(fixture.device.store().outbox_counts()).confirmed == 6);
    }
  }
}

TEST_CASE("an HTML 403 to an enrolment is not a refused code", "[agent][hub-word]") {
  TestHub hub;
  FakeServer box([&hub](const FakeRequest& request) {
    if (request.path == "/api/v1/enrol") return http_reply(403, "text/html", "<html>Forbidden</html>");
    return forward_to(hub.port(), request);
  });
  TestDevice device;
  const Status enrolled = sync::enrol(device.store(), box.url(), hub.enrol_code(), "kiosk", fast_config());
  REQUIRE_FALSE(enrolled);
  CHECK(enrolled.error().code == ErrorCode::NotFound);  // "the hub could not be reached", not "the code is bad"
  CHECK(enrolled.error().message.find("refused the enrolment code") == std::string::npos);
  CHECK(must(device.store().setting(setting::kDeviceToken)).value_or("").empty());
}

TEST_CASE("batches the hub refuses as a whole are halved down to the responses it objects to, and only those are "
          "put aside",
          "[agent][hub-word]") {
  Middlebox fixture(6);
  std::vector<std::string> order;
  for (const auto& item : fixture.pending()) order.push_back(item.id);
  REQUIRE(order.size() == 6);
  // Two batches of two at the hub at once, each holding a response the hub cannot take (a number
  // beyond a double, bad UTF-8): both are refused whole, every cycle, until each bad one is found.
  const std::set<std::string> poisoned = {order[0], order[2]};
  fixture.set_meddle([poisoned](const FakeRequest& request) -> std::optional<FakeReply> {
    if (request.path != "/api/v1/records") return std::nullopt;
    for (const auto& id : poisoned) {
      if (request.body.find(id) != std::string::npos) {
        return json_reply(400, R"({"error": "bad_json", "message": "the request body is not valid JSON: number out of range at byte 412"})");
      }
    }
    return std::nullopt;
  });
  auto config = fixture.config();
  config.batch_max_count = 2;
  sync::SyncAgent agent(fixture.device.store(), config);
  int cycles = 0;
  sync::OnceOutcome outcome;
  do {
    outcome = agent.run_once();
    ++cycles;
    CHECK(agent.status().state != sync::SyncState::Refused);
    CHECK(outcome.needs_review <= 2);
  } while (outcome.waiting > 0 && cycles < 12);
  INFO("cycles: " << cycles);
  CHECK(outcome.waiting == 0);
  CHECK(outcome.error.empty());
  CHECK(must(fixture.hub.hub().stored_count()) == 4);
  const auto counts = must(fixture.device.store().outbox_counts());
  CHECK(counts.confirmed == 4);
  CHECK(counts.needs_review == 2);
  std::set<std::string> reviewed;
  for (const auto& item : must(fixture.device.store().needs_review())) {
    reviewed.insert(item.id);
    CHECK(item.last_error.find("number out of range") != std::string::npos);
    CHECK_FALSE(item.body.empty());  // kept whole for staff, never deleted
  }
  CHECK(reviewed == poisoned);
}

TEST_CASE("the hub's quarantine_full holds uploads for its Retry-After, sets nothing aside and says so",
          "[agent][hub-word]") {
  Middlebox fixture(5);
  const FakeReply full = http_reply(
      429, "application/json; charset=utf-8",
      R"({"error": "quarantine_full", "message": "this device's allowance of held responses is used up"})",
      "Retry-After: 1\r\n");
  std::atomic<int> refusals_left{1};
  // When the refusal left the middlebox and when the next upload reached it (under the fixture's mutex).
  std::optional<std::chrono::steady_clock::time_point> refused_at;
  std::optional<std::chrono::steady_clock::time_point> next_upload_at;
  fixture.set_meddle([&](const FakeRequest& request) -> std::optional<FakeReply> {
    if (request.path != "/api/v1/records") return std::nullopt;
    if (refusals_left-- > 0) {
      refused_at = std::chrono::steady_clock::now();
      return full;
    }
    if (!next_upload_at) next_upload_at = std::chrono::steady_clock::now();
    return std::nullopt;
  });

  SECTION("one run: everything waits, staff see that head office is holding the uploads") {
    sync::SyncAgent agent(fixture.device.store(), fixture.config());
    const auto outcome = agent.run_once();
    CHECK(outcome.reached_hub);
    CHECK(outcome.pushed == 0);
    CHECK(outcome.waiting == 5);
    CHECK(outcome.needs_review == 0);
    const sync::SyncStatus status = agent.status();
    CHECK(status.state != sync::SyncState::Refused);
    CHECK(status.last_error.find("Head office is holding") != std::string::npos);
    CHECK(status.last_error.find("allowance of held responses is used up") != std::string::npos);
    fixture.check_nothing_set_aside_or_counted();

    const auto later = agent.run_once();  // the hub takes them again
    CHECK(later.error.empty());
    CHECK(later.pushed == 5);
    CHECK(must(fixture.hub.hub().stored_count()) == 5);
  }

  SECTION("the sync thread waits at least 5 s before the next upload, even when responses are saved") {
    sync::SyncAgent agent(fixture.device.store(), fixture.config());
    agent.start();
    REQUIRE(eventually([&] { return fixture.uploads.load() >= 1 && agent.status().state != sync::SyncState::Syncing; },
                       std::chrono::seconds(10)));
    // The backoff alone (1 s base, 2 s cap in the test config) and these nudges would try again at once.
    for (int i = 0; i < 5; ++i) {
      agent.notify_response_saved();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    CHECK(fixture.uploads.load() == 1);
    // Wait for the device to record the hub's acceptance, not just for the hub to store the batch:
    // stop() cuts off a reply still on its way, which would leave the device's confirmations unwritten.
    REQUIRE(eventually([&] { return must(fixture.device.store().outbox_counts()).confirmed == 5; },
                       std::chrono::seconds(15)));
    agent.stop();
    CHECK(must(fixture.hub.hub().stored_count()) == 5);
    CHECK(must(fixture.device.store().outbox_counts()).needs_review == 0);
    // The hold runs from the refusal, not from the agent's start: the next upload came 5 s or more after it.
    std::lock_guard lock(fixture.mutex);
    REQUIRE(refused_at.has_value());
    REQUIRE(next_upload_at.has_value());
    CHECK(*next_upload_at - *refused_at >= std::chrono::seconds(5));
  }
}

TEST_CASE("a consultation list nested 100,000 deep is not the hub's answer; the agent keeps running",
          "[agent][hub-word]") {
  Middlebox fixture(3);
  const std::string deep = R"({"consultations": [{"id": "deep", "version": 1, "status": "open", "definition": {"a": )" +
                           nested_arrays(100000) + "}}]}";
  fixture.set_meddle([&deep](const FakeRequest& request) -> std::optional<FakeReply> {
    if (request.path == "/api/v1/consultations") return json_reply(200, deep);
    return std::nullopt;
  });
  sync::SyncAgent agent(fixture.device.store(), fixture.config());
  const auto outcome = agent.run_once();
  CHECK(outcome.pushed == 3);  // uploads come before the pull, and were the hub's
  CHECK(outcome.consultations_updated == 0);
  CHECK(outcome.error.find("not the hub") != std::string::npos);
  CHECK(outcome.error.find("deep") != std::string::npos);
  CHECK(agent.status().state == sync::SyncState::Offline);
  CHECK_FALSE(must(fixture.device.store().consultation("deep", 1)).has_value());
  CHECK(must(fixture.device.store().setting(setting::kConsultationsEtag)).value_or("").empty());

  fixture.set_meddle(nullptr);
  const auto later = agent.run_once();
  CHECK(later.error.empty());
  CHECK(later.consultations_updated >= 1);
  CHECK(must(fixture.device.store().consultation("sync-test", 1)).has_value());
}

TEST_CASE("a portal answering every request, the health check too, with HTML 401 or 403 is offline, not a refusal",
          "[agent][hub-word]") {
  for (int status : {401, 403}) {
    DYNAMIC_SECTION("HTML " << status) {
      Middlebox fixture(2);
      fixture.set_meddle([status](const FakeRequest&) -> std::optional<FakeReply> {
        return http_reply(status, "text/html", "<html><body>Sign in to the library Wi-Fi</body></html>");
      });
      sync::SyncAgent agent(fixture.device.store(), fixture.config());
      const auto outcome = agent.run_once();
      CHECK_FALSE(outcome.reached_hub);
      CHECK(outcome.waiting == 2);
      CHECK(agent.status().state == sync::SyncState::Offline);
      fixture.check_nothing_set_aside_or_counted();

      fixture.set_meddle(nullptr);
      CHECK(agent.run_once().pushed == 2);
      CHECK(must(fixture.hub.hub().stored_count()) == 2);
    }
  }
}
