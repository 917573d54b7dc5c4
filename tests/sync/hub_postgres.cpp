// Hub tests on PostgreSQL: the libpq connection behind soundings/database.h (the store on it: hub_store_postgres.cpp).
//
// They run only when SOUNDINGS_TEST_POSTGRES holds the URL of a throwaway cluster's `postgres` database
// (tests/support/postgres-cluster.sh start DIR prints one); each test makes its own database there and
// drops it at the end. Without it every test here passes with a warning saying it was skipped (Catch2 2.x
// has no SKIP).
#include <cstdlib>
#include <latch>
#include <set>
#include <thread>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "must.h"
#include "hub_fixture.h"
#include "hub_schema_postgres.h"
#include "hub_store.h"
#include "soundings/database.h"
#include "soundings/sqlite.h"
#include "soundings/response.h"
#include "postgres_scratch.h"
#include "test_database.h"

using soundings::ErrorCode;
using soundings::testing::must;
namespace db = soundings::db;

using soundings::test::ScratchDatabase;
using soundings::test::count;
using soundings::test::skipped_without_cluster;


TEST_CASE("values go in through ?N placeholders and come back as they were (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto connection = scratch.connect();
  REQUIRE(connection->dialect() == db::Dialect::PostgreSQL);
  REQUIRE(connection->exec("CREATE TABLE t (name TEXT, n BIGINT, bytes BYTEA, flag BOOLEAN)", "making a table").ok());

  const std::string bytes("\x00\x01\xff'\\?1 x", 9);
  auto insert = must(connection->cached("INSERT INTO t (name, n, bytes, flag) VALUES (?1, ?2, ?3, ?4 = '?1')"));
  REQUIRE(insert.bind(1, std::string_view("it's ?2 \"quoted\" é")).bind(2, int64_t{-9007199254740993})
              .bind_blob(3, bytes).bind(4, std::string_view("?1")).run("inserting").ok());
  REQUIRE(connection->changes() == 1);
  auto nulls = must(connection->cached("INSERT INTO t (name, n, bytes, flag) VALUES (?1, ?2, ?3, ?4)"));
  REQUIRE(nulls.bind_null(1).bind_null(2).bind_null(3).bind_null(4).run("inserting nothing").ok());

  auto read = must(connection->prepare("SELECT name, n, bytes, flag, n > 0 FROM t ORDER BY name NULLS LAST"));
  REQUIRE(must(read.step("reading")));
  CHECK(read.text(0) == "it's ?2 \"quoted\" é");
  CHECK(read.integer(1) == -9007199254740993);
  CHECK(read.blob(2) == bytes);
  CHECK(read.integer(3) == 1);
  CHECK(read.integer(4) == 0);
  CHECK_FALSE(read.is_null(0));
  REQUIRE(must(read.step("reading")));
  for (int column = 0; column < 4; ++column) CHECK(read.is_null(column));
  CHECK_FALSE(must(read.step("reading")));

  // A cached statement is prepared once and used again with new values.
  REQUIRE(must(connection->cached("INSERT INTO t (name, n, bytes, flag) VALUES (?1, ?2, ?3, ?4 = '?1')"))
              .bind(1, std::string_view("again")).bind(2, int64_t{2}).bind_blob(3, "").bind(4, std::string_view("no"))
              .run("inserting again").ok());
  CHECK(count(*connection, "SELECT count(*) FROM t WHERE name = 'again' AND NOT flag AND bytes = ''") == 1);
  CHECK(count(*connection, "SELECT count(*) FROM pg_prepared_statements") == 2);
  REQUIRE(connection->exec("UPDATE t SET n = 5", "updating").ok());
  CHECK(connection->changes() == 3);
}

TEST_CASE("a hub's connections say who they are unless the URL does (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  const auto setting = [](db::Connection& connection, const std::string& name) {
    auto query = must(connection.prepare("SELECT current_setting(?1)"));
    query.bind(1, name);
    REQUIRE(must(query.step("reading a setting")));
    return query.text(0);
  };
  auto connection = scratch.connect();
  CHECK(setting(*connection, "application_name") == "soundings-hub");
  CHECK(setting(*connection, "client_encoding") == "UTF8");
  auto named = must(db::open_postgres(scratch.url() + "&application_name=hub-2"));
  CHECK(setting(*named, "application_name") == "hub-2");
}

TEST_CASE("a unique clash is a Conflict naming what was being done (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto connection = scratch.connect();
  REQUIRE(connection->exec("CREATE TABLE t (id TEXT PRIMARY KEY)", "making a table").ok());
  auto insert = [&] { return must(connection->cached("INSERT INTO t (id) VALUES (?1)")).bind(1, std::string_view("a")).run("storing a"); };
  REQUIRE(insert().ok());
  const auto clash = insert();
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::Conflict);
  CHECK_THAT(clash.error().message, Catch::Contains("storing a") && Catch::Contains("duplicate key"));

  const auto broken = connection->exec("SELECT * FROM no_such_table", "reading nothing");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == ErrorCode::Storage);
  CHECK_THAT(broken.error().message, Catch::Contains("reading nothing") && Catch::Contains("no_such_table"));
  const auto unprepared = connection->cached("SELECT id FROM no_such_table WHERE id = ?1");
  REQUIRE_FALSE(unprepared.ok());
  CHECK(unprepared.error().code == ErrorCode::Storage);
  CHECK_THAT(unprepared.error().message, Catch::Contains("preparing \"SELECT id FROM no_such_table"));
}

