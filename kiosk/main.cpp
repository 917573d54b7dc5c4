// soundings-kiosk: parses the command line, opens the store, loads consultations and wires the window to the UI.
#include <cstdio>
#include <filesystem>

#include "options.h"
#include "platform_glfw.h"
#include "soundings/loader.h"
#include "soundings/store.h"
#include "sync_link.h"
#include "ui/catalogue.h"
#include "ui/controller.h"
#include "ui/store_worker.h"

using namespace soundings;
using namespace soundings::kiosk;

static int fail(const std::string& message) {
  std::fprintf(stderr, "soundings-kiosk: %s\n", message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  Result<Options> parsed = parse_options(argc, argv);
  if (!parsed) return fail(parsed.error().message + "\n" + usage_text());
  const Options& options = *parsed;
  if (options.help) return std::printf("%s", usage_text().c_str()), 0;

  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  Result<std::unique_ptr<Store>> opened = Store::open(store_path(options));
  if (!opened) return fail(store_path(options) + ": " + opened.error().message);
  Store& store = **opened;
  if (options.set_pin) {
    if (Status s = set_pin_from(store, stdin); !s) return fail(s.error().message);
    return std::printf("staff PIN set\n"), 0;
  }

  AppState state;
  state.config = config_from(store, options);
  std::vector<CatalogueEntry> refused;
  if (!options.consultations_dir.empty()) {
    std::string blocks = options.consultations_dir + "/../blocks";
    if (!std::filesystem::is_directory(blocks)) blocks = default_blocks_directory();
    refused = import_consultation_files(store, options.consultations_dir, blocks);
    for (const CatalogueEntry& r : refused)
      for (const std::string& p : r.problems) std::fprintf(stderr, "soundings-kiosk: %s: %s\n", r.source.c_str(), p.c_str());
  }
  state.catalogue = read_catalogue(store);
  for (CatalogueEntry& r : refused) state.catalogue.entries.push_back(std::move(r));

  WindowOptions window_options{options.width, options.height, options.fullscreen, options.screenshot, options.targets_file};
  Result<std::unique_ptr<Window>> window = Window::open(window_options);
  if (!window) return fail(window.error().message);

  SystemTimeSource clock;
  StoreWorker worker(store, &Window::wake);
  std::unique_ptr<SyncPort> sync = start_sync_link(store, &Window::wake);
  PlatformHooks hooks{[&](bool on) { (*window)->set_fullscreen(on); }, [&] { (*window)->request_close(); }};
  Controller controller(state, clock, &worker, sync.get(), hooks);
  controller.set_fullscreen_state(options.fullscreen);
  return (*window)->run(state, controller);
}
