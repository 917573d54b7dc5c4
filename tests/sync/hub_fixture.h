// Test support for the hub suites: a hub served on 127.0.0.1 from a temporary folder, and requests to it.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/hub.h"
#include "soundings/response.h"

namespace hubtest {

// A folder under the system temp directory, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// tests/sync/data/town-square.json as text, optionally with other id, version or dates.
std::string town_square_json(int version = 1, const std::string& closes = "2099-12-31",
                             const std::string& id = "town-square");
std::filesystem::path data_file(const std::string& name);

// A response to the town-square consultation that passes every check.
soundings::Response good_response(const std::string& device_id = "kiosk-test");
nlohmann::json batch_of(const std::vector<soundings::Response>& responses);

// A hub in a temporary folder, serving on 127.0.0.1 with a port chosen by the system,
// with town-square published. Stops and removes its folder when destroyed.
class ServedHub {
 public:
  // Where its data lives: the suite's database (the SQLite file, or PostgreSQL when the suite runs on it),
  // or always the SQLite file (a hub to migrate from).
  enum class Storage { Suite, SqliteFile };
  explicit ServedHub(soundings::hub::HubConfig config = {}, Storage storage = Storage::Suite);
  ~ServedHub();

  soundings::hub::Hub& hub() { return *hub_; }
  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return dir_.path(); }
  httplib::Client client() const;  // with short timeouts, so a hung hub fails the test

  // Makes an enrolment code and redeems it over the API; returns the bearer token.
  std::string enrol(const std::string& name = "Test kiosk",
                    soundings::hub::DeviceRole role = soundings::hub::DeviceRole::Kiosk);
  // The device id that went with the last enrol().
  const std::string& last_device_id() const { return last_device_id_; }

 private:
  TempDir dir_;
  std::unique_ptr<soundings::hub::Hub> hub_;
  int port_ = 0;
  std::string last_device_id_;
};

httplib::Headers bearer(const std::string& token);

// Field work at head office. Records go through POST /api/v1/records as a tablet sends them (`token`
// from enrol()), and must be stored; staff accounts and walk lists are written straight into
// DATA_DIR/hub.sqlite the way the staff and walk-list commands leave them.
void post_record(const ServedHub& served, const std::string& token, const std::string& kind,
                 const nlohmann::json& body);
void insert_staff(const std::filesystem::path& data_dir, const std::string& staff_id, const std::string& name,
                  bool disabled = false);
void insert_walk_list(const std::filesystem::path& data_dir, const std::string& list_id, const std::string& name);
void insert_walk_address(const std::filesystem::path& data_dir, const std::string& list_id, const std::string& uprn,
                         const std::string& address);

// Splits RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// How a run of the soundings-hub command ended.
struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together

  std::string last_line() const;
};

// Runs soundings-hub with these arguments (no shell) and `input` (at most 64 KiB) on its standard input.
Run run_hub(const std::vector<std::string>& args, const std::string& input = "");

// POSTs a batch and returns the parsed answer ({} when the request failed).
nlohmann::json post_batch(httplib::Client& client, const std::string& token, const nlohmann::json& batch,
                          int* status = nullptr);

}  // namespace hubtest
