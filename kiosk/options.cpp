// Parsing the kiosk's command line and reading its start-up settings from the store.
#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <filesystem>

#include "soundings/device_store.h"
#include "soundings/field_session.h"
#include "soundings/loader.h"
#include "ui/catalogue.h"
#include "ui/staff_pin.h"

namespace soundings::kiosk {

std::string usage_text() {
  return "usage: soundings-kiosk --data DIR [--consultations DIR] [--lang cy|en]\n"
         "                       [--windowed WxH | --fullscreen] [--screenshot FILE]\n"
         "                       [--field] [--idle SECONDS] [--stats] [--tap-targets FILE]\n"
         "                       [--ca-file FILE]   (a council's own CA for its hub, as soundings-sync takes)\n"
         "       soundings-kiosk --data DIR --set-pin        (reads a 4-8 digit staff PIN from standard input)\n";
}

Result<Options> parse_options(int argc, char** argv) {
  Options o;
  auto bad = [](const std::string& message) { return Error{ErrorCode::InvalidInput, message}; };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string& into) -> bool {
      if (i + 1 >= argc) return false;
      into = argv[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--data") {
      if (!value(o.data_dir)) return bad("--data needs a folder");
    } else if (arg == "--consultations") {
      if (!value(o.consultations_dir)) return bad("--consultations needs a folder");
    } else if (arg == "--lang") {
      if (!value(o.lang) || (o.lang != "cy" && o.lang != "en")) return bad("--lang must be cy or en");
    } else if (arg == "--fullscreen") {
      o.fullscreen = true;
    } else if (arg == "--windowed") {
      std::string size;
      if (!value(size)) return bad("--windowed needs a size such as 1280x720");
      int w = 0, h = 0;
      char extra = 0;
      if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 240 || w > 16384 || h > 16384)
        return bad("--windowed " + size + ": expected WIDTHxHEIGHT, at least 320x240");
      o.width = w;
      o.height = h;
      o.fullscreen = false;
    } else if (arg == "--screenshot") {
      if (!value(o.screenshot)) return bad("--screenshot needs a file name");
    } else if (arg == "--tap-targets") {
      if (!value(o.targets_file)) return bad("--tap-targets needs a file name");
    } else if (arg == "--idle") {
      std::string seconds;
      if (!value(seconds)) return bad("--idle needs a number of seconds");
      char* end = nullptr;
      long n = std::strtol(seconds.c_str(), &end, 10);
      if (end == seconds.c_str() || *end != '\0' || n < 3 || n > 3600)
        return bad("--idle " + seconds + ": expected whole seconds from 3 to 3600");
      o.idle_warn_seconds = static_cast<int>(n);
    } else if (arg == "--ca-file") {
      if (!value(o.ca_file)) return bad("--ca-file needs a file");
      if (!std::filesystem::is_regular_file(o.ca_file)) return bad("--ca-file " + o.ca_file + ": no such file");
    } else if (arg == "--stats") {
      o.stats = true;
    } else if (arg == "--set-pin") {
      o.set_pin = true;
    } else if (arg == "--field") {
      o.field = true;
    } else if (arg == "--staff") {
      // Officers sign in on the tablet now, with a PIN from head office: a name on the command line proves nothing.
      return bad("--staff is gone: officers sign in on the tablet's own screen (--field)");
    } else {
      return bad("unknown option " + arg);
    }
  }
  if (o.help) return o;
  if (o.data_dir.empty()) return bad("--data DIR is required");
  return o;
}

Result<KioskConfig> config_from(Store& store, const Options& options) {
  std::optional<Error> failed;
  // A setting that cannot be read stops the start-up: a kiosk must not run as "unenrolled" by mistake.
  const auto read = [&](const char* key, const char* otherwise) {
    auto value = store.setting(key);
    if (!value) {
      if (!failed) failed = value.error();
      return std::string();
    }
    return value->value_or(otherwise);
  };
  KioskConfig config;
  std::string lang = options.lang;
  if (lang.empty()) lang = read(setting::kLangFirst, "cy");
  config.lang_first = (lang == "en") ? "en" : "cy";
  config.device_id = read(setting::kDeviceId, "unenrolled");
  config.venue = read(setting::kVenue, "");
  config.seal_public_key = read(setting::kSealPublicKey, "");
  config.staff_pin_hash = read(setting::kStaffPinHash, "");
  std::string sign_out = read(setting::kFieldSignOutMinutes, "");
  std::string check_in = read(setting::kFieldCheckInMinutes, "");
  if (failed) return *failed;
  config.sign_out_after = minutes_setting(sign_out, kDefaultFieldSignOut);
  config.check_in_every = minutes_setting(check_in, kDefaultFieldCheckIn);
  if (options.idle_warn_seconds > 0) config.idle.warn_after = std::chrono::seconds(options.idle_warn_seconds);
  if (options.field) {
    config.channel = Channel::Field;
    config.field = true;
  }
  return config;
}

Status set_pin_from(Store& store, std::FILE* in) {
  char line[64] = {};
  if (std::fgets(line, sizeof line, in) == nullptr) return Error{ErrorCode::InvalidInput, "no PIN on standard input"};
  std::string pin(line);
  while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.pop_back();
  Result<std::string> hash = hash_pin(pin);
  std::fill(pin.begin(), pin.end(), '\0');
  std::memset(line, 0, sizeof line);
  if (!hash) return hash.error();
  return store.set_setting(setting::kStaffPinHash, *hash);
}

Result<Catalogue> start_catalogue(Store& store, const Options& options) {
  std::vector<CatalogueEntry> refused;
  if (!options.consultations_dir.empty()) {
    // Blocks beside the consultations folder (assets/consultations + assets/blocks), else the default.
    std::string blocks = options.consultations_dir + "/../blocks";
    if (!std::filesystem::is_directory(blocks)) blocks = default_blocks_directory();
    refused = import_consultation_files(store, options.consultations_dir, blocks);
    for (const CatalogueEntry& r : refused)
      for (const std::string& p : r.problems) std::fprintf(stderr, "soundings-kiosk: %s: %s\n", r.source.c_str(), p.c_str());
  }
  Result<Catalogue> catalogue = read_catalogue(store);
  if (!catalogue) return catalogue.error();
  for (CatalogueEntry& r : refused) catalogue->entries.push_back(std::move(r));
  return catalogue;
}

}  // namespace soundings::kiosk
