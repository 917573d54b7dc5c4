// Benchmark: hub ingest — responses stored per second while several devices post batches at once.
//
//   bench-hub-ingest [--devices 8] [--batches 25] [--batch-size 200] [--rounds 3] [--dir PATH]
//                    [--database postgresql://... | --postgres] [--peer]
//
// A real hub (cpp-httplib; SQLite WAL and synchronous=FULL, or PostgreSQL with --database, a
// cluster's maintenance URL, or --postgres, a throwaway cluster of its own) serves on 127.0.0.1
// with a port the system picks; --peer runs SQLite and PostgreSQL rounds in turn in one run; each device is a thread with its own token and cpp-httplib client, posting
// batches of ~1 KB responses to the town-square fixture. Request bodies are built before the
// clock starts. Each round uses a fresh data folder (and database); the median round is reported, then the
// same batches sent again (every item a duplicate), which is what a device does after a lost answer.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "soundings/clock.h"
#include "soundings/database.h"
#include "soundings/hub.h"
#include "soundings/response.h"
#include "soundings/sqlite.h"

namespace {

using namespace soundings;
using SteadyClock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  int devices = 8;
  int batches = 25;
  int batch_size = 200;
  int rounds = 3;
  std::string dir;
  std::string database;  // a PostgreSQL cluster's maintenance database: each round makes its own database there
  bool own_cluster = false;
  bool peer = false;
  std::filesystem::path base;
};

struct Pass {
  double seconds = 0;
  long long answered = 0;  // items with the expected fate
  long long failed_requests = 0;
  std::vector<double> batch_ms;
};

bool parse_int(const char* text, int& out) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 1 || value > 1000000) return false;
  out = static_cast<int>(value);
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A response of about 1 KB, like a kiosk's: choices, a scale and a paragraph of Welsh text.
json sample_response(int device, int n) {
  soundings::Response response;
  const auto now = soundings::Clock::now();
  // As a kiosk makes them: time-ordered from the session's start.
  response.id = soundings::make_time_ordered_uuid(now - std::chrono::minutes(4));
  response.consultation_id = "town-square";
  response.consultation_version = 1;
  response.language = n % 2 ? "cy" : "en";
  response.device_id = "bench-kiosk-" + std::to_string(device);
  response.venue = "Llyfrgell Wrecsam";
  response.started_at = soundings::format_iso8601_utc(now - std::chrono::minutes(4));
  response.submitted_at = soundings::format_iso8601_utc(now);
  response.page_seconds = {{"views", 120 + n % 60}, {"about-you", 15}};
  response.answers = {
      {"favourite", {{"option", n % 3 == 0 ? "market" : "trees"}}},
      {"wanted", {{"options", {"seats", "fountain"}}}},
      {"rating", n % 11},
      {"comments",
       "Mae angen mwy o seddi a choed ar y sgwâr, ac mae'r farchnad ddydd Sadwrn yn bwysig iawn i ni. "
       "Byddai'n dda cael ffynnon i'r plant, a llai o geir yn parcio ar y palmant ger y llyfrgell. "
       "Diolch am ofyn — mae'n braf cael dweud ein dweud am ddyfodol y dref."}};
  response.personal = {{"sealed", std::string(96, 'A')}};
  return soundings::response_to_json(response);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[index];
}

