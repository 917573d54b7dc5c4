// GLFW + OpenGL 3 for the kiosk: window, fonts texture, an event-driven frame loop that sleeps when nothing
// changes, and PNG screenshots (glReadPixels + stb_image_write).
#include "platform_glfw.h"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "ui/focus.h"
#include "ui/kiosk_frame.h"

namespace soundings::kiosk {

namespace {
// The signal that asked the kiosk to stop (0: none yet): set by StopSignals' thread, read by the frame loop.
std::atomic<int> g_stop_signal{0};
// Whether GLFW is up, so that StopSignals' thread never wakes a library that is still starting or gone.
std::mutex g_glfw_mutex;
bool g_glfw_up = false;

void set_glfw_up(bool up) {
  std::lock_guard lock(g_glfw_mutex);
  g_glfw_up = up;
}
}  // namespace

struct Window::Impl {
  WindowOptions options;
  GLFWwindow* window = nullptr;
  uint64_t input_events = 0;  // pointer, keys, resizes: anything a person did (ImGui chains to these callbacks)
  std::vector<Action> key_actions;  // keys and switches since the last frame, applied before the next
  KeyContext keys;                   // what the keys mean just now (the on-screen keyboard may own some)
  std::vector<float> frame_ms;  // whole frames: events, UI, rendering, swap
  std::vector<float> ui_ms;     // the UI's part: controller, screens, ImGui::Render
  double first_frame_ms = -1;
  double window_ms = 0;  // GLFW, the OpenGL context and ImGui's backends
  double fonts_ms = 0;   // building and uploading the atlas
  uint64_t wakes = 0;
  uint64_t unchanged_frames = 0;  // frames whose picture matched what was on screen: not drawn again
  uint64_t presented_hash = 0;    // the picture on screen now (picture_hash)
  bool damaged = true;            // the window system lost or resized what was on screen: draw regardless
  Fonts fonts;
  std::unique_ptr<ImFontAtlas> atlas;  // outlives the ImGui context that shares it
  bool glfw_backend = false;
  bool gl_backend = false;
  GLuint font_texture = 0;
  int windowed[4] = {0, 0, 0, 0};  // x, y, w, h before going full screen

  ~Impl() {
    if (font_texture != 0) glDeleteTextures(1, &font_texture);
    if (gl_backend) ImGui_ImplOpenGL3_Shutdown();
    if (glfw_backend) ImGui_ImplGlfw_Shutdown();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    if (window) glfwDestroyWindow(window);
    set_glfw_up(false);
    glfwTerminate();
  }

  Status load_fonts(float scale, LargeText large) {
    auto begin = std::chrono::steady_clock::now();
    ImGuiIO& io = ImGui::GetIO();
    Result<Fonts> built = build_fonts(*io.Fonts, scale, large);
    if (!built) return built.error();
    fonts = *built;
    apply_imgui_style(ImGui::GetStyle(), scale);
    upload_font_texture();
    fonts_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    return Status::success();
  }

  // The atlas goes to OpenGL as one byte per pixel (the backend's own upload converts it to four):
  // a swizzle turns the coverage into white with alpha, which is what ImGui's shader expects.
  void upload_font_texture() {
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
    if (font_texture != 0) glDeleteTextures(1, &font_texture);
    GLint previous = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
    glGenTextures(1, &font_texture);
    glBindTexture(GL_TEXTURE_2D, font_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(font_texture)));
    io.Fonts->ClearTexData();  // OpenGL holds the pixels now
  }

  // Rebuilds the atlas when the window's size changes the scale, or the first time someone turns large
  // text on (until then the large sizes are not built: about 1.2 MB of texture at 1080 pixels).
  // Between frames only: the atlas must not change after NewFrame.
  void follow_fonts(bool large_text) {
    int w = 0, h = 0;
    glfwGetWindowSize(window, &w, &h);
    if (w <= 0 || h <= 0) return;
    float scale = ui_scale_for(static_cast<float>(w), static_cast<float>(h));
    bool want_large = fonts.has_large || large_text;
    if (std::fabs(scale - fonts.scale) > 0.02f || want_large != fonts.has_large) {
      if (Status s = load_fonts(scale, want_large ? LargeText::Build : LargeText::Defer); !s)
        std::fprintf(stderr, "soundings-kiosk: %s\n", s.error().message.c_str());
    }
  }

