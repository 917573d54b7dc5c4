// Tests on PostgreSQL: skipping without a throwaway cluster, and a database of a test's own on it.
//
// Such tests run only when SOUNDINGS_TEST_POSTGRES holds the URL of a throwaway cluster's `postgres`
// database (tests/support/postgres-cluster.sh start DIR prints one). Without it they pass with a warning
// saying they were skipped (Catch2 2.x has no SKIP).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "must.h"
#include "soundings/database.h"
#include "test_database.h"

namespace soundings::test {

// True, with a warning saying so, when no throwaway cluster was given: the test then passes without running.
inline bool skipped_without_cluster() {
  if (on_postgres()) return false;
  WARN("SKIPPED: set SOUNDINGS_TEST_POSTGRES to a throwaway PostgreSQL cluster's URL to run this test");
  return true;
}

inline std::string unique_name() {
  std::random_device random;
  std::uniform_int_distribution<uint64_t> digits;
  char name[40];
  std::snprintf(name, sizeof name, "hub_postgres_%016llx", static_cast<unsigned long long>(digits(random)));
  return name;
}

// A database of its own on the test cluster, dropped when the object goes.
class ScratchDatabase {
 public:
  ScratchDatabase() : hint_(unique_name()), url_(make_empty_database(hint_)) {}
  ~ScratchDatabase() { forget_test_database(hint_); }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& url() const { return url_; }
  std::unique_ptr<db::Connection> connect() const { return testing::must(db::open_postgres(url_)); }

 private:
  std::string hint_;
  std::string url_;
};

inline int64_t count(db::Connection& connection, const std::string& sql) {
  return testing::must(connection.integer(sql, "counting"));
}

}  // namespace soundings::test
