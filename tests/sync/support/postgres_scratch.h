// Test support for PostgreSQL: the throwaway cluster named by SOUNDINGS_TEST_POSTGRES, and a database of a test's own.
#pragma once

#include <memory>
#include <string>

#include "soundings/database.h"

namespace hubtest {

// The cluster's `postgres` database (tests/support/postgres-cluster.sh start DIR prints its URL), or empty
// with a warning that the test is skipped (Catch2 2.x has no SKIP).
std::string postgres_cluster_url();

// `url` with its database replaced by `name` (libpq URIs: the path after the host names the database).
std::string with_database(const std::string& url, const std::string& name);

// A database with a unique name on the test cluster, dropped (with any connection still on it) when it goes.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& cluster);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  std::string url() const { return with_database(cluster_, name_); }
  std::unique_ptr<soundings::db::Connection> connect() const;

 private:
  std::string cluster_;
  std::string name_;
};

}  // namespace hubtest