  // Sleeps until input, another thread's news or the controller's next timed change; returns how many frames
  // that needs: a touch two (ImGui sees the press, then draws its effect), anything else one (the loop's
  // settling adds more only if the layout moves).
  int sleep_until_needed(const Controller& controller) {
    std::optional<std::chrono::milliseconds> wait = controller.next_wake();
    // A finger held down (the staff long press) needs time to pass on screen.
    if (ImGui::GetIO().MouseDown[0])
      wait = std::min(wait.value_or(std::chrono::milliseconds(100)), std::chrono::milliseconds(100));
    uint64_t inputs = input_events;
    if (wait) glfwWaitEventsTimeout(static_cast<double>(wait->count()) / 1000.0);
    else glfwWaitEvents();
    ++wakes;
    return input_events != inputs ? 2 : 1;
  }

  // Fills the back buffer with this frame's picture. Called only for a changed picture: a wake-up that
  // changes nothing visible costs the UI's own work, not a full-screen fill by the software renderer.
  void render(ImU32 clear_colour, int fb_w, int fb_h) {
    glViewport(0, 0, fb_w, fb_h);
    ImVec4 bg = ImGui::ColorConvertU32ToFloat4(clear_colour);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  }

  // Timings of a frame that was drawn, for --stats.
  void count_frame(std::chrono::steady_clock::time_point start, std::chrono::steady_clock::time_point ui_end) {
    auto end = std::chrono::steady_clock::now();
    if (first_frame_ms < 0) first_frame_ms = std::chrono::duration<double, std::milli>(end - options.started).count();
    if (options.stats && frame_ms.size() < 1000000) {
      frame_ms.push_back(std::chrono::duration<float, std::milli>(end - start).count());
      ui_ms.push_back(std::chrono::duration<float, std::milli>(ui_end - start).count());
    }
  }

  void write_targets(const AppState& state, const FrameOutput& out, int frame) {
    nlohmann::json doc;
    doc["frame"] = frame;
    doc["screen"] = screen_name(state.screen);
    doc["language"] = state.language;
    doc["keyboard"] = state.keyboard.open;
    doc["idle_warning"] = state.idle_warning;
    doc["high_contrast"] = state.high_contrast;
    doc["large_text"] = state.large_text;
    doc["focus"] = state.focus.visible ? state.focus.name : std::string();
    if (state.screen == Screen::Staff) {
      // What the staff screen shows of the outbox and sync, so tests can read what staff read.
      const StaffView& v = state.staff;
      doc["staff"] = {{"counts_known", v.counts_known}, {"waiting", v.waiting},     {"sent", v.confirmed},
                      {"needs_review", v.needs_review}, {"sync_state", v.sync_state}, {"sync_error", v.sync_error}};
    }
    const FieldState& f = state.field;
    if (state.screen == Screen::FieldDoor && f.list && f.door && *f.door < f.list->doors.size()) {
      // What the door's screen says of its last visit, so tests can read what the officer reads.
      const DoorView& door = f.list->doors[*f.door];
      doc["field"] = {{"door_outcome", door.outcome ? visit_outcome_name(*door.outcome) : ""}};
    }
    nlohmann::json list = nlohmann::json::array();
    for (const TapTarget& t : out.targets)
      list.push_back({{"name", t.name}, {"x", std::lround(t.x0)}, {"y", std::lround(t.y0)},
                      {"w", std::lround(t.x1 - t.x0)}, {"h", std::lround(t.y1 - t.y0)}});
    doc["targets"] = std::move(list);
    std::string text = doc.dump();
    std::string tmp = options.targets_file + ".tmp";
    {
      std::ofstream file(tmp, std::ios::trunc);
      file << text << '\n';
    }
    std::error_code ec;
    std::filesystem::rename(tmp, options.targets_file, ec);
  }

