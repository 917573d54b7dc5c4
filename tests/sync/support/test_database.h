// Which database a hub under test keeps its data in: the data folder's SQLite file, or, when the suite
// runs against PostgreSQL (SOUNDINGS_TEST_POSTGRES holds a throwaway cluster's URL, see
// tests/support/postgres-cluster.sh), a database of its own per data folder on that cluster.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "soundings/database.h"
#include "soundings/hub.h"

namespace soundings::test {

// True when this run of the suite is against PostgreSQL.
bool on_postgres();
// The throwaway cluster's URL for database `name` ("postgres": the maintenance database).
std::string postgres_url(const std::string& name);
// The --database value for a hub whose data folder is `data_dir`: "" on SQLite; on PostgreSQL the URL
// of a database made for that folder on first use (the same one every time for the same folder).
std::string database_for(const std::filesystem::path& data_dir);
// Sets config.database from config.data_dir (database_for).
void use_test_database(hub::HubConfig& config);
// Drops the database made for `data_dir`, if any (the temporary folders call it as they go).
void forget_test_database(const std::filesystem::path& data_dir);
// A fresh, empty database on the cluster with a unique name, dropped with forget_test_database(name).
std::string make_empty_database(const std::string& name_hint);

// A connection to the database of the hub in `data_dir`, for a test to look at or plant rows the way
// the hub's commands leave them. SQL in the dialects' common subset, with ?1, ?2 placeholders.
class HubDatabase {
 public:
  explicit HubDatabase(const std::filesystem::path& data_dir);
  db::Connection& operator*() { return *connection_; }
  db::Connection* operator->() { return connection_.get(); }
  // Runs SQL with no values; fails the test on an error.
  void exec(const std::string& sql);
  // The first column of the first row as a number; fails the test on an error.
  int64_t integer(const std::string& sql);

 private:
  std::unique_ptr<db::Connection> connection_;
};

}  // namespace soundings::test
