// Opening the device database: new files, refusal of foreign, damaged, truncated and newer files, migrations.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "durability/store_test_support.h"
#include "soundings/store.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::store_testing;

namespace {

// Runs SQL on a file with a plain SQLite connection, as another program or an older Soundings would.
void run_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// A closed database holding `count` responses.
void make_database(const std::string& path, int count) {
  auto store = Store::open(path);
  REQUIRE(store.ok());
  for (int i = 0; i < count; ++i) REQUIRE((*store)->save(sample_response(i)).ok());
}

// Opening must fail with `code`, name the file, and leave every byte as it was, with no journal left beside it.
void require_refused_untouched(const std::string& path, ErrorCode code) {
  const std::string before = read_bytes(path);
  auto store = Store::open(path);
  REQUIRE_FALSE(store.ok());
  INFO(store.error().message);
  CHECK(store.error().code == code);
  CHECK(store.error().message.find(path) != std::string::npos);
  CHECK(store.error().message.find("left untouched") != std::string::npos);
  CHECK(read_bytes(path) == before);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-journal"));
}

}  // namespace

TEST_CASE("a new device database runs with WAL, synchronous=FULL, foreign keys and one exclusive writer") {
  TempDir dir;
  REQUIRE(dir.ok());
  auto store = Store::open(dir.file("device.db"));
  REQUIRE(store.ok());
  const StorePragmas pragmas = must((*store)->pragmas());
  CHECK(pragmas.journal_mode == "wal");
  CHECK(pragmas.synchronous == 2);
  CHECK(pragmas.foreign_keys);
  CHECK(pragmas.busy_timeout_ms > 0);
  CHECK(pragmas.locking_mode == "exclusive");
  CHECK(pragmas.schema_version == Store::current_schema_version());
  CHECK(pragmas.application_id == 0x534E4447);
  CHECK(must((*store)->integrity_ok()));
}

TEST_CASE("an empty 0-byte file at the database path becomes a new database") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  write_bytes(path, "");
  auto store = Store::open(path);
  REQUIRE(store.ok());
  CHECK(must((*store)->response_count()) == 0);
  CHECK(must((*store)->pragmas()).schema_version == Store::current_schema_version());
}

TEST_CASE("a file that is not SQLite is refused and left byte-for-byte unchanged") {
  TempDir dir;
  const std::string path = dir.file("device.db");

  SECTION("a plain text file") { write_bytes(path, "hub_url=https://consult.example.gov.uk\nvenue=Library\n"); }
  SECTION("random bytes") {
    std::mt19937 random(7);
    std::string bytes(8192, '\0');
    for (auto& byte : bytes) byte = static_cast<char>(random() & 0xff);
    write_bytes(path, bytes);
  }
  SECTION("a few bytes") { write_bytes(path, "SQLite"); }
  SECTION("a JSON document") { write_bytes(path, R"({"responses": []})"); }

  require_refused_untouched(path, ErrorCode::Corrupt);
  CHECK(Store::open(path).error().message.find("not an SQLite file") != std::string::npos);
}

TEST_CASE("an SQLite header followed by garbage is refused and left unchanged") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  std::string bytes = "SQLite format 3";
  bytes.push_back('\0');
  std::mt19937 random(11);
  while (bytes.size() < 4096 * 4) bytes.push_back(static_cast<char>(random() & 0xff));
  write_bytes(path, bytes);
  require_refused_untouched(path, ErrorCode::Corrupt);
}

TEST_CASE("a truncated database is refused at every cut and left unchanged") {
  TempDir dir;
  const std::string original = dir.file("original.db");
  make_database(original, 300);
  const std::string whole = read_bytes(original);
  REQUIRE(whole.size() > 16 * 4096);

  for (const size_t cut : {size_t{16}, size_t{99}, size_t{100}, size_t{512}, size_t{4096}, size_t{4096 * 2 + 7},
                           whole.size() / 2, whole.size() - 4096, whole.size() - 1}) {
    INFO("cut at " << cut << " of " << whole.size() << " bytes");
    const std::string path = dir.file("cut-" + std::to_string(cut) + ".db");
    write_bytes(path, whole.substr(0, cut));
    require_refused_untouched(path, ErrorCode::Corrupt);
  }
}