  void print_stats() const {
    std::vector<float> sorted = frame_ms;
    std::sort(sorted.begin(), sorted.end());
    auto at = [&](double q) { return sorted.empty() ? 0.0f : sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1))]; };
    double total = 0;
    for (float ms : sorted) total += ms;
    double ui_total = 0;
    for (float ms : ui_ms) ui_total += ms;
    nlohmann::json doc = {{"first_frame_ms", first_frame_ms},
                          {"ui_ms_mean", ui_ms.empty() ? 0.0 : ui_total / static_cast<double>(ui_ms.size())},
                          {"window_ms", window_ms},
                          {"fonts_ms", fonts_ms},
                          {"frames", sorted.size()},
                          {"wakes", wakes},
                          {"unchanged_frames", unchanged_frames},
                          {"frame_ms_mean", sorted.empty() ? 0.0 : total / static_cast<double>(sorted.size())},
                          {"frame_ms_p50", at(0.5)},
                          {"frame_ms_p95", at(0.95)},
                          {"frame_ms_max", at(1.0)}};
    for (const auto& [name, ms] : options.startup_ms) doc[name] = ms;
    std::fprintf(stderr, "soundings-kiosk stats: %s\n", doc.dump().c_str());
  }

  bool write_png(int width, int height) {
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * static_cast<size_t>(height) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    std::vector<unsigned char> flipped(pixels.size());
    size_t row = static_cast<size_t>(width) * 4;
    for (int y = 0; y < height; ++y) {
      std::copy_n(pixels.data() + static_cast<size_t>(height - 1 - y) * row, row, flipped.data() + static_cast<size_t>(y) * row);
      for (size_t x = 3; x < row; x += 4) flipped[static_cast<size_t>(y) * row + x] = 255;
    }
    return stbi_write_png(options.screenshot.c_str(), width, height, 4, flipped.data(), static_cast<int>(row)) != 0;
  }
};

namespace {
// A fingerprint of a frame's picture: every vertex and index, the clear colour and the framebuffer's size.
// Two frames with the same fingerprint put the same pixels on screen.
uint64_t picture_hash(const ImDrawData* data, ImU32 clear_colour, int fb_w, int fb_h) {
  uint64_t h = 1469598103934665603ull;
  auto mix_word = [&](uint64_t word) { h = (h ^ word) * 1099511628211ull; };
  auto mix = [&](const void* bytes, size_t n) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t word = 0;
      std::memcpy(&word, p + i, 8);
      mix_word(word);
    }
    for (; i < n; ++i) mix_word(p[i]);
  };
  mix_word(clear_colour);
  mix_word((static_cast<uint64_t>(static_cast<uint32_t>(fb_w)) << 32) | static_cast<uint32_t>(fb_h));
  for (int i = 0; i < data->CmdListsCount; ++i) {
    const ImDrawList* list = data->CmdLists[i];
    mix(list->VtxBuffer.Data, static_cast<size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
    mix(list->IdxBuffer.Data, static_cast<size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list->CmdBuffer) mix(&cmd.ClipRect, sizeof(cmd.ClipRect));
  }
  return h;
}

void mark_damaged(GLFWwindow* window) {
  if (auto* impl = static_cast<Window::Impl*>(glfwGetWindowUserPointer(window))) impl->damaged = true;
}

// Counts input so the loop can tell a person's touch from a timer or another thread's wake-up.
void count_input(GLFWwindow* window) {
  if (auto* impl = static_cast<Window::Impl*>(glfwGetWindowUserPointer(window))) impl->input_events++;
}
std::optional<NavKey> nav_key(int key, int mods) {
  switch (key) {
    case GLFW_KEY_TAB: return (mods & GLFW_MOD_SHIFT) ? NavKey::ShiftTab : NavKey::Tab;
    case GLFW_KEY_UP: return NavKey::Up;
    case GLFW_KEY_DOWN: return NavKey::Down;
    case GLFW_KEY_LEFT: return NavKey::Left;
    case GLFW_KEY_RIGHT: return NavKey::Right;
    case GLFW_KEY_ENTER:
    case GLFW_KEY_KP_ENTER: return NavKey::Enter;
    case GLFW_KEY_SPACE: return NavKey::Space;
    default: return std::nullopt;
  }
}

// A keyboard or a two-switch interface (which sends Tab and Enter): the same actions the headless tests send.
void take_key(GLFWwindow* window, int key, int action, int mods) {
  auto* impl = static_cast<Window::Impl*>(glfwGetWindowUserPointer(window));
  if (impl == nullptr) return;
  impl->input_events++;
  if (action == GLFW_RELEASE) return;
  std::optional<NavKey> nav = nav_key(key, mods);
  // A held Enter or Space (or a switch held down) chooses once; held Tab and arrows keep moving.
  if (action == GLFW_REPEAT && nav && (*nav == NavKey::Enter || *nav == NavKey::Space)) return;
  if (nav)
    if (std::optional<Action> a = action_for_key(*nav, impl->keys)) impl->key_actions.push_back(std::move(*a));
}

