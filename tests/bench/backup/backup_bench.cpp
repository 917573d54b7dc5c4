// Benchmark: `soundings-hub backup` of a hub of 100,000 responses while a device goes on syncing to it.
//
//   bench-hub-backup [--responses 100000] [--rounds 3] [--dir PATH]
//
// A real hub serves on 127.0.0.1 (SQLite WAL, synchronous=FULL); four devices fill it with responses
// the load generator makes (sealed personal parts included), then one device posts batches of 20, one
// after another, while `soundings-hub backup` runs in its own process under /usr/bin/time. Each round
// reports the backup's time and size, and the device's longest wait for an answer while the backup ran
// next to its longest in as long a time just before.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "soundings/hub.h"
#include "soundings/loader.h"
#include "soundings/loadgen.h"
#include "soundings/response.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
using nlohmann::json;
namespace fs = std::filesystem;

struct Options {
  long responses = 100'000;
  long rounds = 3;
  std::string dir;
};

struct Round {
  double backup_seconds = 0;
  double backup_mib = 0;
  size_t batches_during = 0;
  size_t batches_before = 0;  // in as long a time just before
  double longest_wait_during_ms = 0;
  double longest_wait_before_ms = 0;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench-hub-backup: %s\n", message.c_str());
  std::exit(1);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Request bodies of `per_batch` load-generator responses each, sealed with the hub's key.
std::vector<std::string> make_batches(const soundings::ConsultationPtr& consultation, const std::string& key,
                                      long count, long per_batch, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> bodies;
  for (long made = 0; made < count; made += per_batch) {
    json items = json::array();
    for (long i = 0; i < per_batch; ++i) {
      auto response = soundings::loadgen::make_response(consultation, rng, "bench-device", "Wrexham",
                                                        soundings::Channel::Kiosk, key);
      if (!response) die(response.error().message);
      items.push_back(soundings::response_to_json(*response));
    }
    bodies.push_back(json{{"responses", std::move(items)}}.dump());
  }
  return bodies;
}

std::string enrol(soundings::hub::Hub& hub, int port, const std::string& name) {
  const auto code = hub.make_enrol_code(name);
  if (!code) die(code.error().message);
  httplib::Client client("127.0.0.1", port);
  const auto enrolled = client.Post("/api/v1/enrol", json{{"code", *code}}.dump(), "application/json");
  if (!enrolled || enrolled->status != 200) die("enrolment failed");
  return json::parse(enrolled->body)["token"];
}

bool post(httplib::Client& client, const std::string& token, const std::string& body) {
  const auto result =
      client.Post("/api/v1/responses", {{"Authorization", "Bearer " + token}}, body, "application/json");
  return result && result->status == 200;
}

// Four devices at once, each posting its share of `bodies`.
void fill(soundings::hub::Hub& hub, int port, const std::vector<std::string>& bodies) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> devices;
  for (int d = 0; d < 4; ++d) {
    devices.emplace_back([&, token = enrol(hub, port, "filler " + std::to_string(d))] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(120, 0);
      for (size_t i = next++; i < bodies.size() && !failed; i = next++) {
        if (!post(client, token, bodies[i])) failed = true;
      }
    });
  }
  for (auto& device : devices) device.join();
  if (failed) die("a filling batch was not stored");
}

// Runs `soundings-hub backup` under /usr/bin/time (its figures go to standard error); true when it succeeded.
bool run_backup(const fs::path& data, const fs::path& output) {
  const std::vector<std::string> args = {"/usr/bin/time",
                                         "-f",
                                         "  /usr/bin/time: %e s elapsed, %U s user, %S s system, %M KiB peak",
                                         SOUNDINGS_HUB_EXE,
                                         "backup",
                                         "--data",
                                         data.string(),
                                         "--output",
                                         output.string()};
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &quiet, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&quiet);
  int status = 0;
  return spawned == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The longest time between two answers that ends inside [from, to] (the first counted from `from`).
std::pair<double, size_t> longest_wait(const std::vector<SteadyClock::time_point>& answers,
                                       SteadyClock::time_point from, SteadyClock::time_point to) {
  double longest = 0;
  size_t count = 0;
  SteadyClock::time_point previous = from;
  for (const auto at : answers) {
    if (at < from) {
      previous = from;
      continue;
    }
    if (at > to) break;
    longest = std::max(longest, std::chrono::duration<double, std::milli>(at - previous).count());
    previous = at;
    ++count;
  }
  return {longest, count};
}

