// The kiosk's command line, and the start-up settings it reads from the device's store.
#pragma once

#include <string>

#include "soundings/result.h"
#include "soundings/store.h"
#include "ui/app_state.h"

namespace soundings::kiosk {

struct Options {
  std::string data_dir;            // --data: holds device.sqlite (soundings/device_store.h)
  std::string consultations_dir;   // --consultations: definitions to load into the store
  std::string lang;                // --lang cy|en: read first (else the store's "lang_first", else cy)
  bool fullscreen = false;
  int width = 1920;
  int height = 1080;
  std::string screenshot;          // --screenshot FILE: draw the first screen, write a PNG, exit
  std::string targets_file;        // --tap-targets FILE: where things can be tapped, for automated tests
  bool set_pin = false;            // --set-pin: read a PIN from standard input, store its hash, exit
  bool field = false;              // --field: an outreach officer's tablet (sign-in, walk lists, door log)
  std::string ca_file;             // --ca-file: the council's CA for the hub's certificate (else the system's)
  int idle_warn_seconds = 0;       // --idle SECONDS: inactivity before "Are you still there?" (0: the default)
  bool stats = false;              // --stats: frame timings on standard error at exit
  bool help = false;
};

Result<Options> parse_options(int argc, char** argv);
std::string usage_text();

// Start-up settings: language order, device id, venue, sealing key, staff PIN hash, field mode.
[[nodiscard]] Result<KioskConfig> config_from(Store& store, const Options& options);
// --set-pin: reads one line from `in`, checks it is 4-8 digits, stores the hash.
Status set_pin_from(Store& store, std::FILE* in);

// --consultations: validated files cached in the store (refusals printed and kept for staff), then
// everything the store holds, loaded.
[[nodiscard]] Result<Catalogue> start_catalogue(Store& store, const Options& options);

}  // namespace soundings::kiosk
