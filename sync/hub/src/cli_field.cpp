// soundings-hub commands for field work: the door log, lone working, staff accounts, walk lists and coverage.
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <optional>

#include "cli.h"
#include "soundings/lone_working.h"

namespace soundings::hub::cli {

namespace {

// Exit status when an officer is overdue, so that a scheduled job can raise the alarm.
constexpr int kExitOfficerOverdue = 3;

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

}  // namespace

// The door log: personal data (addresses, notes), for staff who plan or supervise field work.
int visits(const Arguments& args, Hub& hub) {
  const std::string format = args.option("format").empty() ? "csv" : args.option("format");
  const auto text = hub.export_visits(args.option("list"), format);
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

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

int staff(const Arguments& args, Hub& hub) {
  const std::string action = args.positional.empty() ? "" : args.positional[0];
  if (action == "add") return staff_add(args, hub);
  if (action == "list") return staff_list(hub);
  if (action == "disable") return staff_disable(args, hub);
  return usage_error("staff takes add, list or disable, not \"" + action + "\"");
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

}  // namespace soundings::hub::cli
