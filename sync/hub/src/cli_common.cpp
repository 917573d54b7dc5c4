// The soundings-hub program's shared helpers: the usage text, exit codes for bad usage and failures, reports.
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli.h"

namespace soundings::hub::cli {

namespace {

constexpr const char* kUsage = R"(usage:
  soundings-hub serve      --data DIR --listen HOST:PORT [--tls-cert FILE --tls-key FILE]
                           [--threads N] [--max-body-bytes N] [--database-connections N]
                           [--public-url URL] [--console-idle-minutes N]   (the console at /: see README)
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
  soundings-hub user add     --data DIR --email EMAIL --role admin|officer|viewer   (password on standard input,
                            at least 12 characters)
  soundings-hub user list    --data DIR
  soundings-hub user disable --data DIR --email EMAIL   (its console sessions end at once)
  soundings-hub audit verify --data DIR   (walks the audit log's hash chain; exit 1 if it is broken)
  soundings-hub backup     --data DIR --output FILE   (SQLite; the key file is not in it: keep it safe apart)
  soundings-hub migrate    --data DIR [--to postgresql://...]  (into an empty database; checked; without
                           --to, into SOUNDINGS_DATABASE)

Every command but migrate also takes --database postgresql://... to keep the hub's data in PostgreSQL rather than
DIR/hub.sqlite (or reads it from the SOUNDINGS_DATABASE environment variable, which keeps a password out
of the process list); DIR still holds the hub's key file.
)";

}  // namespace

const char* usage_text() { return kUsage; }

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

int usage_error(const std::string& message) {
  std::cerr << "soundings-hub: " << message << "\n" << kUsage;
  return 2;
}

int bad_input(const std::string& message) {
  std::cerr << "soundings-hub: " << message << "\n";
  return 2;
}

int fail(const Error& error) {
  std::cerr << "soundings-hub: " << error.message << "\n";
  return 1;
}

int refused_or_failed(const Error& error) {
  return error.code == ErrorCode::InvalidInput ? bad_input(error.message) : fail(error);
}

bool parse_count(const std::string& text, long long minimum, long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(text.c_str(), &end, 10);
  return !text.empty() && *end == '\0' && errno == 0 && out >= minimum;
}

int write_output(const Arguments& args, const std::string& text) {
  const std::string output = args.option("output");
  if (output.empty()) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    return std::cout.good() ? 0 : 1;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.good()) return fail({ErrorCode::Storage, output + ": could not be written"});
  return 0;
}

}  // namespace soundings::hub::cli