void install_input_counters(GLFWwindow* window) {
  glfwSetCursorPosCallback(window, [](GLFWwindow* w, double, double) { count_input(w); });
  glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int, int, int) { count_input(w); });
  glfwSetScrollCallback(window, [](GLFWwindow* w, double, double) { count_input(w); });
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int mods) { take_key(w, key, action, mods); });
  glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int) { count_input(w); });
  glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { count_input(w); });
  glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int) { count_input(w); });
  glfwSetWindowSizeCallback(window, [](GLFWwindow* w, int, int) {
    count_input(w);
    mark_damaged(w);
  });
  glfwSetWindowRefreshCallback(window, [](GLFWwindow* w) {
    count_input(w);
    mark_damaged(w);
  });
}

void print_glfw_error(int code, const char* description) {
  std::fprintf(stderr, "soundings-kiosk: GLFW error %d: %s\n", code, description);
}
}  // namespace

StopSignals::StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this, set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (closing_) return;  // the destructor's own wake-up
      if (g_stop_signal.exchange(sig) != 0) {
        // Asked twice: stop now, the default way.
        signal(sig, SIG_DFL);
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
        raise(sig);
        return;
      }
      std::lock_guard lock(g_glfw_mutex);
      if (g_glfw_up) glfwPostEmptyEvent();
    }
  });
}

StopSignals::~StopSignals() {
  closing_ = true;
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
}

Window::Window(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Window::~Window() = default;

Result<std::unique_ptr<Window>> Window::open(const WindowOptions& options) {
  auto begin = std::chrono::steady_clock::now();
  glfwSetErrorCallback(print_glfw_error);
  if (!glfwInit())
    return Error{ErrorCode::Internal, "cannot open a display: set DISPLAY, or run under xvfb-run for screenshots"};
  auto impl = std::make_unique<Impl>();  // from here on, its destructor ends GLFW
  set_glfw_up(true);
  impl->options = options;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // ImGui draws flat triangles in order: no depth or stencil buffer (at 1920x1080 one would be 8 MB).
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  GLFWmonitor* monitor = nullptr;
  int w = options.width, h = options.height;
  if (options.fullscreen) {
    monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      w = mode->width;
      h = mode->height;
    }
  }
  // The fonts rasterise on another core while the window and its OpenGL context come up (no ImGui
  // context exists yet, so nothing else touches ImGui meanwhile).
  auto atlas = std::make_unique<ImFontAtlas>();
  std::future<Result<Fonts>> fonts_built =
      std::async(std::launch::async, [target = atlas.get(), scale = ui_scale_for(static_cast<float>(w), static_cast<float>(h)),
                                      started = std::chrono::steady_clock::now(), ms = &impl->fonts_ms] {
        Result<Fonts> fonts = build_fonts(*target, scale, LargeText::Defer);
        *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        return fonts;
      });
  impl->window = glfwCreateWindow(w, h, "Soundings", monitor, nullptr);
  if (!impl->window) return Error{ErrorCode::Internal, "cannot create an OpenGL 3 window"};
  glfwMakeContextCurrent(impl->window);
  glfwSwapInterval(1);
  glfwSetWindowUserPointer(impl->window, impl.get());
  install_input_counters(impl->window);  // before ImGui's, which call these in turn

  Result<Fonts> built = fonts_built.get();
  if (!built) return built.error();
  IMGUI_CHECKVERSION();
  ImGui::CreateContext(atlas.get());
  impl->atlas = std::move(atlas);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk writes nothing into its working folder
  io.LogFilename = nullptr;
  impl->glfw_backend = ImGui_ImplGlfw_InitForOpenGL(impl->window, true);
  impl->gl_backend = ImGui_ImplOpenGL3_Init("#version 130");
  if (!impl->glfw_backend || !impl->gl_backend) return Error{ErrorCode::Internal, "cannot start ImGui's GLFW/OpenGL backends"};
  {
    // The backend's shaders: it also uploads a font texture, in four bytes per pixel, so let it
    // have a scratch atlas with ImGui's small default font; ours is uploaded below in one byte.
    ImFontAtlas scratch;
    io.Fonts = &scratch;
    ImGui_ImplOpenGL3_CreateDeviceObjects();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    io.Fonts = impl->atlas.get();
  }
  impl->window_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
  impl->fonts = *built;
  apply_imgui_style(ImGui::GetStyle(), impl->fonts.scale);
  impl->upload_font_texture();
  glfwFocusWindow(impl->window);
  return std::unique_ptr<Window>(new Window(std::move(impl)));
}

