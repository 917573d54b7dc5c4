// Head office on PostgreSQL as a council runs it: two hub processes on one database behind one address,
// and the database server lost in the middle of a sync. Run only against PostgreSQL ([postgres]).
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "agent_fixture.h"
#include "fault_proxy.h"
#include "must.h"
#include "soundings/device_store.h"
#include "test_database.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

// A second hub process's view: its own data folder with a copy of the first hub's key file (the key
// pair is made once and copied to every hub), and the same database.
std::unique_ptr<hub::Hub> second_hub(TestHub& first, const TempDir& folder) {
  std::filesystem::copy_file(first.dir().path() / "hub-keys.json", folder.path() / "hub-keys.json");
  hub::HubConfig config;
  config.data_dir = folder.str();
  config.database = database_for(first.dir().path());
  config.worker_threads = 4;
  auto opened = hub::Hub::open(config);
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  return std::move(*opened);
}

std::set<std::string> stored_set(hub::Hub& hub) {
  const std::vector<std::string> stored = must(hub.stored_ids());
  const std::set<std::string> unique(stored.begin(), stored.end());
  CHECK(unique.size() == stored.size());  // none twice
  return unique;
}

// Runs a command and returns its first line of output.
std::string first_line_of(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char line[512] = {};
  const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  const int status = ::pclose(pipe);
  INFO(command);
  REQUIRE(status == 0);
  REQUIRE(read);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

const std::string kClusterScript = std::string(SOUNDINGS_SOURCE_DIR) + "/tests/support/postgres-cluster.sh";

// A PostgreSQL server of the test's own, so that it can be halted without touching the other tests'.
class PrivateCluster {
 public:
  PrivateCluster() : dir_("/tmp/sdpg-" + make_uuid().substr(0, 8)) {
    url_ = first_line_of(kClusterScript + " start " + dir_);
  }
  ~PrivateCluster() { (void)std::system((kClusterScript + " stop " + dir_ + " >/dev/null 2>&1").c_str()); }
  const std::string& url() const { return url_; }
  void halt() { REQUIRE(std::system((kClusterScript + " halt " + dir_).c_str()) == 0); }
  void resume() { REQUIRE(std::system((kClusterScript + " resume " + dir_).c_str()) == 0); }

 private:
  std::string dir_;
  std::string url_;
};

}  // namespace

TEST_CASE("two hubs on one database, batches alternating between them through a faulty network: exactly once",
          "[agent][postgres][faults]") {
  if (!on_postgres()) return;
  TestHub first;
  TempDir folder{"soundings-hub-2"};
  auto second = second_hub(first, folder);
  const auto second_port = second->listen("127.0.0.1", 0);
  REQUIRE(second_port);
  CHECK(second->hub_id() == first.hub().hub_id());  // one head office, whichever process answers

  TestDevice device;
  device.enrol(first);  // its token is in the shared database: either hub knows it
  device.fill(first.consultation_json(), 900, 2026);
  const std::set<std::string> device_ids = device.pending_ids();
  REQUIRE(device_ids.size() == 900);

  FaultPlan plan;
  plan.drop = 0.08;
  plan.cut_after_request = 0.1;  // committed by one hub, then resent: often to the other one
  plan.cut_mid_answer = 0.08;
  plan.delay = 0.05;
  plan.delay_for = std::chrono::milliseconds(30);
  plan.seed = 20261202;
  plan.second_upstream_port = *second_port;
  FaultProxy proxy(first.port(), plan);
  auto config = fast_config();
  config.hub_url_override = proxy.url();
  config.batch_max_count = 30;
  sync::SyncAgent agent(device.store(), config);
  sync::OnceOutcome outcome;
  int runs = 0;
  for (; runs < 400; ++runs) {
    outcome = agent.run_once();
    if (outcome.waiting == 0 && outcome.error.empty()) break;
  }
  const FaultCounts faults = proxy.counts();
  INFO("runs: " << runs << ", last error: " << outcome.error);
  WARN("connections " << faults.connections << " (" << faults.to_second_upstream << " to the second hub); requests "
                      << faults.exchanges << ", cut after the request " << faults.cut_after_request);
  CHECK(outcome.waiting == 0);
  CHECK(faults.to_second_upstream > 5);
  CHECK(faults.cut_after_request > 0);
  CHECK(stored_set(first.hub()) == device_ids);
  CHECK(stored_set(*second) == device_ids);  // the same database, seen from the other process
  CHECK(must(first.hub().quarantine_count()) == 0);
  CHECK(must(device.store().outbox_counts()).confirmed == 900);
  second->stop();
}

