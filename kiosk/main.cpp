// soundings-kiosk: parses the command line, opens the store, loads consultations and wires the window to the UI.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "alsa_output.h"
#include "options.h"
#include "platform_glfw.h"
#include "soundings/device_store.h"
#include "soundings/store.h"
#include "speaker.h"
#include "sync_link.h"
#include "ui/controller.h"
#include "ui/store_worker.h"

using namespace soundings;
using namespace soundings::kiosk;

static double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

static int fail(const std::string& message) {
  std::fprintf(stderr, "soundings-kiosk: %s\n", message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  const auto started = std::chrono::steady_clock::now();
  Result<Options> parsed = parse_options(argc, argv);
  if (!parsed) return fail(parsed.error().message + "\n" + usage_text());
  const Options& options = *parsed;
  if (options.help) return std::printf("%s", usage_text().c_str()), 0;

  Result<std::unique_ptr<Store>> opened = open_device_store(options.data_dir);
  if (!opened) return fail(opened.error().message);
  Store& store = **opened;
  if (options.set_pin) {
    if (Status s = set_pin_from(store, stdin); !s) return fail(s.error().message);
    return std::printf("staff PIN set\n"), 0;
  }
  StopSignals stop_signals;  // before the first thread starts

  AppState state;
  Result<KioskConfig> config = config_from(store, options);
  if (!config) return fail(store.path() + ": " + config.error().message);
  state.config = std::move(*config);
  if (state.config.device_id == "unenrolled") {
    // A mistyped --data makes a new, empty store: say which file, so that staff notice.
    std::fprintf(stderr,
                 "soundings-kiosk: %s is not enrolled with head office, so nothing will be sent or received "
                 "(enrol it with soundings-sync --data %s --enrol URL CODE, or check --data)\n",
                 store.path().c_str(), options.data_dir.c_str());
  }
  Result<Catalogue> catalogue = start_catalogue(store, options);
  if (!catalogue) return fail(store.path() + ": " + catalogue.error().message);
  state.catalogue = std::move(*catalogue);
  const auto catalogue_ready = std::chrono::steady_clock::now();

  WindowOptions window_options;
  window_options.width = options.width;
  window_options.height = options.height;
  window_options.fullscreen = options.fullscreen;
  window_options.screenshot = options.screenshot;
  window_options.targets_file = options.targets_file;
  window_options.stats = options.stats;
  window_options.started = started;
  window_options.startup_ms = {{"store_and_catalogue_ms", ms_between(started, catalogue_ready)}};
  Result<std::unique_ptr<Window>> window = Window::open(window_options);
  if (!window) return fail(window.error().message);

  SystemTimeSource clock;
  StoreWorker worker(store, &Window::wake);
  std::unique_ptr<SyncPort> sync = start_sync_link(store, SyncLinkOptions{options.ca_file}, &Window::wake);
  PlatformHooks hooks{[&](bool on) { (*window)->set_fullscreen(on); }, [&] { (*window)->request_close(); }};
  Controller controller(state, clock, &worker, sync.get(), hooks);
  controller.set_fullscreen_state(options.fullscreen);
  Speaker speaker([] { return std::make_unique<AlsaOutput>(); }, &Window::wake);
  controller.set_speech(&speaker);
  return (*window)->run(state, controller);
}
