// What a resident is told: the problem summary, limits, "Change" from review, contact consents, no repeated text.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness.h"
#include "soundings/sealing.h"
#include "soundings/ui_text.h"
#include "ui/read_aloud.h"
#include "walk.h"

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
// How many times `words` occurs in everything the last frame drew.
size_t drawn_count(const Harness& h, const std::string& words) {
  size_t count = 0;
  for (const DrawnText& drawn : h.last.geometry.texts) {
    const std::string& text = drawn.words;
    for (size_t at = text.find(words); at != std::string::npos; at = text.find(words, at + words.size())) ++count;
  }
  return count;
}

// From the attract screen into every-type, in `language`, on page `page` (page 0 needs a transport).
void every_type_page(Harness& h, const std::string& language, size_t page) {
  REQUIRE(h.tap("lang:" + language));
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  if (page == 0) return;
  REQUIRE(h.tap("option:transport:bus"));
  for (size_t i = 0; i < page; ++i) REQUIRE(h.tap("next"));
  REQUIRE(h.state.session->page_index() == page);
}

// Answers page after page of a shipped consultation until the page `page_id` is showing.
void walk_to_page(Harness& h, const std::string& consultation_id, const std::string& language,
                  const std::string& page_id) {
  REQUIRE(h.tap("lang:" + language));
  REQUIRE(h.tap("card:" + consultation_id));
  REQUIRE(h.tap("start"));
  for (int step = 0; step < 30 && h.state.screen == Screen::Page; ++step) {
    const Session& session = *h.state.session;
    if (session.consultation().pages[session.page_index()].id == page_id) return;
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  FAIL("never reached page " << page_id);
}

const Question& question(const Harness& h, const std::string& id) {
  const Question* q = h.state.session->consultation().find_question(id);
  REQUIRE(q != nullptr);
  return *q;
}
}  // namespace

TEST_CASE("a refused Next goes to the top, where \"There is a problem\" lists each problem as a link",
          "[kiosk][flow][problems]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  Harness h(every_type(1366, 768));
  every_type_page(h, language, 0);
  REQUIRE(h.tap("option:services:library"));  // scrolls down to it
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.problems.size() == 1);
  // At the top again, without any scrolling by the resident: the summary and its link are in view.
  CHECK(drawn_count(h, language == "cy" ? "Mae problem" : "There is a problem") == 1);
  CHECK(h.has_target("problem_link:transport"));
  // The message is short, next to its field, and the question is not repeated in it.
  const std::string message = h.state.problems[0].message;
  CHECK(message == (language == "cy" ? "Dewiswch ateb" : "Choose an answer"));
  CHECK(drawn_count(h, question(h, "transport").text.in(language)) == 1);
  CHECK(drawn_count(h, message) == 2);  // in the summary and by the question
}

TEST_CASE("a problem link scrolls to its question and, for typing, opens the keyboard on the field",
          "[kiosk][flow][problems]") {
  Harness h(every_type(1366, 768));
  every_type_page(h, "en", 2);
  REQUIRE(h.tap("field:postcode"));
  REQUIRE(h.type("XX"));
  REQUIRE(h.tap("key:done"));
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.problems.size() == 1);
  REQUIRE(h.has_target("problem_link:postcode"));
  CHECK_FALSE(h.has_target("field:postcode"));  // the summary is at the top; the field is further down
  REQUIRE(h.tap("problem_link:postcode"));
  CHECK(h.state.keyboard.open);
  CHECK(h.state.keyboard.target.question_id == "postcode");
  CHECK(h.has_target("typing"));
  // The page has moved to the question: with the keyboard put away, its field is in view.
  REQUIRE(h.tap("key:done"));
  CHECK_FALSE(h.state.keyboard.open);
  CHECK(h.has_target("field:postcode"));
}

TEST_CASE("a third tick on \"up to 2\" and a fourth in a top 3 say why nothing changed, next to the question",
          "[kiosk][flow][limits]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  Harness h(every_type());
  every_type_page(h, language, 0);
  const std::string choose_notice = language == "cy" ? "Gallwch ddewis hyd at 2. Dad-diciwch un i ddewis un arall."
                                                     : "You can choose up to 2. Untick one to choose another.";
  CHECK(drawn_count(h, choose_notice) == 0);
  const Question& services = question(h, "services");
  REQUIRE(services.options.size() >= 3);
  for (size_t i = 0; i < 3; ++i) REQUIRE(h.tap("option:services:" + services.options[i].id));
  REQUIRE(h.state.limit_notice);
  CHECK(h.state.limit_notice->question_id == "services");
  CHECK(h.state.limit_notice->option_id == services.options[2].id);
  CHECK(drawn_count(h, choose_notice) == 1);
  CHECK(words_on_screen(h.state).at(0).words.find(choose_notice) != std::string::npos);  // Listen says it too
  // Unticking one is a change: the notice has done its job.
  REQUIRE(h.tap("option:services:" + services.options[0].id));
  CHECK_FALSE(h.state.limit_notice);
  CHECK(drawn_count(h, choose_notice) == 0);

  REQUIRE(h.tap("option:transport:bus"));
  for (int i = 0; i < 3; ++i) REQUIRE(h.tap("next"));
  const Question& priorities = question(h, "priorities");
  REQUIRE(priorities.options.size() >= 4);
  for (size_t i = 0; i < 4; ++i) REQUIRE(h.tap("rank:priorities:" + priorities.options[i].id));
  REQUIRE(h.state.limit_notice);
  CHECK(h.state.limit_notice->key == "kiosk.limit.ranking");
  CHECK(drawn_count(h, language == "cy" ? "Gallwch roi hyd at 3 yn eu trefn" : "You can put up to 3 in order") == 1);
}

