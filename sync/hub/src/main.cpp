// soundings-hub: serves API v1 and gives head-office staff the admin commands.
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "soundings/database.h"
#include "soundings/hub.h"
#include "soundings/lone_working.h"

namespace {

using soundings::hub::DeviceRole;
using soundings::hub::Hub;
using soundings::hub::HubConfig;

constexpr const char* kUsage = R"(usage:
  soundings-hub serve      --data DIR --listen HOST:PORT [--tls-cert FILE --tls-key FILE]
                           [--threads N] [--max-body-bytes N] [--database-connections N]
  soundings-hub publish    --data DIR FILE
  soundings-hub feedback   --data DIR --consultation ID FILE
  soundings-hub enrol-code --data DIR --name NAME [--valid-hours H] [--field]
  soundings-hub devices    --data DIR
  soundings-hub staff add     --data DIR --id ID --name NAME   (PIN or passphrase on standard input)
  soundings-hub staff list    --data DIR
  soundings-hub staff disable --data DIR ID
  soundings-hub revoke     --data DIR DEVICE
  soundings-hub export     --data DIR --consultation ID --format csv|json [--output FILE]
  soundings-hub visits     --data DIR [--list NAME] [--format csv|json] [--output FILE]
  soundings-hub field      --data DIR [--overdue-after MINUTES]
  soundings-hub reach      --data DIR --consultation ID [--min-count N] [--lang cy|en] [--output FILE]
  soundings-hub status     --data DIR
  soundings-hub quarantine --data DIR [--consultation ID] [--bodies yes]
  soundings-hub walklist import   --data DIR --name NAME FILE.csv
  soundings-hub walklist assign   --data DIR --name NAME --device ID
  soundings-hub walklist unassign --data DIR --name NAME --device ID
  soundings-hub walklist close    --data DIR --name NAME
  soundings-hub walklist list     --data DIR
  soundings-hub coverage   --data DIR --list NAME [--output FILE]
  soundings-hub backup     --data DIR --output FILE   (SQLite; the key file is not in it: keep it safe apart)
  soundings-hub migrate    --data DIR --to postgresql://...  (into an empty database; checked)

Every command but migrate also takes --database postgresql://... to keep the hub's data in PostgreSQL rather than
DIR/hub.sqlite (or reads it from the SOUNDINGS_DATABASE environment variable, which keeps a password out
of the process list); DIR still holds the hub's key file.
)";

// Options that take no value.
const std::vector<std::string> kFlags = {"--field"};

// The commands, and the options each takes (as kUsage lists them): anything else is refused by name, so a
// mistyped option never runs a command with its default instead.
const std::map<std::string, std::set<std::string>> kCommandOptions = {
    {"serve", {"data", "database", "database-connections", "listen", "tls-cert", "tls-key", "threads", "max-body-bytes"}},
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
};


struct Arguments {
  std::string command;
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;
  std::string error;

  std::string option(const std::string& name) const {
    const auto it = options.find(name);
    return it == options.end() ? "" : it->second;
  }
  bool flag(const std::string& name) const { return options.count(name) > 0; }
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

int usage_error(const std::string& message) {
  std::cerr << "soundings-hub: " << message << "\n" << kUsage;
  return 2;
}

// Input that breaks a rule (a short PIN, a bad id): exit 2 like bad usage, without the whole usage text.
int bad_input(const std::string& message) {
  std::cerr << "soundings-hub: " << message << "\n";
  return 2;
}

int fail(const soundings::Error& error) {
  std::cerr << "soundings-hub: " << error.message << "\n";
  return 1;
}

bool parse_count(const std::string& text, long long minimum, long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(text.c_str(), &end, 10);
  return !text.empty() && *end == '\0' && errno == 0 && out >= minimum;
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
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "soundings-hub: stopping (" << strsignal(received) << ")" << std::endl;
  (*hub)->stop();
  return 0;
}

int publish(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 1) return usage_error("publish takes one consultation file");
  const auto outcome = hub.publish_file(args.positional[0]);
  if (!outcome.problems.empty()) {
    std::cerr << "soundings-hub: " << args.positional[0] << " was not published:\n";
    for (const auto& problem : outcome.problems) std::cerr << "  " << soundings::describe(problem) << "\n";
    return 1;
  }
  std::cout << "published " << outcome.id << " version " << outcome.version << "\n";
  return 0;
}

