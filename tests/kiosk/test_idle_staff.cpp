// Headless UI tests of the unattended kiosk: idle warning and reset, the staff gesture, PIN and lockout.
#include <catch2/catch.hpp>

#include "harness.h"
#include "walk.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
void open_staff_screen(Harness& h) {
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  for (const char* d : {"pin:4", "pin:8", "pin:2", "pin:1", "pin:ok"}) REQUIRE(h.tap(d));
  h.settle();
  REQUIRE(h.state.screen == Screen::Staff);
}

void start_every_type(Harness& h) {
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
}
}  // namespace

TEST_CASE("the idle warning, then the reset, leaves no answer behind", "[kiosk][idle]") {
  Harness h(every_type());
  start_every_type(h);
  REQUIRE(h.tap("option:transport:other"));
  REQUIRE(h.type("Tacsi"));  // half-typed, keyboard still open
  const IdleSettings& idle = h.state.config.idle;

  h.clock.advance(idle.warn_after + std::chrono::seconds(1));
  h.frame();
  h.frame();
  REQUIRE(h.state.idle_warning);
  CHECK(h.state.idle_seconds_left > 0);
  CHECK(h.state.idle_seconds_left <= idle.reset_after_warning.count());
  REQUIRE(h.has_target("idle:continue"));

  // Taps elsewhere do not dismiss it by accident; Continue does, with everything kept.
  REQUIRE(h.tap("idle:continue"));
  CHECK_FALSE(h.state.idle_warning);
  CHECK(std::get<ChoiceAnswer>(*h.state.session->answer("transport")).other_text == "Tacsi");

  h.clock.advance(idle.warn_after + idle.reset_after_warning + std::chrono::seconds(1));
  h.frame();
  h.frame();
  CHECK(h.state.screen == Screen::Attract);
  CHECK_FALSE(h.state.session);
  CHECK_FALSE(h.state.keyboard.open);
  CHECK_FALSE(h.state.idle_warning);
  CHECK(must(h.store->response_count()) == 0);
  // The next person starts from nothing, and sees none of it.
  start_every_type(h);
  CHECK(h.state.session->answer("transport") == nullptr);
  CHECK_FALSE(h.has_target("other:transport"));
}

TEST_CASE("the idle warning counts down and continuing works again and again", "[kiosk][idle]") {
  Harness h(every_type());
  start_every_type(h);
  const IdleSettings& idle = h.state.config.idle;
  for (int round = 0; round < 12; ++round) {
    h.clock.advance(idle.warn_after + std::chrono::seconds(5));
    h.frame();
    REQUIRE(h.state.idle_warning);
    int first = h.state.idle_seconds_left;
    h.clock.advance(std::chrono::seconds(3));
    h.frame();
    CHECK(h.state.idle_seconds_left == first - 3);
    REQUIRE(h.tap("idle:continue"));
    REQUIRE_FALSE(h.state.idle_warning);
    REQUIRE(h.state.screen == Screen::Page);
  }
  // The loop must sleep only until the warning's next second.
  h.clock.advance(idle.warn_after + std::chrono::seconds(1));
  h.frame();
  auto wake = h.controller->next_wake();
  REQUIRE(wake);
  CHECK(*wake <= std::chrono::milliseconds(1000));
}

TEST_CASE("the attract screen sleeps unless its cycling results card needs a change", "[kiosk][idle]") {
  Harness h;  // the demo consultations: two carry "you said, we did"
  REQUIRE(h.state.screen == Screen::Attract);
  auto wake = h.controller->next_wake();
  REQUIRE(wake);
  CHECK(*wake > std::chrono::seconds(1));
  size_t shown = h.state.feedback_index;
  h.clock.advance(h.state.config.attract_cycle + std::chrono::milliseconds(10));
  h.frame();
  CHECK(h.state.feedback_index != shown);

  Harness quiet(every_type());  // nothing to cycle: sleep until touched
  CHECK_FALSE(quiet.controller->next_wake());
}

TEST_CASE("a long press in the corner and the right PIN open the staff screen", "[kiosk][staff]") {
  HarnessOptions o = every_type();
  o.staff_pin = "4821";
  Harness h(o);
  h.hold(20, 20, 1.0f);  // too short
  CHECK(h.state.screen == Screen::Attract);
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  for (const char* d : {"pin:4", "pin:8", "pin:2", "pin:1", "pin:ok"}) REQUIRE(h.tap(d));
  h.settle();
  REQUIRE(h.state.screen == Screen::Staff);
  CHECK(h.state.staff.counts_known);
  CHECK(h.state.staff.sync_state == "not_enrolled");

  // Staff hide a consultation: residents no longer see it.
  REQUIRE(h.tap("staff:offer:every-type"));
  h.settle();
  REQUIRE(h.tap("staff:close"));
  CHECK(h.state.screen == Screen::Attract);
  CHECK_FALSE(h.has_target("card:every-type"));
  auto cached = must(h.store->latest_consultations());
  REQUIRE(cached.size() == 1);
  CHECK_FALSE(cached[0].offered);
}

