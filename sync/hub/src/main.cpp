// soundings-hub: serves API v1 and gives head-office staff the admin commands (cli_*.cpp).
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli.h"
#include "soundings/database.h"
#include "soundings/hub.h"

namespace {

using namespace soundings::hub::cli;
using soundings::hub::Hub;
using soundings::hub::HubConfig;

// Options that take no value.
const std::vector<std::string> kFlags = {"--field"};

// The commands, and the options each takes (as kUsage lists them): anything else is refused by name, so a
// mistyped option never runs a command with its default instead.
const std::map<std::string, std::set<std::string>> kCommandOptions = {
    {"serve",
     {"data", "database", "database-connections", "listen", "tls-cert", "tls-key", "threads", "max-body-bytes",
      "public-url", "console-idle-minutes"}},
    {"publish", {"data", "database"}},
    {"feedback", {"data", "database", "consultation"}},
    {"enrol-code", {"data", "database", "name", "valid-hours", "field"}},
    {"devices", {"data", "database"}},
    {"staff", {"data", "database", "id", "name"}},
    {"revoke", {"data", "database"}},
    {"export", {"data", "database", "consultation", "format", "output"}},
    {"visits", {"data", "database", "list", "format", "output"}},
    {"field", {"data", "database", "overdue-after"}},
    {"reach", {"data", "database", "consultation", "min-count", "lang", "output"}},
    {"status", {"data", "database"}},
    {"quarantine", {"data", "database", "consultation", "bodies"}},
    {"walklist", {"data", "database", "name", "device"}},
    {"coverage", {"data", "database", "list", "output"}},
    {"backup", {"data", "database", "output"}},
    {"migrate", {"data", "to"}},
    {"user", {"data", "database", "email", "role"}},
    {"audit", {"data", "database"}},
};

Arguments parse_arguments(int argc, char** argv) {
  Arguments args;
  if (argc < 2) {
    args.error = "no command given";
    return args;
  }
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string word = argv[i];
    if (std::find(kFlags.begin(), kFlags.end(), word) != kFlags.end()) {
      args.options[word.substr(2)] = "yes";
    } else if (word.rfind("--", 0) == 0) {
      if (i + 1 >= argc) {
        args.error = word + " needs a value";
        return args;
      }
      args.options[word.substr(2)] = argv[++i];
    } else {
      args.positional.push_back(word);
    }
  }
  return args;
}

// Why `args` cannot run: an unknown command, or an option its command does not take.
std::string command_problem(const Arguments& args) {
  const auto known = kCommandOptions.find(args.command);
  if (known == kCommandOptions.end()) return "unknown command \"" + args.command + "\"";
  for (const auto& [name, value] : args.options) {
    if (known->second.count(name) == 0) return args.command + " takes no option --" + name;
  }
  return "";
}