int feedback(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 1 || args.option("consultation").empty()) {
    return usage_error("feedback takes --consultation ID and one feedback file");
  }
  std::ifstream in(args.positional[0], std::ios::binary);
  if (!in) return fail({soundings::ErrorCode::NotFound, args.positional[0] + ": cannot be read"});
  std::stringstream text;
  text << in.rdbuf();
  const auto status = hub.publish_feedback(args.option("consultation"), text.str());
  if (!status) {
    std::cerr << "soundings-hub: feedback for " << args.option("consultation") << " was not published:\n"
              << status.error().message << "\n";
    return 1;
  }
  std::cout << "published feedback for " << args.option("consultation") << "\n";
  return 0;
}

int enrol_code(const Arguments& args, Hub& hub) {
  // A year at most: a code is a key to the hub, and hours past this would overflow the expiry time.
  constexpr long long kMaxValidHours = 8760;
  long long hours = 24;
  if (!args.option("valid-hours").empty() &&
      (!parse_count(args.option("valid-hours"), 1, hours) || hours > kMaxValidHours)) {
    return usage_error("--valid-hours must be a whole number of hours from 1 to " + std::to_string(kMaxValidHours) +
                       " (a year), not \"" + args.option("valid-hours") + "\"");
  }
  const bool field = args.flag("field");
  const auto code = hub.make_enrol_code(args.option("name"), std::chrono::hours(hours),
                                        field ? DeviceRole::Field : DeviceRole::Kiosk);
  if (!code) return fail(code.error());
  std::cout << "Enrolment code for " << (field ? "field tablet" : "kiosk") << " \"" << args.option("name")
            << "\", single use, valid for " << hours << " hours:\n"
            << *code << "\n";
  return 0;
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

int devices(Hub& hub) {
  const auto list = hub.devices();
  if (!list) return fail(list.error());
  if (list->empty()) {
    std::cout << "no devices enrolled\n";
    return 0;
  }
  for (const auto& device : *list) {
    std::cout << device.device_id << "  " << device.name << "  "
              << (device.role == DeviceRole::Field ? "field tablet" : "kiosk") << (device.revoked ? "  [revoked]" : "")
              << "\n"
              << "  last contact " << or_dash(device.last_contact_at) << ", " << device.pending_on_device
              << " responses waiting on the device (oldest " << or_dash(device.oldest_pending_at) << ")\n"
              << "  app " << or_dash(device.app_version) << ", consultations " << or_dash(device.consultation_versions)
              << ", free disk "
              << (device.free_disk_bytes < 0 ? std::string("-") : std::to_string(device.free_disk_bytes / 1048576) + " MiB")
              << "\n";
  }
  return 0;
}

int status(Hub& hub) {
  const auto list = hub.consultations();
  const auto stored = hub.stored_count();
  const auto quarantined = hub.quarantine_count();
  if (!list) return fail(list.error());
  if (!stored) return fail(stored.error());
  if (!quarantined) return fail(quarantined.error());
  std::printf("%-32s %7s %-8s %-10s %-10s %8s %11s %s\n", "consultation", "version", "status", "opens", "closes",
              "stored", "quarantined", "feedback");
  for (const auto& c : *list) {
    std::printf("%-32s %7d %-8s %-10s %-10s %8lld %11lld %s\n", c.id.c_str(), c.version, c.status.c_str(),
                c.opens.c_str(), c.closes.c_str(), static_cast<long long>(c.stored),
                static_cast<long long>(c.quarantined), c.has_feedback ? "yes" : "no");
  }
  std::printf("total: %lld stored, %lld quarantined (conflicts and rejected items held for review)\n",
              static_cast<long long>(*stored), static_cast<long long>(*quarantined));
  return 0;
}

// Conflicts and rejected items, for staff to review; --bodies yes adds each item as received.
int quarantine(const Arguments& args, Hub& hub) {
  const auto items = hub.quarantined(args.option("consultation"));
  if (!items) return fail(items.error());
  if (items->empty()) {
    std::cout << "nothing in quarantine\n";
    return 0;
  }
  for (const auto& item : *items) {
    std::cout << "#" << item.seq << "  " << item.kind << "  " << item.record_kind << "  " << or_dash(item.response_id)
              << "  "
              << or_dash(item.consultation_id) << "\n"
              << "  " << item.reason << "\n"
              << "  from device " << item.received_from << ", first " << item.first_seen_at << ", last "
              << item.last_seen_at << " (" << item.times_seen << (item.times_seen == 1 ? " time" : " times") << ")\n";
    if (args.option("bodies") == "yes") std::cout << "  " << item.body << "\n";
  }
  return 0;
}

// Writes a report to --output FILE, or to standard output without one.
int write_output(const Arguments& args, const std::string& text) {
  const std::string output = args.option("output");
  if (output.empty()) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    return std::cout.good() ? 0 : 1;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.good()) return fail({soundings::ErrorCode::Storage, output + ": could not be written"});
  return 0;
}

