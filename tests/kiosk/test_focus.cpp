// Headless UI tests of use without touch: a two-switch user (Tab and Enter) and a keyboard reach every control
// in reading order, see where the focus is, and finish a consultation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "harness.h"
#include "must.h"
#include "ui/kiosk_frame.h"
#include "walk.h"

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += n + " ";
  return out;
}

// The names Tab visits from where the focus is, once round (stops when it comes back).
std::vector<std::string> tab_round(Harness& h, NavKey key = NavKey::Tab) {
  if (!h.state.focus.visible) h.key(key);  // the first press only shows the ring
  std::vector<std::string> seen{h.state.focus.name};
  for (size_t i = 0; i < h.last.focusables.size() + 5; ++i) {
    h.key(key);
    if (h.state.focus.name == seen.front()) return seen;
    seen.push_back(h.state.focus.name);
  }
  FAIL("the focus never came back to " << seen.front() << ": " << join(seen));
  return seen;
}

std::set<std::string> focusable_names(const Harness& h) {
  std::set<std::string> names;
  for (const FocusItem& f : h.last.focusables) names.insert(f.name);
  return names;
}

// Every control on the screen is reached once by Tab before the focus comes round again.
void check_tab_reaches_everything(Harness& h) {
  INFO("screen " << screen_name(h.state.screen));
  std::set<std::string> expected = focusable_names(h);
  REQUIRE_FALSE(expected.empty());
  std::vector<std::string> round = tab_round(h);
  std::set<std::string> visited(round.begin(), round.end());
  CHECK(visited.size() == round.size());
  // Controls that show only at one end of a scroll (scroll up/down) may come and go while tabbing.
  for (const std::string& name : expected) {
    if (name.rfind("scroll_", 0) == 0) continue;
    INFO("control " << name << " not reached; visited " << join(round));
    CHECK(visited.count(name) == 1);
  }
}

void enter_every_type(Harness& h) {
  h.by_switch = true;
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.state.screen == Screen::Page);
}

const FocusItem* item(const std::vector<FocusItem>& items, const std::string& name) {
  for (const FocusItem& f : items)
    if (f.name == name) return &f;
  return nullptr;
}
}  // namespace

TEST_CASE("a switch user with only Tab and Enter completes every demo consultation, in Welsh and in English",
          "[kiosk][focus][walk]") {
  std::string id = GENERATE(as<std::string>{}, "influencing-decisions", "involvement-strategy", "library-opening-hours");
  std::string language = GENERATE(as<std::string>{}, "cy", "en");
  CAPTURE(id, language);
  Harness h;
  h.by_switch = true;
  walk_to_review(h, id, language);
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  std::optional<Response> saved = stored_response(h, id);
  REQUIRE(saved);
  CHECK(saved->language == language);
  CHECK_FALSE(saved->answers.empty());
  CHECK(h.switch_presses > 0);
  REQUIRE(h.tap("finish"));
  CHECK(h.state.screen == Screen::Attract);
}

