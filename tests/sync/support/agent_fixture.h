// For the agent tests only (uses the load generator): a real hub on 127.0.0.1 and an enrolled device store.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "soundings/consultation.h"
#include "soundings/hub.h"
#include "soundings/store.h"
#include "soundings/sync_agent.h"
#include "temp_dir.h"

namespace soundings::test {

// A consultation covering most question types (and the Wales equality block), open until 2099.
std::string test_consultation_json(const std::string& id = "sync-test", int version = 1);
ConsultationPtr load_test_consultation(const std::string& json);

// Timeouts short enough for a test suite; backoff in whole seconds (the config's unit).
sync::AgentConfig fast_config();

class TestHub {
 public:
  // Opens a hub in a temp folder, publishes the test consultation, serves on a free port
  // (HTTPS when given a certificate and key).
  explicit TestHub(const std::string& tls_cert_file = "", const std::string& tls_key_file = "");
  ~TestHub();
  hub::Hub& hub() { return *hub_; }
  int port() const { return port_; }
  std::string url() const { return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_); }
  const std::string& consultation_json() const { return consultation_json_; }
  const TempDir& dir() const { return dir_; }  // the hub's data folder, holding hub.sqlite
  std::string enrol_code(const std::string& device_name = "test device",
                         hub::DeviceRole role = hub::DeviceRole::Kiosk);
  void go_down();  // stops serving; the port is left free
  void come_up();  // serves again on the same port

 private:
  TempDir dir_{"soundings-hub"};
  std::unique_ptr<hub::Hub> hub_;
  int port_ = 0;
  bool tls_ = false;
  std::string consultation_json_;
};

class TestDevice {
 public:
  TestDevice();  // an empty device store in a temp folder
  Store& store() { return *store_; }
  const TempDir& dir() const { return dir_; }
  void enrol(TestHub& hub, const std::string& name = "test kiosk", hub::DeviceRole role = hub::DeviceRole::Kiosk);
  // Saves `count` completed responses through the load generator (the kiosk's submit path).
  void fill(const std::string& consultation_json, int64_t count, uint64_t seed);
  // The ids of every response waiting in the outbox.
  std::set<std::string> pending_ids();
  void close();  // closes the store (the CLI needs it free: one writer only)
  void reopen();

 private:
  TempDir dir_{"soundings-device"};
  std::unique_ptr<Store> store_;
};

// Waits, polling, until `done()` or `limit` passes; true when done.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit);

}  // namespace soundings::test
