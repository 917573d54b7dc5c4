// What a frame drew where (lines of text, tap targets before clipping), so layout can be checked from the frame.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace soundings::kiosk {

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};

// One drawn line: `words[begin, end)` of its block.
struct DrawnLine {
  size_t begin = 0, end = 0;
  Box box;
};

// A block of text as drawn: its words, how they were broken into lines, and what must hold it.
struct DrawnText {
  std::string words;
  std::vector<DrawnLine> lines;
  bool in_container = false;  // a label: its lines must stay inside `container` (its button)
  Box container;
  Box clip;                   // the window it was drawn in (a scroll area's visible part, or the display)
  bool scrolls = false;       // inside a scroll area: may lie above or below the visible part
  unsigned window = 0;        // text outside any container must not lie under a target of its window
};

struct DrawnTarget {
  std::string name;
  Box box;  // as laid out, not clipped
  Box clip;
  bool scrolls = false;
  unsigned window = 0;  // targets in one window must not overlap
};

// Filled only when `record` is set (tests): the running kiosk does not pay for it.
struct FrameGeometry {
  bool record = false;
  std::vector<DrawnText> texts;
  std::vector<DrawnTarget> targets;
  void clear() {
    texts.clear();
    targets.clear();
  }
};

}  // namespace soundings::kiosk
