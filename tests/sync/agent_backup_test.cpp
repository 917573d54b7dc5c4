// A real device's backlog synced while head office backs the hub up: the copy is whole, and restores with the key file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <thread>

#include "agent_fixture.h"
#include "soundings/sqlite.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;
namespace fs = std::filesystem;

namespace {

// Every response in a hub database file, id to body as stored.
std::map<std::string, std::string> responses_in(const fs::path& file) {
  auto db = must(sqlite::Connection::open(file.string(), {.create = false, .query_only = true}));
  auto rows = must(db.prepare("SELECT id, body FROM responses"));
  std::map<std::string, std::string> bodies;
  while (must(rows.step())) bodies[rows.text(0)] = rows.text(1);
  return bodies;
}

int64_t stored(hub::Hub& hub) { return must(hub.stored_count()); }

// A data folder holding `backup` as its hub.sqlite, and `key_file` when one is given.
hub::HubConfig restored_into(const TempDir& folder, const fs::path& backup, const fs::path& key_file) {
  fs::copy_file(backup, folder.path() / "hub.sqlite");
  if (!key_file.empty()) fs::copy_file(key_file, folder.path() / "hub-keys.json");
  hub::HubConfig config;
  config.data_dir = folder.str();
  config.create = false;
  return config;
}

}  // namespace

TEST_CASE(
    "a backlog synced while the hub is backed up: the backup is whole, and with the key file it opens the "
    "sealed answers",
    "[agent][backup][sqlite]") {
  TestHub head_office;
  TestDevice device;
  device.enrol(head_office);
  device.fill(head_office.consultation_json(), 2000, 11);  // sealed personal and equality answers

  sync::OnceOutcome outcome;
  std::thread syncing([&] { outcome = sync::SyncAgent(device.store(), fast_config()).run_once(); });
  const bool started = eventually([&] { return stored(head_office.hub()) > 0; }, std::chrono::seconds(60));
  const int64_t before = stored(head_office.hub());
  TempDir elsewhere;
  hub::HubConfig config;
  config.data_dir = head_office.dir().str();
  const auto mid_sync = hub::backup_database(config, (elsewhere.path() / "mid-sync.sqlite").string());
  const int64_t by_then = stored(head_office.hub());
  syncing.join();
  REQUIRE(started);
  INFO((mid_sync ? std::string() : mid_sync.error().message));
  REQUIRE(mid_sync);
  INFO(outcome.error);
  REQUIRE(outcome.error.empty());
  INFO("stored when the backup began " << before << ", when it ended " << by_then);
  CHECK(mid_sync->responses >= before);
  CHECK(mid_sync->responses <= by_then);

  // Every response in the copy is whole and the hub's own.
  const auto copied = responses_in(mid_sync->output);
  const auto live = responses_in(head_office.dir().path() / "hub.sqlite");
  CHECK(static_cast<int64_t>(copied.size()) == mid_sync->responses);
  for (const auto& [id, body] : copied) {
    INFO(id);
    REQUIRE(live.count(id) == 1);
    CHECK(live.at(id) == body);
  }

  // Quiet now: restored with the hub's key file, a backup gives the same reach report, which only
  // opening the sealed equality answers can give; without the key file the hub will not start.
  const auto quiet = hub::backup_database(config, (elsewhere.path() / "quiet.sqlite").string());
  REQUIRE(quiet);
  CHECK(quiet->responses == 2000);
  TempDir restored;
  auto reopened = hub::Hub::open(restored_into(restored, quiet->output, quiet->key_file));
  INFO((reopened ? std::string() : reopened.error().message));
  REQUIRE(reopened);
  const auto report = must((*reopened)->reach_report("sync-test", {1, "en"}));
  CHECK(report == must(head_office.hub().reach_report("sync-test", {1, "en"})));
  CHECK(stored(**reopened) == 2000);
  TempDir keyless;
  CHECK_FALSE(hub::Hub::open(restored_into(keyless, quiet->output, {})));
}
