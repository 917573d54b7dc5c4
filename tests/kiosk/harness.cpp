// The headless kiosk harness: real screens and controller driven by synthetic finger taps.
#include "harness.h"

#include "soundings/device_store.h"

#include <chrono>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>

#include "soundings/loader.h"
#include "soundings/sealing.h"
#include "ui/catalogue.h"
#include "ui/kiosk_frame.h"
#include "ui/staff_pin.h"
#include "must.h"

namespace soundings::kiosk::testing {

namespace {
// Hashing is slow on purpose: each PIN is hashed once for the whole test run.
const std::string& pin_hash_for(const std::string& pin) {
  static std::map<std::string, std::string> hashes;
  auto found = hashes.find(pin);
  if (found != hashes.end()) return found->second;
  auto hash = hash_pin(pin);
  if (!hash) throw std::runtime_error(hash.error().message);
  return hashes.emplace(pin, *hash).first->second;
}
}  // namespace

TimePoint test_now() {
  TimePoint t;
  parse_iso8601_utc("2026-11-20T10:00:00Z", t);
  return t;
}

HarnessOptions every_type(float width, float height) {
  HarnessOptions o;
  o.consultation_files = {std::string(KIOSK_TEST_DATA_DIR) + "/every-type.json"};
  o.width = width;
  o.height = height;
  return o;
}

Harness::Harness(HarnessOptions options) {
  last.geometry.record = true;  // what each frame drew where: for layout checks and for what the screen says
  std::random_device random;
  dir = std::filesystem::temp_directory_path() / ("soundings-kiosk-test-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  auto opened = Store::open((dir / kDeviceStoreFile).string());
  if (!opened) throw std::runtime_error("store: " + opened.error().message);
  store = std::move(*opened);

  // Consultations arrive as they do with --consultations: validated files cached in the store.
  std::filesystem::path files = dir / "consultations";
  std::filesystem::create_directories(files);
  if (options.consultation_files.empty()) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SOUNDINGS_ASSETS_DIR) + "/consultations"))
      options.consultation_files.push_back(entry.path().string());
  }
  for (const std::string& f : options.consultation_files)
    std::filesystem::copy_file(f, files / std::filesystem::path(f).filename());
  std::vector<CatalogueEntry> refused =
      import_consultation_files(*store, files.string(), std::string(SOUNDINGS_ASSETS_DIR) + "/blocks");
  state.catalogue = soundings::testing::must(read_catalogue(*store));
  for (CatalogueEntry& r : refused) state.catalogue.entries.push_back(std::move(r));

  state.config.lang_first = options.lang_first;
  state.config.device_id = "test-device";
  state.config.venue = "Test Library";
  if (options.with_seal_key) {
    keys = make_key_pair();
    state.config.seal_public_key = keys.public_key_b64;
  }
  if (!options.staff_pin.empty()) state.config.staff_pin_hash = pin_hash_for(options.staff_pin);
  if (options.field) {
    state.config.field = true;
    state.config.channel = Channel::Field;
    state.config.utc_offset_minutes = 0;  // the test clock's times are local times
  }
  if (options.fill_store) options.fill_store(*store);

  context_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.DisplaySize = ImVec2(options.width, options.height);
  io.DeltaTime = 1.0f / 60.0f;
  auto built = build_fonts(*io.Fonts, ui_scale_for(options.width, options.height));
  if (!built) throw std::runtime_error(built.error().message);
  fonts = *built;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);  // a renderer would upload this; headless, nobody does
  apply_imgui_style(ImGui::GetStyle(), fonts.scale);

  worker = std::make_unique<StoreWorker>(*store, nullptr);
  controller = std::make_unique<Controller>(state, clock, worker.get(), options.sync);
  frame();
  frame();
}

Harness::~Harness() {
  controller.reset();
  worker.reset();
  ImGui::DestroyContext(context_);
  store.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void Harness::frame() {
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = 1.0f / 60.0f;
  ImGui::NewFrame();
  run_kiosk_frame(state, *controller, fonts, last);
  ImGui::Render();
  all_actions.insert(all_actions.end(), last.actions.begin(), last.actions.end());
  ++frames;
}

const TapTarget* Harness::target(const std::string& name) const {
  for (const TapTarget& t : last.targets)
    if (t.name == name) return &t;
  return nullptr;
}

bool Harness::has_target(const std::string& name) const { return target(name) != nullptr; }

std::vector<std::string> Harness::target_names() const {
  std::vector<std::string> names;
  for (const TapTarget& t : last.targets) names.push_back(t.name);
  return names;
}

bool Harness::press_at(float x, float y) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(x, y);
  io.MouseDown[0] = false;
  frame();
  io.MouseDown[0] = true;
  frame();
  io.MouseDown[0] = false;
  frame();  // the tap: its actions apply after this frame
  return settle_layout();
}

