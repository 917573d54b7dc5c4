// The shared SQLite layer: errors as values, transactions that roll back, and the one migration runner.
#include "soundings/sqlite.h"

#include <sqlite3.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>

#include "durability/store_test_support.h"
#include "must.h"

using namespace soundings;
using namespace soundings::store_testing;
using soundings::testing::must;

namespace {

constexpr std::array<sqlite::Migration, 2> kTwoSteps{{
    {1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"},
    {2, "CREATE INDEX notes_by_text ON notes (text);"},
}};
constexpr sqlite::Schema kNotes{0x4E6F7465, kTwoSteps, "a notes database", "Notes"};

sqlite::Connection open_file(const std::string& path) {
  return must(sqlite::Connection::open(path, {}));
}

int64_t count_notes(sqlite::Connection& db) { return must(db.integer("SELECT count(*) FROM notes", "counting")); }

}  // namespace

TEST_CASE("SQLite failures map to one kind of error each, with a plain reason") {
  CHECK(sqlite::error_from(nullptr, SQLITE_CORRUPT, "reading").code == ErrorCode::Corrupt);
  CHECK(sqlite::error_from(nullptr, SQLITE_NOTADB, "reading").code == ErrorCode::Corrupt);
  CHECK(sqlite::error_from(nullptr, SQLITE_CONSTRAINT_UNIQUE, "saving").code == ErrorCode::Conflict);
  const Error full = sqlite::error_from(nullptr, SQLITE_FULL, "saving response 7");
  CHECK(full.code == ErrorCode::Storage);
  CHECK(full.message.find("saving response 7") != std::string::npos);
  CHECK(full.message.find("disk is full") != std::string::npos);
  const Error busy = sqlite::error_from(nullptr, SQLITE_BUSY_SNAPSHOT, "committing");
  CHECK(busy.code == ErrorCode::Storage);
  CHECK(busy.message.find("another program") != std::string::npos);
}

TEST_CASE("a read of a damaged table is an error, never an empty answer") {
  TempDir dir;
  const std::string path = dir.file("notes.db");
  {
    auto db = open_file(path);
    REQUIRE(sqlite::apply_migrations(db, path, kNotes, 0).ok());
    sqlite::Transaction transaction(db);
    REQUIRE(transaction.begin().ok());
    for (int i = 0; i < 400; ++i) {
      auto insert = must(db.cached("INSERT INTO notes (text) VALUES (?)"));
      REQUIRE(insert.bind(1, std::string(500, static_cast<char>('a' + i % 26))).run("adding a note").ok());
    }
    REQUIRE(transaction.commit().ok());
  }
  std::string bytes = read_bytes(path);
  REQUIRE(bytes.size() > 64 * 1024);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 8192; ++i) bytes[i] = static_cast<char>(0xA5);
  write_bytes(path, bytes);

  auto db = open_file(path);
  auto select = must(db.prepare("SELECT text FROM notes ORDER BY id"));
  Result<bool> row = true;
  int rows = 0;
  while ((row = select.step("reading the notes")).ok() && *row) ++rows;
  REQUIRE_FALSE(row.ok());
  CHECK(row.error().code == ErrorCode::Corrupt);
  CHECK(row.error().message.find("reading the notes") != std::string::npos);
  CHECK(rows < 400);
}

TEST_CASE("a transaction that is not committed leaves nothing behind") {
  auto db = must(sqlite::Connection::open(":memory:", {}));
  REQUIRE(db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)", "creating").ok());
  {
    sqlite::Transaction transaction(db);
    REQUIRE(transaction.begin().ok());
    REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('never kept')", "adding").ok());
  }
  CHECK(count_notes(db) == 0);
  {
    sqlite::Transaction transaction(db);
    REQUIRE(transaction.begin().ok());
    REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('kept')", "adding").ok());
    REQUIRE(transaction.commit().ok());
  }
  CHECK(count_notes(db) == 1);
}

