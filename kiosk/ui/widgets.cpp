// Finger-sized widgets drawn with ImDrawList over ImGui's invisible buttons.
#include "ui/widgets.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "soundings/ui_text.h"
#include "ui/text_caret.h"

namespace soundings::kiosk {

std::string Ui::t(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) const {
  return ui_text(key, state.language, values);
}
std::string Ui::first(std::string_view key) const { return ui_text(key, lang_first()); }
std::string Ui::second(std::string_view key) const { return ui_text(key, lang_second()); }

namespace {
using Span = std::pair<size_t, size_t>;

float width_of(ImFont* font, float size, std::string_view words, size_t begin, size_t end) {
  return font->CalcTextSizeA(size, FLT_MAX, 0.0f, words.data() + begin, words.data() + end).x;
}

size_t trim_end(std::string_view words, size_t begin, size_t end) {
  while (end > begin && words[end - 1] == ' ') --end;
  return end;
}

// A line may end before a space or a newline, after a hyphen, or at the end of the words.
bool may_end_at(std::string_view words, size_t i) {
  return i >= words.size() || words[i] == ' ' || words[i] == '\n' || (i > 0 && words[i - 1] == '-');
}

size_t next_letter(std::string_view words, size_t i) {
  ++i;
  while (i < words.size() && (static_cast<unsigned char>(words[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// The widest run of letters that may not be broken.
float widest_word(ImFont* font, float size, std::string_view words) {
  float widest = 0;
  size_t start = 0;
  for (size_t i = 1; i <= words.size(); ++i) {
    if (!may_end_at(words, i)) continue;
    widest = std::max(widest, width_of(font, size, words, start, trim_end(words, start, i)));
    start = i;
    while (start < words.size() && (words[start] == ' ' || words[start] == '\n')) ++start;
  }
  return widest;
}

// Greedy: each line takes as many whole words as fit in `width`. A word wider than `width` is cut
// between letters only when `cut_words` (typed text; laid-out text is set smaller instead).
std::vector<Span> break_lines(ImFont* font, float size, std::string_view words, float width, bool cut_words) {
  std::vector<Span> lines;
  size_t start = 0;
  while (start < words.size()) {
    size_t hard = std::min(words.find('\n', start), words.size());
    size_t best = std::string_view::npos;
    if (width <= 0) best = hard;
    for (size_t i = start + 1; best != hard && i <= hard; ++i) {
      if (!may_end_at(words, i)) continue;
      if (width_of(font, size, words, start, trim_end(words, start, i)) > width + 0.5f) {
        if (best == std::string_view::npos) best = cut_words ? 0 : i;
        break;
      }
      best = i;
    }
    if (best == 0) {  // one word wider than the line: as many letters as fit
      best = next_letter(words, start);
      while (best < hard && width_of(font, size, words, start, next_letter(words, best)) <= width)
        best = next_letter(words, best);
    }
    if (best == std::string_view::npos) best = hard;
    lines.emplace_back(start, trim_end(words, start, best));
    start = best;
    while (start < words.size() && words[start] == ' ') ++start;
    if (start < words.size() && words[start] == '\n') ++start;
  }
  return lines;
}

void window_clip(Box& clip, bool& scrolls, unsigned& id) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  clip = Box{window->InnerClipRect.Min.x, window->InnerClipRect.Min.y, window->InnerClipRect.Max.x,
             window->InnerClipRect.Max.y};
  scrolls = (window->Flags & ImGuiWindowFlags_ChildWindow) != 0;
  id = window->ID;
}
}  // namespace

TextLayout lay_out_text(ImFont* font, std::string_view words, float width) {
  TextLayout layout;
  layout.size = font->FontSize;
  bool cut_words = false;
  if (width > 0) {
    float widest = widest_word(font, layout.size, words);
    // Set smaller until the widest word fits; below 40%, cut it instead (only typed text gets there).
    if (widest > width) layout.size = std::floor(layout.size * width / widest * 0.98f);
    if (layout.size < font->FontSize * 0.4f) {
      layout.size = font->FontSize * 0.4f;
      cut_words = true;
    }
  }
  layout.lines = break_lines(font, layout.size, words, width, cut_words);
  for (const Span& line : layout.lines)
    layout.extent.x = std::max(layout.extent.x, width_of(font, layout.size, words, line.first, line.second));
  layout.extent.y = layout.size * static_cast<float>(layout.lines.size());
  return layout;
}

namespace {
ImVec2 draw_layout(Ui& ui, ImFont* font, const TextLayout& layout, ImVec2 pos, ImU32 colour, std::string_view words,
                   float width, Align align, const Box* container) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  FrameGeometry& geometry = ui.out.geometry;
  DrawnText* record = nullptr;
  if (geometry.record) {
    record = &geometry.texts.emplace_back();
    record->words = std::string(words);
    window_clip(record->clip, record->scrolls, record->window);
    if (container) {
      record->in_container = true;
      record->container = *container;
    }
  }
  float y = pos.y;
  for (const Span& line : layout.lines) {
    float w = width_of(font, layout.size, words, line.first, line.second);
    float x = align == Align::Centre ? pos.x + (width - w) * 0.5f : pos.x;
    draw->AddText(font, layout.size, ImVec2(x, y), colour, words.data() + line.first, words.data() + line.second);
    if (record) record->lines.push_back(DrawnLine{line.first, line.second, Box{x, y, x + w, y + layout.size}});
    y += layout.size;
  }
  return layout.extent;
}
}  // namespace

ImVec2 draw_text_at(Ui& ui, ImFont* font, ImVec2 pos, ImU32 colour, std::string_view words, float width, Align align,
                    const Box* container) {
  return draw_layout(ui, font, lay_out_text(font, words, width), pos, colour, words, width, align, container);
}

ImVec2 draw_one_line(Ui& ui, ImFont* font, ImVec2 pos, ImU32 colour, std::string_view words, float width, Align align) {
  TextLayout layout = lay_out_text(font, words, 0.0f);
  if (layout.extent.x > width && layout.extent.x > 0) {
    layout.size = std::floor(layout.size * width / layout.extent.x * 0.98f);
    layout.extent = ImVec2(width_of(font, layout.size, words, 0, words.size()), layout.size);
  }
  return draw_layout(ui, font, layout, ImVec2(pos.x, pos.y + (font->FontSize - layout.size) * 0.5f), colour, words, width,
                     align, nullptr);
}

ImVec2 text_size(ImFont* font, const std::string& words, float wrap_width) {
  return lay_out_text(font, words, wrap_width).extent;
}

std::string fit_line(ImFont* font, const std::string& words, float width) {
  if (text_size(font, words, 0).x <= width) return words;
  // Whole words only: a word cut short reads as another word. The first word alone is drawn smaller.
  std::string cut = words;
  for (size_t space = cut.find_last_of(' '); space != std::string::npos && space > 0; space = cut.find_last_of(' ')) {
    cut.resize(space);
    while (!cut.empty() && (cut.back() == ',' || cut.back() == ';' || cut.back() == ':' || cut.back() == ' ')) cut.pop_back();
    if (text_size(font, cut + "…", 0).x <= width) break;
  }
  return cut + "…";
}

std::string fit_block(ImFont* font, const std::string& words, float width, float max_height) {
  if (text_size(font, words, width).y <= max_height) return words;
  std::string cut = words;
  while (!cut.empty()) {
    size_t space = cut.find_last_of(' ');
    if (space == std::string::npos) return cut + "…";
    cut.resize(space);
    while (!cut.empty() && (cut.back() == ',' || cut.back() == ';' || cut.back() == ':')) cut.pop_back();
    if (text_size(font, cut + "…", width).y <= max_height) return cut + "…";
  }
  return std::string();
}

void vspace(float height) { ImGui::Dummy(ImVec2(1.0f, height)); }

namespace {
// A focused control inside a scroll area comes into view (only while the ring shows: a finger scrolling
// is never pulled back).
void scroll_into_view(Ui& ui, ImVec2 min, ImVec2 max, ImVec2 clip_min, ImVec2 clip_max) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (window->ScrollMax.y <= 0.0f && window->Scroll.y <= 0.0f) return;
  float margin = ui.pad();
  float scroll = window->Scroll.y;
  float view = clip_max.y - clip_min.y;
  // Going up, the control lands lower in the view, so that its question and the page's heading above it
  // show too; going down, it lands at the bottom, under the words that lead to it.
  if (max.y - min.y > view - 2 * margin) scroll -= clip_min.y + margin - min.y;
  else if (min.y < clip_min.y) scroll -= clip_min.y + 0.4f * view - min.y;
  else if (max.y > clip_max.y) scroll += max.y + margin - clip_max.y;
  else return;
  scroll = std::clamp(scroll, 0.0f, window->ScrollMax.y);
  if (std::fabs(scroll - window->Scroll.y) < 0.5f) return;
  ImGui::SetScrollY(scroll);
  ui.out.redraw = true;
}
}  // namespace

void record_target(Ui& ui, const std::string& name, ImVec2 min, ImVec2 max, const std::string& label) {
  if (ui.out.geometry.record) {
    DrawnTarget& t = ui.out.geometry.targets.emplace_back();
    t.name = name;
    t.box = Box{min.x, min.y, max.x, max.y};
    window_clip(t.clip, t.scrolls, t.window);
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 clip_min = draw->GetClipRectMin();
  ImVec2 clip_max = draw->GetClipRectMax();
  // Controls behind an overlay are disabled: the focus stays inside the overlay.
  if ((GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) == 0) {
    ui.out.focusables.push_back(FocusItem{name, min.x, min.y, max.x, max.y, ImGui::GetCurrentWindow()->ID});
    const FocusState& focus = ui.state.focus;
    if (focus.visible && focus.name == name) scroll_into_view(ui, min, max, clip_min, clip_max);
  }
  ImVec2 centre((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f);
  if (centre.x < clip_min.x || centre.x > clip_max.x || centre.y < clip_min.y || centre.y > clip_max.y) return;
  ui.out.targets.push_back(TapTarget{name, std::max(min.x, clip_min.x), std::max(min.y, clip_min.y),
                                     std::min(max.x, clip_max.x), std::min(max.y, clip_max.y), label});
}

bool was_tap(const Ui& ui) {
  float limit = 30.0f * ui.s;
  return ImGui::GetIO().MouseDragMaxDistanceSqr[0] <= limit * limit;
}

bool tap_area(Ui& ui, const std::string& name, ImVec2 size, const std::string& label) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  bool tapped = ImGui::InvisibleButton(name.c_str(), size) && was_tap(ui);
  record_target(ui, name, pos, ImVec2(pos.x + size.x, pos.y + size.y), label);
  const FocusState& focus = ui.state.focus;
  bool chosen = focus.activate && focus.name == name && (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) == 0;
  return tapped || chosen;
}

void draw_focus_ring(Ui& ui) {
  const FocusState& focus = ui.state.focus;
  if (!focus.visible || focus.name.empty()) return;
  auto at = std::find_if(ui.out.targets.begin(), ui.out.targets.end(), [&](const TapTarget& t) { return t.name == focus.name; });
  if (at == ui.out.targets.end()) return;  // scrolling into view: drawn on the next frame
  // A thick band a little away from the control, edged on both sides, so that it stands out against
  // whatever is next to it (WCAG 2.4.11) and reads as a change of shape, not of colour only. Never
  // thinner than 4 pixels, also on small screens.
  float gap = std::max(4.0f * ui.s, 3.0f), band = std::max(6.0f * ui.s, 4.0f), edge = std::max(3.0f * ui.s, 2.0f);
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  float rounding = 16.0f * ui.s;
  auto ring = [&](float out, float thickness, ImU32 colour) {
    float d = out - thickness * 0.5f;  // AddRect strokes on the path: centre the stroke inside `out`
    draw->AddRect(ImVec2(at->x0 - d, at->y0 - d), ImVec2(at->x1 + d, at->y1 + d), colour, rounding + d, 0, thickness);
  };
  ring(gap + edge, edge, ui.pal.focus_edge);
  ring(gap + edge + band, band, ui.pal.focus_ring);
  ring(gap + 2 * edge + band, edge, ui.pal.focus_edge);
  float out = gap + 2 * edge + band;
  ui.out.focus_ring = TapTarget{focus.name, at->x0 - out, at->y0 - out, at->x1 + out, at->y1 + out, at->label};
}

void draw_tick(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 colour, float thickness) {
  float w = max.x - min.x;
  float h = max.y - min.y;
  ImVec2 points[3] = {ImVec2(min.x + w * 0.18f, min.y + h * 0.52f), ImVec2(min.x + w * 0.42f, min.y + h * 0.76f),
                      ImVec2(min.x + w * 0.84f, min.y + h * 0.26f)};
  draw->AddPolyline(points, 3, colour, ImDrawFlags_None, thickness);
}

void draw_warning_sign(ImDrawList* draw, ImVec2 min, float size, ImU32 colour) {
  ImVec2 a(min.x + size * 0.5f, min.y), b(min.x + size, min.y + size * 0.9f), c(min.x, min.y + size * 0.9f);
  draw->AddTriangleFilled(a, b, c, colour);
  float bar = size * 0.1f;
  draw->AddRectFilled(ImVec2(a.x - bar * 0.5f, min.y + size * 0.3f), ImVec2(a.x + bar * 0.5f, min.y + size * 0.62f),
                      IM_COL32(255, 255, 255, 255));
  draw->AddRectFilled(ImVec2(a.x - bar * 0.5f, min.y + size * 0.7f), ImVec2(a.x + bar * 0.5f, min.y + size * 0.8f),
                      IM_COL32(255, 255, 255, 255));
}

void text(Ui& ui, ImFont* font, const std::string& words, ImU32 colour, float width) {
  if (width <= 0.0f) width = ImGui::GetContentRegionAvail().x;
  ImVec2 size = draw_text_at(ui, font, ImGui::GetCursorScreenPos(), colour, words, width);
  ImGui::Dummy(ImVec2(width, std::max(size.y, 1.0f)));
}

void text_centered(Ui& ui, ImFont* font, const std::string& words, ImU32 colour, float width) {
  ImVec2 size = draw_text_at(ui, font, ImGui::GetCursorScreenPos(), colour, words, width, Align::Centre);
  ImGui::Dummy(ImVec2(width, std::max(size.y, 1.0f)));
}

void problem_text(Ui& ui, const std::string& words, float width) {
  ImFont* font = ui.fonts.body;
  float sign = font->FontSize;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  draw_warning_sign(ImGui::GetWindowDrawList(), ImVec2(pos.x, pos.y + 2 * ui.s), sign, ui.pal.error);
  ImGui::SetCursorScreenPos(ImVec2(pos.x + sign + ui.gap(), pos.y));
  text(ui, font, words, ui.pal.error, width - sign - ui.gap());
  ImGui::SetCursorScreenPos(ImVec2(pos.x, ImGui::GetCursorScreenPos().y));
}

namespace {
// The room a button's label gets: its width less the side padding (less on narrow keys) and the tick
// that shows it is selected.
struct LabelRoom {
  float pad_x, tick, wrap;
};
LabelRoom label_room(const Ui& ui, ImFont* font, float width, bool selected) {
  float pad_x = std::min(ui.pad(), width * 0.1f);
  float tick = selected ? std::min(font->FontSize * 1.1f, width * 0.3f) : 0.0f;
  return {pad_x, tick, std::max(width - 2 * pad_x - tick, 10.0f)};
}
}  // namespace

bool button(Ui& ui, const std::string& name, const std::string& label, ImVec2 size, Tone tone, bool selected) {
  // Primary buttons speak louder, unless the larger words would not fit on one line.
  float avail = size.x > 0 ? size.x : ImGui::GetContentRegionAvail().x;
  bool loud = tone == Tone::Primary &&
              text_size(ui.fonts.heading, label, 0).x <= label_room(ui, ui.fonts.heading, avail, selected).wrap;
  ImFont* font = loud ? ui.fonts.heading : ui.fonts.body;
  if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
  LabelRoom room = label_room(ui, font, size.x, selected);
  ImVec2 label_size = text_size(font, label, room.wrap);
  size.y = std::max({size.y, ui.touch(), label_size.y + ui.pad()});
  ImVec2 pos = ImGui::GetCursorScreenPos();
  bool pressed = tap_area(ui, name, size, label);
  bool held = ImGui::IsItemActive();

  const Palette& p = ui.pal;
  ImU32 fill = p.surface, ink = p.text, edge = p.border;
  switch (tone) {
    case Tone::Primary: fill = p.primary; ink = p.on_primary; edge = p.primary; break;
    case Tone::Secondary: break;
    case Tone::Quiet: fill = p.background; break;
    case Tone::Warning: fill = p.warning_bg; ink = p.warning_text; edge = p.border; break;
    case Tone::Focus: edge = p.focus; break;
  }
  if (selected) {
    fill = p.selected;
    ink = p.on_selected;
    edge = p.on_selected;
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 max(pos.x + size.x, pos.y + size.y);
  float rounding = 14.0f * ui.s;
  draw->AddRectFilled(pos, max, fill, rounding);
  draw->AddRect(pos, max, edge, rounding, 0, (selected || tone == Tone::Focus ? 6.0f : 3.0f) * ui.s);
  if (held) draw->AddRect(ImVec2(pos.x + 5 * ui.s, pos.y + 5 * ui.s), ImVec2(max.x - 5 * ui.s, max.y - 5 * ui.s), ink, rounding, 0, 2.0f * ui.s);
  float tick_space = room.tick;
  if (selected) {
    float box = tick_space / 1.1f;
    ImVec2 tmin(pos.x + room.pad_x * 0.6f, pos.y + (size.y - box) * 0.5f);
    draw_tick(draw, tmin, ImVec2(tmin.x + box, tmin.y + box), ink, 5.0f * ui.s);
  }
  float wrap = room.wrap;
  ImVec2 ls = label_size;
  Box box{pos.x, pos.y, max.x, max.y};
  draw_text_at(ui, font, ImVec2(pos.x + tick_space + (size.x - tick_space - wrap) * 0.5f, pos.y + (size.y - ls.y) * 0.5f), ink,
               label, wrap, Align::Centre, &box);
  return pressed;
}

bool option_row(Ui& ui, const std::string& name, const std::string& label, bool selected, Mark mark, float width,
                const std::string& badge) {
  ImFont* font = ui.fonts.body;
  float box = std::max(font->FontSize * 1.25f, 52.0f * ui.s);
  float left = ui.pad() + box + ui.pad();
  float wrap = std::max(width - left - ui.pad(), 10.0f);
  ImVec2 ls = text_size(font, label, wrap);
  ImVec2 size(width, std::max(ui.touch(), ls.y + 2 * ui.pad()));
  ImVec2 pos = ImGui::GetCursorScreenPos();
  bool pressed = tap_area(ui, name, size);
  bool held = ImGui::IsItemActive();

  const Palette& p = ui.pal;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 max(pos.x + size.x, pos.y + size.y);
  float rounding = 12.0f * ui.s;
  ImU32 fill = selected ? p.selected : p.surface;
  ImU32 ink = selected ? p.on_selected : p.text;
  draw->AddRectFilled(pos, max, fill, rounding);
  draw->AddRect(pos, max, selected ? p.on_selected : p.border, rounding, 0, (selected ? 5.0f : 2.5f) * ui.s);
  if (held) draw->AddRect(ImVec2(pos.x + 6 * ui.s, pos.y + 6 * ui.s), ImVec2(max.x - 6 * ui.s, max.y - 6 * ui.s), ink, rounding, 0, 2.0f * ui.s);

  Box row{pos.x, pos.y, max.x, max.y};
  ImVec2 bmin(pos.x + ui.pad(), pos.y + (size.y - box) * 0.5f);
  ImVec2 bmax(bmin.x + box, bmin.y + box);
  // The mark sits on the surface colour; the tick is drawn in the tick colour (teal, or yellow on black).
  ImU32 box_edge = selected ? p.on_selected : p.border;
  if (!badge.empty()) {
    draw->AddCircleFilled(ImVec2(bmin.x + box * 0.5f, bmin.y + box * 0.5f), box * 0.5f, p.surface, 32);
    draw->AddCircle(ImVec2(bmin.x + box * 0.5f, bmin.y + box * 0.5f), box * 0.5f, box_edge, 32, 3.0f * ui.s);
    ImFont* bf = ui.fonts.heading;
    ImVec2 bs = text_size(bf, badge, box);
    draw_text_at(ui, bf, ImVec2(bmin.x, bmin.y + (box - bs.y) * 0.5f), p.text, badge, box, Align::Centre, &row);
  } else if (mark == Mark::Radio) {
    ImVec2 c((bmin.x + bmax.x) * 0.5f, (bmin.y + bmax.y) * 0.5f);
    draw->AddCircleFilled(c, box * 0.5f, p.surface, 32);
    draw->AddCircle(c, box * 0.5f, box_edge, 32, 3.0f * ui.s);
    if (selected)
      draw_tick(draw, ImVec2(bmin.x + box * 0.1f, bmin.y + box * 0.1f), ImVec2(bmax.x - box * 0.1f, bmax.y - box * 0.1f),
                p.tick, 5.0f * ui.s);
  } else if (mark == Mark::Check) {
    draw->AddRectFilled(bmin, bmax, p.surface, 6.0f * ui.s);
    draw->AddRect(bmin, bmax, box_edge, 6.0f * ui.s, 0, 3.0f * ui.s);
    if (selected) draw_tick(draw, bmin, bmax, p.tick, 6.0f * ui.s);
  }
  draw_text_at(ui, font, ImVec2(pos.x + left, pos.y + (size.y - ls.y) * 0.5f), ink, label, wrap, Align::Left, &row);
  return pressed;
}

bool text_field(Ui& ui, const std::string& name, const std::string& value, bool focused, float width, bool multiline,
                size_t window_start) {
  ImFont* font = ui.fonts.body;
  float wrap = std::max(width - 2 * ui.pad(), 10.0f);
  ImVec2 ts = text_size(font, value.empty() ? std::string(" ") : value, wrap);
  float min_h = multiline ? ui.touch() * 2.0f : ui.touch();
  ImVec2 size(width, std::max(min_h, ts.y + 2 * ui.pad()));
  ImVec2 pos = ImGui::GetCursorScreenPos();
  bool pressed = tap_area(ui, name, size);
  const Palette& p = ui.pal;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 max(pos.x + size.x, pos.y + size.y);
  draw->AddRectFilled(pos, max, p.surface, 8.0f * ui.s);
  draw->AddRect(pos, max, focused ? p.focus : p.border, 8.0f * ui.s, 0, (focused ? 6.0f : 3.0f) * ui.s);
  ImVec2 at(pos.x + ui.pad(), pos.y + ui.pad());
  Box field{pos.x, pos.y, max.x, max.y};
  draw_text_at(ui, font, at, p.text, value, wrap, Align::Left, &field);
  if (focused) {
    // Shown from `window_start` on, after an ellipsis: cursor offsets move by the difference.
    size_t ellipsis = window_start > 0 ? std::string_view("…").size() : 0;
    size_t cursor = ui.state.keyboard.cursor;
    size_t shown_cursor = cursor >= window_start ? cursor - window_start + ellipsis : ellipsis;
    ImVec2 c = cursor_position(font, value, wrap, shown_cursor);
    ImVec2 top(at.x + c.x, at.y + c.y);
    float line_h = lay_out_text(font, value, wrap).size;  // smaller than the font when a long word was set smaller
    draw->AddRectFilled(ImVec2(top.x - 2 * ui.s, top.y), ImVec2(top.x + 2 * ui.s, top.y + line_h), p.text);
    // A finger places the cursor where it lands; Enter from a key or switch leaves it where it is.
    const bool by_key = ui.state.focus.activate && ui.state.focus.name == name;
    if (pressed && !by_key) {
      ImVec2 tap = ImGui::GetIO().MousePos;
      size_t shown_at = cursor_at(font, value, wrap, ImVec2(tap.x - at.x, tap.y - at.y));
      ui.push(act::PlaceCursor{window_start + (shown_at > ellipsis ? shown_at - ellipsis : 0)});
    }
  }
  return pressed;
}

void begin_scroll_area(Ui& ui, const char* id, ImVec2 size, uint64_t reset_key) {
  ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
  ImGuiStorage* storage = ImGui::GetStateStorage();
  ImGuiID key = ImGui::GetID("##reset_key");
  int wanted = static_cast<int>(reset_key & 0x7fffffff);
  if (storage->GetInt(key, -1) != wanted) {
    storage->SetInt(key, wanted);
    ImGui::SetScrollY(0.0f);
    ui.out.redraw = true;
  }
}

void scroll_here_once(Ui& ui, uint64_t request) {
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID key = ImGui::GetID("##scroll_request");
  const int wanted = static_cast<int>(request & 0x7fffffff);
  if (storage->GetInt(key, 0) == wanted) return;
  storage->SetInt(key, wanted);
  ImGui::SetScrollFromPosY(ImGui::GetCursorScreenPos().y - ImGui::GetWindowPos().y - ui.gap(), 0.0f);
  ui.out.redraw = true;
}

void end_scroll_area(Ui& ui) {
  ImGuiIO& io = ImGui::GetIO();
  ImVec2 wpos = ImGui::GetWindowPos();
  ImVec2 wsize = ImGui::GetWindowSize();
  float scroll = ImGui::GetScrollY();
  float max_scroll = ImGui::GetScrollMaxY();
  vspace(ui.pad());  // room below the last item

  // Finger drag: the press began inside this area and has moved beyond a tap.
  ImVec2 from = io.MouseClickedPos[0];
  bool began_inside = from.x >= wpos.x && from.x < wpos.x + wsize.x && from.y >= wpos.y && from.y < wpos.y + wsize.y;
  if (io.MouseDown[0] && began_inside && !was_tap(ui) && io.MouseDelta.y != 0.0f) {
    ImGui::SetScrollY(std::clamp(scroll - io.MouseDelta.y, 0.0f, max_scroll));
    ui.out.redraw = true;  // ImGui moves the content on the next frame
  }

  if (max_scroll > 0.5f) {
    ImVec2 keep = ImGui::GetCursorPos();
    float b = ui.touch();
    float margin = 8 * ui.s;
    float down_x = wpos.x + wsize.x - b - margin;
    float step = wsize.y * 0.6f;
    // Up at the top and down at the bottom of the right-hand margin; in an area too short for both,
    // up goes to the left-hand margin: the content column keeps both margins free for them.
    bool stacked = wsize.y >= 2 * b + 3 * margin;
    float up_x = stacked ? down_x : wpos.x + margin;
    float up_y = wpos.y + margin;
    float down_y = stacked ? wpos.y + wsize.y - b - margin : up_y;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    auto arrow = [&](const char* name, float x, float y, bool up) {
      ImGui::SetCursorScreenPos(ImVec2(x, y));
      bool pressed = tap_area(ui, name, ImVec2(b, b));
      draw->AddRectFilled(ImVec2(x, y), ImVec2(x + b, y + b), ui.pal.primary, b * 0.5f);
      float m = b * 0.28f;
      ImVec2 c(x + b * 0.5f, y + b * 0.5f);
      if (up) draw->AddTriangleFilled(ImVec2(c.x, c.y - m), ImVec2(c.x + m, c.y + m * 0.6f), ImVec2(c.x - m, c.y + m * 0.6f), ui.pal.on_primary);
      else draw->AddTriangleFilled(ImVec2(c.x - m, c.y - m * 0.6f), ImVec2(c.x + m, c.y - m * 0.6f), ImVec2(c.x, c.y + m), ui.pal.on_primary);
      return pressed;
    };
    if (scroll > 0.5f && arrow("scroll_up", up_x, up_y, true)) {
      ImGui::SetScrollY(std::max(0.0f, scroll - step));
      ui.out.redraw = true;
    }
    if (scroll < max_scroll - 0.5f && arrow("scroll_down", down_x, down_y, false)) {
      ImGui::SetScrollY(std::min(max_scroll, scroll + step));
      ui.out.redraw = true;
    }
    ImGui::SetCursorPos(keep);
  }
  ImGui::EndChild();
}

}  // namespace soundings::kiosk
