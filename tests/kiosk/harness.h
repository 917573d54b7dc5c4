// Headless kiosk for tests: a real ImGui context and font atlas, the real screens and controller, a temporary
// store, a clock that only moves when told, and finger taps fed through io.MousePos / io.MouseDown.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

#include "soundings/clock.h"
#include "soundings/sealing.h"
#include "soundings/store.h"
#include "ui/app_state.h"
#include "ui/controller.h"
#include "ui/focus.h"
#include "ui/store_worker.h"
#include "ui/style.h"
#include "ui/sync_port.h"

namespace soundings::kiosk::testing {

struct HarnessOptions {
  std::vector<std::string> consultation_files;  // default: every file in assets/consultations
  std::string lang_first = "cy";
  bool with_seal_key = true;                   // enrolled: personal questions are asked and sealed
  std::string staff_pin = "4821";              // empty: no PIN set, so the kiosk starts on its setup screen
  float width = 1920, height = 1080;
  bool field = false;                          // --field: an officer's tablet (starts on its sign-in screen)
  std::function<void(Store&)> fill_store;      // runs before the kiosk starts (staff, walk lists...)
  SyncPort* sync = nullptr;                    // the sync thread as the controller sees it; none by default
};

// Today for the tests: every demo consultation is open.
TimePoint test_now();

// The test consultation with a question of every type (tests/kiosk/data/every-type.json), in a window
// `width` by `height`, with the default PIN.
HarnessOptions every_type(float width = 1920, float height = 1080);

class Harness {
 public:
  explicit Harness(HarnessOptions options = {});
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // One frame at the current pointer state.
  void frame();
  // Finger down and up on the named target, then a frame to draw the result. Scrolls with the
  // scroll buttons when the target is out of view. False when it cannot be found.
  bool tap(const std::string& name);
  bool has_target(const std::string& name) const;
  const TapTarget* target(const std::string& name) const;
  std::vector<std::string> target_names() const;
  // Holds a finger at (x, y) for `seconds` of frames, then lifts it.
  void hold(float x, float y, float seconds);
  // Frames until the store worker has nothing left to do (bounded by `max_ms` of real time).
  void settle(int max_ms = 5000);
  // Types `words` on the on-screen keyboard, switching layers and shift as a person would.
  bool type(const std::string& words);
  // A key (or a switch) pressed: its action applied between frames as the program does, then frames
  // until the layout holds still.
  void key(NavKey key);

  // A two-switch user: tap() moves the focus on with Tab until the control has it, then chooses it with
  // Enter, so every walk in the tests can be done without touch.
  bool by_switch = false;
  int switch_presses = 0;  // Tab and Enter presses made by tap() in switch mode

  AppState state;
  ManualTimeSource clock{test_now()};
  std::unique_ptr<Store> store;
  std::filesystem::path dir;
  KeyPair keys;  // the "head office" key pair when with_seal_key
  FrameOutput last;
  std::vector<Action> all_actions;  // every action of every frame, for assertions
  std::unique_ptr<StoreWorker> worker;
  std::unique_ptr<Controller> controller;
  Fonts fonts;
  int frames = 0;
  // Called by the walk helpers (walk.h) after each step they tap, so a test can look at every screen on the way.
  std::function<void()> after_step;

 private:
  bool press_at(float x, float y);
  // Types one letter that is not on the keyboard as it stands: through the accent marks and shift.
  bool type_accented(const std::string& letter);
  bool settle_layout();
  bool focus_and_choose(const std::string& name);
  ImGuiContext* context_ = nullptr;
};

}  // namespace soundings::kiosk::testing
