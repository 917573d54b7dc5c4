// Keyboard and switch access: the focus order built from each frame's controls, where the focus goes when the
// screen changes, and which keys mean what. Pure functions plus a small keeper the controller owns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ui/actions.h"
#include "ui/app_state.h"

namespace soundings::kiosk {

// The controls' names in reading order: each run of controls in one window (the top bar, the scrolled
// page, the bar under it) stays together in drawing order; within a run, rows top to bottom and each
// row left to right; a scroll area's own up/down buttons come after the content they scroll.
std::vector<std::string> focus_order(const std::vector<FocusItem>& items);

// The control `step` places on from `current` (wrapping around). When `current` has gone (its label
// changed, or it scrolled away), the control now in its old place `slot` stands in for it.
std::string step_focus(const std::vector<std::string>& order, const std::string& current, size_t slot, int step);

// The first control that belongs to question `question_id` ("option:ID:...", "field:ID", "date:ID:day").
std::optional<std::string> first_control_of(const std::vector<std::string>& order, const std::string& question_id);

// Keys a keyboard or a switch interface sends, as the kiosk reads them.
enum class NavKey { Tab, ShiftTab, Up, Down, Left, Right, Enter, Space };

// What the keys mean just now. `typing`: the on-screen keyboard is open, and a real keyboard's characters,
// Backspace, Space, Left and Right belong to the text (the keyboard screen reads those through ImGui), as
// does Enter (finish typing) unless `on_screen_key`: the focus ring is on one of the on-screen keys.
struct KeyContext {
  bool typing = false;
  bool on_screen_key = false;
};
KeyContext key_context(const AppState& state);

// What a key asks for, if anything: each key press means one thing.
std::optional<Action> action_for_key(NavKey key, KeyContext context);

// What decides where the focus goes when the view changes: another screen or page, a panel over the
// page (keyboard, date picker) or an overlay (idle warning, leave confirmation).
struct FocusContext {
  Screen screen = Screen::Attract;
  uint64_t page_generation = 0;
  int panel = 0;    // 0 none, 1 keyboard, 2 date picker
  int picker = 0;   // the date picker's part and decade
  int overlay = 0;  // 0 none, 1 idle warning, 2 leave confirmation
  bool operator==(const FocusContext&) const = default;
};
FocusContext focus_context(const AppState& state);

// Keeps AppState::focus on a control that exists: after each frame it learns the frame's controls and
// moves the focus when the view changed (to the first new control; back to where it was when a panel or
// overlay closes; to the first problem after a refused Next).
class FocusKeeper {
 public:
  void settle(AppState& state, const std::vector<FocusItem>& items);
  void move(AppState& state, int step);

 private:
  std::string refocus(const FocusContext& now, const std::string& current);
  // The first control not drawn the frame before; with `region`, the first such in that window if any.
  // The first control that was not there before (in `region` when given); `skip_listen` passes over Listen,
  // which sits at the top of an overlay above the overlay's own choices.
  std::string first_new(std::optional<unsigned> region = std::nullopt, bool skip_listen = false) const;
  bool has(const std::string& name) const;

  bool started_ = false;
  FocusContext context_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, unsigned> regions_;           // each control's window
  std::unordered_map<std::string, unsigned> previous_regions_;  // the same, the frame before
  std::vector<std::string> previous_;
  std::string before_overlay_;
  std::string before_panel_;
  size_t slot_ = 0;
};

}  // namespace soundings::kiosk