TEST_CASE("every question type is answered with Tab and Enter alone and lands in the response", "[kiosk][focus][walk]") {
  Harness h(every_type());
  h.by_switch = true;
  REQUIRE(h.tap("lang:en"));
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  for (int page = 0; page < 20 && h.state.screen == Screen::Page; ++page) {
    check_tab_reaches_everything(h);  // every widget type on its page
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  REQUIRE(h.state.screen == Screen::Review);
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  std::optional<Response> saved = stored_response(h, "every-type");
  REQUIRE(saved);
  for (const char* q : {"transport", "services", "agree", "feeling", "likely", "short", "long", "visits", "postcode",
                        "moved_in", "priorities", "quote_ok"}) {
    INFO(q);
    CHECK(saved->answers.contains(q));
  }
  CHECK(saved->answers.dump().find("1985") != std::string::npos);
}

TEST_CASE("Tab reaches every control on every screen, and Shift+Tab goes back the same way", "[kiosk][focus]") {
  HarnessOptions options = every_type();
  options.staff_pin = "2468";
  Harness h(options);
  check_tab_reaches_everything(h);  // attract
  std::vector<std::string> forward = tab_round(h);
  std::vector<std::string> backward = tab_round(h, NavKey::ShiftTab);
  REQUIRE(backward.size() == forward.size());
  CHECK(backward.front() == forward.front());
  for (size_t i = 1; i < forward.size(); ++i) CHECK(backward[i] == forward[forward.size() - i]);

  h.by_switch = true;
  REQUIRE(h.tap("card:every-type"));
  check_tab_reaches_everything(h);  // intro
  REQUIRE(h.tap("start"));
  check_tab_reaches_everything(h);  // a question page
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.tap("next"));
  check_tab_reaches_everything(h);  // the next page
  REQUIRE(h.tap("leave"));
  check_tab_reaches_everything(h);  // the leave confirmation
  REQUIRE(h.tap("leave:yes"));
  walk_to_review(h, "every-type", "en");
  check_tab_reaches_everything(h);  // review
  const std::string good_key = h.state.config.seal_public_key;
  h.state.config.seal_public_key = "not a key";  // the save fails, as a full disk would make it
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::SaveFailed);
  check_tab_reaches_everything(h);  // save failed
  h.state.config.seal_public_key = good_key;
  REQUIRE(h.tap("retry"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  check_tab_reaches_everything(h);  // thanks
  REQUIRE(h.tap("finish"));

  // Staff: the long press is a touch by design (hidden from residents); the PIN pad and the screen are not.
  h.by_switch = false;
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  check_tab_reaches_everything(h);
  h.by_switch = true;
  for (const char* d : {"pin:2", "pin:4", "pin:6", "pin:8", "pin:ok"}) REQUIRE(h.tap(d));
  h.settle();
  REQUIRE(h.state.screen == Screen::Staff);
  check_tab_reaches_everything(h);
  REQUIRE(h.tap("staff:close"));
  CHECK(h.state.screen == Screen::Attract);
}

TEST_CASE("the on-screen keyboard and the date picker are reached by Tab, and Done gives the focus back",
          "[kiosk][focus]") {
  Harness h(every_type());
  enter_every_type(h);
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.tap("next"));
  for (int page = 0; page < 10 && !h.has_target("date:moved_in:day"); ++page) {
    if (h.has_target("field:short")) {
      REQUIRE(h.tap("field:short"));
      REQUIRE(h.state.keyboard.open);
      check_tab_reaches_everything(h);
      REQUIRE(h.tap("key:done"));
      CHECK(h.state.focus.name == "field:short");
    }
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  REQUIRE(h.tap("date:moved_in:day"));
  REQUIRE(h.state.date_picker.open);
  check_tab_reaches_everything(h);
  REQUIRE(h.tap("pick:day:9"));
  CHECK(h.state.date_picker.part == DatePart::Month);
  INFO("focus " << h.state.focus.name);
  CHECK(h.state.focus.name.rfind("pick:", 0) == 0);  // still in the picker, on its new buttons
  REQUIRE(h.tap("pick:close"));
  CHECK_FALSE(h.state.date_picker.open);
  CHECK(h.state.focus.name == "date:moved_in:day");
}

TEST_CASE("the focus order is the reading order: rows top to bottom, left to right, the page before its bar",
          "[kiosk][focus]") {
  auto size = GENERATE(std::pair<float, float>{1920, 1080}, std::pair<float, float>{800, 1280});
  CAPTURE(size.first, size.second);
  Harness h(every_type(size.first, size.second));
  enter_every_type(h);
  h.frame();
  std::vector<FocusItem> snapshot = h.last.focusables;  // positions before any scrolling
  std::vector<std::string> order = tab_round(h);
  INFO("order: " << join(order));
  std::erase_if(order, [](const std::string& name) { return name.rfind("scroll_", 0) == 0; });  // come and go
  std::erase_if(snapshot, [](const FocusItem& f) { return f.name.rfind("scroll_", 0) == 0; });
  REQUIRE(order.size() == snapshot.size());
  // Once round from the top: Tab after the last control (Next) wraps to the first.
  auto last = std::find(order.begin(), order.end(), "next");
  REQUIRE(last != order.end());
  std::rotate(order.begin(), last + 1, order.end());
  // The top bar, then the page's content, its scroll buttons, then Back and Next.
  unsigned page_region = item(snapshot, "option:transport:bus")->region;
  auto position = [&](const std::string& name) { return std::find(order.begin(), order.end(), name) - order.begin(); };
  for (size_t i = 0; i + 1 < order.size(); ++i) {
    const FocusItem* a = item(snapshot, order[i]);
    const FocusItem* b = item(snapshot, order[i + 1]);
    REQUIRE(a);
    REQUIRE(b);
    if (a->region != b->region) continue;
    INFO(a->name << " then " << b->name);
    bool next_row = b->y0 > a->y0 + 1.0f;
    bool same_row_right = std::fabs(b->y0 - a->y0) <= 1.0f && b->x0 > a->x0;
    CHECK((next_row || same_row_right));
  }
  for (const FocusItem& f : snapshot) {
    if (f.region != page_region) continue;
    CHECK(position(f.name) < position("next"));
    CHECK(position(f.name) < position("back"));
    CHECK(position(f.name) > position("leave"));
  }
  // Drawn after the language and display buttons, Leave is read first on a wide screen, where it sits
  // left of them on one row (on a narrow one it has a row of its own below them).
  if (size.first > size.second) CHECK(position("leave") < position("toggle:high_contrast"));
  CHECK(position("back") < position("next"));
}

TEST_CASE("the focus ring is drawn round the focused control, thick and in both palettes", "[kiosk][focus]") {
  bool high_contrast = GENERATE(false, true);
  Harness h(every_type());
  h.state.high_contrast = high_contrast;
  enter_every_type(h);
  h.key(NavKey::Tab);
  h.key(NavKey::Tab);
  REQUIRE(h.state.focus.visible);
  const TapTarget* focused = h.target(h.state.focus.name);
  REQUIRE(focused);
  const TapTarget& ring = h.last.focus_ring;
  CHECK(ring.name == h.state.focus.name);
  float s = h.fonts.scale;
  // Outside the control with a gap, at least 4 pixels of band on every side (WCAG 2.4.11).
  CHECK(ring.x0 <= focused->x0 - 8 * s);
  CHECK(ring.y0 <= focused->y0 - 8 * s);
  CHECK(ring.x1 >= focused->x1 + 8 * s);
  CHECK(ring.y1 >= focused->y1 + 8 * s);
  // Drawn in the ring colours, above everything else.
  Palette p = palette(high_contrast);
  ImDrawList* top = ImGui::GetForegroundDrawList();
  std::set<ImU32> colours;
  for (const ImDrawVert& v : top->VtxBuffer) colours.insert(v.col);
  CHECK(colours.count(p.focus_ring) == 1);
  CHECK(colours.count(p.focus_edge) == 1);
  // A touch hides it; the next key shows it again where it was, without moving.
  std::string where = h.state.focus.name;
  h.by_switch = false;
  REQUIRE(h.tap("option:transport:bus"));
  CHECK_FALSE(h.state.focus.visible);
  CHECK(h.last.focus_ring.name.empty());
  h.key(NavKey::Tab);
  CHECK(h.state.focus.visible);
  CHECK(h.state.focus.name == where);
}

TEST_CASE("with the idle warning up, Tab stays inside it and Enter continues", "[kiosk][focus][idle]") {
  Harness h(every_type());
  enter_every_type(h);
  h.key(NavKey::Tab);
  h.key(NavKey::Tab);
  std::string before = h.state.focus.name;
  h.clock.advance(h.state.config.idle.warn_after + std::chrono::seconds(1));
  h.frame();
  h.frame();
  REQUIRE(h.state.idle_warning);
  CHECK(h.state.focus.name == "idle:continue");
  // Round the warning only: Continue and its Listen. Moving the focus is not "still here": Continue is.
  CHECK(tab_round(h) == std::vector<std::string>{"idle:continue", "listen"});
  CHECK(h.state.idle_warning);
  REQUIRE(h.state.focus.name == "idle:continue");
  h.key(NavKey::Enter);
  CHECK_FALSE(h.state.idle_warning);
  CHECK(h.state.focus.name == before);  // back where the resident was
}

TEST_CASE("the leave confirmation keeps the focus inside it, No first, and gives it back to Leave", "[kiosk][focus]") {
  Harness h(every_type());
  enter_every_type(h);
  REQUIRE(h.tap("leave"));
  REQUIRE(h.state.confirm_leave);
  CHECK(h.state.focus.name == "leave:no");
  std::vector<std::string> round = tab_round(h);
  CHECK(round == std::vector<std::string>{"leave:no", "leave:yes", "listen"});
  h.key(NavKey::Enter);
  CHECK_FALSE(h.state.confirm_leave);
  CHECK(h.state.focus.name == "leave");
  REQUIRE(h.state.session);
}

TEST_CASE("a refused Next puts the focus on the first problem in the summary, moving focus counts as activity",
          "[kiosk][focus]") {
  Harness h(every_type());
  enter_every_type(h);
  h.clock.advance(std::chrono::seconds(50));
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.show_problems);
  // GOV.UK: the focus goes to the problem summary, on the first problem's link to its question.
  CHECK(h.state.focus.name == "problem_link:transport");
  // Tabbing about is activity: the idle warning stays away.
  for (int i = 0; i < 8; ++i) {
    h.clock.advance(std::chrono::seconds(40));
    h.key(NavKey::Tab);
  }
  CHECK_FALSE(h.state.idle_warning);
  CHECK(h.state.screen == Screen::Page);
}

