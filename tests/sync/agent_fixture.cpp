// The agent tests' fixture: a real Hub serving on 127.0.0.1 and a device store enrolled with it.
#include "agent_fixture.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "soundings/loader.h"
#include "soundings/loadgen.h"
#include "soundings/device_store.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;

namespace soundings::test {

std::string test_consultation_json(const std::string& id, int version) {
  std::ifstream file(std::string(SOUNDINGS_ASSETS_DIR) + "/consultations/influencing-decisions.json");
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  auto definition = nlohmann::json::parse(text.str());
  definition["id"] = id;
  definition["version"] = version;
  definition["opens"] = "2020-01-01";
  definition["closes"] = "2099-12-31";  // the hub rejects responses submitted after closing
  definition["results"]["date"] = "2100-03-31";
  return definition.dump(2);
}

ConsultationPtr load_test_consultation(const std::string& json) {
  LoadOptions options;
  options.resolve_block = blocks_from_directory(default_blocks_directory());
  const LoadOutcome loaded = load_consultation(json, options);
  INFO((loaded.problems.empty() ? std::string() : describe(loaded.problems.front())));
  REQUIRE(loaded.ok());
  return loaded.consultation;
}

sync::AgentConfig fast_config() {
  sync::AgentConfig config;
  config.connect_timeout = std::chrono::seconds(1);
  // Long enough for a batch on a loaded machine under the sanitizers, short enough for a test.
  config.low_speed_window = std::chrono::seconds(2);
  config.request_timeout = std::chrono::seconds(5);
  config.backoff_base = std::chrono::seconds(1);
  config.backoff_cap = std::chrono::seconds(2);
  config.poll_interval = std::chrono::seconds(30);
  return config;
}

TestHub::TestHub(const std::string& tls_cert_file, const std::string& tls_key_file) {
  hub::HubConfig config;
  config.data_dir = dir_.str();
  use_test_database(config);
  config.tls_cert_file = tls_cert_file;
  config.tls_key_file = tls_key_file;
  tls_ = !tls_cert_file.empty();
  config.worker_threads = 4;
  auto opened = hub::Hub::open(config);
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  hub_ = std::move(opened.value());
  consultation_json_ = test_consultation_json();
  const auto published = hub_->publish_json(consultation_json_);
  INFO((published.problems.empty() ? std::string() : describe(published.problems.front())));
  REQUIRE(published.problems.empty());
  come_up();
}

TestHub::~TestHub() {
  if (hub_) hub_->stop();
}

std::string TestHub::enrol_code(const std::string& device_name, hub::DeviceRole role) {
  auto code = hub_->make_enrol_code(device_name, std::chrono::hours(24), role);
  REQUIRE(code);
  return code.value();
}

void TestHub::go_down() { hub_->stop(); }

void TestHub::come_up() {
  auto bound = hub_->listen("127.0.0.1", port_);
  // The port was free a moment ago; give the system a little while to let it go after go_down().
  for (int i = 0; i < 50 && !bound && port_ != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bound = hub_->listen("127.0.0.1", port_);
  }
  INFO((bound ? std::string() : bound.error().message));
  REQUIRE(bound);
  port_ = bound.value();
}

TestDevice::TestDevice() { reopen(); }

void TestDevice::close() { store_.reset(); }

void TestDevice::reopen() {
  auto opened = Store::open((dir_.path() / kDeviceStoreFile).string());
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  store_ = std::move(opened.value());
}

void TestDevice::enrol(TestHub& hub, const std::string& name, hub::DeviceRole role) {
  const Status enrolled = sync::enrol(*store_, hub.url(), hub.enrol_code(name, role), name, fast_config());
  INFO((enrolled ? std::string() : enrolled.error().message));
  REQUIRE(enrolled);
}

void TestDevice::fill(const std::string& consultation_json, int64_t count, uint64_t seed) {
  loadgen::LoadgenOptions options;
  options.count = count;
  options.seed = seed;
  const auto saved = loadgen::fill_store(*store_, load_test_consultation(consultation_json), options);
  INFO((saved ? std::string() : saved.error().message));
  REQUIRE(saved);
  REQUIRE(saved.value() == count);
}

std::set<std::string> TestDevice::pending_ids() {
  std::set<std::string> ids;
  for (const auto& item : must(store_->pending_batch(10000000, SIZE_MAX))) ids.insert(item.id);
  return ids;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace soundings::test
