// Test support for PostgreSQL: the throwaway cluster's URL and scratch databases on it.
#include "postgres_scratch.h"

#include <cstdio>
#include <cstdlib>
#include <random>

#include <catch2/catch.hpp>

#include "must.h"

namespace hubtest {

namespace db = soundings::db;
using soundings::testing::must;

std::string postgres_cluster_url() {
  const char* url = std::getenv("SOUNDINGS_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') {
    WARN("SKIPPED: set SOUNDINGS_TEST_POSTGRES to a throwaway PostgreSQL cluster's URL to run this test");
    return {};
  }
  return url;
}

std::string with_database(const std::string& url, const std::string& name) {
  const auto start = url.find("//");
  const auto path = url.find_first_of("/?", start + 2);
  if (path == std::string::npos) return url + "/" + name;
  const auto query = url.find('?', path);
  return url.substr(0, path) + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

namespace {

std::string unique_name() {
  std::random_device random;
  std::uniform_int_distribution<uint64_t> digits;
  char name[40];
  std::snprintf(name, sizeof name, "soundings_test_%016llx", static_cast<unsigned long long>(digits(random)));
  return name;
}

}  // namespace

ScratchDatabase::ScratchDatabase(const std::string& cluster) : cluster_(cluster), name_(unique_name()) {
  auto admin = must(db::open_postgres(cluster_));
  REQUIRE(admin->exec("CREATE DATABASE " + name_, "making a test database").ok());
}

ScratchDatabase::~ScratchDatabase() {
  auto admin = db::open_postgres(cluster_);
  if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", "dropping a test database");
}

std::unique_ptr<db::Connection> ScratchDatabase::connect() const { return must(db::open_postgres(url())); }

}  // namespace hubtest
