// Headless UI tests of typing: the text cursor, every Welsh accented letter, and buttons that say what they do.
#include <catch2/catch.hpp>

#include <imgui_internal.h>

#include "harness.h"
#include "soundings/ui_text.h"
#include "ui/answer_edit.h"
#include "ui/text_caret.h"

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
// Into the every-type consultation, with the keyboard open on its short text question.
void open_short_text(Harness& h) {
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("option:transport:bus"));
  for (int i = 0; i < 2; ++i) REQUIRE(h.tap("next"));
  REQUIRE(h.tap("field:short"));
  REQUIRE(h.state.keyboard.open);
}

std::string short_answer(const Harness& h) {
  const Answer* a = h.state.session->answer("short");
  return a ? std::get<TextAnswer>(*a).text : std::string();
}

// Taps the typing field at the point where the cursor would be drawn before `offset`.
void tap_in_typing_field(Harness& h, size_t offset) {
  const TapTarget* field = h.target("typing");
  REQUIRE(field);
  ImFont* font = h.fonts.normal.body;
  float pad = 24.0f * h.fonts.scale;
  float wrap = (field->x1 - field->x0) - 2 * pad;
  ImVec2 at = cursor_position(font, short_answer(h), wrap, offset);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(field->x0 + pad + at.x + 1.0f, field->y0 + pad + at.y + font->FontSize * 0.5f);
  io.MouseDown[0] = true;
  h.frame();
  io.MouseDown[0] = false;
  h.frame();
  h.frame();
}
}  // namespace

TEST_CASE("the arrow keys move the cursor and typing and backspace work there, not only at the end", "[kiosk][keyboard]") {
  Harness h(every_type());
  open_short_text(h);
  REQUIRE(h.type("dr"));
  CHECK(h.state.keyboard.cursor == 2);
  REQUIRE(h.tap("key:left"));
  REQUIRE(h.type("ŵ"));
  CHECK(short_answer(h) == "dŵr");
  REQUIRE(h.tap("key:right"));
  REQUIRE(h.type("!"));
  CHECK(short_answer(h) == "dŵr!");
  for (int i = 0; i < 3; ++i) REQUIRE(h.tap("key:left"));
  REQUIRE(h.tap("key:backspace"));
  CHECK(short_answer(h) == "ŵr!");
  CHECK(h.state.keyboard.cursor == 0);
  REQUIRE(h.tap("key:left"));  // already at the start
  CHECK(h.state.keyboard.cursor == 0);
}

TEST_CASE("a tap in the text puts the cursor between the letters tapped", "[kiosk][keyboard]") {
  Harness h(every_type());
  open_short_text(h);
  REQUIRE(h.type("Mae'r dŵr yn oer"));
  size_t before_w = std::string("Mae'r d").size();
  tap_in_typing_field(h, before_w);
  CHECK(h.state.keyboard.cursor == before_w);
  REQUIRE(h.type("x"));
  CHECK(short_answer(h) == "Mae'r dxŵr yn oer");
  // After the Welsh letter: the cursor lands after its two bytes, never inside it.
  tap_in_typing_field(h, std::string("Mae'r dxŵ").size());
  CHECK(h.state.keyboard.cursor == std::string("Mae'r dxŵ").size());
  REQUIRE(h.tap("key:backspace"));
  CHECK(short_answer(h) == "Mae'r dxr yn oer");
}

TEST_CASE("the cursor is drawn where typing goes, and a tap finds the same place", "[kiosk][keyboard]") {
  Harness h(every_type());
  ImFont* font = h.fonts.normal.body;
  std::string words = "caniatáu copïo ŵ ẃ ỳ a mwy o eiriau i lapio";
  float wrap = font->FontSize * 8;
  REQUIRE(wrapped_lines(font, words, wrap).size() > 1);
  for (size_t at = 0; at <= words.size(); at = at == words.size() ? at + 1 : next_letter(words, at)) {
    ImVec2 p = cursor_position(font, words, wrap, at);
    INFO("offset " << at);
    CHECK(cursor_at(font, words, wrap, ImVec2(p.x, p.y + font->FontSize * 0.5f)) == at);
  }
}

TEST_CASE("the keyboard types every Welsh accented letter, in both cases", "[kiosk][keyboard]") {
  Harness h(every_type());
  open_short_text(h);
  REQUIRE(h.type("caniatáu copïo ŵ ẃ ỳ"));
  CHECK(short_answer(h) == "caniatáu copïo ŵ ẃ ỳ");
  for (int i = 0; i < 20; ++i) REQUIRE(h.tap("key:backspace"));
  std::string all = "âêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ";
  std::string capitals = "ÂÊÎÔÛŴŶÁÉÍÓÚẂÝÀÈÌÒÙẀỲÄËÏÖÜẄŸ";
  REQUIRE(h.type(all));
  REQUIRE(h.type(capitals));
  CHECK(short_answer(h) == all + capitals);
}

TEST_CASE("every letter on the keyboard is in the font atlas", "[kiosk][keyboard]") {
  Harness h(every_type());
  std::string letters = "âêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿÂÊÎÔÛŴŶÁÉÍÓÚẂÝÀÈÌÒÙẀỲÄËÏÖÜẄŸ←→";
  for (ImFont* font : {h.fonts.normal.body, h.fonts.normal.heading, h.fonts.large.body}) {
    for (const char* s = letters.c_str(); *s;) {
      unsigned int c = 0;
      s += ImTextCharFromUtf8(&c, s, nullptr);
      INFO("U+" << std::hex << c);
      CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
    }
  }
}

TEST_CASE("the keyboard's Done, the date picker's Done and the thank-you Finish say different things", "[kiosk][keyboard]") {
  std::string lang = GENERATE(as<std::string>{}, "cy", "en");
  HarnessOptions options = every_type();
  options.lang_first = lang;
  Harness h(options);
  open_short_text(h);
  REQUIRE(h.target("key:done"));
  std::string keyboard = h.target("key:done")->label;
  REQUIRE(h.tap("key:done"));
  REQUIRE(h.tap("next"));
  REQUIRE(h.tap("date:moved_in:day"));
  REQUIRE(h.target("pick:close"));
  std::string date = h.target("pick:close")->label;
  std::string finish = ui_text("kiosk.thanks.finish", lang);
  CAPTURE(lang, keyboard, date, finish);
  CHECK_FALSE(keyboard.empty());
  CHECK(keyboard != date);
  CHECK(keyboard != finish);
  CHECK(date != finish);
}

TEST_CASE("a tap in the staff screen's venue while typing it moves the cursor and keeps what was typed", "[kiosk][keyboard][staff]") {
  Harness h(every_type());
  h.hold(20, 20, 3.2f);
  for (const char* d : {"pin:4", "pin:8", "pin:2", "pin:1", "pin:ok"}) REQUIRE(h.tap(d));
  h.settle();
  REQUIRE(h.tap("staff:venue"));
  REQUIRE(h.type(" Wrecsam"));
  REQUIRE(h.tap("typing"));  // while typing, the field is shown above the keyboard
  CHECK(h.state.venue_draft == "Test Library Wrecsam");
  CHECK(h.state.keyboard.open);
}