TEST_CASE("a database with a damaged page is refused and left unchanged") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  make_database(path, 200);
  std::string bytes = read_bytes(path);
  // Scribble over the middle of the file (response pages), keeping the size and the header intact.
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 4096; ++i) bytes[i] = static_cast<char>(0xA5);
  write_bytes(path, bytes);
  require_refused_untouched(path, ErrorCode::Corrupt);
}

TEST_CASE("a database from a newer Soundings is refused and left unchanged") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  make_database(path, 3);
  run_sql(path, "PRAGMA user_version = " + std::to_string(Store::current_schema_version() + 1));
  require_refused_untouched(path, ErrorCode::TooNew);
  CHECK(Store::open(path).error().message.find("newer version of Soundings") != std::string::npos);
}

TEST_CASE("a newer database with a write-ahead log still waiting is refused and neither file is touched") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  make_database(path, 3);
  {
    // A newer version that stopped before checkpointing: its last change is only in the WAL.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) == SQLITE_OK);
    const std::string bump = "PRAGMA user_version = " + std::to_string(Store::current_schema_version() + 1);
    REQUIRE(sqlite3_exec(db, bump.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  std::filesystem::remove(path + "-shm");
  REQUIRE(std::filesystem::file_size(path + "-wal") > 0);
  const std::string database_before = read_bytes(path);
  const std::string wal_before = read_bytes(path + "-wal");

  auto store = Store::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::TooNew);
  CHECK(read_bytes(path) == database_before);
  CHECK(read_bytes(path + "-wal") == wal_before);
}

TEST_CASE("another program's SQLite database is refused and left unchanged") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  run_sql(path, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('x');");
  require_refused_untouched(path, ErrorCode::Corrupt);
  CHECK(Store::open(path).error().message.find("another program") != std::string::npos);
}

TEST_CASE("something other than a file at the database path is refused") {
  TempDir dir;
  const std::string path = dir.file("a-folder");
  std::filesystem::create_directory(path);
  auto store = Store::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::InvalidInput);
  CHECK(std::filesystem::is_directory(path));

  auto missing = Store::open(dir.file("no-such-folder/device.db"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::Storage);
}

TEST_CASE("reopening a current database changes nothing and keeps every record") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  make_database(path, 5);
  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->set_setting("venue", "Llandudno Library").ok());
  }
  for (int round = 0; round < 3; ++round) {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    CHECK(must((*store)->response_count()) == 5);
    CHECK(must((*store)->outbox_counts()).pending == 5);
    CHECK(must((*store)->setting("venue")) == std::optional<std::string>("Llandudno Library"));
    CHECK(must((*store)->pragmas()).schema_version == Store::current_schema_version());
    CHECK(must((*store)->integrity_ok()));
  }
}

TEST_CASE("a version 1 database is migrated forward at open and keeps its records") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  const Response kept = sample_response(1);
  const std::string body = response_to_json(kept).dump();
  // The schema as version 1 shipped it.
  run_sql(path, R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
CREATE TABLE consultations (id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),
  definition_json TEXT NOT NULL, cached_at TEXT NOT NULL, PRIMARY KEY (id, version));
CREATE TABLE consultation_local (id TEXT PRIMARY KEY NOT NULL, feedback_json TEXT NOT NULL DEFAULT '',
  offered INTEGER NOT NULL DEFAULT 1 CHECK (offered IN (0, 1)));
CREATE TABLE responses (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, consultation_id TEXT NOT NULL,
  consultation_version INTEGER NOT NULL, submitted_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE outbox (seq INTEGER PRIMARY KEY REFERENCES responses (seq),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'needs_review')),
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
PRAGMA application_id = 1397638215;
PRAGMA user_version = 1;
)sql");
  run_sql(path, "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body) VALUES ('" +
                    kept.id + "', '" + kept.consultation_id + "', 3, '" + kept.submitted_at + "', '" + body +
                    "'); INSERT INTO outbox (seq, created_at, updated_at) VALUES (1, '2026-11-23T16:06:12Z', "
                    "'2026-11-23T16:06:12Z'); INSERT INTO settings VALUES ('device_id', 'kiosk-7');");

  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    CHECK(must((*store)->pragmas()).schema_version == Store::current_schema_version());
    REQUIRE(must((*store)->find_response(kept.id)).has_value());
    CHECK(response_to_json(*must((*store)->find_response(kept.id))) == response_to_json(kept));
    CHECK(must((*store)->setting("device_id")) == std::optional<std::string>("kiosk-7"));
    const auto batch = must((*store)->pending_batch(10, 1 << 20));
    REQUIRE(batch.size() == 1);
    CHECK(batch[0].created_at == "2026-11-23T16:06:12Z");
    CHECK((*store)->save(sample_response(2)).ok());
  }

  // Version 2 made responses immutable, even to a plain SQLite connection.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE responses SET body = '{}'", nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT);
  CHECK(sqlite3_exec(db, "DELETE FROM responses", nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT);
  sqlite3_close(db);
}

