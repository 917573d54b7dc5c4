// soundings-sync: enrols a device store with a hub, syncs it once, or keeps syncing (field tablets, scripts, systemd).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "soundings/store.h"
#include "soundings/sync_agent.h"
#include "soundings/device_store.h"

namespace {

namespace sync = soundings::sync;

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 64;     // EX_USAGE
constexpr int kExitTempFail = 75;  // EX_TEMPFAIL: responses still waiting, or the hub was not reached

const char* kUsage =
    "usage:\n"
    "  soundings-sync --data DIR --enrol URL CODE [--name NAME]   enrol the device store in DIR with a hub\n"
    "  soundings-sync --data DIR --once [--hub URL]                push what is waiting, pull consultations\n"
    "  soundings-sync --data DIR --daemon [--hub URL]              keep syncing until stopped\n"
    "  soundings-sync --data DIR --status                          show what is waiting and what needs review\n"
    "options:\n"
    "  --ca-file FILE        trust this CA file (a council's own CA) instead of the system's\n"
    "  --batch N             responses per request (1-1000, default 500)\n"
    "  --connect-timeout S   seconds to wait for a connection (default 10)\n"
    "  --timeout S           seconds for a whole request (default 120)\n"
    "--once exits 0 when nothing is left waiting, 75 when responses are still waiting or the hub\n"
    "was not reached (try again later), 1 when the device is not enrolled, refused or its store\n"
    "failed, 64 on a usage error.\n";

struct Options {
  std::string data_dir;
  std::string mode;  // enrol, once, daemon, status
  std::string enrol_url;
  std::string enrol_code;
  std::string name;
  sync::AgentConfig config;
};

bool parse_seconds(const std::string& text, std::chrono::seconds& out) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || value < 1 || value > 86400) return false;
  out = std::chrono::seconds(value);
  return true;
}

// Returns an empty string when the arguments make sense, else what is wrong with them.
std::string parse(int argc, char** argv, Options& options) {
  const auto set_mode = [&](const std::string& mode) -> std::string {
    if (!options.mode.empty()) return "choose one of --enrol, --once, --daemon, --status";
    options.mode = mode;
    return {};
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string value;
    if (arg == "--data") {
      if (!next(options.data_dir)) return "--data needs a folder";
    } else if (arg == "--enrol") {
      if (auto problem = set_mode("enrol"); !problem.empty()) return problem;
      if (!next(options.enrol_url) || !next(options.enrol_code)) return "--enrol needs a hub URL and a code";
    } else if (arg == "--once" || arg == "--daemon" || arg == "--status") {
      if (auto problem = set_mode(arg.substr(2)); !problem.empty()) return problem;
    } else if (arg == "--hub") {
      if (!next(options.config.hub_url_override)) return "--hub needs a URL";
    } else if (arg == "--name") {
      if (!next(options.name)) return "--name needs a device name";
    } else if (arg == "--ca-file") {
      if (!next(options.config.ca_file)) return "--ca-file needs a file";
      if (!std::filesystem::is_regular_file(options.config.ca_file)) {
        return "--ca-file " + options.config.ca_file + ": no such file";
      }
    } else if (arg == "--batch") {
      if (!next(value)) return "--batch needs a number";
      const long count = std::strtol(value.c_str(), nullptr, 10);
      if (count < 1 || count > 1000) return "--batch " + value + ": must be 1 to 1000";
      options.config.batch_max_count = static_cast<size_t>(count);
    } else if (arg == "--connect-timeout") {
      if (!next(value) || !parse_seconds(value, options.config.connect_timeout)) {
        return "--connect-timeout needs a number of seconds (1-86400)";
      }
    } else if (arg == "--timeout") {
      if (!next(value) || !parse_seconds(value, options.config.request_timeout)) {
        return "--timeout needs a number of seconds (1-86400)";
      }
    } else {
      return "unknown argument \"" + arg + "\"";
    }
  }
  if (options.data_dir.empty()) return "--data DIR is required";
  if (options.mode.empty()) return "choose one of --enrol, --once, --daemon, --status";
  if (!options.config.hub_url_override.empty() && options.mode != "once" && options.mode != "daemon") {
    return "--hub only goes with --once or --daemon";
  }
  return {};
}

std::string default_device_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  return "field tablet";
}

// A setting for people to read: `otherwise` when it is not set, and the store's error when it cannot be read.
std::string shown_setting(soundings::Store& store, const char* key, const std::string& otherwise) {
  auto value = store.setting(key);
  if (!value) return "(cannot be read: " + value.error().message + ")";
  return value->value_or(otherwise);
}

// What head office enrolled the device as; a device enrolled before field tablets existed is a kiosk.
std::string role_shown(soundings::Store& store) {
  const bool field = shown_setting(store, soundings::setting::kDeviceRole, "") == soundings::setting::kRoleField;
  return field ? "field tablet" : "kiosk";
}

