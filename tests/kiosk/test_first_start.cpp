// Headless UI tests of first start and the staff screen's edges: setup before any PIN, Exit that asks first.
#include <catch2/catch.hpp>

#include "harness.h"
#include "must.h"
#include "soundings/device_store.h"
#include "soundings/ui_text.h"
#include "ui/kiosk_frame.h"
#include "ui/screens.h"
#include "ui/staff_pin.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
HarnessOptions no_pin(const std::string& lang_first = "cy") {
  HarnessOptions o = every_type();
  o.staff_pin.clear();
  o.lang_first = lang_first;
  return o;
}

void tap_pin(Harness& h, const std::string& digits) {
  for (char d : digits) REQUIRE(h.tap(std::string("pin:") + d));
  REQUIRE(h.tap("pin:ok"));
}

std::string screen(const Harness& h) { return screen_name(h.state.screen); }

void open_staff_screen(Harness& h) {
  h.hold(20, 20, 3.2f);
  REQUIRE(screen(h) == "staff_pin");
  tap_pin(h, "4821");
  h.settle();
  REQUIRE(screen(h) == "staff");
}
}  // namespace

TEST_CASE("with no staff PIN the kiosk opens on its setup screen and the corner press opens nothing", "[kiosk][setup]") {
  Harness h(no_pin());
  CHECK(screen(h) == "setup");
  CHECK_FALSE(h.has_target("card:every-type"));
  h.hold(20, 20, 3.2f);
  CHECK(screen(h) == "setup");
  CHECK_FALSE(h.has_target("staff:exit"));
  // Nothing times out back to a public screen either.
  h.clock.advance(std::chrono::minutes(30));
  h.frame();
  CHECK(screen(h) == "setup");
}

TEST_CASE("first start sets the language order, the venue and the PIN on the touchscreen, then the kiosk starts",
          "[kiosk][setup]") {
  Harness h(no_pin("cy"));
  REQUIRE(h.tap("setup:lang:en"));
  REQUIRE(h.tap("setup:next"));
  REQUIRE(h.state.keyboard.open);  // the venue is typed straight away
  for (size_t i = 0; i < h.state.config.venue.size(); ++i) REQUIRE(h.tap("key:backspace"));
  REQUIRE(h.type("Caffi Trwsio"));
  REQUIRE(h.tap("key:done"));
  REQUIRE(h.tap("setup:next"));
  tap_pin(h, "2580");
  tap_pin(h, "2580");
  h.settle();
  REQUIRE(screen(h) == "attract");
  CHECK(h.state.language == "en");
  CHECK(h.state.config.venue == "Caffi Trwsio");
  CHECK(must(h.store->setting(setting::kLangFirst)).value_or("") == "en");
  CHECK(must(h.store->setting(setting::kVenue)).value_or("") == "Caffi Trwsio");
  std::string stored = must(h.store->setting(setting::kStaffPinHash)).value_or("");
  CHECK(verify_pin("2580", stored));
  CHECK(stored.find("2580") == std::string::npos);
  // Now, and only now, the corner press asks for that PIN.
  h.hold(20, 20, 3.2f);
  REQUIRE(screen(h) == "staff_pin");
  tap_pin(h, "2580");
  h.settle();
  CHECK(screen(h) == "staff");
}

TEST_CASE("the setup screen refuses a PIN that is too short or not the same twice, and stores nothing", "[kiosk][setup]") {
  Harness h(no_pin());
  REQUIRE(h.tap("setup:next"));
  REQUIRE(h.tap("key:done"));
  REQUIRE(h.tap("setup:next"));
  tap_pin(h, "123");
  CHECK(h.state.setup.message_key == "kiosk.setup.pin_format");
  CHECK(h.state.setup.step == SetupStep::Pin);
  tap_pin(h, "1234");
  CHECK(h.state.setup.step == SetupStep::PinAgain);
  tap_pin(h, "4321");
  h.settle();
  CHECK(h.state.setup.message_key == "kiosk.setup.pin_mismatch");
  CHECK(h.state.setup.step == SetupStep::Pin);
  CHECK(h.state.setup.pin_first.empty());
  CHECK(screen(h) == "setup");
  CHECK_FALSE(must(h.store->setting(setting::kStaffPinHash)));
  // Back goes a step at a time.
  REQUIRE(h.tap("setup:back"));
  CHECK(h.state.setup.step == SetupStep::Venue);
}

TEST_CASE("no public screen tells people to run a command", "[kiosk][setup][strings]") {
  for (const std::string& key : ui_text_keys()) {
    if (key.rfind("kiosk.", 0) != 0) continue;
    for (const char* lang : {"cy", "en"}) {
      INFO(key << " " << lang);
      std::string words = ui_text(key, lang);
      CHECK(words.find("--") == std::string::npos);
      CHECK(words.find("soundings-kiosk") == std::string::npos);
    }
  }
}

TEST_CASE("Exit on the staff screen asks first: Cancel keeps the kiosk running, Close stops it", "[kiosk][staff]") {
  std::string lang = GENERATE(as<std::string>{}, "cy", "en");
  HarnessOptions o = no_pin(lang);
  o.staff_pin = "4821";
  Harness h(o);
  open_staff_screen(h);
  REQUIRE(h.tap("staff:exit"));
  CHECK_FALSE(h.controller->exit_requested());
  REQUIRE(h.target("exit:cancel"));
  REQUIRE(h.target("exit:close"));
  CHECK(h.target("exit:close")->label == ui_text("kiosk.exit.close", lang));
  REQUIRE(h.tap("exit:cancel"));
  CHECK_FALSE(h.controller->exit_requested());
  CHECK(screen(h) == "staff");
  CHECK_FALSE(h.has_target("exit:close"));
  REQUIRE(h.tap("staff:exit"));
  REQUIRE(h.tap("exit:close"));
  CHECK(h.controller->exit_requested());
}

TEST_CASE("the Welsh staff screen does not show the sync agent's English words as its own", "[kiosk][staff][welsh]") {
  StaffView view;
  view.sync_state = "not_enrolled";
  view.sync_error = "This device is not enrolled with a hub yet";
  // The state row already says "Heb gofrestru": no English line repeats it.
  CHECK(staff_sync_error(view, "cy").empty());
  CHECK(ui_text("kiosk.sync.not_enrolled", "cy") == "Heb gofrestru");
  // Other failures keep the agent's words for whoever staff pass them to, marked as English in Welsh.
  view.sync_state = "offline";
  view.sync_error = "could not reach the hub";
  std::string cy = staff_sync_error(view, "cy");
  CHECK(cy.find("could not reach the hub") != std::string::npos);
  CHECK(cy.find("Saesneg") != std::string::npos);
  CHECK(staff_sync_error(view, "en") == "could not reach the hub");
}