TEST_CASE("a focused control out of view is scrolled into view", "[kiosk][focus]") {
  Harness h(every_type(800, 1280));
  enter_every_type(h);
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.tap("next"));
  REQUIRE(h.has_target("scroll_down"));  // the page is longer than the screen
  std::vector<std::string> order = tab_round(h);
  int scrolled_to = 0;
  for (const std::string& name : order) {
    while (h.state.focus.name != name) h.key(NavKey::Tab);
    const TapTarget* t = h.target(name);
    INFO(name);
    REQUIRE(t);  // visible
    const FocusItem* whole = item(h.last.focusables, name);
    REQUIRE(whole);
    CHECK(t->y1 - t->y0 >= std::min(whole->y1 - whole->y0, 0.9f * h.fonts.scale * 96.0f));
    if (h.last.focus_ring.name == name) ++scrolled_to;
  }
  CHECK(scrolled_to == static_cast<int>(order.size()));
}

namespace {
// A real keyboard as ImGui's GLFW backend reports it: characters queued, keys down for a frame.
void real_keyboard_types(Harness& h, const std::string& utf8) {
  ImGui::GetIO().AddInputCharactersUTF8(utf8.c_str());
  h.frame();
  h.frame();
}
void real_keyboard_presses(Harness& h, ImGuiKey key) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[key] = 300 + key;  // headless, nothing maps ImGui's keys: give this one a slot
  io.KeysDown[io.KeyMap[key]] = true;
  h.frame();
  io.KeysDown[io.KeyMap[key]] = false;
  h.frame();
  h.frame();
}
}  // namespace