int export_responses(const Arguments& args, Hub& hub) {
  if (args.option("consultation").empty() || args.option("format").empty()) {
    return usage_error("export takes --consultation ID --format csv|json");
  }
  const auto text = hub.export_responses(args.option("consultation"), args.option("format"));
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

// The door log: personal data (addresses, notes), for staff who plan or supervise field work.
int visits(const Arguments& args, Hub& hub) {
  const std::string format = args.option("format").empty() ? "csv" : args.option("format");
  const auto text = hub.export_visits(args.option("list"), format);
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

// Exit status when an officer is overdue, so that a scheduled job can raise the alarm.
constexpr int kExitOfficerOverdue = 3;

// Lone working: every officer's last check-in; exits kExitOfficerOverdue when any is overdue.
int field(const Arguments& args, Hub& hub) {
  long long minutes = soundings::kDefaultOverdueAfter.count();
  if (!args.option("overdue-after").empty() && !parse_count(args.option("overdue-after"), 1, minutes)) {
    return usage_error("--overdue-after must be a whole number of minutes, 1 or more");
  }
  const auto officers = hub.field_overview(std::chrono::minutes(minutes));
  if (!officers) return fail(officers.error());
  std::cout << "as received by " << soundings::format_iso8601_utc(soundings::Clock::now()) << " (UTC); overdue after "
            << minutes << " minutes without a check-in\n";
  int overdue = 0;
  for (const auto& officer : *officers) {
    overdue += officer.overdue ? 1 : 0;
    std::cout << officer.staff_id << "  " << officer.name
              << (officer.disabled ? "  [disabled]" : "") << "\n  " << officer.state
              << (officer.since.empty() ? "" : " since " + officer.since)
              << (officer.device_id.empty() ? "" : " on " + officer.device_id) << "\n";
    if (!officer.reason.empty()) std::cout << "  " << officer.reason << "\n";
    const auto or_none = [](const std::string& text) { return text.empty() ? std::string("none received") : text; };
    std::cout << "  last check-in " << or_none(officer.last_check_in) << "; last sign-in "
              << or_none(officer.last_sign_in) << "\n";
  }
  if (officers->empty()) std::cout << "no officers on the staff list (soundings-hub staff add)\n";
  if (overdue == 0) return 0;
  std::cout << overdue << (overdue == 1 ? " officer is" : " officers are")
            << " OVERDUE: follow the lone-worker procedure now\n";
  return kExitOfficerOverdue;
}

int reach(const Arguments& args, Hub& hub) {
  if (args.option("consultation").empty()) return usage_error("reach takes --consultation ID");
  soundings::hub::ReachOptions options;
  if (!args.option("min-count").empty()) {
    long long value = 0;
    if (!parse_count(args.option("min-count"), 1, value)) return usage_error("--min-count must be 1 or more");
    options.min_count = value;
  }
  if (!args.option("lang").empty()) options.language = args.option("lang");
  const auto text = hub.reach_report(args.option("consultation"), options);
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

// One line from standard input: a script pipes it in; at a terminal it is asked for and not shown.
std::optional<std::string> read_secret(const std::string& staff_id) {
  const bool terminal = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
    std::cerr << "PIN or passphrase for " << staff_id << " (at least 6 characters, not shown): " << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int staff_add(const Arguments& args, Hub& hub) {
  if (args.option("id").empty() || args.option("name").empty() || args.positional.size() != 1) {
    return usage_error("staff add takes --id ID --name NAME, and the PIN or passphrase on standard input");
  }
  const auto secret = read_secret(args.option("id"));
  if (!secret) return usage_error("no PIN or passphrase on standard input (one line)");
  const auto added = hub.add_staff(args.option("id"), args.option("name"), *secret);
  if (!added) {
    if (added.error().code == soundings::ErrorCode::InvalidInput) return bad_input(added.error().message);
    return fail(added.error());
  }
  std::cout << "added " << args.option("id") << " (" << args.option("name")
            << "); field tablets receive the account at their next sync\n";
  return 0;
}

int staff_list(Hub& hub) {
  const auto accounts = hub.staff();
  if (!accounts) return fail(accounts.error());
  if (accounts->empty()) {
    std::cout << "no staff accounts; add one with soundings-hub staff add\n";
    return 0;
  }
  for (const auto& account : *accounts) {
    std::cout << account.staff_id << "  " << account.name << "  added " << account.created_at << "  "
              << (account.disabled_at.empty() ? "enabled" : "disabled " + account.disabled_at) << "\n";
  }
  return 0;
}

int staff_disable(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 2) return usage_error("staff disable takes one staff id");
  const std::string& staff_id = args.positional[1];
  if (const auto disabled = hub.disable_staff(staff_id); !disabled) return fail(disabled.error());
  std::cout << "disabled " << staff_id << ": each field tablet refuses their sign-in from its next sync with the "
            << "hub; what they recorded before stays and still reaches head office\n";
  return 0;
}

int staff(const Arguments& args, Hub& hub) {
  const std::string action = args.positional.empty() ? "" : args.positional[0];
  if (action == "add") return staff_add(args, hub);
  if (action == "list") return staff_list(hub);
  if (action == "disable") return staff_disable(args, hub);
  return usage_error("staff takes add, list or disable, not \"" + action + "\"");
}

std::string doors(int64_t count) { return std::to_string(count) + (count == 1 ? " door" : " doors"); }

// A walk list file: a council's CSV of doors, read whole (at most 64 MiB: far more than 50,000 doors).
int walklist_import(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 2 || args.option("name").empty()) {
    return usage_error("walklist import takes --name NAME and one CSV file");
  }
  const std::string& path = args.positional[1];
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return fail({soundings::ErrorCode::NotFound, path + ": cannot be read (" + error.message() + ")"});
  if (size > 64u * 1024u * 1024u) return fail({soundings::ErrorCode::InvalidInput, path + ": larger than 64 MiB"});
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return fail({soundings::ErrorCode::NotFound, path + ": cannot be read"});
  const auto imported = hub.import_walk_list(args.option("name"), text.str());
  if (!imported) return fail(imported.error());
  if (!imported->problems.empty()) {
    std::cerr << "soundings-hub: " << path << " was not imported (nothing from it was kept):\n";
    for (const auto& problem : imported->problems) std::cerr << "  " << problem << "\n";
    return 2;
  }
  std::cout << "imported walk list \"" << args.option("name") << "\": " << doors(imported->doors) << ", id "
            << imported->id << "\n";
  if (!imported->ignored_columns.empty()) {
    std::cout << "columns not kept:";
    for (const auto& column : imported->ignored_columns) std::cout << " " << column;
    std::cout << "\n";
  }
  return 0;
}

int walklist_list(Hub& hub) {
  const auto lists = hub.walk_lists();
  if (!lists) return fail(lists.error());
  if (lists->empty()) {
    std::cout << "no walk lists\n";
    return 0;
  }
  for (const auto& list : *lists) {
    std::string tablets;
    for (const auto& device : list.devices) {
      tablets += (tablets.empty() ? "" : ", ") + device.name + " (" + device.id + ")";
    }
    std::cout << list.name << "  " << doors(list.doors) << "  "
              << (list.closed_at.empty() ? "open" : "closed " + list.closed_at) << "\n"
              << "  id " << list.id << ", imported " << list.imported_at << ", tablets " << or_dash(tablets) << "\n";
  }
  return 0;
}

// A refusal of what was asked (a kiosk, a closed list) is exit 2 like bad input; a failing database is 1.
int refused_or_failed(const soundings::Error& error) {
  return error.code == soundings::ErrorCode::InvalidInput ? bad_input(error.message) : fail(error);
}

int walklist(const Arguments& args, Hub& hub) {
  const std::string action = args.positional.empty() ? "" : args.positional[0];
  if (action == "import") return walklist_import(args, hub);
  if (action == "list") return walklist_list(hub);
  const std::string name = args.option("name");
  const std::string device = args.option("device");
  if (action == "close") {
    if (name.empty()) return usage_error("walklist close takes --name NAME");
    if (auto closed = hub.close_walk_list(name); !closed) return fail(closed.error());
    std::cout << "closed walk list \"" << name << "\"; tablets delete its addresses at their next sync\n";
    return 0;
  }
  if (action != "assign" && action != "unassign") {
    return usage_error("walklist takes import, assign, unassign, close or list");
  }
  if (name.empty() || device.empty()) return usage_error("walklist " + action + " takes --name NAME --device ID");
  if (action == "assign") {
    if (auto assigned = hub.assign_walk_list(name, device); !assigned) return refused_or_failed(assigned.error());
    std::cout << "assigned walk list \"" << name << "\" to device " << device << "\n";
    return 0;
  }
  if (auto removed = hub.unassign_walk_list(name, device); !removed) return fail(removed.error());
  std::cout << "unassigned walk list \"" << name << "\" from device " << device
            << "; the tablet deletes its addresses at its next sync\n";
  return 0;
}

int coverage(const Arguments& args, Hub& hub) {
  if (args.option("list").empty()) return usage_error("coverage takes --list NAME");
  const auto text = hub.coverage_csv(args.option("list"));
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

// An online copy of the SQLite hub, taken while it serves; the key file is never in it.
int backup(const Arguments& args, const HubConfig& config) {
  const auto made = soundings::hub::backup_database(config, args.option("output"));
  if (!made) return refused_or_failed(made.error());
  std::cout << soundings::hub::describe(*made);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args = parse_arguments(argc, argv);
  if (args.command == "help" || args.command == "--help" || args.command == "-h") {
    std::cout << kUsage;
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
    return soundings::hub::run_migrate_command(config.data_dir, args.option("to"), std::cout, std::cerr);
  }
  // Only serve and publish start a hub; any other command on a folder (or database) without one is a
  // mistyped --data, which must not make a new, empty hub that answers "nothing here".
  config.create = args.command == "publish";
  if (config.database.empty() && args.command != "publish" &&
      !std::filesystem::exists(std::filesystem::path(config.data_dir) / "hub.sqlite")) {
    std::cerr << "soundings-hub: " << config.data_dir
              << ": no hub here (no hub.sqlite); check --data, or start a hub with `soundings-hub serve` or "
                 "`soundings-hub publish`\n";
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
  if (args.positional.size() != 1) return usage_error("revoke takes one device id");
  const auto revoked = hub.revoke(args.positional[0]);
  if (!revoked) return fail(revoked.error());
  std::cout << "revoked " << args.positional[0] << "; its token is refused from now on\n";
  return 0;
}
