// The agent's thread never holds up its caller: status and notify stay instant while a hub hangs, and stop is prompt.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "agent_fixture.h"
#include "fake_server.h"
#include "soundings/device_store.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;
using Steady = std::chrono::steady_clock;

TEST_CASE("status and notify return at once while the agent is stuck on a hub that never answers", "[agent][thread]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 2, 81);
  FakeServer black_hole([](const FakeRequest&) { return hang_forever(); });

  auto config = fast_config();
  config.hub_url_override = black_hole.url();
  config.low_speed_window = std::chrono::seconds(20);  // the agent really is stuck for the whole test
  config.request_timeout = std::chrono::seconds(30);
  sync::SyncAgent agent(device.store(), config);
  agent.start();
  REQUIRE(eventually([&] { return black_hole.requests() >= 1; }, std::chrono::seconds(5)));
  REQUIRE(agent.status().state == sync::SyncState::Syncing);

  Steady::duration worst_status{0};
  Steady::duration worst_notify{0};
  const auto measuring = Steady::now();
  for (int i = 0; i < 2000; ++i) {
    auto started = Steady::now();
    const sync::SyncStatus status = agent.status();
    worst_status = std::max(worst_status, Steady::now() - started);
    CHECK(status.waiting == 2);
    started = Steady::now();
    agent.notify_response_saved();
    worst_notify = std::max(worst_notify, Steady::now() - started);
  }
  const auto measured = Steady::now() - measuring;
  CHECK(worst_status < std::chrono::milliseconds(50));
  CHECK(worst_notify < std::chrono::milliseconds(50));
  CHECK(measured < std::chrono::milliseconds(500));
  CHECK(black_hole.requests() == 1);  // still on the same hung request

  const auto stopping = Steady::now();
  agent.stop();
  CHECK(Steady::now() - stopping < std::chrono::seconds(2));  // far inside the 20 s low-speed window
  CHECK(must(device.store().outbox_counts()).pending == 2);
}

TEST_CASE("the agent thread sends a saved response at once when told", "[agent][thread]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  auto config = fast_config();
  config.poll_interval = std::chrono::seconds(600);  // only the nudge can make it sync again
  sync::SyncAgent agent(device.store(), config);
  std::atomic<int> changes{0};
  agent.set_on_change([&] { ++changes; });
  agent.start();
  REQUIRE(eventually([&] { return agent.status().state == sync::SyncState::Online; }, std::chrono::seconds(5)));

  device.fill(hub.consultation_json(), 4, 82);
  const auto saved_at = Steady::now();
  agent.notify_response_saved();
  REQUIRE(eventually([&] { return must(hub.hub().stored_count()) == 4; }, std::chrono::seconds(5)));
  CHECK(Steady::now() - saved_at < std::chrono::seconds(3));
  REQUIRE(eventually([&] { return agent.status().waiting == 0; }, std::chrono::seconds(2)));
  CHECK(changes.load() > 0);
  agent.stop();
}

TEST_CASE("the agent thread backs off while the hub is down and catches up when it returns", "[agent][thread]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 6, 83);
  hub.go_down();
  sync::SyncAgent agent(device.store(), fast_config());  // backoff 1 s, capped at 2 s
  agent.start();
  REQUIRE(eventually([&] { return !agent.status().last_error.empty(); }, std::chrono::seconds(5)));
  CHECK(agent.status().state == sync::SyncState::Offline);
  CHECK(agent.status().waiting == 6);

  hub.come_up();
  REQUIRE(eventually([&] { return agent.status().state == sync::SyncState::Online; }, std::chrono::seconds(8)));
  CHECK(agent.status().waiting == 0);
  CHECK(agent.status().last_error.empty());
  CHECK(must(hub.hub().stored_count()) == 6);
  agent.stop();
}

TEST_CASE("an agent can be stopped before it ever reached a hub and started again", "[agent][thread]") {
  TestDevice device;
  sync::SyncAgent agent(device.store(), fast_config());
  agent.start();
  agent.start();  // a second start is harmless
  const auto stopping = Steady::now();
  agent.stop();
  agent.stop();
  CHECK(Steady::now() - stopping < std::chrono::seconds(1));
  agent.start();
  agent.stop();
  CHECK(agent.status().state == sync::SyncState::NotEnrolled);
}
