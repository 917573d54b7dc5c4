// Crash test for the device store: a child process saves responses and is killed with SIGKILL at random
// moments; after every kill the database must open, pass integrity_check and hold every acknowledged response.
//
//   store_crash_test [--kills N] [--seed S]        (the parent; exits 0 only if nothing was lost)
//   store_crash_test --child <database path>       (run by the parent)
//
// The child writes "ready" once the store is open, then one response id per line, each only after save()
// has returned. An id on the pipe is therefore a response the kiosk would have thanked someone for.
#include <fcntl.h>
#include <poll.h>
#include <sqlite3.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "soundings/store.h"
#include "store_test_support.h"

extern char** environ;

namespace {

using soundings::Store;
using SteadyClock = std::chrono::steady_clock;

constexpr int kChildMaxSaves = 1'000'000;  // far more than fit between two kills

bool write_line(const std::string& text) {
  const std::string line = text + "\n";  // one write of under PIPE_BUF bytes: the parent never sees half a line
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t wrote = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    done += static_cast<size_t>(wrote);
  }
  return true;
}

int run_child(const std::string& path) {
  auto store = Store::open(path);
  if (!store) {
    std::fprintf(stderr, "child: cannot open the store: %s\n", store.error().message.c_str());
    return 2;
  }
  if (!write_line("ready")) return 3;
  for (int i = 0; i < kChildMaxSaves; ++i) {
    const soundings::Response response = soundings::store_testing::sample_response(i);
    const soundings::Status saved = (*store)->save(response);
    if (!saved) {
      std::fprintf(stderr, "child: save failed: %s\n", saved.error().message.c_str());
      return 4;
    }
    if (!write_line(response.id)) return 5;
  }
  // Should never get here; wait a bounded time for the kill rather than exit looking like a success.
  std::this_thread::sleep_for(std::chrono::seconds(60));
  return 6;
}

struct Round {
  std::vector<std::string> acknowledged;
  bool was_ready = false;  // the child had opened the store when it was killed
  bool killed = false;     // ended by our SIGKILL, not on its own
  std::string problem;
};

std::string self_path() {
  std::vector<char> buffer(4096);
  const ssize_t length = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  return length > 0 ? std::string(buffer.data(), static_cast<size_t>(length)) : std::string();
}

// Splits complete lines out of `pending`; a line without its newline stays for the next read.
void take_lines(std::string& pending, Round& round) {
  size_t start = 0;
  for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = pending.substr(start, end - start);
    if (line == "ready") {
      round.was_ready = true;
    } else {
      round.acknowledged.push_back(std::move(line));
    }
  }
  pending.erase(0, start);
}

// Reads what the child has written until `deadline` (or end of file); false at end of file.
bool read_until(int fd, SteadyClock::time_point deadline, std::string& pending, Round& round) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    pollfd poll_fd{fd, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, static_cast<int>(std::max<int64_t>(left, 0)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return true;  // deadline reached
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    pending.append(buffer, static_cast<size_t>(got));
    take_lines(pending, round);
  }
}

// One child: start it, kill it after a random delay, collect what it acknowledged.
Round run_round(const std::string& exe, const std::string& db_path, std::mt19937& random) {
  Round round;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    round.problem = std::string("pipe: ") + std::strerror(errno);
    return round;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string child_flag = "--child";
  std::string path_arg = db_path;
  std::string exe_arg = exe;
  char* argv[] = {exe_arg.data(), child_flag.data(), path_arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    round.problem = std::string("spawn: ") + std::strerror(spawned);
    return round;
  }

  // Most kills land while saving; one in five is timed from the start, so some hit the open itself
  // (WAL recovery, quick_check, creating the schema).
  std::uniform_int_distribution<int> delay_ms(1, 80);
  std::string pending;
  bool open_pipe = true;
  const bool from_start = std::uniform_int_distribution<int>(0, 4)(random) == 0;
  if (!from_start) {
    const auto give_up = SteadyClock::now() + std::chrono::seconds(30);
    while (open_pipe && !round.was_ready && SteadyClock::now() < give_up) {
      open_pipe =
          read_until(fds[0], std::min(give_up, SteadyClock::now() + std::chrono::milliseconds(50)), pending, round);
    }
  }
  if (open_pipe) {
    open_pipe = read_until(fds[0], SteadyClock::now() + std::chrono::milliseconds(delay_ms(random)), pending, round);
  }
  ::kill(pid, SIGKILL);
  while (open_pipe) open_pipe = read_until(fds[0], SteadyClock::now() + std::chrono::seconds(10), pending, round);
  ::close(fds[0]);

  int status = 0;
  ::waitpid(pid, &status, 0);
  round.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (!round.killed) {
    round.problem = "the child ended on its own (status " + std::to_string(status) + ") instead of being killed";
  }
  return round;
}