TEST_CASE("Change on the review screen comes back with \"Save and return to check your answers\"",
          "[kiosk][flow][review]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  float width = GENERATE(1920.0f, 800.0f);
  CAPTURE(language, width);
  Harness h(width > 1000 ? every_type() : every_type(800, 1280));
  walk_to_review(h, "every-type", language);
  REQUIRE(h.tap("change:likely"));
  REQUIRE(h.state.screen == Screen::Page);
  CHECK_FALSE(h.has_target("next"));
  REQUIRE(h.has_target("return_to_review"));
  const TapTarget& save = *h.target("return_to_review");
  CHECK(save.x0 >= 0.0f);
  CHECK(save.x1 <= width);
  CHECK(save.y1 <= (width > 1000 ? 1080.0f : 1280.0f));
  CHECK(drawn_count(h, language == "cy" ? "Cadw a mynd yn ôl i wirio eich atebion"
                                        : "Save and return to check your answers") == 1);
  REQUIRE(h.tap("scale:likely:3"));
  REQUIRE(h.tap("return_to_review"));
  CHECK(h.state.screen == Screen::Review);
  // A change that leaves a problem is refused like Next, with the summary.
  REQUIRE(h.tap("change:transport"));
  REQUIRE(h.tap("option:transport:walk"));
  REQUIRE(h.tap("return_to_review"));
  CHECK(h.state.screen == Screen::Review);
  REQUIRE(h.tap("submit"));
  h.settle();
  CHECK(h.state.screen == Screen::Thanks);
}

TEST_CASE("an email typed with both consent boxes unticked is not kept: Next says to tick one or delete it",
          "[kiosk][flow][contact]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  Harness h(every_type());
  every_type_page(h, language, 4);
  REQUIRE(h.tap("contact:contact:email"));
  REQUIRE(h.type("dewi@enghraifft.cymru"));
  REQUIRE(h.tap("key:done"));
  CHECK_FALSE(h.has_target("contact:contact:phone"));  // no consent for phone: no phone field
  REQUIRE(h.tap("contact:contact:lang:" + language));
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.screen == Screen::Page);
  REQUIRE(h.state.problems.size() == 1);
  const std::string said = language == "cy"
                               ? "Ticiwch flwch i ddweud sut y cawn ni ddefnyddio'ch cyfeiriad e-bost, neu ei ddileu"
                               : "Tick a box to say how we may use your email address, or delete it";
  CHECK(h.state.problems[0].message == said);
  CHECK(drawn_count(h, said) == 2);
  REQUIRE(h.tap("contact:contact:consent:email_updates"));
  REQUIRE(h.tap("next"));
  CHECK(h.state.screen == Screen::Review);
}

TEST_CASE("the results date is said once on the intro and once on the thank-you screen", "[kiosk][flow][repeats]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  const std::string date = language == "cy" ? "26 Chwefror 2027" : "26 February 2027";
  Harness h;
  REQUIRE(h.tap("lang:" + language));
  REQUIRE(h.tap("card:involvement-strategy"));
  REQUIRE(h.state.screen == Screen::Intro);
  CHECK(drawn_count(h, date) == 1);
}

TEST_CASE("the thank-you screen says the results date once", "[kiosk][flow][repeats]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  Harness h;
  walk_to_review(h, "involvement-strategy", language);
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  CHECK(drawn_count(h, language == "cy" ? "26 Chwefror 2027" : "26 February 2027") == 1);
}

TEST_CASE("a limit of two is said once, not as \"up to two\" and \"up to 2\"", "[kiosk][flow][repeats]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  Harness h;
  walk_to_page(h, "library-opening-hours", language, "proposal");
  REQUIRE(question(h, "preferred_times").max_selections == 2);
  CHECK(drawn_count(h, language == "cy" ? "hyd at" : "up to") == 1);
}

TEST_CASE("what the kiosk says of choosing and ranking is not said again by the question's help",
          "[kiosk][flow][repeats]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  Harness h;
  walk_to_page(h, "involvement-strategy", language, "getting-involved");
  CHECK(drawn_count(h, language == "cy" ? "bob un sy'n berthnasol" : "all that apply") == 1);
  answer_page(h);
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.session->consultation().pages[h.state.session->page_index()].id == "priorities");
  CHECK(drawn_count(h, language == "cy" ? "yn nhrefn pwysigrwydd" : "in order of importance") == 1);
}

