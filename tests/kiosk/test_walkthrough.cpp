// Headless UI tests: residents tap through real screens, in Welsh and in English, to a committed response.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "harness.h"
#include "soundings/sealing.h"
#include "walk.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
void submit_and_wait(Harness& h) {
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
}
// From the attract screen into the every-type consultation, `pages` pages on, with the keyboard
// open on `field`.
void open_keyboard_on(Harness& h, const std::string& field, int pages) {
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("option:transport:bus"));
  for (int i = 0; i < pages; ++i) REQUIRE(h.tap("next"));
  REQUIRE(h.tap(field));
}
}  // namespace

TEST_CASE("every demo consultation can be completed by tapping, in Welsh and in English", "[kiosk][walk]") {
  std::string id = GENERATE(as<std::string>{}, "influencing-decisions", "involvement-strategy", "library-opening-hours");
  std::string language = GENERATE(as<std::string>{}, "cy", "en");
  CAPTURE(id, language);
  Harness h;
  walk_to_review(h, id, language);
  submit_and_wait(h);
  std::optional<Response> saved = stored_response(h, id);
  REQUIRE(saved);
  CHECK(saved->language == language);
  CHECK(saved->channel == Channel::Kiosk);
  CHECK(saved->venue == "Test Library");
  CHECK_FALSE(saved->answers.empty());
  CHECK(saved->is_sealed());
  // The thank-you screen says when results come, then goes back to the start by itself.
  h.clock.advance(std::chrono::seconds(13));
  h.frame();
  CHECK(h.state.screen == Screen::Attract);
  CHECK_FALSE(h.state.session);
}

TEST_CASE("every question type is answered by tapping and lands in the response", "[kiosk][walk]") {
  Harness h(every_type());
  walk_to_review(h, "every-type", "en");
  submit_and_wait(h);
  std::optional<Response> saved = stored_response(h, "every-type");
  REQUIRE(saved);
  const nlohmann::json& a = saved->answers;
  for (const char* q : {"transport", "services", "agree", "feeling", "likely", "short", "long", "visits", "postcode",
                        "moved_in", "priorities", "quote_ok"}) {
    INFO(q);
    CHECK(a.contains(q));
  }
  CHECK(a.dump().find("LL11 1AY") != std::string::npos);
  CHECK(a.dump().find("1985") != std::string::npos);
  // Personal answers are sealed on the device and open only with head office's key.
  REQUIRE(saved->personal.contains("sealed"));
  auto opened = open_sealed(saved->personal, h.keys);
  REQUIRE(opened);
  CHECK(opened->dump().find("dewi@enghraifft.cymru") != std::string::npos);
  CHECK(opened->dump().find("Dewi Sant") != std::string::npos);
}

TEST_CASE("the thank-you screen is drawn only after the response is committed", "[kiosk][walk]") {
  Harness h(every_type());
  walk_to_review(h, "every-type", "cy");
  int64_t before = must(h.store->response_count());
  REQUIRE(h.tap("submit"));
  bool saw_thanks = false;
  for (int i = 0; i < 2000 && !saw_thanks; ++i) {
    h.frame();  // run_kiosk_frame draws whatever screen the controller chose this frame
    if (h.state.screen == Screen::Thanks) {
      saw_thanks = true;
      CHECK(must(h.store->response_count()) == before + 1);
      CHECK(stored_response(h, "every-type"));
    } else {
      CHECK(h.state.screen == Screen::Saving);
    }
  }
  CHECK(saw_thanks);
}

TEST_CASE("a response handed to the store worker is committed when the kiosk stops at once", "[kiosk][walk]") {
  // What main does after SIGTERM ends the frame loop: the controller goes, then the worker, with the
  // save possibly still queued or running.
  Harness h(every_type());
  walk_to_review(h, "every-type", "en");
  int64_t before = must(h.store->response_count());
  REQUIRE(h.tap("submit"));
  // Usually still saving here; on a slow or loaded machine the worker may already have finished, which the
  // checks below accept too: either way the response must be in the store once both are gone.
  REQUIRE((h.state.screen == Screen::Saving || h.state.screen == Screen::Thanks));
  h.controller.reset();
  h.worker.reset();
  CHECK(must(h.store->response_count()) == before + 1);
  CHECK(stored_response(h, "every-type"));
}