TEST_CASE("five wrong PINs lock the staff screen for five minutes", "[kiosk][staff]") {
  HarnessOptions o = every_type();
  o.staff_pin = "4821";
  Harness h(o);
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  for (int attempt = 0; attempt < 5; ++attempt) {
    for (const char* d : {"pin:1", "pin:1", "pin:1", "pin:1", "pin:ok"}) REQUIRE(h.tap(d));
    h.settle();
    REQUIRE(h.state.screen == Screen::StaffPin);
  }
  CHECK(h.state.lock_seconds_left > 0);
  // The right PIN is not even tried while locked.
  for (const char* d : {"pin:4", "pin:8", "pin:2", "pin:1", "pin:ok"}) REQUIRE(h.tap(d));
  h.settle();
  CHECK(h.state.screen == Screen::StaffPin);
  // Idle staff screens close by themselves; come back after the lock.
  h.clock.advance(std::chrono::minutes(5) + std::chrono::seconds(1));
  h.frame();
  h.frame();
  REQUIRE(h.state.screen == Screen::Attract);
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  CHECK(h.state.lock_seconds_left == 0);
  for (const char* d : {"pin:4", "pin:8", "pin:2", "pin:1", "pin:ok"}) REQUIRE(h.tap(d));
  h.settle();
  CHECK(h.state.screen == Screen::Staff);
}

TEST_CASE("staff can set the venue with the on-screen keyboard and it is stored", "[kiosk][staff]") {
  Harness h(every_type());
  open_staff_screen(h);
  REQUIRE(h.tap("staff:venue"));
  REQUIRE(h.state.keyboard.open);
  for (int i = 0; i < 12; ++i) REQUIRE(h.tap("key:backspace"));
  REQUIRE(h.type("Caffi Trwsio"));
  REQUIRE(h.tap("key:done"));
  h.settle();
  CHECK(h.state.config.venue == "Caffi Trwsio");
  CHECK(must(h.store->setting("venue")).value_or("") == "Caffi Trwsio");
}

TEST_CASE("without head office's key, contact and equality questions are not asked", "[kiosk][walk]") {
  HarnessOptions o;
  o.with_seal_key = false;
  Harness h(o);
  walk_to_review(h, "influencing-decisions", "en");
  for (const ReviewItem& item : h.state.session->review()) {
    const Question* q = h.state.session->consultation().find_question(item.question_id);
    REQUIRE(q);
    CHECK(q->data == DataClass::Ordinary);
  }
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  auto saved = stored_response(h, "influencing-decisions");
  REQUIRE(saved);
  CHECK(saved->personal.empty());
  CHECK(saved->special.empty());
}

TEST_CASE("a consultation file with errors is not offered and staff see the validator's words", "[kiosk][staff]") {
  HarnessOptions o = every_type();
  std::string broken = std::string(KIOSK_TEST_DATA_DIR) + "/broken-missing-welsh.json";
  o.consultation_files.push_back(broken);
  Harness h(o);
  CHECK(h.has_target("card:every-type"));
  const CatalogueEntry* refused = nullptr;
  for (const CatalogueEntry& e : h.state.catalogue.entries)
    if (!e.consultation) refused = &e;
  REQUIRE(refused);
  CHECK(refused->source == "broken-missing-welsh.json");
  REQUIRE_FALSE(refused->problems.empty());
  CHECK(refused->problems[0].find("title") != std::string::npos);
  CHECK_FALSE(h.has_target("card:broken-missing-welsh"));
}

TEST_CASE("high-contrast and large-text toggles are on every screen and keep the answers", "[kiosk][a11y]") {
  Harness h(every_type());
  REQUIRE(h.tap("toggle:large_text"));
  CHECK(h.state.large_text);
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.has_target("toggle:high_contrast"));
  REQUIRE(h.tap("toggle:high_contrast"));
  CHECK(h.state.high_contrast);
  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.tap("toggle:large_text"));
  CHECK_FALSE(h.state.large_text);
  CHECK(h.state.session->answer("transport") != nullptr);
  REQUIRE(h.has_target("lang:en"));  // the other language, in words
  // Every tap target is at least 44 pixels in both directions (WCAG 2.5.5 at scale 1).
  for (const TapTarget& t : h.last.targets) {
    if (t.name.rfind("scroll_", 0) == 0) continue;
    INFO(t.name);
    CHECK(t.x1 - t.x0 >= 44.0f);
  }
}