Round measure(soundings::hub::Hub& hub, int port, const fs::path& data,
              const std::vector<std::string>& device_batches) {
  const std::string token = enrol(hub, port, "syncing kiosk");
  std::mutex mutex;
  std::vector<SteadyClock::time_point> answers;
  std::atomic<bool> stopping{false};
  std::thread device([&] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(120, 0);
    for (size_t i = 0; i < device_batches.size() && !stopping; ++i) {
      if (!post(client, token, device_batches[i])) die("a syncing batch was not stored");
      const std::lock_guard lock(mutex);
      answers.push_back(SteadyClock::now());
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the device at its pace before the backup
  const fs::path output = data.parent_path() / (data.filename().string() + "-backup.sqlite");
  std::fflush(stdout);  // before /usr/bin/time writes its line
  const auto started = SteadyClock::now();
  const bool made = run_backup(data, output);
  const auto finished = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stopping = true;
  device.join();
  if (!made) die("the backup failed");
  Round round;
  round.backup_seconds = std::chrono::duration<double>(finished - started).count();
  round.backup_mib = static_cast<double>(fs::file_size(output)) / 1048576.0;
  const auto during = longest_wait(answers, started, finished);
  round.longest_wait_during_ms = during.first;
  round.batches_during = during.second;
  const auto before = longest_wait(answers, started - (finished - started), started);
  round.longest_wait_before_ms = before.first;
  round.batches_before = before.second;
  fs::remove(output);
  return round;
}

Round run_round(const Options& options, const fs::path& data) {
  soundings::hub::HubConfig config;
  config.data_dir = data.string();
  auto hub = soundings::hub::Hub::open(config);
  if (!hub) die(hub.error().message);
  const auto published = (*hub)->publish_json(read_file(SOUNDINGS_HUB_FIXTURE));
  if (!published.problems.empty()) die("fixture refused: " + describe(published.problems[0]));
  const auto port = (*hub)->listen("127.0.0.1", 0);
  if (!port) die(port.error().message);
  const auto consultation = soundings::load_consultation(read_file(SOUNDINGS_HUB_FIXTURE)).consultation;
  const std::string key = (*hub)->seal_public_key();
  fill(**hub, *port, make_batches(consultation, key, options.responses, 500, 1));
  const auto stored = (*hub)->stored_count();
  if (!stored || *stored != options.responses) die("the hub did not store every filling response");
  const Round round = measure(**hub, *port, data, make_batches(consultation, key, 20 * 2000, 20, 2));
  (*hub)->stop();
  return round;
}

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    char* end = nullptr;
    const long value = std::strtol(argv[i + 1], &end, 10);
    const bool number = *end == '\0' && value >= 1;
    if (flag == "--responses" && number) {
      options.responses = (value + 499) / 500 * 500;
    } else if (flag == "--rounds" && number) {
      options.rounds = value;
    } else if (flag == "--dir") {
      options.dir = argv[i + 1];
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr, "usage: bench-hub-backup [--responses N] [--rounds N] [--dir PATH]\n");
    return 2;
  }
  const fs::path base = options.dir.empty() ? fs::temp_directory_path() : fs::path(options.dir);
  std::printf("bench-hub-backup: a hub of %ld responses, backed up while a device posts batches of 20, %ld rounds\n",
              options.responses, options.rounds);
  std::vector<Round> rounds;
  for (long r = 0; r < options.rounds; ++r) {
    const fs::path data = base / ("soundings-bench-backup-" + soundings::make_uuid());
    rounds.push_back(run_round(options, data));
    fs::remove_all(data);
    const Round& round = rounds.back();
    std::printf(
        "round %ld: backup %.2f s (%.0f MiB); device: %zu batches answered meanwhile, longest wait %.0f ms "
        "(%zu batches, longest wait %.0f ms in as long before)\n",
        r + 1, round.backup_seconds, round.backup_mib, round.batches_during, round.longest_wait_during_ms,
        round.batches_before, round.longest_wait_before_ms);
  }
  std::sort(rounds.begin(), rounds.end(),
            [](const Round& a, const Round& b) { return a.backup_seconds < b.backup_seconds; });
  const Round& median = rounds[rounds.size() / 2];
  std::printf("median round: backup %.2f s, longest wait while it ran %.0f ms (%.0f ms before)\n",
              median.backup_seconds, median.longest_wait_during_ms, median.longest_wait_before_ms);
  return 0;
}