// Every response id in the file, read with a plain SQLite connection once the Store is closed: checking
// thousands of ids after each of 200 kills through find_response (which parses each body) would be slow.
bool stored_ids(const std::string& path, std::unordered_set<std::string>& ids) {
  sqlite3* db = nullptr;
  sqlite3_stmt* select = nullptr;
  bool ok = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "SELECT id FROM responses", -1, &select, nullptr) == SQLITE_OK;
  int rc = SQLITE_ROW;
  while (ok && (rc = sqlite3_step(select)) == SQLITE_ROW) {
    ids.insert(reinterpret_cast<const char*>(sqlite3_column_text(select, 0)));
  }
  ok = ok && rc == SQLITE_DONE;
  sqlite3_finalize(select);
  sqlite3_close(db);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--child") == 0) return run_child(argv[2]);

  int kills_wanted = 200;
  uint32_t seed = std::random_device{}();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--kills") == 0) kills_wanted = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seed") == 0) seed = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
  }
  std::printf("crash test: seed %u (rerun with --seed %u)\n", seed, seed);
  std::mt19937 random(seed);

  soundings::store_testing::TempDir dir;
  const std::string exe = self_path();
  if (!dir.ok() || exe.empty()) {
    std::fprintf(stderr, "crash test: cannot make a temporary folder or find this program\n");
    return 1;
  }
  const std::string db_path = dir.file("device.db");

  std::vector<std::string> acknowledged;
  int kills = 0, killed_before_ready = 0, missing = 0, integrity_failures = 0, open_failures = 0, child_failures = 0;
  int64_t rows = 0;
  const auto started = SteadyClock::now();

  for (int round_number = 0; round_number < kills_wanted; ++round_number) {
    Round round = run_round(exe, db_path, random);
    if (round.killed) ++kills;
    if (round.killed && !round.was_ready) ++killed_before_ready;
    if (!round.problem.empty()) {
      ++child_failures;
      std::fprintf(stderr, "round %d: %s\n", round_number, round.problem.c_str());
    }
    acknowledged.insert(acknowledged.end(), round.acknowledged.begin(), round.acknowledged.end());

    auto store = Store::open(db_path);
    if (!store) {
      ++open_failures;
      std::fprintf(stderr, "round %d: the database would not open after the kill: %s\n", round_number,
                   store.error().message.c_str());
      break;  // nothing more can be learnt from a database that will not open
    }
    const auto integrity = (*store)->integrity_ok();
    if (!integrity || !*integrity) {
      ++integrity_failures;
      std::fprintf(stderr, "round %d: integrity_check failed%s%s\n", round_number, integrity ? "" : ": ",
                   integrity ? "" : integrity.error().message.c_str());
    }
    // This round's ids read back in full through the store...
    for (const auto& id : round.acknowledged) {
      const auto found = (*store)->find_response(id);
      if (!found || !found->has_value()) {
        ++missing;
        std::fprintf(stderr, "round %d: acknowledged response %s cannot be read back%s%s\n", round_number, id.c_str(),
                     found ? "" : ": ", found ? "" : found.error().message.c_str());
      }
    }
    const auto count = (*store)->response_count();
    if (!count) {
      ++integrity_failures;
      std::fprintf(stderr, "round %d: cannot count responses: %s\n", round_number, count.error().message.c_str());
    }
    rows = count ? *count : -1;
    store = soundings::Error{};  // close: the one-connection rule holds for this test too

    // ...and every id acknowledged so far, in this round and all earlier ones, is still there.
    std::unordered_set<std::string> stored;
    if (!stored_ids(db_path, stored)) {
      ++open_failures;
      std::fprintf(stderr, "round %d: cannot list the stored responses\n", round_number);
      break;
    }
    for (const auto& id : acknowledged) {
      if (!stored.count(id)) {
        ++missing;
        std::fprintf(stderr, "round %d: acknowledged response %s is missing\n", round_number, id.c_str());
      }
    }
  }

  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  std::printf(
      "crash test: %d kills (%d before the store was open), %zu acknowledged, %lld saved, %d missing, "
      "%d integrity failures, %d open failures, %d child failures, %.1f s\n",
      kills, killed_before_ready, acknowledged.size(), static_cast<long long>(rows), missing, integrity_failures,
      open_failures, child_failures, seconds);
  const bool passed = kills >= kills_wanted && missing == 0 && integrity_failures == 0 && open_failures == 0 &&
                      child_failures == 0 && !acknowledged.empty();
  return passed ? 0 : 1;
}