// The hub answers 503 and acknowledges nothing it did not commit; when the server is back the device resumes
// and the end state is exact.
TEST_CASE("PostgreSQL lost mid-sync: 503, nothing acknowledged is lost, and the device resumes to the exact set",
          "[agent][postgres][faults]") {
  if (!on_postgres()) return;
  PrivateCluster cluster;
  TempDir folder{"soundings-hub-pg"};
  hub::HubConfig hub_config;
  hub_config.data_dir = folder.str();
  hub_config.database = cluster.url();
  hub_config.worker_threads = 4;
  auto hub = must(hub::Hub::open(hub_config));
  REQUIRE(hub->publish_json(test_consultation_json()).problems.empty());
  const auto port = hub->listen("127.0.0.1", 0);
  REQUIRE(port);
  const std::string url = "http://127.0.0.1:" + std::to_string(*port);

  TestDevice device;
  {
    auto code = must(hub->make_enrol_code("Brymbo library", std::chrono::hours(1)));
    auto enrol_config = fast_config();
    REQUIRE(sync::enrol(device.store(), url, code, "Brymbo library", enrol_config).ok());
  }
  device.fill(test_consultation_json(), 1500, 11);
  const std::set<std::string> device_ids = device.pending_ids();
  REQUIRE(device_ids.size() == 1500);

  auto config = fast_config();
  config.batch_max_count = 25;
  std::atomic<bool> stop{false};
  std::atomic<int> failed_runs{0};
  std::thread syncing([&] {
    sync::SyncAgent agent(device.store(), config);
    while (!stop) {
      const auto outcome = agent.run_once();
      if (!outcome.error.empty()) ++failed_runs;
      if (outcome.waiting == 0 && outcome.error.empty()) break;
    }
  });
  // Halted once some, not all, of the backlog is in: a batch is almost certainly in flight.
  REQUIRE(eventually([&] { return device.pending_ids().size() < 1200; }, std::chrono::seconds(60)));
  cluster.halt();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  {
    // The device's own request: checking its token needs the database, so the answer is 503, not 401.
    const std::string token = must(device.store().setting(setting::kDeviceToken)).value_or("");
    httplib::Client client("127.0.0.1", *port);
    const auto answer = client.Get("/api/v1/consultations", {{"Authorization", "Bearer " + token}});
    REQUIRE(answer);
    CHECK(answer->status == 503);
    CHECK(answer->get_header_value("Retry-After") == "30");
  }
  stop = true;
  syncing.join();
  CHECK(failed_runs > 0);
  std::set<std::string> confirmed;
  const std::set<std::string> pending = device.pending_ids();
  for (const auto& id : device_ids) {
    if (pending.count(id) == 0) confirmed.insert(id);
  }
  REQUIRE_FALSE(confirmed.empty());
  REQUIRE(confirmed.size() < device_ids.size());

  cluster.resume();
  // Everything the device was told is stored is there: nothing acknowledged was lost.
  std::set<std::string> at_hub;
  REQUIRE(eventually([&] {
    const auto stored = hub->stored_ids();
    if (!stored) return false;
    at_hub = std::set<std::string>(stored->begin(), stored->end());
    return true;
  }, std::chrono::seconds(30)));
  for (const auto& id : confirmed) CHECK(at_hub.count(id) == 1);

  sync::SyncAgent agent(device.store(), config);
  sync::OnceOutcome outcome;
  for (int runs = 0; runs < 100; ++runs) {
    outcome = agent.run_once();
    if (outcome.waiting == 0 && outcome.error.empty()) break;
  }
  INFO("last error: " << outcome.error);
  CHECK(outcome.waiting == 0);
  CHECK(stored_set(*hub) == device_ids);
  CHECK(must(hub->quarantine_count()) == 0);
  CHECK(must(device.store().outbox_counts()).confirmed == 1500);
  hub->stop();
}