// Draw until the layout holds still (scroll limits follow new content a frame late), as the program does.
bool Harness::settle_layout() {
  std::vector<TapTarget> before;
  for (int i = 0; i < 10 && (i < 2 || last.targets != before || last.redraw); ++i) {
    before = last.targets;
    frame();
  }
  return true;
}

void Harness::key(NavKey k) {
  if (std::optional<Action> a = action_for_key(k, key_context(state))) controller->input(*a);
  frame();  // an Enter is seen by the focused control here; its actions apply after this frame
  settle_layout();
}

bool Harness::focus_and_choose(const std::string& name) {
  // Once round the whole focus order at most (plus the first press, which only shows the ring).
  size_t limit = last.focusables.size() + 2;
  for (size_t i = 0; i <= limit; ++i) {
    if (state.focus.visible && state.focus.name == name) {
      key(NavKey::Enter);
      ++switch_presses;
      return true;
    }
    key(NavKey::Tab);
    ++switch_presses;
  }
  return false;
}

bool Harness::tap(const std::string& name) {
  if (by_switch) return focus_and_choose(name);
  for (int attempt = 0; attempt < 40; ++attempt) {
    if (const TapTarget* t = target(name)) {
      // Tap inside, away from the clipped edge.
      return press_at((t->x0 + t->x1) * 0.5f, (t->y0 + t->y1) * 0.5f);
    }
    const TapTarget* down = target("scroll_down");
    if (!down) break;
    press_at((down->x0 + down->x1) * 0.5f, (down->y0 + down->y1) * 0.5f);
  }
  // Maybe it is above: scroll back up and look again.
  for (int attempt = 0; attempt < 40; ++attempt) {
    if (const TapTarget* t = target(name)) return press_at((t->x0 + t->x1) * 0.5f, (t->y0 + t->y1) * 0.5f);
    const TapTarget* up = target("scroll_up");
    if (!up) break;
    press_at((up->x0 + up->x1) * 0.5f, (up->y0 + up->y1) * 0.5f);
  }
  return false;
}

void Harness::hold(float x, float y, float seconds) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(x, y);
  io.MouseDown[0] = true;
  int count = static_cast<int>(seconds * 60.0f) + 2;
  for (int i = 0; i < count; ++i) frame();
  io.MouseDown[0] = false;
  frame();
  frame();
}

void Harness::settle(int max_ms) {
  // A finished job may queue another (a right PIN asks for counts): wait until a frame leaves nothing queued.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  do {
    while (worker->busy() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    frame();
  } while (worker->busy() && std::chrono::steady_clock::now() < until);
  frame();
}

bool Harness::type(const std::string& words) {
  auto is_ascii_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  size_t i = 0;
  while (i < words.size()) {
    if (!state.keyboard.open) return false;
    unsigned char c = static_cast<unsigned char>(words[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    std::string ch = words.substr(i, len);
    i += len;
    if (ch == " ") {
      if (!tap("key:space")) return false;
      continue;
    }
    if (ch.size() == 1 && is_ascii_letter(ch[0])) {
      if (state.keyboard.layer != KeyboardLayer::Letters && !tap("key:layer:letters")) return false;
      bool upper = ch[0] >= 'A' && ch[0] <= 'Z';
      if (upper != state.keyboard.shift && !tap("key:shift")) return false;
      if (!tap("key:" + ch)) return false;
      continue;
    }
    if (has_target("key:" + ch)) {  // on this layer (Welsh letters, @ and . on the email row...)
      if (!tap("key:" + ch)) return false;
      continue;
    }
    if (ch.size() > 1 && type_accented(ch)) continue;
    // Digits and punctuation live on the numbers layer, the rest on symbols.
    if (state.keyboard.layer == KeyboardLayer::Letters) tap("key:layer:numbers");
    if (!has_target("key:" + ch) && state.keyboard.layer == KeyboardLayer::Numbers) tap("key:layer:symbols");
    if (!tap("key:" + ch)) return false;
  }
  return true;
}

bool Harness::type_accented(const std::string& letter) {
  // Accented letters are on every layer; shift is on the letters layer.
  if (state.keyboard.layer != KeyboardLayer::Letters && !tap("key:layer:letters")) return false;
  for (int shifted = 0; shifted < 2; ++shifted) {
    for (const char* accent : {"circumflex", "acute", "grave", "diaeresis"}) {
      if (!tap(std::string("key:accent:") + accent)) return false;
      if (has_target("key:" + letter)) return tap("key:" + letter);
    }
    if (!tap("key:shift")) return false;
  }
  return false;
}

}  // namespace soundings::kiosk::testing