void Window::wake() { glfwPostEmptyEvent(); }

const Fonts& Window::fonts() const { return impl_->fonts; }

void Window::request_close() { glfwSetWindowShouldClose(impl_->window, GLFW_TRUE); }

void Window::set_fullscreen(bool on) {
  GLFWwindow* window = impl_->window;
  bool now = glfwGetWindowMonitor(window) != nullptr;
  if (on == now) return;
  if (on) {
    int* r = impl_->windowed;
    glfwGetWindowPos(window, &r[0], &r[1]);
    glfwGetWindowSize(window, &r[2], &r[3]);
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (mode) glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    int* r = impl_->windowed;
    glfwSetWindowMonitor(window, nullptr, r[0], r[1], std::max(r[2], 640), std::max(r[3], 480), 0);
  }
}

int Window::run(AppState& state, Controller& controller) {
  Impl& im = *impl_;
  ImGuiIO& io = ImGui::GetIO();
  FrameOutput out;
  const bool screenshot = !im.options.screenshot.empty();
  int frames_to_draw = 3;  // ImGui settles hover and layout over a couple of frames
  uint64_t last_hash = 0;
  int stable = 0;
  std::vector<TapTarget> last_targets;
  int settling = 0;
  constexpr int kMaxSettlingFrames = 10;
  for (int frame = 0; !glfwWindowShouldClose(im.window) && g_stop_signal == 0; ++frame) {
    if (frames_to_draw <= 0 && !screenshot) {
      frames_to_draw = im.sleep_until_needed(controller);
      if (g_stop_signal != 0) break;
    } else {
      glfwPollEvents();
    }
    im.follow_fonts(state.large_text);
    auto frame_start = std::chrono::steady_clock::now();
    for (const Action& a : im.key_actions) controller.input(a);
    im.key_actions.clear();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    run_kiosk_frame(state, controller, im.fonts, out);
    ImGui::Render();
    im.keys = key_context(state);
    auto ui_end = std::chrono::steady_clock::now();

    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(im.window, &fb_w, &fb_h);
    uint64_t picture = picture_hash(ImGui::GetDrawData(), palette(state.high_contrast).background, fb_w, fb_h);
    const bool present = screenshot || im.damaged || picture != im.presented_hash;
    if (present) im.render(palette(state.high_contrast).background, fb_w, fb_h);

    --frames_to_draw;
    if (!out.actions.empty() || out.redraw) frames_to_draw = 2;
    // ImGui learns a new page's size a frame late (scroll limits): keep drawing until the layout
    // holds still, so that what is on screen is where the next tap lands.
    if (out.targets != last_targets && settling < kMaxSettlingFrames) {
      frames_to_draw = std::max(frames_to_draw, 1);
      ++settling;
    } else if (frames_to_draw <= 0) {
      settling = 0;
    }
    last_targets = out.targets;
    // A press and its release can arrive together: ImGui has seen the press, so draw the release now.
    for (int b = 0; b < 3; ++b)
      if (io.MouseDown[b] && glfwGetMouseButton(im.window, b) == GLFW_RELEASE) frames_to_draw = std::max(frames_to_draw, 1);
    if (!im.options.targets_file.empty()) im.write_targets(state, out, frame);

    if (screenshot) {
      stable = (picture == last_hash) ? stable + 1 : 0;
      last_hash = picture;
      if ((stable >= 2 && frame >= 3) || frame >= 120) {
        if (im.first_frame_ms < 0)
          im.first_frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - im.options.started).count();
        if (im.options.stats) im.print_stats();
        if (!im.write_png(fb_w, fb_h)) {
          std::fprintf(stderr, "soundings-kiosk: cannot write %s\n", im.options.screenshot.c_str());
          return 1;
        }
        return 0;
      }
    }
    if (!present) {
      ++im.unchanged_frames;
      if (controller.exit_requested()) break;
      continue;
    }
    glfwSwapBuffers(im.window);
    im.presented_hash = picture;
    im.damaged = false;
    im.count_frame(frame_start, ui_end);
    if (controller.exit_requested()) break;
  }
  if (int sig = g_stop_signal; sig != 0) std::fprintf(stderr, "soundings-kiosk: stopping on SIG%s\n", sigabbrev_np(sig));
  if (im.options.stats) im.print_stats();
  return 0;
}

}  // namespace soundings::kiosk
