// Hub tests: `soundings-hub backup` copies a serving hub's database as one snapshot, and the copy restores.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/sqlite.h"
#include "test_database.h"

using hubtest::Run;
using hubtest::run_hub;
using hubtest::ServedHub;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// "SnHb": the hub database's application id, written here on its own so a change to it is noticed.
constexpr int64_t kHubApplicationId = 0x536e4862;

using Bodies = std::map<std::string, std::string>;      // response id -> body as stored
using Batches = std::vector<std::vector<std::string>>;  // the ids of each batch the hub acknowledged

soundings::sqlite::Connection open_for_reading(const fs::path& file) {
  auto db = soundings::sqlite::Connection::open(file.string(), {.create = false, .query_only = true});
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

Bodies responses_in(const fs::path& file) {
  auto db = open_for_reading(file);
  auto rows = db.prepare("SELECT id, body FROM responses");
  if (!rows) throw std::runtime_error(rows.error().message);
  Bodies bodies;
  for (auto row = rows->step(); row && *row; row = rows->step()) bodies[rows->text(0)] = rows->text(1);
  return bodies;
}

int64_t pragma(const fs::path& file, const std::string& name) {
  auto db = open_for_reading(file);
  auto value = db.integer("PRAGMA " + name, "reading a pragma");
  if (!value) throw std::runtime_error(file.string() + ": " + value.error().message);
  return *value;
}

// A device syncing: batches of responses posted to the hub one after another until stopped, each
// batch's ids kept once the hub has answered that all were stored.
class SyncingDevice {
 public:
  SyncingDevice(ServedHub& served, size_t per_batch) : served_(served), token_(served.enrol("Backup kiosk")) {
    thread_ = std::thread([this, per_batch] { run(per_batch); });
  }
  ~SyncingDevice() { stop(); }
  SyncingDevice(const SyncingDevice&) = delete;
  SyncingDevice& operator=(const SyncingDevice&) = delete;

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  Batches acknowledged() const {
    const std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  size_t acknowledged_count() const {
    const std::lock_guard lock(mutex_);
    return acknowledged_.size();
  }
  std::string problem() const {
    const std::lock_guard lock(mutex_);
    return problem_;
  }
  bool wait_for_batches(size_t count) const {
    for (int i = 0; i < 6000 && acknowledged_count() < count && problem().empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return acknowledged_count() >= count;
  }

 private:
  void run(size_t per_batch) {
    auto client = served_.client();
    while (!stopping_) {
      std::vector<soundings::Response> batch;
      std::vector<std::string> ids;
      for (size_t i = 0; i < per_batch; ++i) {
        batch.push_back(hubtest::good_response(served_.last_device_id()));
        ids.push_back(batch.back().id);
      }
      int status = 0;
      const json answer = hubtest::post_batch(client, token_, hubtest::batch_of(batch), &status);
      const bool stored = status == 200 && answer.contains("results") && answer["results"].size() == per_batch &&
                          std::all_of(answer["results"].begin(), answer["results"].end(),
                                      [](const json& result) { return result["status"] == "stored"; });
      const std::lock_guard lock(mutex_);
      if (!stored) {
        problem_ = "a batch was not stored: " + std::to_string(status) + " " + answer.dump();
        return;
      }
      acknowledged_.push_back(std::move(ids));
    }
  }

  ServedHub& served_;
  std::string token_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  Batches acknowledged_;
  std::string problem_;
  std::thread thread_;
};

// What is wrong with `copy` as a backup of the hub at `live`, taken after every batch of `before` was
// acknowledged and before any batch after `by_then`: empty when it is a whole, consistent backup.
std::string backup_problem(const fs::path& copy, const fs::path& live, const Batches& before, const Batches& by_then) {
  auto db = open_for_reading(copy);
  auto check = db.text_rows("PRAGMA quick_check", "checking the copy");
  if (!check || *check != "ok") return "quick_check: " + (check ? *check : check.error().message);
  if (pragma(copy, "application_id") != kHubApplicationId) return "not a hub database";
  if (pragma(copy, "user_version") != pragma(live, "user_version")) return "another schema version than the hub's";
  const Bodies copied = responses_in(copy);
  const Bodies now = responses_in(live);
  for (const auto& [id, body] : copied) {
    const auto found = now.find(id);
    if (found == now.end() || found->second != body) return "response " + id + " differs from the hub's";
  }
  // One snapshot: a batch is one transaction, so it is in the copy whole or not at all, and every
  // batch acknowledged before the copy began is in it.
  for (size_t i = 0; i < by_then.size(); ++i) {
    const size_t held = static_cast<size_t>(std::count_if(
        by_then[i].begin(), by_then[i].end(), [&copied](const std::string& id) { return copied.count(id) > 0; }));
    if (i < before.size() && held != by_then[i].size()) {
      return "batch " + std::to_string(i) + " acknowledged before the backup is missing";
    }
    if (held != 0 && held != by_then[i].size()) return "batch " + std::to_string(i) + " is in the copy in part";
  }
  return "";
}

// A new data folder holding `backup` as hub.sqlite and the original hub's key file: a restore.
void restore(const fs::path& backup, const fs::path& original, const fs::path& folder) {
  fs::create_directories(folder);
  fs::copy_file(backup, folder / "hub.sqlite");
  fs::copy_file(original / "hub-keys.json", folder / "hub-keys.json");
}

std::map<std::string, json> export_by_id(const std::string& text) {
  std::map<std::string, json> by_id;
  for (const auto& item : json::parse(text)) by_id[item.at("id").get<std::string>()] = item;
  return by_id;
}

// Runs a program (no shell) and returns its exit status; its output goes to the test's.
int run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `cp FROM TO`, as someone might back a hub up by hand. In another process: closing any descriptor of the
// hub's file in this one would drop the locks the hub's SQLite connections hold on it.
void plain_copy(const fs::path& from, const fs::path& to) {
  REQUIRE(run_program({"/bin/cp", from.string(), to.string()}) == 0);
}

std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) files.push_back(entry.path().filename());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a backup taken while a device syncs is one whole snapshot of the hub, and restores with the key file",
          "[hub][backup][sqlite]") {
  ServedHub served;
  hubtest::TempDir elsewhere;
  const fs::path backup = elsewhere.path() / "hub-backup.sqlite";
  const fs::path live = served.data_dir() / "hub.sqlite";
  SyncingDevice device(served, 20);
  REQUIRE(device.wait_for_batches(150));  // 3,000 responses at least, and still coming

  const Batches before = device.acknowledged();
  const Run made = run_hub({"backup", "--data", served.data_dir().string(), "--output", backup.string()});
  const Batches by_then = device.acknowledged();
  REQUIRE(device.wait_for_batches(by_then.size() + 5));  // the device was never held up for long
  device.stop();
  INFO(made.output);
  REQUIRE(device.problem().empty());
  REQUIRE(made.exit_code == 0);
  // Ingest went on while the backup ran (a few batches, on this machine).
  CHECK(by_then.size() > before.size());

  CHECK(backup_problem(backup, live, before, by_then).empty());
  const Bodies copied = responses_in(backup);
  CHECK(made.output.find("responses      " + std::to_string(copied.size()) + "\n") != std::string::npos);
  CHECK(made.output.find("devices        1\n") != std::string::npos);
  CHECK(made.output.find("NOT in the backup: the key file") != std::string::npos);
  CHECK(fs::status(backup).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(files_in(elsewhere.path()) == std::vector<fs::path>{"hub-backup.sqlite"});  // no log or part left beside it
  const auto keys = json::parse(read_all(served.data_dir() / "hub-keys.json"));
  CHECK(read_all(backup).find(keys.at("secret_key").get<std::string>()) == std::string::npos);

  // Restored: the hub opens it (soundings-hub and Hub::open) and exports those responses, as they were.
  hubtest::TempDir restored;
  restore(backup, served.data_dir(), restored.path());
  const Run exported =
      run_hub({"export", "--data", restored.path().string(), "--consultation", "town-square", "--format", "json"});
  REQUIRE(exported.exit_code == 0);
  const auto restored_items = export_by_id(exported.output);
  const auto live_items = export_by_id(*served.hub().export_responses("town-square", "json"));
  CHECK(restored_items.size() == copied.size());
  for (const auto& [id, item] : restored_items) {
    INFO(id);
    REQUIRE(live_items.count(id) == 1);
    CHECK(live_items.at(id) == item);
  }
  soundings::hub::HubConfig config;
  config.data_dir = restored.path().string();
  auto reopened = soundings::hub::Hub::open(config);
  REQUIRE(reopened);
  CHECK((*reopened)->hub_id() == served.hub().hub_id());
  CHECK((*reopened)->seal_public_key() == served.hub().seal_public_key());
  CHECK(*(*reopened)->stored_count() == static_cast<int64_t>(copied.size()));
}

TEST_CASE("a backup of a quiet hub restores to the same responses, counts and export", "[hub][backup][sqlite]") {
  ServedHub served;
  {
    SyncingDevice device(served, 10);
    REQUIRE(device.wait_for_batches(20));
  }
  hubtest::TempDir elsewhere;
  const fs::path backup = elsewhere.path() / "quiet.sqlite";
  const Run made = run_hub({"backup", "--data", served.data_dir().string(), "--output", backup.string()});
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  const int64_t stored = *served.hub().stored_count();
  CHECK(made.output.find("responses      " + std::to_string(stored) + "\n") != std::string::npos);
  CHECK(made.output.find("consultations  1 (1 published version)") != std::string::npos);

  hubtest::TempDir restored;
  restore(backup, served.data_dir(), restored.path());
  const Run status = run_hub({"status", "--data", restored.path().string()});
  CHECK(status.exit_code == 0);
  CHECK(status.last_line().find("total: " + std::to_string(stored) + " stored, 0 quarantined") != std::string::npos);
  const Run exported =
      run_hub({"export", "--data", restored.path().string(), "--consultation", "town-square", "--format", "csv"});
  CHECK(exported.exit_code == 0);
  CHECK(exported.output == *served.hub().export_responses("town-square", "csv"));
}

TEST_CASE("a plain copy of a hub's file mid-write misses what was acknowledged, and the backup does not",
          "[hub][backup][sqlite]") {
  // The hub writes to its log (hub.sqlite-wal) and copies the log into the file only now and then, so
  // the file alone lacks recent commits: the checks below must find that in a plain copy, or they could
  // never find it in a backup that was one.
  ServedHub served;
  hubtest::TempDir elsewhere;
  const fs::path live = served.data_dir() / "hub.sqlite";
  SyncingDevice device(served, 5);
  REQUIRE(device.wait_for_batches(10));
  const Batches before = device.acknowledged();
  const fs::path plain = elsewhere.path() / "plain-copy.sqlite";
  plain_copy(live, plain);
  const fs::path backup = elsewhere.path() / "backup.sqlite";
  const Run made = run_hub({"backup", "--data", served.data_dir().string(), "--output", backup.string()});
  const Batches by_then = device.acknowledged();
  device.stop();
  REQUIRE(device.problem().empty());
  REQUIRE(made.exit_code == 0);

  CHECK_FALSE(backup_problem(plain, live, before, by_then).empty());
  CHECK(backup_problem(backup, live, before, by_then).empty());
}

TEST_CASE("backup refuses an existing output, a folder without a hub, a foreign file and PostgreSQL, changing nothing",
          "[hub][backup][sqlite]") {
  ServedHub served;
  hubtest::TempDir elsewhere;
  const std::string data = served.data_dir().string();
  const auto hub_files = files_in(served.data_dir());

  SECTION("an output that exists is never replaced") {
    const fs::path taken = elsewhere.path() / "taken.sqlite";
    std::ofstream(taken) << "last week's backup\n";
    const Run refused = run_hub({"backup", "--data", data, "--output", taken.string()});
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find(taken.string() + " already exists") != std::string::npos);
    CHECK(read_all(taken) == "last week's backup\n");
    CHECK(files_in(elsewhere.path()) == std::vector<fs::path>{"taken.sqlite"});
  }
  SECTION("a folder with no hub is not made one") {
    hubtest::TempDir empty;
    const fs::path output = elsewhere.path() / "out.sqlite";
    const Run refused = run_hub({"backup", "--data", empty.path().string(), "--output", output.string()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("no hub here") != std::string::npos);
    CHECK(files_in(empty.path()).empty());
    CHECK(files_in(elsewhere.path()).empty());
  }
  SECTION("a database of another program is not copied") {
    hubtest::TempDir foreign;
    {
      auto db = soundings::sqlite::Connection::open((foreign.path() / "hub.sqlite").string(), {});
      REQUIRE(db);
      REQUIRE(db->exec("CREATE TABLE notes (text TEXT)", "making a foreign database"));
    }
    const std::string before = read_all(foreign.path() / "hub.sqlite");
    const fs::path output = elsewhere.path() / "out.sqlite";
    const Run refused = run_hub({"backup", "--data", foreign.path().string(), "--output", output.string()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("is not a Soundings hub database") != std::string::npos);
    CHECK(read_all(foreign.path() / "hub.sqlite") == before);
    CHECK(files_in(elsewhere.path()).empty());
  }
  SECTION("a PostgreSQL hub is pointed to pg_dump, and its password is never shown") {
    const fs::path output = elsewhere.path() / "out.sqlite";
    const Run refused = run_hub({"backup", "--data", data, "--database", "postgresql://hub:s3cret@db.example/soundings",
                                 "--output", output.string()});
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("pg_dump -Fc") != std::string::npos);
    CHECK(refused.output.find("\"Backups\"") != std::string::npos);
    CHECK(refused.output.find("s3cret") == std::string::npos);
    CHECK(files_in(elsewhere.path()).empty());
  }
  SECTION("no output named") {
    const Run refused = run_hub({"backup", "--data", data});
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("--output FILE") != std::string::npos);
  }
  CHECK(files_in(served.data_dir()) == hub_files);
}

namespace {

// PostgreSQL's own tools, of the version the test cluster runs (tests/support/postgres-cluster.sh).
const std::string kPostgresBin = "/usr/lib/postgresql/15/bin/";

// A database made for the test on the throwaway cluster, dropped when the test ends.
struct ScratchDatabase {
  explicit ScratchDatabase(const std::string& name_hint)
      : hint(name_hint), url(soundings::test::make_empty_database(name_hint)) {}
  ~ScratchDatabase() { soundings::test::forget_test_database(hint); }
  std::string hint;
  std::string url;
};

// `pg_dump -Fc` of the hub's database, as the README says; uncompressed (-Z 0) only so that a test can
// look for the secret key in it.
void pg_dump(const std::string& url, const fs::path& file) {
  REQUIRE(run_program({kPostgresBin + "pg_dump", "-Fc", "-Z", "0", "--file=" + file.string(), url}) == 0);
}

// A dump restored with pg_restore into a new database, and a hub opened on it with the original key file.
struct RestoredHub {
  RestoredHub(const fs::path& dump, const fs::path& original_data, const std::string& name_hint) : database(name_hint) {
    REQUIRE(run_program({kPostgresBin + "pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
                         "--dbname=" + database.url, dump.string()}) == 0);
    fs::copy_file(original_data / "hub-keys.json", folder.path() / "hub-keys.json");
    auto opened = soundings::hub::Hub::open(config());
    INFO((opened ? std::string() : opened.error().message));
    REQUIRE(opened);
    hub = std::move(*opened);
  }
  soundings::hub::HubConfig config() const {
    soundings::hub::HubConfig settings;
    settings.data_dir = folder.path().string();
    settings.database = database.url;
    settings.create = false;
    return settings;
  }
  ScratchDatabase database;
  hubtest::TempDir folder;
  std::unique_ptr<soundings::hub::Hub> hub;
};

std::set<std::string> ids_in(soundings::hub::Hub& hub) {
  const auto ids = hub.stored_ids();
  REQUIRE(ids);
  return {ids->begin(), ids->end()};
}

// A conflict held in quarantine: the same response id again with another answer.
void quarantine_a_conflict(ServedHub& served) {
  const std::string token = served.enrol("Kiosk in the library");
  auto client = served.client();
  auto response = hubtest::good_response(served.last_device_id());
  REQUIRE(hubtest::post_batch(client, token, hubtest::batch_of({response}))["results"][0]["status"] == "stored");
  response.answers["rating"] = 3;
  REQUIRE(hubtest::post_batch(client, token, hubtest::batch_of({response}))["results"][0]["status"] == "conflict");
}

}  // namespace

TEST_CASE("a pg_dump of a PostgreSQL hub taken while a device syncs restores into a new database the hub opens",
          "[hub][backup][postgres]") {
  if (!soundings::test::on_postgres()) return;  // SOUNDINGS_TEST_POSTGRES names no throwaway cluster
  ServedHub served;
  hubtest::TempDir elsewhere;
  const fs::path dump = elsewhere.path() / "soundings.dump";
  quarantine_a_conflict(served);
  SyncingDevice device(served, 20);
  REQUIRE(device.wait_for_batches(50));
  const Batches before = device.acknowledged();
  pg_dump(soundings::test::database_for(served.data_dir()), dump);
  const Batches by_then = device.acknowledged();
  device.stop();
  REQUIRE(device.problem().empty());

  RestoredHub restored(dump, served.data_dir(), "backup-restored-mid-sync");
  soundings::hub::Hub& hub = *restored.hub;
  // One snapshot: every batch acknowledged before the dump began is in it, and each batch whole or not at all.
  const std::set<std::string> held = ids_in(hub);
  for (size_t i = 0; i < by_then.size(); ++i) {
    const auto in_dump = std::count_if(by_then[i].begin(), by_then[i].end(),
                                       [&held](const std::string& id) { return held.count(id) > 0; });
    INFO("batch " << i << " of " << by_then.size() << ", " << before.size() << " acknowledged before the dump");
    CHECK((in_dump == 0 || in_dump == static_cast<long>(by_then[i].size())));
    if (i < before.size()) CHECK(in_dump == static_cast<long>(by_then[i].size()));
  }
  CHECK(hub.hub_id() == served.hub().hub_id());
  CHECK(*hub.stored_count() == static_cast<int64_t>(held.size()));
  const auto restored_items = export_by_id(*hub.export_responses("town-square", "json"));
  const auto live_items = export_by_id(*served.hub().export_responses("town-square", "json"));
  CHECK(restored_items.size() == held.size());
  for (const auto& [id, item] : restored_items) {
    INFO(id);
    REQUIRE(live_items.count(id) == 1);
    CHECK(live_items.at(id) == item);
  }
}

TEST_CASE(
    "a pg_dump of a quiet PostgreSQL hub restores with the same counts and export, and never holds the "
    "secret key",
    "[hub][backup][postgres]") {
  if (!soundings::test::on_postgres()) return;  // SOUNDINGS_TEST_POSTGRES names no throwaway cluster
  ServedHub served;
  quarantine_a_conflict(served);
  {
    SyncingDevice device(served, 20);
    REQUIRE(device.wait_for_batches(20));
  }
  hubtest::TempDir elsewhere;
  const fs::path dump = elsewhere.path() / "soundings.dump";
  pg_dump(soundings::test::database_for(served.data_dir()), dump);

  RestoredHub restored(dump, served.data_dir(), "backup-restored-quiet");
  soundings::hub::Hub& hub = *restored.hub;
  CHECK(*hub.stored_count() == *served.hub().stored_count());
  CHECK(*hub.quarantine_count() == 1);
  CHECK(hub.devices()->size() == served.hub().devices()->size());
  CHECK(hub.consultations()->size() == served.hub().consultations()->size());
  CHECK(*hub.export_responses("town-square", "csv") == *served.hub().export_responses("town-square", "csv"));

  // The secret key is never in the database, so never in a dump: without the key file the hub will not start.
  const auto keys = json::parse(read_all(served.data_dir() / "hub-keys.json"));
  CHECK(read_all(dump).find(keys.at("secret_key").get<std::string>()) == std::string::npos);
  hubtest::TempDir without_keys;
  auto config = restored.config();
  config.data_dir = without_keys.path().string();
  CHECK_FALSE(soundings::hub::Hub::open(config));
}
