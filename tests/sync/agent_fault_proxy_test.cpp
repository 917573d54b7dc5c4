// Through a proxy that drops, cuts and delays connections, the hub ends with exactly the device's set of responses.
#include <catch2/catch.hpp>

#include "agent_fixture.h"
#include "fault_proxy.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

TEST_CASE("1,200 responses through a faulty network arrive exactly once, none missing", "[agent][faults]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 1200, 91);
  const std::set<std::string> device_ids = device.pending_ids();
  REQUIRE(device_ids.size() == 1200);

  FaultPlan plan;
  plan.drop = 0.08;
  plan.cut_after_request = 0.08;
  plan.cut_mid_answer = 0.08;
  plan.delay = 0.05;
  plan.delay_for = std::chrono::milliseconds(30);
  plan.seed = 20261123;
  FaultProxy proxy(hub.port(), plan);
  auto config = fast_config();
  config.hub_url_override = proxy.url();
  config.batch_max_count = 40;  // many exchanges, so many chances to fail
  sync::SyncAgent agent(device.store(), config);

  int runs = 0;
  sync::OnceOutcome outcome;
  // Each run sends until the first fault; a bounded number of runs must empty the outbox.
  for (; runs < 400; ++runs) {
    outcome = agent.run_once();
    if (outcome.waiting == 0 && outcome.error.empty()) break;
  }
  INFO("runs: " << runs << ", last error: " << outcome.error);
  const FaultCounts faults = proxy.counts();
  // Shown with -s: how hard the network was on the device.
  WARN("runs: " << runs + 1 << "; requests " << faults.exchanges << ", dropped " << faults.dropped
                << ", cut after the request " << faults.cut_after_request << ", cut mid-answer "
                << faults.cut_mid_answer << ", delayed " << faults.delayed);
  CHECK(outcome.waiting == 0);
  CHECK(faults.dropped > 0);
  CHECK(faults.cut_after_request > 0);
  CHECK(faults.cut_mid_answer > 0);

  const std::vector<std::string> stored = must(hub.hub().stored_ids());
  const std::set<std::string> stored_set(stored.begin(), stored.end());
  CHECK(stored.size() == stored_set.size());  // none twice
  CHECK(stored_set == device_ids);            // none missing, none extra
  CHECK(must(hub.hub().stored_count()) == 1200);
  CHECK(must(hub.hub().quarantine_count()) == 0);
  CHECK(must(device.store().outbox_counts()).confirmed == 1200);
  CHECK(must(device.store().outbox_counts()).needs_review == 0);
}
