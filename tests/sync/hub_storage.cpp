// The hub's database on disk: files from earlier releases open unchanged, newer ones are refused, and a
// database that fails is a 503 for the device, never an empty answer.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "hub_fixture.h"
#include "must.h"

using soundings::testing::must;
using hubtest::bearer;
using hubtest::ServedHub;
using nlohmann::json;

namespace {

// Runs SQL on a file with a plain SQLite connection, as the first release of the hub or another program would.
void run_sql(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The schema exactly as the first release created it, with its stamps.
constexpr const char* kFirstReleaseSchema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consultations (id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,
  opens TEXT NOT NULL, closes TEXT NOT NULL, published_at TEXT NOT NULL, PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS feedback (consultation_id TEXT PRIMARY KEY, feedback TEXT NOT NULL,
  published_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, name TEXT NOT NULL,
  reported_name TEXT NOT NULL DEFAULT '', token_hash BLOB NOT NULL UNIQUE, enrolled_at TEXT NOT NULL,
  revoked_at TEXT, last_contact_at TEXT NOT NULL DEFAULT '', pending INTEGER NOT NULL DEFAULT 0,
  oldest_pending_at TEXT NOT NULL DEFAULT '', app_version TEXT NOT NULL DEFAULT '',
  consultation_versions TEXT NOT NULL DEFAULT '', free_disk_bytes INTEGER NOT NULL DEFAULT -1);
CREATE TABLE IF NOT EXISTS enrol_codes (code_hash BLOB PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL,
  expires_epoch INTEGER NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL,
  consultation_version INTEGER NOT NULL, submitted_at TEXT NOT NULL, body TEXT NOT NULL, body_hash BLOB NOT NULL,
  received_from TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS responses_by_consultation ON responses (consultation_id, submitted_at, id);
CREATE TABLE IF NOT EXISTS quarantine (seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('conflict', 'rejected')), response_id TEXT NOT NULL,
  consultation_id TEXT NOT NULL, reason TEXT NOT NULL, body TEXT NOT NULL, body_hash BLOB NOT NULL UNIQUE,
  received_from TEXT NOT NULL, received_at TEXT NOT NULL, last_seen_at TEXT NOT NULL,
  times_seen INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS quarantine_by_consultation ON quarantine (consultation_id);
PRAGMA application_id = 1399736418;
PRAGMA user_version = 1;
INSERT INTO meta (key, value) VALUES ('hub_id', 'first-release-hub');
INSERT INTO responses VALUES ('5a1c2f0e-0000-4000-8000-000000000001', 'town-square', 1, '2026-11-20T10:00:00Z',
  '{}', x'00', 'kiosk-1', '2026-11-20T10:05:00Z');
INSERT INTO quarantine (kind, response_id, consultation_id, reason, body, body_hash, received_from, received_at,
  last_seen_at) VALUES ('rejected', '5a1c2f0e-0000-4000-8000-000000000002', 'town-square', 'no such question',
  '{"id":"5a1c2f0e-0000-4000-8000-000000000002"}', x'01', 'kiosk-1', '2026-11-20T10:05:00Z',
  '2026-11-20T10:05:00Z');
)sql";

struct SchemaFacts {
  int user_version = 0;
  int64_t application_id = 0;
  int objects = 0;          // rows of sqlite_schema
  bool device_index = false;  // quarantine_by_device, migration 2
};

SchemaFacts schema_facts(const std::filesystem::path& path) {
  SchemaFacts facts;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                                 "(SELECT application_id FROM pragma_application_id), "
                                 "(SELECT count(*) FROM sqlite_schema), "
                                 "(SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                                 "name = 'quarantine_by_device' AND tbl_name = 'quarantine')",
                              -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  facts.user_version = sqlite3_column_int(stmt, 0);
  facts.application_id = sqlite3_column_int64(stmt, 1);
  facts.objects = sqlite3_column_int(stmt, 2);
  facts.device_index = sqlite3_column_int(stmt, 3) == 1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return facts;
}

}  // namespace

TEST_CASE("a hub database made by the first release (schema 1) upgrades to schema 3 and keeps its id and records",
          "[hub][sqlite]") {
  hubtest::TempDir dir;
  const auto path = dir.path() / "hub.sqlite";
  run_sql(path, kFirstReleaseSchema);
  const SchemaFacts before = schema_facts(path);
  REQUIRE(before.user_version == 1);
  REQUIRE(before.objects == 16);  // 7 tables, 2 indexes, 7 automatic indexes
  REQUIRE_FALSE(before.device_index);
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  {
    auto opened = soundings::hub::Hub::open(config);
    REQUIRE(opened);
    CHECK((*opened)->hub_id() == "first-release-hub");
    CHECK(must((*opened)->stored_count()) == 1);
    CHECK(must((*opened)->stored_ids()) == std::vector<std::string>{"5a1c2f0e-0000-4000-8000-000000000001"});
    CHECK(must((*opened)->quarantine_count()) == 1);
    const auto held = must((*opened)->quarantined());
    REQUIRE(held.size() == 1);
    CHECK(held[0].reason == "no such question");
    CHECK((*opened)->publish_json(hubtest::town_square_json()).problems.empty());
  }
  const SchemaFacts after = schema_facts(path);
  CHECK(after.user_version == 5);
  CHECK(after.application_id == 0x536e4862);
  // Migration 2 adds quarantine_by_device; migration 3 five tables for records and field work, two
  // indexes and six automatic ones; migration 4 the console's seven tables, three indexes and six automatic
  // ones; migration 5 replaces responses_by_consultation with responses_facets.
  CHECK(after.objects == 46);
  CHECK(after.device_index);

  // Opened again at schema 3: nothing more to do, and the records are still there.
  auto again = soundings::hub::Hub::open(config);
  REQUIRE(again);
  CHECK(must((*again)->stored_count()) == 1);
  CHECK(must((*again)->quarantine_count()) == 1);
  CHECK(schema_facts(path).objects == 46);
}

TEST_CASE("a schema-1 hub database that already has the quarantine_by_device index upgrades too", "[hub][sqlite]") {
  hubtest::TempDir dir;
  const auto path = dir.path() / "hub.sqlite";
  run_sql(path, kFirstReleaseSchema);
  run_sql(path, "CREATE INDEX quarantine_by_device ON quarantine (received_from);");
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  {
    auto opened = soundings::hub::Hub::open(config);
    REQUIRE(opened);
    CHECK(must((*opened)->stored_count()) == 1);
    CHECK(must((*opened)->quarantine_count()) == 1);
  }
  const SchemaFacts after = schema_facts(path);
  CHECK(after.user_version == 5);
  CHECK(after.objects == 46);
  CHECK(after.device_index);
}

TEST_CASE("a hub database from a newer hub is refused, named and left unchanged", "[hub][sqlite]") {
  hubtest::TempDir dir;
  const auto path = dir.path() / "hub.sqlite";
  run_sql(path, kFirstReleaseSchema);
  run_sql(path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 6;");
  const std::string before = read_bytes(path);
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  auto opened = soundings::hub::Hub::open(config);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == soundings::ErrorCode::TooNew);
  CHECK(opened.error().message.find(path.string()) != std::string::npos);
  CHECK(opened.error().message.find("newer version of the Soundings hub") != std::string::npos);
  CHECK(read_bytes(path) == before);
}

TEST_CASE("another program's SQLite database is refused as not a hub database", "[hub][sqlite]") {
  hubtest::TempDir dir;
  const auto path = dir.path() / "hub.sqlite";
  run_sql(path, "CREATE TABLE shopping (item TEXT); INSERT INTO shopping VALUES ('bara');");
  const std::string before = read_bytes(path);
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  auto opened = soundings::hub::Hub::open(config);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == soundings::ErrorCode::Corrupt);
  CHECK(opened.error().message.find("not a Soundings hub database") != std::string::npos);
  CHECK(read_bytes(path) == before);
}

TEST_CASE("a database that fails under the API is a 503 with Retry-After, and a failing listing is an error",
          "[hub][sqlite]") {
  ServedHub served;
  const std::string token = served.enrol();
  // Another program breaks the database under the running hub.
  run_sql(served.data_dir() / "hub.sqlite", "DROP TABLE quarantine; DROP TABLE devices;");

  auto client = served.client();
  const auto listing = client.Get("/api/v1/consultations", bearer(token));
  REQUIRE(listing);
  CHECK(listing->status == 503);
  CHECK(listing->get_header_value("Retry-After") == "30");
  CHECK(json::parse(listing->body)["error"] == "storage_unavailable");

  const auto devices = served.hub().devices();
  REQUIRE_FALSE(devices.ok());
  CHECK(devices.error().message.find("devices") != std::string::npos);
  CHECK_FALSE(served.hub().quarantine_count().ok());
}