TEST_CASE("an optional question says \"Optional\" once", "[kiosk][flow][repeats]") {
  Harness h;
  walk_to_page(h, "involvement-strategy", "en", "equality-ethnic-group");
  REQUIRE(h.tap("option:eq_ethnic_group:white_other"));
  REQUIRE(h.state.session->visible_questions().size() == 2);
  CHECK(drawn_count(h, "Optional.") == 0);
  CHECK(drawn_count(h, "Optional") == 2);
}

TEST_CASE("a child who gives a year of birth is not asked about gender identity or sexual orientation, and nothing of "
          "them is kept", "[kiosk][flow][age]") {
  Harness h;
  walk_to_page(h, "involvement-strategy", "en", "equality-about-you");
  const auto shown = [&](const std::string& id) {
    const auto visible = h.state.session->visible_questions();
    return std::any_of(visible.begin(), visible.end(), [&](const Question* q) { return q->id == id; });
  };
  CHECK_FALSE(shown("eq_gender_identity"));  // no age said yet
  const auto pick_year = [&](int year) {
    REQUIRE(h.tap("date:eq_date_of_birth:year"));
    if (h.state.date_picker.decade != 0) REQUIRE(h.tap("pick:decades"));
    REQUIRE(h.tap("pick:decade:" + std::to_string(year / 10 * 10)));
    REQUIRE(h.tap("pick:year:" + std::to_string(year)));
  };
  pick_year(2009);  // 16 or 17 on 20 November 2026
  CHECK(shown("eq_gender_identity"));
  REQUIRE(h.tap("option:eq_gender_identity:no"));
  pick_year(2010);  // could be 15
  CHECK_FALSE(shown("eq_gender_identity"));
  pick_year(2015);
  CHECK_FALSE(shown("eq_gender_identity"));
  CHECK_FALSE(h.has_target("option:eq_gender_identity:yes"));
  REQUIRE(h.tap("next"));  // the rest of this page is optional (answering it would change the date)
  for (int step = 0; step < 10 && h.state.screen == Screen::Page; ++step) {
    CHECK_FALSE(shown("eq_sexual_orientation"));
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  REQUIRE(h.state.screen == Screen::Review);
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  const auto saved = stored_response(h, "involvement-strategy");
  REQUIRE(saved);
  const auto special = open_sealed(saved->special, h.keys);
  REQUIRE(special);
  CHECK(special->contains("eq_date_of_birth"));
  CHECK_FALSE(special->contains("eq_gender_identity"));
  CHECK_FALSE(special->contains("eq_gender_identity_write_in"));
  CHECK_FALSE(special->contains("eq_sexual_orientation"));
}

TEST_CASE("with nothing open the start screen says so in both languages and invites no tap", "[kiosk][flow][attract]") {
  Harness h(every_type());
  h.state.catalogue.entries.clear();
  h.frame();
  h.frame();
  for (const char* lang : {"cy", "en"}) {
    CAPTURE(lang);
    CHECK(drawn_count(h, ui_text("kiosk.attract.open_consultations", lang)) == 0);
    CHECK(drawn_count(h, ui_text("kiosk.attract.none_open", lang)) == 1);
  }
  // Listen says the same: no "tap one to start" before "there are none".
  std::vector<SpokenText> spoken = words_on_screen(h.state);
  REQUIRE(spoken.size() == 2);
  for (const SpokenText& part : spoken) {
    CHECK(part.words.find(ui_text("kiosk.attract.open_consultations", part.language)) == std::string::npos);
    CHECK(part.words.find(ui_text("kiosk.attract.none_open", part.language)) != std::string::npos);
  }
}

TEST_CASE("a date question that takes a year alone says so once, under the question, not again in its help",
          "[kiosk][flow][repeats]") {
  std::string language = GENERATE(as<std::string>{}, "en", "cy");
  CAPTURE(language);
  HarnessOptions o = every_type();
  o.consultation_files = {std::string(SOUNDINGS_ASSETS_DIR) + "/consultations/influencing-decisions.json"};
  Harness h(o);
  REQUIRE(h.tap("lang:" + language));
  REQUIRE(h.tap("card:influencing-decisions"));
  REQUIRE(h.tap("start"));
  // The page holding the question (drawn, though perhaps below the fold).
  auto on_page = [&] {
    const auto& drawn = h.last.geometry.targets;
    return std::any_of(drawn.begin(), drawn.end(), [](const DrawnTarget& t) { return t.name == "date:last_meeting:year"; });
  };
  for (int page = 0; page < 8 && !on_page(); ++page) {
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  REQUIRE(on_page());
  const std::string said = language == "cy" ? "flwyddyn yn unig" : "year only";
  const std::string also = language == "cy" ? "flwyddyn yn unig yn iawn" : "year alone";
  CHECK(drawn_count(h, said) + drawn_count(h, also) == 1);
}
