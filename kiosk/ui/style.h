// Fonts, colours and sizes for a touchscreen: scaled from the window, a high-contrast theme, large text.
#pragma once

#include <imgui.h>

#include <string>

#include "soundings/result.h"

namespace soundings::kiosk {

struct FontSet {
  ImFont* body = nullptr;
  ImFont* bold = nullptr;     // body size, bold: card titles, answers on the review screen
  ImFont* heading = nullptr;
  ImFont* display = nullptr;  // the attract screen's welcome
};

struct Fonts {
  FontSet normal;
  FontSet large;  // A3: twice the normal size; the normal set until has_large
  bool has_large = false;
  float scale = 1.0f;
};

// Whether build_fonts adds the large-text sizes now, or leaves them until someone turns large text on.
enum class LargeText { Build, Defer };

// Design units are pixels on a 1080-pixel-high screen; smaller and larger screens scale.
float ui_scale_for(float width, float height);

// Adds DejaVu Sans (regular and bold, Latin Extended-A for ŵ and ŷ) to `atlas` at sizes for
// `scale`, normal and (unless deferred) large, and builds it. Must run before the first NewFrame, or
// between frames. The atlas keeps no copy of the font files afterwards.
Result<Fonts> build_fonts(ImFontAtlas& atlas, float scale, LargeText large = LargeText::Build,
                          const std::string& font_dir = SOUNDINGS_KIOSK_FONT_DIR);

// The characters the atlas holds (Basic Latin, Latin-1, Latin Extended-A, Welsh ẁẃẅỳ, punctuation).
const ImWchar* kiosk_glyph_ranges();

struct Palette {
  ImU32 background, surface, text, muted, border, primary, on_primary, selected, on_selected, tick, error, warning_bg,
      warning_text, dim, focus, focus_ring, focus_edge;  // focus_ring/edge: the keyboard focus ring's two bands
};
// Normal: dark text on light; high contrast (A2): white and yellow on black. Text pairs meet 4.5:1.
Palette palette(bool high_contrast);

// ImGui's own style for the kiosk (no window padding or borders; the screens draw their own).
void apply_imgui_style(ImGuiStyle& style, float scale);

}  // namespace soundings::kiosk
