// Font atlas building, colour themes and ImGui style for the kiosk.
#include "ui/style.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

namespace soundings::kiosk {

namespace {
// Basic Latin + Latin-1 (â ê î ô û ä ë ï ö ü ÿ), Latin Extended-A (ŵ ŷ Ÿ), the Welsh forms
// in Latin Extended Additional (ẁ ẃ ẅ ỳ), dashes, quotes, bullet, ellipsis, euro, and the keyboard's
// cursor, shift and erase arrows.
// The welcome and status titles (display size) come only from the kiosk's own strings.
const ImWchar kDisplayRanges[] = {0x0020, 0x00FF, 0x0174, 0x0178, 0x2013, 0x2014, 0x2018, 0x2019, 0x2026, 0x2026, 0};

const ImWchar kRanges[] = {
    0x0020, 0x00FF, 0x0100, 0x017F, 0x1E80, 0x1E85, 0x1EF2, 0x1EF3,
    0x2013, 0x2014, 0x2018, 0x201E, 0x2022, 0x2022, 0x2026, 0x2026, 0x20AC, 0x20AC,
    0x2190, 0x2190, 0x2192, 0x2192, 0x21E7, 0x21E7, 0x232B, 0x232B, 0,
};

constexpr float kBody = 34.0f;
constexpr float kHeading = 46.0f;
constexpr float kDisplay = 66.0f;
constexpr float kLarge = 2.0f;  // A3: text up to 200%

ImU32 rgb(int r, int g, int b, int a = 255) { return IM_COL32(r, g, b, a); }
}  // namespace

const ImWchar* kiosk_glyph_ranges() { return kRanges; }

float ui_scale_for(float width, float height) {
  float s = std::min(width, height) / 1080.0f;
  return std::clamp(s, 0.5f, 3.0f);
}

Result<Fonts> build_fonts(ImFontAtlas& atlas, float scale, LargeText large, const std::string& font_dir) {
  // Each file is read once and shared by every size cut from it (ImGui's AddFontFromFileTTF would read
  // it once per size and keep every copy for the atlas's life: 7 x ~0.7 MB).
  std::vector<unsigned char> regular, bold;
  for (auto [name, bytes] : {std::pair{"DejaVuSans.ttf", &regular}, std::pair{"DejaVuSans-Bold.ttf", &bold}}) {
    std::string file = font_dir + "/" + name;
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{ErrorCode::NotFound, file + ": font not found (install fonts-dejavu-core)"};
    bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (bytes->empty()) return Error{ErrorCode::Corrupt, file + ": empty font file"};
  }

  atlas.Clear();
  // The texture is exactly as tall as the glyphs need, not rounded up to a power of two (which
  // nearly doubled it).
  atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  ImFontConfig config;
  // Big glyphs need no horizontal oversampling; it would triple the atlas.
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  auto add = [&](std::vector<unsigned char>& ttf, float size, const ImWchar* ranges = kRanges) {
    // ImGui 1.86 copies a buffer it does not own, so it is handed ours as owned (no copy) and then
    // told it does not own it after all, so that it never frees it.
    ImFont* font = atlas.AddFontFromMemoryTTF(ttf.data(), static_cast<int>(ttf.size()), std::round(size * scale), &config, ranges);
    atlas.ConfigData.back().FontDataOwnedByAtlas = false;
    return font;
  };
  Fonts fonts;
  fonts.scale = scale;
  fonts.normal.body = add(regular, kBody);
  fonts.normal.bold = add(bold, kBody);
  fonts.normal.heading = add(bold, kHeading);
  fonts.normal.display = add(bold, kDisplay, kDisplayRanges);
  fonts.has_large = large == LargeText::Build;
  if (fonts.has_large) {
    fonts.large.body = add(regular, kBody * kLarge);
    fonts.large.bold = add(bold, kBody * kLarge);
    fonts.large.heading = add(bold, kHeading * kLarge);
    // The display size would be 132: the heading, already three times the normal display's area, serves.
    fonts.large.display = fonts.large.heading;
  } else {
    fonts.large = fonts.normal;
  }
  bool built = atlas.Build();
  // The glyphs are in the atlas now; drop its pointers into the file buffers, which go at return.
  atlas.ClearInputData();
  if (!built) return Error{ErrorCode::Corrupt, font_dir + ": the DejaVu fonts could not be read into the atlas"};
  return fonts;
}

Palette palette(bool high_contrast) {
  Palette p{};
  if (high_contrast) {
    p.background = rgb(0, 0, 0);
    p.surface = rgb(0, 0, 0);
    p.text = rgb(255, 255, 255);
    p.muted = rgb(255, 255, 255);
    p.border = rgb(255, 230, 0);
    p.primary = rgb(255, 230, 0);
    p.on_primary = rgb(0, 0, 0);
    p.selected = rgb(255, 230, 0);
    p.on_selected = rgb(0, 0, 0);
    p.tick = rgb(255, 230, 0);
    p.error = rgb(255, 150, 150);
    p.warning_bg = rgb(0, 0, 0);
    p.warning_text = rgb(255, 230, 0);
    p.dim = rgb(0, 0, 0, 220);
    p.focus = rgb(0, 255, 255);
    p.focus_ring = rgb(0, 255, 255);  // 16:1 on black; the edge keeps it apart from yellow controls
    p.focus_edge = rgb(255, 255, 255);
  } else {
    p.background = rgb(244, 242, 236);
    p.surface = rgb(255, 255, 255);
    p.text = rgb(26, 26, 26);
    p.muted = rgb(72, 72, 72);
    p.border = rgb(96, 96, 96);
    p.primary = rgb(0, 84, 107);
    p.on_primary = rgb(255, 255, 255);
    p.selected = rgb(218, 237, 242);
    p.on_selected = rgb(26, 26, 26);
    p.tick = rgb(0, 84, 107);
    p.error = rgb(164, 0, 15);
    p.warning_bg = rgb(255, 236, 179);
    p.warning_text = rgb(26, 26, 26);
    p.dim = rgb(0, 0, 0, 150);
    p.focus = rgb(0, 84, 107);
    p.focus_ring = rgb(255, 221, 0);  // the GOV.UK focus yellow, edged in near-black (16:1 on the background)
    p.focus_edge = rgb(11, 12, 12);
  }
  return p;
}

void apply_imgui_style(ImGuiStyle& style, float scale) {
  style = ImGuiStyle();
  style.WindowPadding = ImVec2(0, 0);
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 0;
  style.WindowRounding = 0;
  style.ItemSpacing = ImVec2(16 * scale, 16 * scale);
  style.ScrollbarSize = 0;
  style.TouchExtraPadding = ImVec2(0, 0);
}

}  // namespace soundings::kiosk
