// Finger-sized drawing helpers shared by the screens: buttons, option rows with ticks, text, fields.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ui/actions.h"
#include "ui/app_state.h"
#include "soundings/ui_text.h"
#include "ui/style.h"

namespace soundings::kiosk {

// What a draw function needs: the state to read, where to put actions, fonts, colours, scale.
struct Ui {
  const AppState& state;
  FrameOutput& out;
  const FontSet& fonts;
  Palette pal;
  float s = 1.0f;  // pixels per design unit

  std::string t(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values = {}) const;
  // The bilingual screens: the text in the read-first language, and in the other one.
  std::string first(std::string_view key) const;
  std::string second(std::string_view key) const;
  const std::string& lang_first() const { return state.config.lang_first; }
  std::string lang_second() const { return state.config.lang_first == "cy" ? "en" : "cy"; }

  void push(Action action) { out.actions.push_back(std::move(action)); }
  float touch() const { return 96.0f * s; }  // minimum height of anything tappable
  float pad() const { return 24.0f * s; }
  float gap() const { return 16.0f * s; }
};

enum class Tone { Primary, Secondary, Quiet, Warning, Focus };  // Focus: the part being edited
enum class Mark { None, Radio, Check };

// True when a finger lifted on it (not at the end of a scroll drag). Records a tap target.
bool button(Ui& ui, const std::string& name, const std::string& label, ImVec2 size, Tone tone = Tone::Secondary,
            bool selected = false);
// A full-width answer row: a radio or tick box then the label; selection shown by a tick, not colour alone.
// `badge` (e.g. a rank number) replaces the mark when not empty.
bool option_row(Ui& ui, const std::string& name, const std::string& label, bool selected, Mark mark, float width,
                const std::string& badge = {});
// A text field that opens the on-screen keyboard when tapped. While `focused` it shows the keyboard's cursor,
// and a tap in it places the cursor there. `value` may be the field's text from byte `window_start` on, after
// an ellipsis (a long answer shown in part).
bool text_field(Ui& ui, const std::string& name, const std::string& value, bool focused, float width,
                bool multiline = false, size_t window_start = 0);

void draw_tick(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 colour, float thickness);
void draw_warning_sign(ImDrawList* draw, ImVec2 min, float size, ImU32 colour);

// How `words` sits in `width`: broken into lines only at spaces, after hyphens and at newlines. When one word
// is wider than `width` the whole block is set smaller (`size`) rather than the word cut. `width` <= 0: no wrapping.
struct TextLayout {
  float size = 0;                                 // font size to draw at
  std::vector<std::pair<size_t, size_t>> lines;   // [begin, end) of each line in the words
  ImVec2 extent;                                  // width of the widest line, height of all lines
};
TextLayout lay_out_text(ImFont* font, std::string_view words, float width);
enum class Align { Left, Centre };
// Draws `words` as lay_out_text sets them at `pos`, and records the lines for layout tests. A label passes
// the box that must hold it (its button). Returns the size drawn.
ImVec2 draw_text_at(Ui& ui, ImFont* font, ImVec2 pos, ImU32 colour, std::string_view words, float width,
                    Align align = Align::Left, const Box* container = nullptr);
// `words` on one line of `width` at `pos` (centred on the font's line height), set smaller when they do not fit.
ImVec2 draw_one_line(Ui& ui, ImFont* font, ImVec2 pos, ImU32 colour, std::string_view words, float width,
                     Align align = Align::Left);

// Wrapped text at the cursor in `font` and `colour`, `width` wide (0: to the right edge).
void text(Ui& ui, ImFont* font, const std::string& words, ImU32 colour, float width = 0.0f);
// Text centred in [x, x+width] at the cursor.
void text_centered(Ui& ui, ImFont* font, const std::string& words, ImU32 colour, float width);
// A problem message: a warning sign and words, so meaning is not carried by colour alone.
void problem_text(Ui& ui, const std::string& words, float width);
ImVec2 text_size(ImFont* font, const std::string& words, float wrap_width);
// `words` on one line of `width`, shortened at a word with an ellipsis when it does not fit.
std::string fit_line(ImFont* font, const std::string& words, float width);
// `words` wrapped at `width` and cut at a word with an ellipsis so that it is at most `max_height` tall.
std::string fit_block(ImFont* font, const std::string& words, float width, float max_height);
void vspace(float height);

// Records a tap target when its centre is visible in the current clip rectangle.
void record_target(Ui& ui, const std::string& name, ImVec2 min, ImVec2 max, const std::string& label = {});
// True when the press that just ended was a tap, not a scroll drag.
bool was_tap(const Ui& ui);
// An invisible tappable area of `size` at the cursor, recorded as target `name`: true when a finger tapped it
// or when it has the focus and Enter or Space chose it. Every control is built on this, so keys reach it.
bool tap_area(Ui& ui, const std::string& name, ImVec2 size, const std::string& label = {});
// The focus ring round the focused control (after everything else is drawn, above it).
void draw_focus_ring(Ui& ui);

// A scrolling region that scrolls with a finger drag and with large up/down buttons;
// `reset_key` changing scrolls it back to the top. Call end_scroll_area() after the content.
void begin_scroll_area(Ui& ui, const char* id, ImVec2 size, uint64_t reset_key);
void end_scroll_area(Ui& ui);
// Inside a scroll area: scrolls so that the cursor's line is near the top, once for each `request`
// (a serial that changes with each new request, e.g. a link in the problem summary).
void scroll_here_once(Ui& ui, uint64_t request);

}  // namespace soundings::kiosk
