// The soundings-hub program's commands: parsed arguments, the helpers every command uses, and the
// commands of each family (cli_head_office.cpp, cli_field.cpp); main.cpp parses and dispatches.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "soundings/hub.h"

namespace soundings::hub::cli {

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

// The usage text (`soundings-hub help`).
const char* usage_text();
// Bad usage: the message and the usage text on stderr; exit 2.
int usage_error(const std::string& message);
// Input that breaks a rule (a short PIN, a bad id): exit 2 like bad usage, without the whole usage text.
int bad_input(const std::string& message);
// A failure: the error's message on stderr; exit 1.
int fail(const Error& error);
// A refusal (bad input, a conflict) exits 2, anything else 1.
int refused_or_failed(const Error& error);
// A whole number of at least `minimum`.
bool parse_count(const std::string& text, long long minimum, long long& out);
// "-" for an empty field in a listing.
std::string or_dash(const std::string& text);
// Writes a report to --output FILE, or to standard output without one.
int write_output(const Arguments& args, const std::string& text);

// Head office (cli_head_office.cpp).
int publish(const Arguments& args, Hub& hub);
int feedback(const Arguments& args, Hub& hub);
int enrol_code(const Arguments& args, Hub& hub);
int devices(Hub& hub);
int status(Hub& hub);
int quarantine(const Arguments& args, Hub& hub);
int export_responses(const Arguments& args, Hub& hub);
int reach(const Arguments& args, Hub& hub);
int revoke(const Arguments& args, Hub& hub);
int backup(const Arguments& args, const HubConfig& config);

// Field work (cli_field.cpp).
int visits(const Arguments& args, Hub& hub);
int field(const Arguments& args, Hub& hub);
int staff(const Arguments& args, Hub& hub);
int walklist(const Arguments& args, Hub& hub);
int coverage(const Arguments& args, Hub& hub);

// Console accounts and the audit log (cli_console.cpp).
int user(const Arguments& args, Hub& hub);
int audit(const Arguments& args, Hub& hub);

}  // namespace soundings::hub::cli
