// Keyboard and switch access: reading order from the frame's controls, focus after a change of view, keys.
#include "ui/focus.h"

#include <algorithm>
#include <unordered_set>


namespace soundings::kiosk {

namespace {
bool is_scroll_button(const FocusItem& item) { return item.name == "scroll_up" || item.name == "scroll_down"; }

// Rows top to bottom (a control whose middle lies above the bottom of a row's first control shares its row),
// each row left to right.
void sort_reading_order(std::vector<const FocusItem*>& run) {
  std::stable_sort(run.begin(), run.end(), [](const FocusItem* a, const FocusItem* b) { return a->y0 < b->y0; });
  auto row_start = run.begin();
  while (row_start != run.end()) {
    float bottom = (*row_start)->y1;
    auto row_end = std::find_if(row_start, run.end(), [&](const FocusItem* f) { return (f->y0 + f->y1) * 0.5f >= bottom; });
    if (row_end == row_start) ++row_end;
    std::stable_sort(row_start, row_end, [](const FocusItem* a, const FocusItem* b) { return a->x0 < b->x0; });
    row_start = row_end;
  }
}

}  // namespace

std::vector<std::string> focus_order(const std::vector<FocusItem>& items) {
  std::vector<std::string> order;
  order.reserve(items.size());
  size_t start = 0;
  while (start < items.size()) {
    size_t end = start;
    while (end < items.size() && items[end].region == items[start].region) ++end;
    std::vector<const FocusItem*> run;
    for (size_t i = start; i < end; ++i) run.push_back(&items[i]);
    auto buttons = std::stable_partition(run.begin(), run.end(), [](const FocusItem* f) { return !is_scroll_button(*f); });
    std::vector<const FocusItem*> content(run.begin(), buttons);
    sort_reading_order(content);
    for (const FocusItem* f : content) order.push_back(f->name);
    for (auto it = buttons; it != run.end(); ++it) order.push_back((*it)->name);
    start = end;
  }
  return order;
}

std::string step_focus(const std::vector<std::string>& order, const std::string& current, size_t slot, int step) {
  if (order.empty()) return {};
  auto n = static_cast<long>(order.size());
  auto found = std::find(order.begin(), order.end(), current);
  long at = found != order.end() ? found - order.begin() : std::min(static_cast<long>(slot), n - 1);
  // A vanished control's stand-in is where a step forward lands; a step back goes before it.
  if (found == order.end() && step > 0) --step;
  long next = ((at + step) % n + n) % n;
  return order[static_cast<size_t>(next)];
}

std::optional<std::string> first_control_of(const std::vector<std::string>& order, const std::string& question_id) {
  for (const std::string& name : order) {
    size_t colon = name.find(':');
    if (colon == std::string::npos) continue;
    size_t end = name.find(':', colon + 1);
    if (name.compare(colon + 1, end == std::string::npos ? std::string::npos : end - colon - 1, question_id) == 0)
      return name;
  }
  return std::nullopt;
}

KeyContext key_context(const AppState& state) {
  const FocusState& focus = state.focus;
  return KeyContext{state.keyboard.open, focus.visible && focus.name.rfind("key:", 0) == 0};
}

std::optional<Action> action_for_key(NavKey key, KeyContext context) {
  const bool typing = context.typing;
  switch (key) {
    case NavKey::Tab:
    case NavKey::Down:
      return act::FocusMove{+1};
    case NavKey::ShiftTab:
    case NavKey::Up:
      return act::FocusMove{-1};
    case NavKey::Right:
      if (typing) return std::nullopt;
      return act::FocusMove{+1};
    case NavKey::Left:
      if (typing) return std::nullopt;
      return act::FocusMove{-1};
    case NavKey::Enter:
      if (typing && !context.on_screen_key) return std::nullopt;  // the keyboard screen finishes typing
      return act::Activate{};
    case NavKey::Space:
      if (typing) return std::nullopt;
      return act::Activate{};
  }
  return std::nullopt;
}

FocusContext focus_context(const AppState& state) {
  FocusContext c;
  c.screen = state.screen;
  c.page_generation = state.page_generation;
  c.panel = state.keyboard.open ? 1 : state.date_picker.open ? 2 : 0;
  if (state.date_picker.open) c.picker = static_cast<int>(state.date_picker.part) * 10000 + state.date_picker.decade;
  c.overlay = state.field.check_in_asking ? 3 : state.idle_warning ? 1 : state.confirm_leave ? 2 : 0;
  return c;
}

bool FocusKeeper::has(const std::string& name) const {
  return !name.empty() && std::find(order_.begin(), order_.end(), name) != order_.end();
}

std::string FocusKeeper::first_new(std::optional<unsigned> region, bool skip_listen) const {
  std::unordered_set<std::string> before(previous_.begin(), previous_.end());
  std::string first;
  for (const std::string& name : order_) {
    if (before.count(name) || (skip_listen && name == "listen")) continue;
    if (!region || regions_.at(name) == *region) return name;
    if (first.empty()) first = name;
  }
  if (!first.empty()) return first;
  return order_.empty() ? std::string() : order_.front();
}

std::string FocusKeeper::refocus(const FocusContext& now, const std::string& current) {
  const FocusContext before = context_;
  if (now.overlay != 0 && now.overlay != before.overlay) {
    if (before.overlay == 0) before_overlay_ = current;
    return first_new(std::nullopt, true);  // the overlay's own choice first: Continue, or No
  }
  if (!started_ || now.screen != before.screen || now.page_generation != before.page_generation) {
    before_panel_.clear();
    return first_new();
  }
  if (before.overlay != 0 && now.overlay == 0) return has(before_overlay_) ? before_overlay_ : current;
  if (before.panel == 0 && now.panel != 0) {
    before_panel_ = current;
    return first_new();
  }
  if (before.panel != 0 && now.panel == 0) return has(before_panel_) ? before_panel_ : current;
  // The date picker's next part: its own new buttons, not a control the answer just brought to the page.
  if (now.panel != before.panel || now.picker != before.picker) {
    auto region = previous_regions_.find(current);
    return first_new(region != previous_regions_.end() ? std::optional<unsigned>(region->second) : std::nullopt);
  }
  return current;
}

void FocusKeeper::settle(AppState& state, const std::vector<FocusItem>& items) {
  previous_regions_ = std::move(regions_);
  regions_.clear();
  for (const FocusItem& f : items) regions_[f.name] = f.region;
  order_ = focus_order(items);
  FocusState& focus = state.focus;
  FocusContext now = focus_context(state);
  if (!started_ || now != context_) focus.name = refocus(now, focus.name);
  if (!focus.to_question.empty()) {
    if (auto first = first_control_of(order_, focus.to_question)) focus.name = *first;
    focus.to_question.clear();
  }
  if (!has(focus.name)) focus.name = step_focus(order_, focus.name, slot_, 0);
  auto at = std::find(order_.begin(), order_.end(), focus.name);
  if (at != order_.end()) slot_ = static_cast<size_t>(at - order_.begin());
  previous_ = order_;
  context_ = now;
  started_ = true;
}

void FocusKeeper::move(AppState& state, int step) {
  FocusState& focus = state.focus;
  // The first key press shows where the focus is before anything moves.
  if (!focus.visible && has(focus.name)) {
    focus.visible = true;
    return;
  }
  focus.visible = true;
  focus.name = step_focus(order_, focus.name, slot_, step);
  auto at = std::find(order_.begin(), order_.end(), focus.name);
  if (at != order_.end()) slot_ = static_cast<size_t>(at - order_.begin());
}

}  // namespace soundings::kiosk