TEST_CASE("switching language half-way keeps every answer, including half-typed text", "[kiosk][walk]") {
  Harness h(every_type());
  REQUIRE(h.tap("lang:en"));
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  answer_page(h);
  REQUIRE(h.tap("next"));
  answer_page(h);
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.session->page_index() == 2);
  Answer transport = *h.state.session->answer("transport");
  Answer feeling = *h.state.session->answer("feeling");

  REQUIRE(h.tap("field:short"));
  REQUIRE(h.type("Hanner"));
  REQUIRE(h.state.keyboard.open);  // not confirmed with Done
  REQUIRE(h.tap("lang:cy"));
  CHECK(h.state.language == "cy");
  CHECK(h.state.session->language() == "cy");
  CHECK(h.state.keyboard.open);
  CHECK(std::get<TextAnswer>(*h.state.session->answer("short")).text == "Hanner");
  CHECK(*h.state.session->answer("transport") == transport);
  CHECK(*h.state.session->answer("feeling") == feeling);
  // Keep typing in Welsh where the English left off.
  REQUIRE(h.type(" ŵyr"));
  REQUIRE(h.tap("key:done"));
  answer_page(h);
  REQUIRE(h.tap("next"));
  answer_page(h);
  REQUIRE(h.tap("next"));
  answer_page(h);
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.screen == Screen::Review);
  submit_and_wait(h);
  std::optional<Response> saved = stored_response(h, "every-type");
  REQUIRE(saved);
  CHECK(saved->language == "cy");
  CHECK(saved->answers.dump().find("Hanner ŵyr") != std::string::npos);
}

TEST_CASE("a required question blocks Next and says why, in the language on screen", "[kiosk][walk]") {
  Harness h(every_type());
  REQUIRE(h.tap("lang:en"));
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("next"));
  CHECK(h.state.screen == Screen::Page);
  CHECK(h.state.session->page_index() == 0);
  REQUIRE(h.state.show_problems);
  REQUIRE(h.state.problems.size() == 1);
  CHECK(h.state.problems[0].question_id == "transport");
  std::string english = h.state.problems[0].message;
  CHECK_FALSE(english.empty());
  REQUIRE(h.tap("lang:cy"));
  REQUIRE(h.state.problems.size() == 1);
  CHECK(h.state.problems[0].message != english);
  CHECK_FALSE(h.state.problems[0].message.empty());
  // Answering clears the problem and Next moves on.
  REQUIRE(h.tap("option:transport:bus"));
  CHECK(h.state.problems.empty());
  REQUIRE(h.tap("next"));
  CHECK(h.state.session->page_index() == 1);
}

TEST_CASE("\"Other, please specify\" opens a text field and keeps what is typed", "[kiosk][walk]") {
  Harness h(every_type());
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("option:transport:other"));
  REQUIRE(h.state.keyboard.open);  // choosing "other" goes straight to typing
  CHECK(h.state.keyboard.target.field == TextTarget::Field::Other);
  REQUIRE(h.type("Beic"));
  REQUIRE(h.tap("key:done"));
  const auto& choice = std::get<ChoiceAnswer>(*h.state.session->answer("transport"));
  CHECK(choice.option == "other");
  CHECK(choice.other_text == "Beic");
  REQUIRE(h.has_target("other:transport"));
  // Choosing another option drops the other text.
  REQUIRE(h.tap("option:transport:bus"));
  CHECK(std::get<ChoiceAnswer>(*h.state.session->answer("transport")).other_text.empty());
  CHECK_FALSE(h.has_target("other:transport"));
}