TEST_CASE("a savepoint rolled back or dropped undoes only its own part of the transaction") {
  auto db = must(sqlite::Connection::open(":memory:", {}));
  REQUIRE(db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)", "creating").ok());
  {
    sqlite::Transaction transaction(db);
    REQUIRE(transaction.begin().ok());
    {
      sqlite::Savepoint kept(db, "part");
      REQUIRE(kept.begin().ok());
      REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('kept')", "adding").ok());
      REQUIRE(kept.release().ok());
    }
    {
      sqlite::Savepoint undone(db, "part");
      REQUIRE(undone.begin().ok());
      REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('undone')", "adding").ok());
      REQUIRE(undone.rollback().ok());
    }
    {
      sqlite::Savepoint dropped(db, "part");  // neither released nor rolled back: undone when it goes
      REQUIRE(dropped.begin().ok());
      REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('dropped')", "adding").ok());
    }
    REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('after')", "adding").ok());
    REQUIRE(transaction.commit().ok());
  }
  CHECK(count_notes(db) == 2);
}

TEST_CASE("the migration runner applies only the missing steps and stamps the file") {
  TempDir dir;
  const std::string path = dir.file("notes.db");
  auto db = open_file(path);
  CHECK(must(sqlite::check_schema(db, path, kNotes)) == 0);
  const std::array<sqlite::Migration, 1> first_only{kTwoSteps[0]};
  REQUIRE(sqlite::apply_migrations(db, path, {kNotes.application_id, first_only, kNotes.name, kNotes.program}, 0).ok());
  REQUIRE(db.exec("INSERT INTO notes (text) VALUES ('from version 1')", "adding").ok());
  CHECK(must(sqlite::check_schema(db, path, kNotes)) == 1);

  REQUIRE(sqlite::apply_migrations(db, path, kNotes, 1).ok());
  CHECK(must(db.integer("PRAGMA user_version", "reading")) == 2);
  CHECK(must(db.integer("PRAGMA application_id", "reading")) == kNotes.application_id);
  CHECK(must(db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'notes_by_text'", "reading")) == 1);
  CHECK(count_notes(db) == 1);
  CHECK(must(sqlite::check_schema(db, path, kNotes)) == 2);
}

TEST_CASE("a migration step that fails undoes every step of the run and names the file") {
  TempDir dir;
  const std::string path = dir.file("notes.db");
  auto db = open_file(path);
  const std::array<sqlite::Migration, 2> broken{{kTwoSteps[0], {2, "CREATE INDEX oops ON missing_table (x);"}}};
  const auto failed = sqlite::apply_migrations(db, path, {kNotes.application_id, broken, kNotes.name, kNotes.program}, 0);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message.find(path) != std::string::npos);
  CHECK(failed.error().message.find("version 2") != std::string::npos);
  CHECK(must(db.integer("SELECT count(*) FROM sqlite_schema", "reading")) == 0);
  CHECK(must(db.integer("PRAGMA user_version", "reading")) == 0);
}

TEST_CASE("the migration runner refuses another program's file, a newer schema and one without a version") {
  TempDir dir;
  const std::string path = dir.file("notes.db");
  auto db = open_file(path);

  REQUIRE(db.exec("CREATE TABLE theirs (x); PRAGMA application_id = 7", "making a foreign file").ok());
  auto foreign = sqlite::check_schema(db, path, kNotes);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().code == ErrorCode::Corrupt);
  CHECK(foreign.error().message.find(path) != std::string::npos);
  CHECK(foreign.error().message.find("another program, not a notes database") != std::string::npos);

  REQUIRE(db.exec("PRAGMA application_id = 0", "unmarking").ok());
  CHECK(sqlite::check_schema(db, path, kNotes).error().code == ErrorCode::Corrupt);  // tables, no id

  REQUIRE(db.exec("PRAGMA application_id = 1315927141", "marking as notes").ok());
  auto unversioned = sqlite::check_schema(db, path, kNotes);
  REQUIRE_FALSE(unversioned.ok());
  CHECK(unversioned.error().message.find("no schema version") != std::string::npos);

  REQUIRE(db.exec("PRAGMA user_version = 3", "marking as newer").ok());
  auto newer = sqlite::check_schema(db, path, kNotes);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().code == ErrorCode::TooNew);
  CHECK(newer.error().message.find("newer version of Notes") != std::string::npos);
  CHECK(newer.error().message.find("left untouched") != std::string::npos);
}