TEST_CASE("with the keyboard open, a real keyboard types, Enter chooses the focused key or else finishes",
          "[kiosk][focus][keyboard]") {
  Harness h(every_type());
  enter_every_type(h);
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.tap("next"));
  for (int page = 0; page < 10 && !h.has_target("field:short"); ++page) {
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  REQUIRE(h.tap("field:short"));  // Tab to it, Enter
  REQUIRE(h.state.keyboard.open);
  auto text = [&] { return std::get<TextAnswer>(*h.state.session->answer("short")).text; };
  REQUIRE(h.tap("key:d"));  // Tab to the key, Enter: the key types, the keyboard stays open
  REQUIRE(h.state.keyboard.open);
  CHECK(text() == "d");
  real_keyboard_types(h, "a iawn \xC5\xB5");
  h.key(NavKey::Space);  // the real Space typed its character above; it does not also press key:d
  h.key(NavKey::Right);  // nor does an arrow in the text move the focus
  CHECK(h.state.focus.name == "key:d");
  CHECK(text() == "da iawn \xC5\xB5");
  real_keyboard_presses(h, ImGuiKey_Backspace);
  CHECK(text() == "da iawn ");
  // Enter on a key chooses it; with the focus on the field being typed into, Enter finishes.
  real_keyboard_presses(h, ImGuiKey_Enter);
  CHECK(h.state.keyboard.open);
  for (int i = 0; i < 80 && h.state.focus.name != "typing"; ++i) h.key(NavKey::ShiftTab);
  REQUIRE(h.state.focus.name == "typing");
  h.key(NavKey::Enter);
  real_keyboard_presses(h, ImGuiKey_Enter);
  CHECK_FALSE(h.state.keyboard.open);
  CHECK(h.state.focus.name == "field:short");
}

TEST_CASE("focus order and stepping are pure: wrap around, and a vanished control's place stands in for it",
          "[kiosk][focus]") {
  std::vector<FocusItem> items = {
      {"lang", 800, 10, 900, 100, 1},   {"leave", 10, 10, 200, 100, 1},  {"b", 10, 200, 500, 300, 2},
      {"a", 10, 120, 500, 190, 2},      {"scroll_down", 900, 500, 990, 590, 2},
      {"c", 520, 205, 900, 290, 2},     {"next", 800, 700, 990, 800, 1}, {"back", 10, 700, 200, 800, 1}};
  std::vector<std::string> order = focus_order(items);
  CHECK(order == std::vector<std::string>{"leave", "lang", "a", "b", "c", "scroll_down", "back", "next"});
  CHECK(step_focus(order, "next", 0, +1) == "leave");
  CHECK(step_focus(order, "leave", 0, -1) == "next");
  CHECK(step_focus(order, "gone", 3, +1) == "b");
  CHECK(step_focus(order, "gone", 3, -1) == "a");
  CHECK(first_control_of({"next", "option:q10:a", "option:q1:a"}, "q1") == std::optional<std::string>("option:q1:a"));
}

TEST_CASE("the next resident starts without the last one's focus ring", "[kiosk][focus]") {
  Harness h(every_type());
  enter_every_type(h);  // by switch: the ring is showing
  REQUIRE(h.state.focus.visible);
  const IdleSettings& idle = h.state.config.idle;
  h.clock.advance(idle.warn_after + std::chrono::seconds(1));
  h.frame();
  h.clock.advance(idle.reset_after_warning + std::chrono::seconds(1));
  h.frame();
  h.frame();
  REQUIRE(h.state.screen == Screen::Attract);
  CHECK_FALSE(h.state.focus.visible);
  CHECK(h.last.focus_ring.name.empty());
}
