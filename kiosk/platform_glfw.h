// The one part of the kiosk that owns GLFW and OpenGL: the window, the event-driven frame loop, screenshots.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "soundings/result.h"
#include "ui/app_state.h"
#include "ui/controller.h"
#include "ui/style.h"

namespace soundings::kiosk {

struct WindowOptions {
  int width = 1920;
  int height = 1080;
  bool fullscreen = false;
  std::string screenshot;    // non-empty: draw until stable, write this PNG, return
  std::string targets_file;  // non-empty: write the tap targets and the screen after each frame
  bool stats = false;        // print frame timings as one JSON line on standard error at exit
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // for "first frame after"
  std::vector<std::pair<std::string, double>> startup_ms;  // the caller's start-up phases, for --stats
};

// From construction on, SIGINT and SIGTERM end Window::run the way the staff exit does, so that main
// returns normally: the store worker finishes any save it has been given and the process exits 0. A
// second signal ends the process at once. Construct it before any thread starts: it blocks both
// signals for the threads started after it and waits for them on a thread of its own (nothing runs
// inside a signal handler).
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  std::atomic<bool> closing_{false};
  std::thread watcher_;
};

class Window {
 public:
  // Opens the window, the OpenGL context and ImGui, and builds the fonts before any frame.
  static Result<std::unique_ptr<Window>> open(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // Safe from any thread: makes the frame loop draw soon (worker and sync completions).
  static void wake();

  void set_fullscreen(bool on);
  void request_close();
  const Fonts& fonts() const;

  // Runs until the window closes or the controller asks to exit; 0 on success.
  int run(AppState& state, Controller& controller);

  struct Impl;  // defined in platform_glfw.cpp only

 private:
  explicit Window(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace soundings::kiosk
