// The hub suites' database: SQLite by default, a per-folder PostgreSQL database when the suite asks.
#include "test_database.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include <catch2/catch.hpp>

#include "soundings/sqlite.h"

namespace soundings::test {

namespace {

std::mutex registry_mutex;
std::map<std::string, std::string> databases;  // data folder (or hint) -> database name

const char* cluster_url() {
  const char* url = std::getenv("SOUNDINGS_TEST_POSTGRES");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

std::unique_ptr<db::Connection> maintenance() {
  auto opened = db::open_postgres(postgres_url("postgres"));
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  return std::move(*opened);
}

// A database name PostgreSQL takes unquoted: "t_" and 16 hex digits of the key's hash.
std::string name_for(const std::string& key) {
  const size_t hash = std::hash<std::string>{}(key);
  char text[17];
  std::snprintf(text, sizeof text, "%016zx", hash);
  return std::string("t_") + text;
}

}  // namespace

bool on_postgres() { return cluster_url() != nullptr; }

std::string postgres_url(const std::string& name) {
  // The cluster's URL names its maintenance database: postgresql:///postgres?host=DIR.
  std::string url = cluster_url() ? cluster_url() : "";
  const std::string maintenance_path = "/postgres?";
  const auto at = url.find(maintenance_path);
  REQUIRE(at != std::string::npos);
  return url.replace(at, maintenance_path.size(), "/" + name + "?");
}

std::string make_empty_database(const std::string& name_hint) {
  if (!on_postgres()) return "";
  const std::lock_guard lock(registry_mutex);
  const auto found = databases.find(name_hint);
  if (found != databases.end()) return postgres_url(found->second);
  const std::string name = name_for(name_hint);
  auto admin = maintenance();
  // Left behind by an earlier run that was killed: start again from nothing.
  REQUIRE(admin->exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "dropping an old test database"));
  REQUIRE(admin->exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'", "making a test database"));
  databases.emplace(name_hint, name);
  return postgres_url(name);
}

std::string database_for(const std::filesystem::path& data_dir) {
  return make_empty_database(data_dir.lexically_normal().string());
}

void use_test_database(hub::HubConfig& config) { config.database = database_for(config.data_dir); }

void forget_test_database(const std::filesystem::path& data_dir) {
  if (!on_postgres()) return;
  std::string name;
  {
    const std::lock_guard lock(registry_mutex);
    const auto found = databases.find(data_dir.lexically_normal().string());
    if (found == databases.end()) return;
    name = found->second;
    databases.erase(found);
  }
  auto admin = db::open_postgres(postgres_url("postgres"));
  if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "dropping a test database");
}

HubDatabase::HubDatabase(const std::filesystem::path& data_dir) {
  if (on_postgres()) {
    auto opened = db::open_postgres(database_for(data_dir));
    INFO((opened ? std::string() : opened.error().message));
    REQUIRE(opened);
    connection_ = std::move(*opened);
    return;
  }
  auto opened = sqlite::Connection::open((data_dir / "hub.sqlite").string(), {.create = false});
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  connection_ = db::wrap_sqlite(std::move(*opened));
}

void HubDatabase::exec(const std::string& sql) {
  const auto done = connection_->exec(sql, "a test's statement");
  INFO((done ? std::string() : done.error().message));
  REQUIRE(done);
}

int64_t HubDatabase::integer(const std::string& sql) {
  auto value = connection_->integer(sql, "a test's query");
  INFO((value ? std::string() : value.error().message));
  REQUIRE(value);
  return *value;
}

}  // namespace soundings::test
