// Benchmark: hub ingest — responses stored per second while several devices post batches at once.
//
//   bench-hub-ingest [--devices 8] [--batches 25] [--batch-size 200] [--rounds 3] [--dir PATH]
//
// A real hub (cpp-httplib, SQLite WAL, synchronous=FULL) serves on 127.0.0.1 with a port the
// system picks; each device is a thread with its own token and cpp-httplib client, posting
// batches of ~1 KB responses to the town-square fixture. Request bodies are built before the
// clock starts. Each round uses a fresh data folder; the median round is reported, then the
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

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "soundings/clock.h"
#include "soundings/hub.h"
#include "soundings/response.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  int devices = 8;
  int batches = 25;
  int batch_size = 200;
  int rounds = 3;
  std::string dir;
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

}  // namespace

int main(int argc, char** argv) {
  Options options;
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
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr,
                   "usage: bench-hub-ingest [--devices N] [--batches N] [--batch-size N] [--rounds N] [--dir PATH]\n");
      return 2;
    }
  }
  const std::string fixture = read_file(SOUNDINGS_HUB_FIXTURE);
  const auto base = options.dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(options.dir);
  const long long total = 1LL * options.devices * options.batches * options.batch_size;
  std::printf("bench-hub-ingest: %d devices x %d batches x %d responses = %lld responses per round, %d rounds\n",
              options.devices, options.batches, options.batch_size, total, options.rounds);

  std::vector<Pass> stores;
  std::vector<Pass> resends;
  for (int round = 0; round < options.rounds; ++round) {
    const auto dir = base / ("soundings-bench-hub-" + soundings::make_uuid());
    {
      soundings::hub::HubConfig config;
      config.data_dir = dir.string();
      config.worker_threads = std::max(8, options.devices);
      auto hub = soundings::hub::Hub::open(config);
      if (!hub) {
        std::fprintf(stderr, "bench-hub-ingest: %s\n", hub.error().message.c_str());
        return 1;
      }
      const auto published = (*hub)->publish_json(fixture);
      if (!published.problems.empty()) {
        std::fprintf(stderr, "bench-hub-ingest: fixture refused: %s\n", describe(published.problems[0]).c_str());
        return 1;
      }
      const auto port = (*hub)->listen("127.0.0.1", 0);
      if (!port) {
        std::fprintf(stderr, "bench-hub-ingest: %s\n", port.error().message.c_str());
        return 1;
      }
      std::vector<std::string> tokens;
      for (int d = 0; d < options.devices; ++d) {
        const auto code = (*hub)->make_enrol_code("bench kiosk " + std::to_string(d));
        if (!code) {
          std::fprintf(stderr, "bench-hub-ingest: %s\n", code.error().message.c_str());
          return 1;
        }
        httplib::Client client("127.0.0.1", *port);
        const auto enrolled = client.Post("/api/v1/enrol", json{{"code", *code}}.dump(), "application/json");
        if (!enrolled || enrolled->status != 200) {
          std::fprintf(stderr, "bench-hub-ingest: enrolment failed\n");
          return 1;
        }
        tokens.push_back(json::parse(enrolled->body)["token"]);
      }
      std::vector<std::vector<std::string>> bodies(options.devices);
      size_t bytes = 0;
      for (int d = 0; d < options.devices; ++d) {
        for (int b = 0; b < options.batches; ++b) {
          json items = json::array();
          for (int n = 0; n < options.batch_size; ++n) items.push_back(sample_response(d, b * options.batch_size + n));
          bodies[d].push_back(json{{"responses", std::move(items)}}.dump());
          bytes += bodies[d].back().size();
        }
      }
      if (round == 0) std::printf("average response body: %zu bytes\n", bytes / static_cast<size_t>(total));

      stores.push_back(post_all(*port, tokens, bodies, "stored"));
      resends.push_back(post_all(*port, tokens, bodies, "duplicate"));
      const Pass& s = stores.back();
      const Pass& r = resends.back();
      const auto stored = (*hub)->stored_count();
      const int64_t stored_total = stored ? *stored : -1;
      const bool exact = stored_total == total && s.answered == total && r.answered == total &&
                         s.failed_requests == 0 && r.failed_requests == 0;
      std::printf("round %d: stored %.0f responses/s (%.2f s), resent as duplicates %.0f responses/s (%.2f s)%s\n",
                  round + 1, static_cast<double>(total) / s.seconds, s.seconds,
                  static_cast<double>(total) / r.seconds, r.seconds, exact ? "" : "  [COUNTS WRONG]");
      if (!exact) {
        std::fprintf(stderr, "bench-hub-ingest: answered %lld stored, %lld duplicate\n", s.answered, r.answered);
        std::fprintf(stderr, "bench-hub-ingest: stored %lld of %lld (%lld failed requests)\n",
                     static_cast<long long>(stored_total), total, s.failed_requests + r.failed_requests);
        return 1;
      }
      std::error_code no_wal;
      const auto wal_bytes = std::filesystem::file_size(dir / "hub.sqlite-wal", no_wal);
      std::printf("         database %.1f MiB, write-ahead log %.1f MiB\n",
                  static_cast<double>(std::filesystem::file_size(dir / "hub.sqlite")) / 1048576.0,
                  no_wal ? 0.0 : static_cast<double>(wal_bytes) / 1048576.0);
      (*hub)->stop();
    }
    std::filesystem::remove_all(dir);
  }

  const auto by_time = [](const Pass& a, const Pass& b) { return a.seconds < b.seconds; };
  std::sort(stores.begin(), stores.end(), by_time);
  std::sort(resends.begin(), resends.end(), by_time);
  const Pass& median = stores[stores.size() / 2];
  const Pass& median_resend = resends[resends.size() / 2];
  std::printf("median: %.0f responses/s stored, %.0f responses/s answered duplicate\n",
              static_cast<double>(total) / median.seconds, static_cast<double>(total) / median_resend.seconds);
  std::printf("batch of %d, median round: p50 %.1f ms, p99 %.1f ms\n", options.batch_size,
              percentile(median.batch_ms, 0.5), percentile(median.batch_ms, 0.99));
  return 0;
}