TEST_CASE("the on-screen keyboard types Welsh letters into an answer", "[kiosk][keyboard]") {
  Harness h(every_type());
  open_keyboard_on(h, "field:short", 2);
  for (const char* key : {"key:ŵ", "key:ŷ", "key:â", "key:accent:diaeresis", "key:ë", "key:ẅ", "key:accent:circumflex"})
    REQUIRE(h.tap(key));
  REQUIRE(h.tap("key:shift"));
  REQUIRE(h.tap("key:Ŵ"));
  CHECK(std::get<TextAnswer>(*h.state.session->answer("short")).text == "ŵŷâëẅŴ");
  CHECK_FALSE(h.state.keyboard.shift);  // shift is for one letter
  REQUIRE(h.tap("key:backspace"));
  CHECK(std::get<TextAnswer>(*h.state.session->answer("short")).text == "ŵŷâëẅ");
  // The field being typed into is drawn above the keyboard.
  const TapTarget* field = h.target("typing");
  const TapTarget* key = h.target("key:ŵ");
  REQUIRE(field);
  REQUIRE(key);
  CHECK(field->y1 <= key->y0);
}

namespace {
// The keyboard's keys as drawn, checked for the layout every layer shares: finger-sized keys that
// never touch, rows one gap apart, the letter rows staggered by half a key, and the accented, shift
// and bottom rows exactly as wide as each other.
void check_keyboard_layout(const Harness& h, const std::string& top_key, const std::string& home_key,
                           const std::string& shift_row_key) {
  const float touch = 96.0f * ui_scale_for(1920, 1080);
  std::vector<TapTarget> keys;
  for (const TapTarget& t : h.last.targets)
    if (t.name.rfind("key:", 0) == 0) keys.push_back(t);
  REQUIRE(keys.size() >= 40);
  std::map<long, std::vector<TapTarget>> rows;  // by top edge
  for (const TapTarget& k : keys) {
    CHECK(k.x1 - k.x0 >= touch - 0.5f);
    CHECK(k.y1 - k.y0 >= touch - 0.5f);
    rows[std::lround(k.y0)].push_back(k);
  }
  for (size_t i = 0; i < keys.size(); ++i)
    for (size_t j = i + 1; j < keys.size(); ++j) {
      const TapTarget& a = keys[i];
      const TapTarget& b = keys[j];
      bool apart = a.x1 < b.x0 || b.x1 < a.x0 || a.y1 < b.y0 || b.y1 < a.y0;
      INFO(a.name << " and " << b.name);
      CHECK(apart);
    }
  REQUIRE(rows.size() == 5);
  std::vector<std::pair<float, float>> spans;  // left and right edge of each row, top to bottom
  float last_bottom = -1;
  for (auto& [top, row] : rows) {
    auto [lo, hi] = std::minmax_element(row.begin(), row.end(), [](const TapTarget& a, const TapTarget& b) { return a.x0 < b.x0; });
    float right = 0;
    for (const TapTarget& k : row) right = std::max(right, k.x1);
    spans.emplace_back(lo->x0, right);
    (void)hi;
    if (last_bottom >= 0) CHECK(static_cast<float>(top) - last_bottom >= 5.0f);
    last_bottom = row.front().y1;
  }
  // Accented (0), shift (3) and bottom (4) rows share both edges; the letter rows sit inside.
  for (int r : {3, 4}) {
    CHECK(std::fabs(spans[r].first - spans[0].first) < 1.5f);
    CHECK(std::fabs(spans[r].second - spans[0].second) < 1.5f);
  }
  for (int r : {1, 2}) {
    CHECK(spans[r].first > spans[0].first);
    CHECK(spans[r].second < spans[0].second);
  }
  const TapTarget* top = h.target(top_key);
  const TapTarget* home = h.target(home_key);
  const TapTarget* bottom = h.target(shift_row_key);
  REQUIRE(top);
  REQUIRE(home);
  REQUIRE(bottom);
  float half_key = (top->x1 - top->x0) * 0.5f;
  CHECK(home->x0 - top->x0 == Approx(half_key).margin(6.0));
  CHECK(bottom->x0 - home->x0 == Approx(half_key).margin(6.0));
}
}  // namespace