int run_enrol(soundings::Store& store, const Options& options) {
  const std::string name = options.name.empty() ? default_device_name() : options.name;
  const auto status = sync::enrol(store, options.enrol_url, options.enrol_code, name, options.config);
  if (!status.ok()) {
    std::cerr << "soundings-sync: " << status.error().message << "\n";
    return status.error().code == soundings::ErrorCode::NotFound ? kExitTempFail : kExitError;
  }
  std::cout << "soundings-sync: enrolled \"" << name << "\" as a " << role_shown(store) << " (device "
            << shown_setting(store, soundings::setting::kDeviceId, "") << ") with "
            << shown_setting(store, soundings::setting::kHubUrl, "") << "\n";
  return kExitOk;
}

int run_once(soundings::Store& store, const Options& options) {
  sync::SyncAgent agent(store, options.config);
  const sync::OnceOutcome outcome = agent.run_once();
  const sync::SyncStatus status = agent.status();
  std::cout << "soundings-sync: " << sync::sync_state_name(status.state) << "; sent " << outcome.pushed << ", waiting "
            << outcome.waiting << ", needs review " << outcome.needs_review << ", consultations updated "
            << outcome.consultations_updated;
  if (!outcome.error.empty()) std::cout << "; " << outcome.error;
  std::cout << "\n";
  if (status.state == sync::SyncState::NotEnrolled || status.state == sync::SyncState::Refused) return kExitError;
  if (outcome.waiting > 0 || !outcome.reached_hub) return kExitTempFail;
  // The hub answered but a later step failed: the network (try later) or this device (an error).
  if (!outcome.error.empty()) return status.state == sync::SyncState::Offline ? kExitTempFail : kExitError;
  return kExitOk;
}

int run_daemon(soundings::Store& store, const Options& options) {
  const auto token = store.setting(soundings::setting::kDeviceToken);
  if (!token) {
    std::cerr << "soundings-sync: " << token.error().message << "\n";
    return kExitTempFail;
  }
  if (token->value_or("").empty()) {
    std::cerr << "soundings-sync: this device is not enrolled with a hub yet "
                 "(soundings-sync --data DIR --enrol URL CODE)\n";
    return kExitError;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  // Blocked before the sync thread starts, so only sigwait below ever sees them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sync::SyncAgent agent(store, options.config);
  sync::SyncStatus shown;
  shown.state = static_cast<sync::SyncState>(-1);
  agent.set_on_change([&agent, &shown] {
    // Only from the sync thread: one line per change of state or error, not per batch.
    const sync::SyncStatus now = agent.status();
    if (now.state == shown.state && now.last_error == shown.last_error) return;
    shown = now;
    std::cout << "soundings-sync: " << sync::sync_state_name(now.state) << ", waiting " << now.waiting
              << ", needs review " << now.needs_review
              << (now.last_error.empty() ? std::string() : "; " + now.last_error) << std::endl;
  });
  agent.start();
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "soundings-sync: stopping (signal " << received << ")" << std::endl;
  agent.stop();
  return kExitOk;
}

int run_status(soundings::Store& store) {
  const auto counts = store.outbox_counts();
  const auto review = store.needs_review();
  if (!counts || !review) {
    std::cerr << "soundings-sync: " << (!counts ? counts.error() : review.error()).message << "\n";
    return kExitError;
  }
  std::cout << "hub:          " << shown_setting(store, soundings::setting::kHubUrl, "(not enrolled)") << "\n"
            << "device:       " << shown_setting(store, soundings::setting::kDeviceName, "") << " "
            << shown_setting(store, soundings::setting::kDeviceId, "") << ", " << role_shown(store) << "\n"
            << "last success: " << shown_setting(store, soundings::setting::kLastSyncSuccessAt, "never") << "\n"
            << "waiting:      " << counts->pending
            << (counts->oldest_pending_at.empty() ? std::string() : " (oldest " + counts->oldest_pending_at + ")")
            << "\n"
            << "confirmed:    " << counts->confirmed << "\n"
            << "needs review: " << counts->needs_review << "\n";
  for (const auto& item : *review) {
    std::cout << "  " << item.id << "  " << item.last_error << "\n";
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (const std::string problem = parse(argc, argv, options); !problem.empty()) {
    std::cerr << "soundings-sync: " << problem << "\n" << kUsage;
    return kExitUsage;
  }
  const std::filesystem::path folder(options.data_dir);
  const bool has_store = std::filesystem::exists(folder / soundings::kDeviceStoreFile) ||
                         std::filesystem::exists(folder / soundings::kLegacyKioskStoreFile);
  if (options.mode != "enrol" && !has_store) {
    std::cerr << "soundings-sync: " << soundings::device_store_path(options.data_dir)
              << ": no device store here (enrol first, or check --data)\n";
    return kExitError;
  }
  auto store = soundings::open_device_store(options.data_dir);
  if (!store) {
    std::cerr << "soundings-sync: " << store.error().message << "\n";
    return kExitError;
  }
  if (options.mode == "enrol") {
    const int status = run_enrol(**store, options);
    if (status != kExitOk && !has_store) {
      // A store made only for an enrolment that failed would later pass for an enrolled device's.
      const std::string path = (*store)->path();
      store->reset();
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    return status;
  }
  if (options.mode == "once") return run_once(**store, options);
  if (options.mode == "daemon") return run_daemon(**store, options);
  return run_status(**store);
}
