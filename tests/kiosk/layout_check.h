// Layout rules checked from a frame's own geometry: whole words, nothing cut by the window, finger-sized targets.
#pragma once

#include <string>
#include <vector>

#include "ui/geometry.h"

namespace soundings::kiosk::testing {

struct LayoutLimits {
  float width = 0, height = 0;  // the display
  float scale = 1;              // pixels per design unit: A1's 44 px become 44 * scale
  float touch = 0;              // the kiosk's own minimum height for anything tappable (Ui::touch())
};

struct LayoutProblem {
  std::string rule;  // "word broken", "text cut by the window", "label outside its button", "too small (A1)",
                     // "overlap", "text under a target"...
  std::string what;  // the target's name or the text
  std::string detail;
  std::string describe() const { return rule + ": " + what + (detail.empty() ? "" : " (" + detail + ")"); }
};

// Every problem in one frame; empty when its layout holds.
std::vector<LayoutProblem> check_layout(const FrameGeometry& frame, const LayoutLimits& limits);

class Harness;
// For a screen test: draws a few frames of the harness's screen as it stands (scroll limits and panel
// heights settle a frame late), recording the last one's geometry, and checks it.
std::vector<LayoutProblem> check_screen_layout(Harness& h);

}  // namespace soundings::kiosk::testing
