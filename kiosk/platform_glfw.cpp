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

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "ui/kiosk_frame.h"

namespace soundings::kiosk {

struct Window::Impl {
  WindowOptions options;
  GLFWwindow* window = nullptr;
  Fonts fonts;
  bool glfw_backend = false;
  bool gl_backend = false;
  int windowed[4] = {0, 0, 0, 0};  // x, y, w, h before going full screen

  ~Impl() {
    if (gl_backend) ImGui_ImplOpenGL3_Shutdown();
    if (glfw_backend) ImGui_ImplGlfw_Shutdown();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    if (window) glfwDestroyWindow(window);
    glfwTerminate();
  }

  Status load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    if (gl_backend) ImGui_ImplOpenGL3_DestroyFontsTexture();
    Result<Fonts> built = build_fonts(*io.Fonts, scale);
    if (!built) return built.error();
    fonts = *built;
    apply_imgui_style(ImGui::GetStyle(), scale);
    if (gl_backend) {
      ImGui_ImplOpenGL3_CreateFontsTexture();
      io.Fonts->ClearTexData();  // the texture is on the GPU side now; keep memory low
    }
    return Status::success();
  }

  void follow_window_size() {
    int w = 0, h = 0;
    glfwGetWindowSize(window, &w, &h);
    if (w <= 0 || h <= 0) return;
    float scale = ui_scale_for(static_cast<float>(w), static_cast<float>(h));
    // Between frames only: the atlas must not change after NewFrame.
    if (std::fabs(scale - fonts.scale) > 0.02f) {
      if (Status s = load_fonts(scale); !s) std::fprintf(stderr, "soundings-kiosk: %s\n", s.error().message.c_str());
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
uint64_t draw_data_hash(const ImDrawData* data) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* bytes, size_t n) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  for (int i = 0; i < data->CmdListsCount; ++i) {
    const ImDrawList* list = data->CmdLists[i];
    mix(list->VtxBuffer.Data, static_cast<size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
    mix(list->IdxBuffer.Data, static_cast<size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
  }
  return h;
}

void print_glfw_error(int code, const char* description) {
  std::fprintf(stderr, "soundings-kiosk: GLFW error %d: %s\n", code, description);
}
}  // namespace

Window::Window(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Window::~Window() = default;

Result<std::unique_ptr<Window>> Window::open(const WindowOptions& options) {
  glfwSetErrorCallback(print_glfw_error);
  if (!glfwInit())
    return Error{ErrorCode::Internal, "cannot open a display: set DISPLAY, or run under xvfb-run for screenshots"};
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWmonitor* monitor = nullptr;
  int w = options.width, h = options.height;
  if (options.fullscreen) {
    monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      w = mode->width;
      h = mode->height;
    }
  }
  impl->window = glfwCreateWindow(w, h, "Soundings", monitor, nullptr);
  if (!impl->window) return Error{ErrorCode::Internal, "cannot create an OpenGL 3 window"};
  glfwMakeContextCurrent(impl->window);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk writes nothing into its working folder
  io.LogFilename = nullptr;
  impl->glfw_backend = ImGui_ImplGlfw_InitForOpenGL(impl->window, true);
  impl->gl_backend = ImGui_ImplOpenGL3_Init("#version 130");
  if (!impl->glfw_backend || !impl->gl_backend) return Error{ErrorCode::Internal, "cannot start ImGui's GLFW/OpenGL backends"};
  // Device objects first, so the font texture below is uploaded now and its pixels freed.
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  int ww = 0, wh = 0;
  glfwGetWindowSize(impl->window, &ww, &wh);
  if (Status s = impl->load_fonts(ui_scale_for(static_cast<float>(ww), static_cast<float>(wh))); !s) return s.error();
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
  for (int frame = 0; !glfwWindowShouldClose(im.window); ++frame) {
    if (frames_to_draw <= 0 && !screenshot) {
      std::optional<std::chrono::milliseconds> wait = controller.next_wake();
      // A finger held down (the staff long press) needs time to pass on screen.
      if (io.MouseDown[0]) wait = std::min(wait.value_or(std::chrono::milliseconds(100)), std::chrono::milliseconds(100));
      if (wait) glfwWaitEventsTimeout(static_cast<double>(wait->count()) / 1000.0);
      else glfwWaitEvents();
      frames_to_draw = 2;
    } else {
      glfwPollEvents();
    }
    im.follow_window_size();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    run_kiosk_frame(state, controller, im.fonts, out);
    ImGui::Render();

    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(im.window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    ImVec4 bg = ImGui::ColorConvertU32ToFloat4(palette(state.high_contrast).background);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

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
      uint64_t hash = draw_data_hash(ImGui::GetDrawData());
      stable = (hash == last_hash) ? stable + 1 : 0;
      last_hash = hash;
      if ((stable >= 2 && frame >= 3) || frame >= 120) {
        if (!im.write_png(fb_w, fb_h)) {
          std::fprintf(stderr, "soundings-kiosk: cannot write %s\n", im.options.screenshot.c_str());
          return 1;
        }
        return 0;
      }
    }
    glfwSwapBuffers(im.window);
    if (controller.exit_requested()) break;
  }
  return 0;
}

}  // namespace soundings::kiosk