Pass post_all(int port, const std::vector<std::string>& tokens, const std::vector<std::vector<std::string>>& bodies,
              const char* expected) {
  Pass pass;
  std::atomic<long long> answered{0};
  std::atomic<long long> failed{0};
  std::vector<std::vector<double>> latencies(tokens.size());
  const auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  for (size_t d = 0; d < tokens.size(); ++d) {
    threads.emplace_back([&, d] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(120, 0);
      client.set_write_timeout(120, 0);
      const httplib::Headers headers = {{"Authorization", "Bearer " + tokens[d]}};
      for (const std::string& body : bodies[d]) {
        const auto sent = SteadyClock::now();
        const auto result = client.Post("/api/v1/responses", headers, body, "application/json");
        latencies[d].push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count());
        if (!result || result->status != 200) {
          ++failed;
          continue;
        }
        const json answer = json::parse(result->body);
        for (const auto& item : answer["results"]) {
          if (item["status"] == expected) ++answered;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  pass.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  pass.answered = answered;
  pass.failed_requests = failed;
  for (const auto& device : latencies) pass.batch_ms.insert(pass.batch_ms.end(), device.begin(), device.end());
  return pass;
}


// A PostgreSQL cluster the benchmark started itself (tests/support/postgres-cluster.sh), stopped when it goes.
class OwnCluster {
 public:
  ~OwnCluster() { stop(); }
  Result<std::string> start() {
    dir_ = "/tmp/sdpg-bench-" + std::to_string(::getpid());
    const std::string command = std::string("bash ") + SOUNDINGS_CLUSTER_SCRIPT + " start " + dir_;
    FILE* out = ::popen(command.c_str(), "r");
    if (!out) return Error{ErrorCode::Internal, "cannot run " + command};
    char line[512] = {};
    const bool read = std::fgets(line, sizeof line, out) != nullptr;
    if (::pclose(out) != 0 || !read) return Error{ErrorCode::Storage, "the PostgreSQL cluster did not start: " + command};
    std::string url = line;
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
    return url;
  }
  void stop() {
    if (dir_.empty()) return;
    const std::string command = std::string("bash ") + SOUNDINGS_CLUSTER_SCRIPT + " stop " + dir_;
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "bench-hub-ingest: could not stop %s\n", dir_.c_str());
    dir_.clear();
  }

 private:
  std::string dir_;
};

// The URL with its database name replaced: postgresql://host/NAME?... (the path ends at '?' or the end).
std::string with_database(const std::string& url, const std::string& name) {
  const auto authority = url.find("://");
  const auto slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  if (slash == std::string::npos) return url + "/" + name;
  const auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

std::string first_text(db::Connection& connection, const std::string& sql) {
  auto query = connection.prepare(sql);
  if (!query) return "? (" + query.error().message + ")";
  auto row = query->step("reading a setting");
  if (!row || !*row) return "?";
  return query->text(0);
}

// One backend under test: where each round's hub keeps its data.
struct Backend {
  std::string name;         // "SQLite" or "PostgreSQL"
  std::string cluster_url;  // PostgreSQL: the cluster's maintenance database; empty for SQLite
  std::vector<Pass> stores;
  std::vector<Pass> resends;
};

// A fresh, empty database for one round; the URL a hub opens.
Result<std::string> fresh_database(const Backend& backend, const std::string& name) {
  auto admin = db::open_postgres(backend.cluster_url);
  if (!admin) return admin.error();
  if (auto made = (*admin)->exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'", "making a database");
      !made) {
    return made.error();
  }
  return with_database(backend.cluster_url, name);
}

void drop_database(const Backend& backend, const std::string& name) {
  auto admin = db::open_postgres(backend.cluster_url);
  if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "dropping a database");
}

// How durable the hub's commits are, as the database itself reports it.
void print_durability(const Backend& backend, const std::filesystem::path& dir, const std::string& url) {
  if (backend.cluster_url.empty()) {
    auto opened = sqlite::Connection::open((dir / "hub.sqlite").string(), {.create = false});
    if (!opened) return;
    auto connection = db::wrap_sqlite(std::move(*opened));
    std::printf("SQLite: journal_mode=%s (from the file), synchronous=FULL (set by the store on every connection)\n",
                first_text(*connection, "PRAGMA journal_mode").c_str());
    return;
  }
  auto opened = db::open_postgres(url);
  if (!opened) return;
  db::Connection& connection = **opened;
  std::printf("PostgreSQL %s: fsync=%s, synchronous_commit=%s, wal_sync_method=%s, full_page_writes=%s\n",
              first_text(connection, "SHOW server_version").c_str(), first_text(connection, "SHOW fsync").c_str(),
              first_text(connection, "SHOW synchronous_commit").c_str(),
              first_text(connection, "SHOW wal_sync_method").c_str(),
              first_text(connection, "SHOW full_page_writes").c_str());
}

// Enrols the devices (one token each) on a serving hub.
Result<std::vector<std::string>> enrol_devices(hub::Hub& hub, int port, int devices) {
  std::vector<std::string> tokens;
  for (int d = 0; d < devices; ++d) {
    const auto code = hub.make_enrol_code("bench kiosk " + std::to_string(d));
    if (!code) return code.error();
    httplib::Client client("127.0.0.1", port);
    const auto enrolled = client.Post("/api/v1/enrol", json{{"code", *code}}.dump(), "application/json");
    if (!enrolled || enrolled->status != 200) return Error{ErrorCode::Internal, "enrolment failed"};
    tokens.push_back(json::parse(enrolled->body)["token"]);
  }
  return tokens;
}

// Every device's batches, as request bodies.
std::vector<std::vector<std::string>> make_bodies(const Options& options, size_t& bytes) {
  std::vector<std::vector<std::string>> bodies(options.devices);
  bytes = 0;
  for (int d = 0; d < options.devices; ++d) {
    for (int b = 0; b < options.batches; ++b) {
      json items = json::array();
      for (int n = 0; n < options.batch_size; ++n) items.push_back(sample_response(d, b * options.batch_size + n));
      bodies[d].push_back(json{{"responses", std::move(items)}}.dump());
      bytes += bodies[d].back().size();
    }
  }
  return bodies;
}

// Prints what the round left on disk (SQLite: the file and its log; PostgreSQL: the database's size).
void print_sizes(const Backend& backend, const std::filesystem::path& dir, const std::string& url) {
  if (backend.cluster_url.empty()) {
    std::error_code no_wal;
    const auto wal_bytes = std::filesystem::file_size(dir / "hub.sqlite-wal", no_wal);
    std::printf("         database %.1f MiB, write-ahead log %.1f MiB\n",
                static_cast<double>(std::filesystem::file_size(dir / "hub.sqlite")) / 1048576.0,
                no_wal ? 0.0 : static_cast<double>(wal_bytes) / 1048576.0);
    return;
  }
  auto opened = db::open_postgres(url);
  if (!opened) return;
  std::printf("         database %s\n",
              first_text(**opened, "SELECT pg_size_pretty(pg_database_size(current_database()))").c_str());
}

// One round on one backend: a fresh hub, every batch stored, then every batch sent again.
Status run_round(Backend& backend, const Options& options, const std::string& fixture, int round) {
  const std::string name = "bench_" + std::to_string(::getpid()) + "_" + std::to_string(round);
  const auto dir = options.base / ("soundings-bench-hub-" + soundings::make_uuid());
  hub::HubConfig config;
  config.data_dir = dir.string();
  config.worker_threads = std::max(8, options.devices);
  if (!backend.cluster_url.empty()) {
    auto url = fresh_database(backend, name);
    if (!url) return url.error();
    config.database = *url;
  }
  const long long total = 1LL * options.devices * options.batches * options.batch_size;
  Status outcome = Status::success();
  {
    auto hub = hub::Hub::open(config);
    if (!hub) return hub.error();
    const auto published = (*hub)->publish_json(fixture);
    if (!published.problems.empty()) return Error{ErrorCode::Internal, "fixture refused: " + describe(published.problems[0])};
    const auto port = (*hub)->listen("127.0.0.1", 0);
    if (!port) return port.error();
    auto tokens = enrol_devices(**hub, *port, options.devices);
    if (!tokens) return tokens.error();
    size_t bytes = 0;
    const auto bodies = make_bodies(options, bytes);
    if (round == 0 && backend.cluster_url.empty() == (options.database.empty() || options.peer)) {
      std::printf("average response body: %zu bytes\n", bytes / static_cast<size_t>(total));
    }
    if (backend.stores.empty()) print_durability(backend, dir, config.database);
    const Pass s = post_all(*port, *tokens, bodies, "stored");
    const Pass r = post_all(*port, *tokens, bodies, "duplicate");
    const auto stored = (*hub)->stored_count();
    const int64_t stored_total = stored ? *stored : -1;
    const bool exact = stored_total == total && s.answered == total && r.answered == total && s.failed_requests == 0 &&
                       r.failed_requests == 0;
    std::printf("round %d %-10s: stored %.0f responses/s (%.2f s), resent as duplicates %.0f responses/s (%.2f s)%s\n",
                round + 1, backend.name.c_str(), static_cast<double>(total) / s.seconds, s.seconds,
                static_cast<double>(total) / r.seconds, r.seconds, exact ? "" : "  [COUNTS WRONG]");
    std::fflush(stdout);
    if (exact) {
      print_sizes(backend, dir, config.database);
      backend.stores.push_back(s);
      backend.resends.push_back(r);
    } else {
      outcome = Error{ErrorCode::Internal,
                      "answered " + std::to_string(s.answered) + " stored, " + std::to_string(r.answered) +
                          " duplicate; stored " + std::to_string(stored_total) + " of " + std::to_string(total) + " (" +
                          std::to_string(s.failed_requests + r.failed_requests) + " failed requests)"};
    }
    (*hub)->stop();
  }
  std::filesystem::remove_all(dir);
  if (!backend.cluster_url.empty()) drop_database(backend, name);
  return outcome;
}

double rate(const Pass& pass, long long total) { return static_cast<double>(total) / pass.seconds; }

// The median round of a backend (and its range); returns the median rate stored.
double summarise(Backend& backend, long long total, int batch_size) {
  const auto by_time = [](const Pass& a, const Pass& b) { return a.seconds < b.seconds; };
  std::sort(backend.stores.begin(), backend.stores.end(), by_time);
  std::sort(backend.resends.begin(), backend.resends.end(), by_time);
  const Pass& median = backend.stores[backend.stores.size() / 2];
  const Pass& median_resend = backend.resends[backend.resends.size() / 2];
  std::printf("%-10s median: %.0f responses/s stored (range %.0f-%.0f over %zu rounds), %.0f responses/s answered "
              "duplicate; batch of %d in the median round: p50 %.1f ms, p99 %.1f ms\n",
              backend.name.c_str(), rate(median, total), rate(backend.stores.back(), total),
              rate(backend.stores.front(), total), backend.stores.size(), rate(median_resend, total), batch_size,
              percentile(median.batch_ms, 0.5), percentile(median.batch_ms, 0.99));
  return rate(median, total);
}

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    bool ok = has_value;
    if (flag == "--devices" && has_value) {
      ok = parse_int(argv[++i], options.devices);
    } else if (flag == "--batches" && has_value) {
      ok = parse_int(argv[++i], options.batches);
    } else if (flag == "--batch-size" && has_value) {
      ok = parse_int(argv[++i], options.batch_size);
    } else if (flag == "--rounds" && has_value) {
      ok = parse_int(argv[++i], options.rounds);
    } else if (flag == "--dir" && has_value) {
      options.dir = argv[++i];
    } else if (flag == "--database" && has_value) {
      options.database = argv[++i];
      ok = db::is_postgres_url(options.database);
    } else if (flag == "--postgres") {
      options.own_cluster = true;
      ok = true;
    } else if (flag == "--peer") {
      options.peer = true;
      ok = true;
    } else {
      ok = false;
    }
    if (!ok) return false;
  }
  // --peer needs a PostgreSQL cluster: the one named, or one of its own.
  if (options.peer && options.database.empty()) options.own_cluster = true;
  return !(options.own_cluster && !options.database.empty());
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: bench-hub-ingest [--devices N] [--batches N] [--batch-size N] [--rounds N] [--dir PATH]\n"
                 "                        [--database postgresql://.../postgres?... | --postgres] [--peer]\n");
    return 2;
  }
  OwnCluster cluster;
  if (options.own_cluster) {
    auto url = cluster.start();
    if (!url) {
      std::fprintf(stderr, "bench-hub-ingest: %s\n", url.error().message.c_str());
      return 1;
    }
    options.database = *url;
  }
  const std::string fixture = read_file(SOUNDINGS_HUB_FIXTURE);
  options.base = options.dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(options.dir);
  const long long total = 1LL * options.devices * options.batches * options.batch_size;
  std::vector<Backend> backends;
  if (options.database.empty() || options.peer) backends.push_back({"SQLite", "", {}, {}});
  if (!options.database.empty()) backends.push_back({"PostgreSQL", options.database, {}, {}});
  std::printf("bench-hub-ingest: %d devices x %d batches x %d responses = %lld responses per round, %d rounds%s\n",
              options.devices, options.batches, options.batch_size, total, options.rounds,
              backends.size() > 1 ? " of each backend, interleaved" : "");
  std::printf("machine: load average %s", read_file("/proc/loadavg").c_str());
  if (!options.database.empty()) std::printf("PostgreSQL cluster: %s\n", db::redact_url(options.database).c_str());
  for (int round = 0; round < options.rounds; ++round) {
    // Interleaved, each backend first in every other round, so both see the same disk and load.
    for (size_t k = 0; k < backends.size(); ++k) {
      Backend& backend = backends[(k + static_cast<size_t>(round)) % backends.size()];
      if (auto done = run_round(backend, options, fixture, round); !done) {
        std::fprintf(stderr, "bench-hub-ingest: %s: %s\n", backend.name.c_str(), done.error().message.c_str());
        return 1;
      }
    }
  }
  std::printf("machine: load average %s", read_file("/proc/loadavg").c_str());
  std::vector<double> medians;
  for (Backend& backend : backends) medians.push_back(summarise(backend, total, options.batch_size));
  if (medians.size() == 2) {
    std::printf("PostgreSQL / SQLite: %.0f%% (medians; target at least 50%%)\n", 100.0 * medians[1] / medians[0]);
  }
  return 0;
}