TEST_CASE("the on-screen keyboard's rows are staggered by half a key, never touch, and every key is finger-sized",
          "[kiosk][keyboard]") {
  Harness h(every_type());
  open_keyboard_on(h, "field:short", 2);
  SECTION("letters") { check_keyboard_layout(h, "key:q", "key:a", "key:z"); }
  SECTION("numbers") {
    REQUIRE(h.tap("key:layer:numbers"));
    check_keyboard_layout(h, "key:1", "key:-", "key:.");
  }
  SECTION("symbols") {
    REQUIRE(h.tap("key:layer:numbers"));
    REQUIRE(h.tap("key:layer:symbols"));
    check_keyboard_layout(h, "key:[", "key:_", "key:.");
  }
  SECTION("large text") {
    REQUIRE(h.tap("key:done"));
    REQUIRE(h.tap("toggle:large_text"));
    REQUIRE(h.tap("field:short"));
    check_keyboard_layout(h, "key:q", "key:a", "key:z");
  }
}

TEST_CASE("the email keyboard's bottom row is as wide as the others", "[kiosk][keyboard]") {
  Harness h(every_type());
  open_keyboard_on(h, "field:email", 4);
  SECTION("letters") { check_keyboard_layout(h, "key:q", "key:a", "key:z"); }
  SECTION("numbers") {
    REQUIRE(h.tap("key:layer:numbers"));
    check_keyboard_layout(h, "key:1", "key:-", "key:.");
  }
}

TEST_CASE("an email field offers @ and the Welsh domain endings", "[kiosk][keyboard]") {
  Harness h(every_type());
  open_keyboard_on(h, "field:email", 4);
  CHECK(h.state.keyboard.kind == KeyboardKind::Email);
  REQUIRE(h.type("siân"));
  REQUIRE(h.tap("key:@"));
  REQUIRE(h.type("enghraifft"));
  REQUIRE(h.tap("key:.cymru"));
  CHECK(std::get<TextAnswer>(*h.state.session->answer("email")).text == "siân@enghraifft.cymru");
}

TEST_CASE("leaving a consultation asks first, then wipes the answers", "[kiosk][walk]") {
  Harness h(every_type());
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("option:transport:walk"));
  REQUIRE(h.tap("leave"));
  REQUIRE(h.state.confirm_leave);
  REQUIRE(h.tap("leave:no"));
  CHECK(h.state.session->answer("transport") != nullptr);
  REQUIRE(h.tap("leave"));
  REQUIRE(h.tap("leave:yes"));
  CHECK(h.state.screen == Screen::Attract);
  CHECK_FALSE(h.state.session);
  CHECK(must(h.store->response_count()) == 0);
}

TEST_CASE("Try again after a failed save saves the response once the fault has gone, and says each try failed",
          "[kiosk][walk]") {
  Harness h(every_type());
  walk_to_review(h, "every-type", "en");
  const std::string good_key = h.state.config.seal_public_key;
  h.state.config.seal_public_key = "not a key";  // sealing fails, as a full or broken disk would fail the save
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::SaveFailed);
  CHECK(h.state.save_attempts == 1);

  // A second failure is visible: the count of tries changes, so the tap is seen to have done something.
  REQUIRE(h.tap("retry"));
  h.settle();
  REQUIRE(h.state.screen == Screen::SaveFailed);
  CHECK(h.state.save_attempts == 2);
  CHECK_FALSE(stored_response(h, "every-type"));

  h.state.config.seal_public_key = good_key;
  REQUIRE(h.tap("retry"));
  h.settle();
  CHECK(h.state.screen == Screen::Thanks);
  CHECK(*h.store->response_count() == 1);
  CHECK(stored_response(h, "every-type"));
}

TEST_CASE("a save that committed but reported a failure is not refused as a duplicate on Try again", "[kiosk][walk]") {
  Harness h(every_type());
  walk_to_review(h, "every-type", "en");
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  // The store now holds the response; the worker is asked to save the same record again, as a retry after a
  // commit whose success was not reported would.
  const std::optional<Response> stored = stored_response(h, "every-type");
  REQUIRE(stored);
  Response again = *stored;
  again.personal = nlohmann::json::object();
  again.special = nlohmann::json::object();
  h.worker->save(again, "");
  h.settle();
  CHECK(h.state.save_error.empty());
  CHECK(h.state.screen == Screen::Thanks);
  CHECK(*h.store->response_count() == 1);
}