TEST_CASE("a failed transaction counts as one until it is rolled back (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto connection = scratch.connect();
  REQUIRE(connection->exec("CREATE TABLE t (id TEXT PRIMARY KEY)", "making a table").ok());
  {
    db::Transaction transaction(*connection);
    REQUIRE(transaction.begin().ok());
    CHECK(connection->in_transaction());
    REQUIRE(connection->exec("INSERT INTO t VALUES ('a')", "inserting").ok());
    REQUIRE_FALSE(connection->exec("INSERT INTO t VALUES ('a')", "inserting again").ok());
    CHECK(connection->in_transaction());
  }
  CHECK_FALSE(connection->in_transaction());
  CHECK(count(*connection, "SELECT count(*) FROM t") == 0);

  // PostgreSQL answers COMMIT in a failed transaction by rolling back: that is never reported as committed.
  db::Transaction transaction(*connection);
  REQUIRE(transaction.begin().ok());
  REQUIRE(connection->exec("INSERT INTO t VALUES ('b')", "inserting").ok());
  REQUIRE_FALSE(connection->exec("INSERT INTO t VALUES ('b')", "inserting again").ok());
  const auto committed = transaction.commit();
  REQUIRE_FALSE(committed.ok());
  CHECK(committed.error().code == ErrorCode::Storage);
  CHECK_THAT(committed.error().message, Catch::Contains("committing") && Catch::Contains("rolled back"));
  CHECK_FALSE(connection->in_transaction());
  CHECK(count(*connection, "SELECT count(*) FROM t") == 0);
}

TEST_CASE("a connection the server ended while idle is reconnected before its next statement, but inside a "
          "transaction the loss is reported until the transaction ends (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto connection = scratch.connect();
  auto admin = scratch.connect();
  auto plus_one = [&](int64_t n) -> soundings::Result<int64_t> {
    auto query = connection->cached("SELECT ?1::bigint + 1");
    if (!query) return query.error();
    query->bind(1, n);
    auto row = query->step("adding one");
    if (!row) return row.error();
    return query->integer(0);
  };
  // Waits (up to 5 s) until the server has ended it.
  const auto terminate = [&](int64_t pid) {
    REQUIRE(admin->exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ", 5000)", "ending a connection").ok());
  };
  REQUIRE(must(plus_one(1)) == 2);
  const int64_t pid = count(*connection, "SELECT pg_backend_pid()");

  // The first request after a server restart is served, not answered 503 once per pooled connection.
  terminate(pid);
  CHECK(must(plus_one(2)) == 3);  // prepared again on the new session
  CHECK(count(*connection, "SELECT pg_backend_pid()") != pid);

  // Inside a transaction the loss is reported until the transaction ends; then the connection carries on.
  {
    db::Transaction transaction(*connection);
    REQUIRE(transaction.begin().ok());
    const int64_t inside = count(*connection, "SELECT pg_backend_pid()");
    terminate(inside);
    CHECK(plus_one(4).error().code == ErrorCode::Storage);
    CHECK(connection->in_transaction());
    CHECK(plus_one(5).error().code == ErrorCode::Storage);
    CHECK(transaction.commit().error().code == ErrorCode::Storage);
  }
  CHECK_FALSE(connection->in_transaction());
  CHECK(must(plus_one(6)) == 7);
}

TEST_CASE("a server that cannot be reached is a Storage error naming it without its password",
          "[postgres]") {
  // Needs no cluster: nothing listens in this folder.
  const auto opened = db::open_postgres("postgresql://hub:s3cret@/soundings?host=/nonexistent-soundings&password=s3cret");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::Storage);
  CHECK_THAT(opened.error().message, Catch::Contains("/nonexistent-soundings") && !Catch::Contains("s3cret"));
}

TEST_CASE("a URL PostgreSQL cannot parse is refused without quoting its password", "[postgres]") {
  // libpq's own message quotes the whole URL, or the password's bad percent-escape.
  for (const std::string url : {"postgresql://hub:s3cret@[::1/soundings", "postgresql://hub:s3%zzcret@db.example/soundings",
                                "postgresql://hub@db.example,[::1/soundings?password=s3cret"}) {
    const auto opened = db::open_postgres(url);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::Storage);
    CHECK_THAT(opened.error().message, !Catch::Contains("s3") && Catch::Contains("***"));
  }
}

TEST_CASE("a database URL's password is hidden wherever it is written", "[postgres][hub]") {
  CHECK(db::redact_url("postgresql://hub:s3cret@db.example/soundings") == "postgresql://hub:***@db.example/soundings");
  CHECK(db::redact_url("postgresql://hub@db.example/soundings?password=s3cret&sslmode=require") ==
        "postgresql://hub@db.example/soundings?password=***&sslmode=require");
  CHECK(db::redact_url("postgres:///soundings?host=/run/pg&password=s3cret") ==
        "postgres:///soundings?host=/run/pg&password=***");
  CHECK(db::redact_url("postgresql://a:b@h/d?password=c&x=1&password=d") ==
        "postgresql://a:***@h/d?password=***&x=1&password=***");
  CHECK(db::redact_url("host=db password=s3cret dbname=soundings") == "host=db password=*** dbname=soundings");
  CHECK(db::redact_url("postgresql://h/d?host=/x&user=passwordless") == "postgresql://h/d?host=/x&user=passwordless");
  CHECK(db::redact_url("postgresql:///postgres?host=/tmp/pg") == "postgresql:///postgres?host=/tmp/pg");
  // libpq takes everything up to the '@' as user and password, '?' included; a '/' ends its look.
  CHECK(db::redact_url("postgresql://hub:se?cret@db.example/soundings") == "postgresql://hub:***@db.example/soundings");
  CHECK(db::redact_url("postgresql://hub:se/cret@db.example/soundings") == "postgresql://hub:***@db.example/soundings");
  CHECK(db::redact_url("postgresql://hub:s3cret@[::1/soundings") == "postgresql://hub:***@[::1/soundings");
}
