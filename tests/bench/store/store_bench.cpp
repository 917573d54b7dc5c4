// Benchmark: durable saves per second of a ~1 KB response, next to a bare SQLite insert loop with the same
// pragmas on the same disk (the limit: one synced commit per insert).
//
//   bench-store [--count N] [--warmup W] [--rounds R] [--dir PATH]
//
// Each round runs both loops on fresh files in the same folder, interleaved one operation at a time;
// the medians of the rounds are reported, since other work on the machine moves single runs about.
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
class BareLoop {
 public:
  explicit BareLoop(const std::string& path) {
    if (!check(sqlite3_open(path.c_str(), &db_), db_, "opening")) return;
    const char* setup =
        "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; "
        "CREATE TABLE responses (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);";
    ok_ = check(sqlite3_exec(db_, setup, nullptr, nullptr, nullptr), db_, "setting up") &&
          check(sqlite3_prepare_v2(db_, "INSERT INTO responses (body) VALUES (?)", -1, &insert_, nullptr), db_,
                "preparing");
  }
  ~BareLoop() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }
  BareLoop(const BareLoop&) = delete;
  BareLoop& operator=(const BareLoop&) = delete;

  bool ok() const { return ok_; }
  bool insert(const std::string& body) {
    bool done = check(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db_, "begin");
    sqlite3_bind_text(insert_, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
    done = done && check(sqlite3_step(insert_), db_, "insert");
    sqlite3_reset(insert_);
    return done && check(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr), db_, "commit");
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool ok_ = false;
};

template <typename Operation>
bool timed(double& total_seconds, Operation&& operation) {
  const auto started = SteadyClock::now();
  const bool done = operation();
  total_seconds += std::chrono::duration<double>(SteadyClock::now() - started).count();
  return done;
}

struct Rates {
  double bare = 0;
  double store = 0;
};

// Both loops run side by side on their own files, one operation each in turn (alternating which goes
// first), so that both see the same disk: a virtual disk's sync time can change tenfold within a second.
bool run_round(const std::filesystem::path& dir, int round, size_t warmup,
               const std::vector<soundings::Response>& responses, const std::vector<std::string>& bodies,
               Rates& rates) {
  const std::string bare_path = (dir / ("bench-bare-" + std::to_string(round) + ".db")).string();
  const std::string store_path = (dir / ("bench-store-" + std::to_string(round) + ".db")).string();
  bool ok = true;
  {
    BareLoop bare(bare_path);
    auto store = soundings::Store::open(store_path);
    if (!store) std::fprintf(stderr, "bench-store: %s\n", store.error().message.c_str());
    ok = bare.ok() && store.ok();
    double bare_seconds = 0, store_seconds = 0;
    for (size_t i = 0; ok && i < responses.size(); ++i) {
      // The first `warmup` pairs are not counted: until both logs have been checkpointed and reused once,
      // every sync also grows a file, which a kiosk that has run for a day no longer does.
      if (i == warmup) bare_seconds = store_seconds = 0;
      const auto save = [&] {
        const auto saved = (*store)->save(responses[i]);
        if (!saved) std::fprintf(stderr, "bench-store: save failed: %s\n", saved.error().message.c_str());
        return saved.ok();
      };
      const auto insert = [&] { return bare.insert(bodies[i]); };
      if (i % 2 == 0) {
        ok = timed(bare_seconds, insert) && timed(store_seconds, save);
      } else {
        ok = timed(store_seconds, save) && timed(bare_seconds, insert);
      }
    }
    rates.bare = static_cast<double>(responses.size() - warmup) / bare_seconds;
    rates.store = static_cast<double>(responses.size() - warmup) / store_seconds;
  }
  for (const auto& path : {bare_path, store_path}) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  return ok;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 1000;
  int warmup = 600;
  int rounds = 5;
  std::string dir_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--count") == 0) count = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--warmup") == 0) warmup = std::max(0, std::atoi(argv[i + 1]));
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
  for (int i = 0; i < warmup + count; ++i) {
    responses.push_back(sample_response(i));
    bodies.push_back(soundings::response_to_json(responses.back()).dump());
    body_bytes += bodies.back().size();
  }
  std::printf("bench-store: %d timed saves (after %d to warm up) of a %zu-byte response per round, %d rounds, in %s\n",
              count, warmup, body_bytes / responses.size(), rounds, dir.string().c_str());

  std::vector<double> bare_rates, store_rates;
  for (int round = 0; round < rounds; ++round) {
    Rates rates;
    if (!run_round(dir, round, static_cast<size_t>(warmup), responses, bodies, rates)) return 1;
    std::printf("  round %d: bare insert %.0f/s, durable save %.0f/s (%.0f%%)\n", round + 1, rates.bare, rates.store,
                100.0 * rates.store / rates.bare);
    bare_rates.push_back(rates.bare);
    store_rates.push_back(rates.store);
  }
  const double bare = median(bare_rates), saved = median(store_rates);
  std::printf("bare SQLite insert (the limit): %.0f per second\n", bare);
  std::printf("durable save (Store::save):     %.0f per second\n", saved);
  std::printf("ratio: %.0f%% of the limit (target 70%%)\n", 100.0 * saved / bare);
  return 0;
}
