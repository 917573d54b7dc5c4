// Benchmark: durable saves per second of a ~1 KB response, next to a bare SQLite insert loop with the same
// pragmas on the same disk (the limit: one synced commit per insert).
//
//   bench-store [--count N] [--rounds R] [--dir PATH]
//
// Each round runs both loops on fresh files in the same folder, alternating which goes first;
// the medians are reported, since other work on the machine moves single runs about.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "soundings/store.h"
#include "store_test_support.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
using soundings::store_testing::sample_response;

bool check(int rc, sqlite3* db, const char* doing) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
  std::fprintf(stderr, "bench-store: %s: %s\n", doing, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  return false;
}

// The limit: the Store's pragmas, one table, one ~1 KB row per transaction, each commit synced.
double bare_inserts_per_second(const std::string& path, const std::vector<std::string>& bodies) {
  sqlite3* db = nullptr;
  if (!check(sqlite3_open(path.c_str(), &db), db, "opening")) return 0;
  const char* setup =
      "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
      "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; "
      "CREATE TABLE responses (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);";
  sqlite3_stmt* insert = nullptr;
  if (!check(sqlite3_exec(db, setup, nullptr, nullptr, nullptr), db, "setting up") ||
      !check(sqlite3_prepare_v2(db, "INSERT INTO responses (body) VALUES (?)", -1, &insert, nullptr), db,
             "preparing")) {
    sqlite3_close(db);
    return 0;
  }
  const auto started = SteadyClock::now();
  bool ok = true;
  for (const auto& body : bodies) {
    ok = check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
    sqlite3_bind_text(insert, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
    ok = ok && check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
    ok = ok && check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    if (!ok) break;
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return ok ? static_cast<double>(bodies.size()) / seconds : 0;
}

double store_saves_per_second(const std::string& path, const std::vector<soundings::Response>& responses) {
  auto store = soundings::Store::open(path);
  if (!store) {
    std::fprintf(stderr, "bench-store: %s\n", store.error().message.c_str());
    return 0;
  }
  const auto started = SteadyClock::now();
  for (const auto& response : responses) {
    const auto saved = (*store)->save(response);
    if (!saved) {
      std::fprintf(stderr, "bench-store: save failed: %s\n", saved.error().message.c_str());
      return 0;
    }
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  return static_cast<double>(responses.size()) / seconds;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 1000;
  int rounds = 5;
  std::string dir_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--count") == 0) count = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--dir") == 0) dir_arg = argv[i + 1];
  }

  soundings::store_testing::TempDir temp;
  std::filesystem::path dir = dir_arg;
  if (dir_arg.empty()) {
    if (!temp.ok()) {
      std::fprintf(stderr, "bench-store: cannot make a temporary folder\n");
      return 1;
    }
    dir = std::filesystem::path(temp.file(""));
  }

  std::vector<soundings::Response> responses;
  std::vector<std::string> bodies;
  size_t body_bytes = 0;
  for (int i = 0; i < count; ++i) {
    responses.push_back(sample_response(i));
    bodies.push_back(soundings::response_to_json(responses.back()).dump());
    body_bytes += bodies.back().size();
  }
  std::printf("bench-store: %d saves of a %zu-byte response per run, %d rounds, in %s\n", count,
              body_bytes / static_cast<size_t>(count), rounds, dir.string().c_str());

  std::vector<double> bare_rates, store_rates;
  for (int round = 0; round < rounds; ++round) {
    const std::string bare_path = (dir / ("bench-bare-" + std::to_string(round) + ".db")).string();
    const std::string store_path = (dir / ("bench-store-" + std::to_string(round) + ".db")).string();
    double bare = 0, saved = 0;
    if (round % 2 == 0) {
      bare = bare_inserts_per_second(bare_path, bodies);
      saved = store_saves_per_second(store_path, responses);
    } else {
      saved = store_saves_per_second(store_path, responses);
      bare = bare_inserts_per_second(bare_path, bodies);
    }
    for (const auto& path : {bare_path, store_path}) {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
    if (bare <= 0 || saved <= 0) return 1;
    std::printf("  round %d: bare insert %.0f/s, durable save %.0f/s (%.0f%%)\n", round + 1, bare, saved,
                100.0 * saved / bare);
    bare_rates.push_back(bare);
    store_rates.push_back(saved);
  }
  const double bare = median(bare_rates), saved = median(store_rates);
  std::printf("bare SQLite insert (the limit): %.0f per second\n", bare);
  std::printf("durable save (Store::save):     %.0f per second\n", saved);
  std::printf("ratio: %.0f%% of the limit (target 70%%)\n", 100.0 * saved / bare);
  return 0;
}
