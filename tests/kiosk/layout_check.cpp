// The layout rules of layout_check.h, applied to the lines and targets a frame recorded.
#include "layout_check.h"

#include <algorithm>
#include <cstdio>

#include "harness.h"
#include "ui/widgets.h"

namespace soundings::kiosk::testing {

namespace {
constexpr float kSlack = 1.0f;  // rounding of scaled sizes

std::string box_text(const Box& b) {
  char out[96];
  std::snprintf(out, sizeof out, "%.0f,%.0f-%.0f,%.0f", b.x0, b.y0, b.x1, b.y1);
  return out;
}

bool inside_x(const Box& in, const Box& outer) { return in.x0 >= outer.x0 - kSlack && in.x1 <= outer.x1 + kSlack; }
bool inside_y(const Box& in, const Box& outer) { return in.y0 >= outer.y0 - kSlack && in.y1 <= outer.y1 + kSlack; }
bool inside(const Box& in, const Box& outer) { return inside_x(in, outer) && inside_y(in, outer); }

// A line may end only where a space, a newline or the end of the words follows, or after a hyphen.
bool whole_words(const std::string& words, size_t end) {
  if (end >= words.size()) return true;
  char next = words[end];
  return next == ' ' || next == '\n' || (end > 0 && words[end - 1] == '-');
}

std::string line_text(const DrawnText& t, const DrawnLine& l) { return t.words.substr(l.begin, l.end - l.begin); }

// Content of a scroll area may lie above or below what shows, but never beside it; anything else
// must be wholly on the display.
bool placed(const Box& box, const Box& clip, bool scrolls, const Box& display) {
  if (!scrolls) return inside(box, clip) && inside(box, display);
  return inside_x(box, clip) && box.height() <= clip.height() + kSlack && inside(clip, display);
}

void check_texts(const FrameGeometry& frame, const Box& display, std::vector<LayoutProblem>& out) {
  for (const DrawnText& t : frame.texts) {
    for (size_t i = 0; i < t.lines.size(); ++i) {
      const DrawnLine& l = t.lines[i];
      if (l.end == l.begin) continue;
      if (i + 1 < t.lines.size() && !whole_words(t.words, l.end))
        out.push_back({"word broken", line_text(t, l) + "/" + line_text(t, t.lines[i + 1]), t.words});
      if (t.in_container && !inside(l.box, t.container))
        out.push_back({"label outside its button", line_text(t, l), box_text(l.box) + " in " + box_text(t.container)});
      else if (!placed(l.box, t.clip, t.scrolls, display))
        out.push_back({"text cut by the window", line_text(t, l), box_text(l.box) + " in " + box_text(t.clip)});
    }
  }
}

bool overlaps(const Box& a, const Box& b) {
  return std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > kSlack && std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > kSlack;
}

// Words that are not a label must not lie under something tappable (a scroll arrow over a question).
void check_text_under_targets(const FrameGeometry& frame, std::vector<LayoutProblem>& out) {
  for (const DrawnText& t : frame.texts) {
    if (t.in_container) continue;
    for (const DrawnLine& l : t.lines)
      for (const DrawnTarget& target : frame.targets)
        if (target.window == t.window && l.end > l.begin && overlaps(l.box, target.box))
          out.push_back({"text under a target", line_text(t, l) + " under " + target.name,
                         box_text(l.box) + " / " + box_text(target.box)});
  }
}

void check_targets(const FrameGeometry& frame, const LayoutLimits& limits, const Box& display,
                   std::vector<LayoutProblem>& out) {
  float a1 = 44.0f * limits.scale;
  for (const DrawnTarget& t : frame.targets) {
    if (!placed(t.box, t.clip, t.scrolls, display))
      out.push_back({"target cut by the window", t.name, box_text(t.box) + " in " + box_text(t.clip)});
    if (t.box.width() + kSlack < a1 || t.box.height() + kSlack < a1)
      out.push_back({"too small (A1)", t.name, box_text(t.box)});
    else if (t.box.height() + kSlack < limits.touch)
      out.push_back({"shorter than the touch minimum", t.name, box_text(t.box)});
  }
  for (size_t i = 0; i < frame.targets.size(); ++i)
    for (size_t j = i + 1; j < frame.targets.size(); ++j) {
      const DrawnTarget& a = frame.targets[i];
      const DrawnTarget& b = frame.targets[j];
      if (a.window != b.window) continue;
      if (overlaps(a.box, b.box))
        out.push_back({"overlap", a.name + " and " + b.name, box_text(a.box) + " / " + box_text(b.box)});
    }
}
}  // namespace

std::vector<LayoutProblem> check_layout(const FrameGeometry& frame, const LayoutLimits& limits) {
  std::vector<LayoutProblem> out;
  Box display{0, 0, limits.width, limits.height};
  check_texts(frame, display, out);
  check_text_under_targets(frame, out);
  check_targets(frame, limits, display, out);
  return out;
}

std::vector<LayoutProblem> check_screen_layout(Harness& h) {
  ImGuiIO& io = ImGui::GetIO();
  Ui ui{h.state, h.last, h.fonts.normal, palette(false), h.fonts.scale};  // for the kiosk's own touch minimum
  LayoutLimits limits{io.DisplaySize.x, io.DisplaySize.y, h.fonts.scale, ui.touch()};
  for (int i = 0; i < 3; ++i) h.frame();
  return check_layout(h.last.geometry, limits);
}

}  // namespace soundings::kiosk::testing