int serve(Arguments& args, HubConfig config) {
  const std::string listen = args.option("listen");
  const auto colon = listen.rfind(':');
  long long port = 0;
  if (colon == std::string::npos || !parse_count(listen.substr(colon + 1), 0, port) || port > 65535) {
    return usage_error("--listen must be HOST:PORT, such as 127.0.0.1:8443");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  config.tls_cert_file = args.option("tls-cert");
  config.tls_key_file = args.option("tls-key");
  long long value = 0;
  if (!args.option("threads").empty()) {
    if (!parse_count(args.option("threads"), 1, value)) return usage_error("--threads must be 1 or more");
    config.worker_threads = static_cast<int>(value);
  }
  if (!args.option("database-connections").empty()) {
    if (!parse_count(args.option("database-connections"), 1, value)) {
      return usage_error("--database-connections must be 1 or more");
    }
    config.max_database_connections = static_cast<size_t>(value);
  }
  if (!args.option("max-body-bytes").empty()) {
    if (!parse_count(args.option("max-body-bytes"), 1024, value)) return usage_error("--max-body-bytes must be 1024 or more");
    config.max_body_bytes = static_cast<size_t>(value);
  }
  if (const std::string url = args.option("public-url"); !url.empty()) {
    const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    const auto host_at = url.find("://") + 3;
    if (!web || host_at >= url.size() || url.find_first_of("/?#", host_at) == host_at) {
      return usage_error("--public-url must be where people reach the hub, such as https://consult.example.gov.uk, "
                         "not \"" + url + "\"");
    }
    config.public_url = url;
  }
  if (!args.option("console-idle-minutes").empty()) {
    // A day at most: an unattended signed-in browser is someone else's way in.
    if (!parse_count(args.option("console-idle-minutes"), 1, value) || value > 1440) {
      return usage_error("--console-idle-minutes must be a whole number of minutes from 1 to 1440");
    }
    config.console_idle_timeout = std::chrono::minutes(value);
  }
  const bool tls = !config.tls_cert_file.empty();

  // Signals are taken by sigwait below, not by whichever server thread they land on.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto hub = Hub::open(config);
  if (!hub) return fail(hub.error());
  auto bound = (*hub)->listen(host, static_cast<int>(port));
  if (!bound) return fail(bound.error());
  std::cout << "soundings-hub: serving API v1 on " << (tls ? "https" : "http") << "://" << listen.substr(0, colon)
            << ":" << *bound << " (hub " << (*hub)->hub_id() << ", data " << config.data_dir
            << (config.database.empty() ? "" : ", database " + soundings::db::redact_url(config.database)) << ")"
            << std::endl;
  std::cout << "soundings-hub: head-office console at "
            << (config.public_url.empty() ? std::string(tls ? "https" : "http") + "://" + listen.substr(0, colon) + ":" +
                                                std::to_string(*bound) + "/"
                                          : config.public_url)
            << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "soundings-hub: stopping (" << strsignal(received) << ")" << std::endl;
  (*hub)->stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args = parse_arguments(argc, argv);
  if (args.command == "help" || args.command == "--help" || args.command == "-h") {
    std::cout << usage_text();
    return 0;
  }
  if (!args.error.empty()) return usage_error(args.error);
  if (const std::string problem = command_problem(args); !problem.empty()) return usage_error(problem);
  HubConfig config;
  config.data_dir = args.option("data");
  if (config.data_dir.empty()) return usage_error("--data DIR is required");
  config.database = args.option("database");
  if (config.database.empty()) {
    if (const char* from_environment = std::getenv("SOUNDINGS_DATABASE")) config.database = from_environment;
  }

  if (args.command == "serve") return serve(args, config);
  if (args.command == "backup") return backup(args, config);
  if (args.command == "migrate") {
    // The target from SOUNDINGS_DATABASE when --to is not given: the database the hub will use from now
    // on, and a password kept out of the process list.
    const std::string target = args.option("to").empty() ? config.database : args.option("to");
    return soundings::hub::run_migrate_command(config.data_dir, target, std::cout, std::cerr);
  }
  // Only serve and publish start a hub; any other command on a folder (or database) without one is a
  // mistyped --data, which must not make a new, empty hub that answers "nothing here".
  config.create = args.command == "publish";
  if (config.database.empty() && args.command != "publish" &&
      !std::filesystem::exists(std::filesystem::path(config.data_dir) / "hub.sqlite")) {
    std::cerr << "soundings-hub: " << config.data_dir
              << ": no hub here (no hub.sqlite); check --data; if this hub's data is on PostgreSQL, give --database "
                 "URL (or set SOUNDINGS_DATABASE); or start a hub with `soundings-hub serve` or `soundings-hub publish`\n";
    return 1;
  }
  auto opened = Hub::open(config);
  if (!opened) return fail(opened.error());
  Hub& hub = **opened;
  if (args.command == "publish") return publish(args, hub);
  if (args.command == "feedback") return feedback(args, hub);
  if (args.command == "enrol-code") return enrol_code(args, hub);
  if (args.command == "devices") return devices(hub);
  if (args.command == "export") return export_responses(args, hub);
  if (args.command == "reach") return reach(args, hub);
  if (args.command == "visits") return visits(args, hub);
  if (args.command == "field") return field(args, hub);
  if (args.command == "status") return status(hub);
  if (args.command == "quarantine") return quarantine(args, hub);
  if (args.command == "staff") return staff(args, hub);
  if (args.command == "walklist") return walklist(args, hub);
  if (args.command == "coverage") return coverage(args, hub);
  if (args.command == "user") return user(args, hub);
  if (args.command == "audit") return audit(args, hub);
  return revoke(args, hub);
}
