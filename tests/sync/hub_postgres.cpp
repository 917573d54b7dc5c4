// Hub tests on PostgreSQL: the libpq connection behind soundings/database.h and the hub store on it.
//
// They run only when SOUNDINGS_TEST_POSTGRES holds the URL of a throwaway cluster's `postgres` database
// (tests/support/postgres-cluster.sh start DIR prints one); each test makes its own database there and
// drops it at the end. Without it every test here passes with a warning saying it was skipped (Catch2 2.x
// has no SKIP).
#include <cstdlib>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "must.h"
#include "soundings/database.h"

using soundings::ErrorCode;
using soundings::testing::must;
namespace db = soundings::db;

namespace {

// The cluster's `postgres` database, or empty (with a warning that the test is skipped).
std::string cluster_url() {
  const char* url = std::getenv("SOUNDINGS_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') {
    WARN("SKIPPED: set SOUNDINGS_TEST_POSTGRES to a throwaway PostgreSQL cluster's URL to run this test");
    return {};
  }
  return url;
}

// `url` with its database replaced by `name` (libpq URIs: the path after the host names the database).
std::string with_database(const std::string& url, const std::string& name) {
  const auto start = url.find("//");
  const auto path = url.find_first_of("/?", start + 2);
  if (path == std::string::npos) return url + "/" + name;
  const auto query = url.find('?', path);
  return url.substr(0, path) + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

std::string unique_name() {
  std::random_device random;
  std::uniform_int_distribution<uint64_t> digits;
  char name[40];
  std::snprintf(name, sizeof name, "soundings_test_%016llx", static_cast<unsigned long long>(digits(random)));
  return name;
}

// A database of its own on the test cluster, dropped when the object goes.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& cluster) : cluster_(cluster), name_(unique_name()) {
    auto admin = must(db::open_postgres(cluster_));
    REQUIRE(admin->exec("CREATE DATABASE " + name_, "making a test database").ok());
  }
  ~ScratchDatabase() {
    auto admin = db::open_postgres(cluster_);
    if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", "dropping a test database");
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  std::string url() const { return with_database(cluster_, name_); }
  std::unique_ptr<db::Connection> connect() const { return must(db::open_postgres(url())); }

 private:
  std::string cluster_;
  std::string name_;
};

int64_t count(db::Connection& connection, const std::string& sql) {
  return must(connection.integer(sql, "counting"));
}

}  // namespace

TEST_CASE("postgres: values go in through ?N placeholders and come back as they were (skipped without a cluster)",
          "[postgres]") {
  const std::string cluster = cluster_url();
  if (cluster.empty()) return;
  ScratchDatabase scratch(cluster);
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

TEST_CASE("postgres: a unique clash is a Conflict naming what was being done (skipped without a cluster)",
          "[postgres]") {
  const std::string cluster = cluster_url();
  if (cluster.empty()) return;
  ScratchDatabase scratch(cluster);
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
}

TEST_CASE("postgres: a failed transaction counts as one until it is rolled back (skipped without a cluster)",
          "[postgres]") {
  const std::string cluster = cluster_url();
  if (cluster.empty()) return;
  ScratchDatabase scratch(cluster);
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
}

TEST_CASE("postgres: a connection the server ended fails with Storage, then works again by itself "
          "(skipped without a cluster)",
          "[postgres]") {
  const std::string cluster = cluster_url();
  if (cluster.empty()) return;
  ScratchDatabase scratch(cluster);
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

  terminate(pid);
  const auto lost = plus_one(2);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::Storage);
  CHECK_THAT(lost.error().message, Catch::Contains("adding one") && Catch::Contains("database server"));
  CHECK(must(plus_one(3)) == 4);  // prepared again on the new session
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

TEST_CASE("postgres: a server that cannot be reached is a Storage error naming it without its password",
          "[postgres]") {
  // Needs no cluster: nothing listens in this folder.
  const auto opened = db::open_postgres("postgresql://hub:s3cret@/soundings?host=/nonexistent-soundings&password=s3cret");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::Storage);
  CHECK_THAT(opened.error().message, Catch::Contains("/nonexistent-soundings") && !Catch::Contains("s3cret"));
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
}