TEST_CASE("a version 2 outbox becomes the outbox of every kind with each response's state, order and reason") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  std::vector<Response> responses;
  for (int i = 0; i < 3; ++i) responses.push_back(sample_response(i + 1));
  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    for (const auto& response : responses) REQUIRE((*store)->save(response).ok());
  }
  // Back to the version 2 outbox, as a device that has not yet been upgraded holds it.
  run_sql(path, R"sql(
DROP TRIGGER responses_never_deleted;
CREATE TRIGGER responses_never_deleted BEFORE DELETE ON responses
BEGIN SELECT RAISE(ABORT, 'responses are never deleted on the device before head office confirms them'); END;
DROP TABLE records; DROP TABLE staff; DROP TABLE walk_addresses; DROP TABLE walk_lists;
CREATE TABLE old_outbox (seq INTEGER PRIMARY KEY REFERENCES responses (seq),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'needs_review')),
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
INSERT INTO old_outbox (seq, state, attempts, last_error, created_at, updated_at)
  SELECT r.seq, 'pending', 0, '', '2026-11-2' || r.seq || 'T10:00:00Z', '2026-11-2' || r.seq || 'T10:00:00Z'
  FROM responses r;
UPDATE old_outbox SET state = 'confirmed' WHERE seq = 1;
UPDATE old_outbox SET state = 'needs_review', last_error = 'refused: closed', attempts = 3 WHERE seq = 2;
DROP TABLE outbox; ALTER TABLE old_outbox RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
PRAGMA user_version = 2;
)sql");
  auto store = Store::open(path);
  REQUIRE(store.ok());
  CHECK(must((*store)->pragmas()).schema_version == Store::current_schema_version());
  const OutboxCounts counts = must((*store)->outbox_counts());
  CHECK(counts.confirmed == 1);
  CHECK(counts.needs_review == 1);
  CHECK(counts.pending == 1);
  const auto review = must((*store)->needs_review());
  REQUIRE(review.size() == 1);
  CHECK(review[0].id == responses[1].id);
  CHECK(review[0].last_error == "refused: closed");
  CHECK(review[0].attempts == 3);
  const auto pending = must((*store)->pending_batch(10, 1 << 20));
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == responses[2].id);
  CHECK(pending[0].kind == RecordKind::Response);
  CHECK(pending[0].created_at == "2026-11-23T10:00:00Z");
  // The next record queues after the old ones.
  REQUIRE((*store)->save(sample_response(9)).ok());
  CHECK(must((*store)->pending_batch(10, 1 << 20)).back().kind == RecordKind::Response);
  CHECK(must((*store)->pending_batch(10, 1 << 20)).front().id == responses[2].id);
}

TEST_CASE("only one Store at a time may have a device database open") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  {
    auto first = Store::open(path);
    REQUIRE(first.ok());
    REQUIRE((*first)->save(sample_response(1)).ok());
    auto second = Store::open(path);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::Storage);
    CHECK(second.error().message.find("already open") != std::string::npos);
    // The refused open must not have disturbed the first one.
    CHECK((*first)->save(sample_response(2)).ok());
    CHECK(must((*first)->integrity_ok()));
  }
  auto again = Store::open(path);
  REQUIRE(again.ok());
  CHECK(must((*again)->response_count()) == 2);
}

TEST_CASE("a closed database leaves no write-ahead log behind") {
  TempDir dir;
  const std::string path = dir.file("device.db");
  make_database(path, 2);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-shm"));
}
