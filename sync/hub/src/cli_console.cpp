// soundings-hub commands for the head-office console: its accounts (`user`) and the audit log (`audit`).
#include <cstdio>
#include <iostream>
#include <string>

#include "cli.h"

namespace soundings::hub::cli {

namespace {

// One line of standard input: a password typed or piped, without its line ending.
std::string read_password() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int user_add(const Arguments& args, Hub& hub) {
  if (args.option("email").empty() || args.option("role").empty()) {
    return usage_error("user add takes --email EMAIL --role admin|officer|viewer (the password on standard input)");
  }
  const std::string password = read_password();
  if (auto added = hub.add_console_user(args.option("email"), args.option("role"), password); !added) {
    if (added.error().code == ErrorCode::Conflict) return bad_input(added.error().message);
    return refused_or_failed(added.error());
  }
  std::cout << "added console account " << args.option("email") << " (" << args.option("role") << ")\n";
  return 0;
}

int user_list(Hub& hub) {
  const auto users = hub.console_users();
  if (!users) return fail(users.error());
  if (users->empty()) {
    std::cout << "no console accounts (add one with soundings-hub user add)\n";
    return 0;
  }
  std::printf("%-40s %-8s %-20s %s\n", "email", "role", "created", "disabled");
  for (const auto& user : *users) {
    std::printf("%-40s %-8s %-20s %s\n", user.email.c_str(), user.role.c_str(), user.created_at.c_str(),
                or_dash(user.disabled_at).c_str());
  }
  return 0;
}

int user_disable(const Arguments& args, Hub& hub) {
  if (args.option("email").empty()) return usage_error("user disable takes --email EMAIL");
  if (auto disabled = hub.disable_console_user(args.option("email")); !disabled) {
    if (disabled.error().code == ErrorCode::NotFound) return bad_input(disabled.error().message);
    return refused_or_failed(disabled.error());
  }
  std::cout << "disabled console account " << args.option("email") << "; its sessions have ended\n";
  return 0;
}

}  // namespace

int user(const Arguments& args, Hub& hub) {
  const std::string what = args.positional.empty() ? "" : args.positional[0];
  if (args.positional.size() != 1) return usage_error("user takes one of add, list, disable");
  if (what == "add") return user_add(args, hub);
  if (what == "list") return user_list(hub);
  if (what == "disable") return user_disable(args, hub);
  return usage_error("user takes one of add, list, disable, not \"" + what + "\"");
}

int audit(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 1 || args.positional[0] != "verify") return usage_error("audit takes verify");
  const auto check = hub.verify_audit();
  if (!check) return fail(check.error());
  if (check->intact) {
    std::cout << "audit log intact: " << check->entries << " entries\n";
    return 0;
  }
  std::cout << "audit log broken at entry " << check->first_bad_seq << ": " << check->problem << " (" << check->entries
            << " entries before it hold)\n";
  return 1;
}

}  // namespace soundings::hub::cli
