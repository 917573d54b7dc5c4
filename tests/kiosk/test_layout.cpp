// The layout walk: every screen of every shipped consultation at five screen sizes, in Welsh and English, with
// normal and large text and both contrasts, checked from the frame's own geometry (layout_check.h).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "field_fixture.h"
#include "harness.h"
#include "layout_check.h"
#include "ui/kiosk_frame.h"
#include "ui/widgets.h"
#include "walk.h"

namespace soundings::kiosk::testing {

namespace {

struct Size {
  float width, height;
};
constexpr Size kSizes[] = {{800, 1280}, {1280, 800}, {1366, 768}, {1920, 1080}, {2560, 1440}};

HarnessOptions options_for(Size size) {
  HarnessOptions o;
  o.width = size.width;
  o.height = size.height;
  o.staff_pin = "4821";
  return o;
}

std::string size_name(Size size) {
  return std::to_string(static_cast<int>(size.width)) + "x" + std::to_string(static_cast<int>(size.height));
}

// Looks at whatever screen the harness shows, in both text sizes and both contrasts, and keeps every
// problem the layout rules find (each once, with where it was first seen).
class LayoutWalk {
 public:
  LayoutWalk(Harness& h, Size size) : h_(h), size_(size) {}

  void look(const std::string& what = {}) {
    AppState& st = h_.state;
    bool was_large = st.large_text, was_contrast = st.high_contrast;
    for (bool large : {false, true})
      for (bool contrast : {false, true}) {
        st.large_text = large;
        st.high_contrast = contrast;
        std::vector<LayoutProblem> found = check_screen_layout(h_);
        std::string where = size_name(size_) + " " + st.language + " " + screen_name(st.screen) + " " + what +
                            (st.keyboard.open ? " keyboard" : "") + (st.date_picker.open ? " date picker" : "") +
                            (large ? " large" : "") + (contrast ? " contrast" : "");
        for (const LayoutProblem& p : found) problems.emplace(p.describe(), where);
        ++views;
      }
    st.large_text = was_large;
    st.high_contrast = was_contrast;
    h_.frame();
    h_.frame();
  }

  void problem(const std::string& what) { problems.emplace(what, size_name(size_) + " " + h_.state.language); }

  std::map<std::string, std::string> problems;
  int views = 0;

 private:
  Harness& h_;
  Size size_;
};

void tap(Harness& h, const std::string& name) {
  INFO("tapping " << name << " on the " << screen_name(h.state.screen) << " screen");
  REQUIRE(h.tap(name));
}

// Start to thank-you in one language, looking at each screen, overlay and open panel on the way.
void visit(Harness& h, LayoutWalk& walk, const std::string& id, const std::string& language) {
  REQUIRE(h.state.screen == Screen::Attract);
  tap(h, "lang:" + language);
  walk.look();
  tap(h, "card:" + id);
  walk.look();
  tap(h, "start");
  tap(h, "leave");
  walk.look("leave?");
  tap(h, "leave:no");
  tap(h, "next");  // nothing answered yet: the problems show
  walk.look("problems");
  h.clock.advance(h.state.config.idle.warn_after + std::chrono::seconds(1));
  h.frame();
  REQUIRE(h.state.idle_warning);
  walk.look("idle");
  tap(h, "idle:continue");
  h.after_step = [&] { walk.look(); };
  for (int page = 0; page < 40 && h.state.screen == Screen::Page; ++page) {
    answer_page(h);
    tap(h, "next");
    walk.look();
  }
  h.after_step = nullptr;
  REQUIRE(h.state.screen == Screen::Review);
  tap(h, "submit");
  walk.look();
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  walk.look();
  // Finish must be reachable with the largest text (the screen scrolls when it must).
  h.state.large_text = true;
  for (int i = 0; i < 3; ++i) h.frame();  // scroll limits follow the new size a frame late
  if (!h.tap("finish")) {
    walk.problem("Finish cannot be reached on the thank-you screen with large text");
    h.state.large_text = false;
    h.frame();
    tap(h, "finish");
  }
  h.state.large_text = false;
  h.frame();
  REQUIRE(h.state.screen == Screen::Attract);
}

void visit_staff(Harness& h, LayoutWalk& walk) {
  REQUIRE(h.state.screen == Screen::Attract);
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  walk.look();
  for (const char* key : {"pin:4", "pin:8", "pin:2", "pin:1", "pin:ok"}) tap(h, key);
  h.settle();
  REQUIRE(h.state.screen == Screen::Staff);
  walk.look();
  tap(h, "staff:venue");
  walk.look("letters");
  tap(h, "key:layer:numbers");
  walk.look("numbers");
  tap(h, "key:layer:symbols");
  walk.look("symbols");
  tap(h, "key:done");
  tap(h, "staff:exit");
  REQUIRE(h.state.confirm_exit);
  walk.look("exit question");
  tap(h, "exit:cancel");
  tap(h, "staff:close");
  REQUIRE(h.state.screen == Screen::Attract);
}

// First start on a device with no PIN: each step of the setup screen, the venue keyboard and a refused PIN.
void visit_setup(LayoutWalk& walk, Harness& h) {
  REQUIRE(h.state.screen == Screen::Setup);
  walk.look("language");
  tap(h, "setup:lang:" + h.state.config.lang_first);
  tap(h, "setup:next");
  walk.look("venue");  // the venue is typed straight away
  tap(h, "key:done");
  walk.look("venue");
  tap(h, "setup:next");
  for (const char* key : {"pin:1", "pin:2", "pin:ok"}) tap(h, key);  // too short: refused, with a message
  walk.look("pin");
  for (const char* key : {"pin:1", "pin:2", "pin:3", "pin:4", "pin:ok"}) tap(h, key);
  walk.look("pin again");
}

void visit_save_failed(Harness& h, LayoutWalk& walk) {
  // A store that refuses to save cannot be made to on demand; the screen is drawn as the controller leaves it.
  h.state.screen = Screen::SaveFailed;
  h.state.save_attempts = 3;
  h.state.save_error = "database or disk is full";
  walk.look();
  h.state.screen = Screen::Attract;
  h.frame();
}

}  // namespace

TEST_CASE("layout: every screen of every consultation keeps whole words, stays on screen and keeps targets "
          "finger-sized", "[layout]") {
  auto started = std::chrono::steady_clock::now();
  std::map<std::string, std::string> problems;
  int views = 0, sizes = 0;
  for (Size size : kSizes) {
    Harness h(options_for(size));
    LayoutWalk walk(h, size);
    walk.look();
    visit_staff(h, walk);
    for (const CatalogueEntry& entry : h.state.catalogue.entries) {
      if (!entry.consultation) continue;
      for (const char* language : {"cy", "en"}) visit(h, walk, entry.id, language);
    }
    visit_save_failed(h, walk);
    problems.insert(walk.problems.begin(), walk.problems.end());
    views += walk.views;
    ++sizes;

    HarnessOptions first_start = options_for(size);
    first_start.staff_pin.clear();
    Harness fresh(first_start);
    LayoutWalk setup_walk(fresh, size);
    visit_setup(setup_walk, fresh);
    problems.insert(setup_walk.problems.begin(), setup_walk.problems.end());
    views += setup_walk.views;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("layout walk: %d screen views (each: one screen in one text size and contrast) at %d sizes, "
              "%zu problems, %.1f s\n", views, sizes, problems.size(), seconds);
  std::map<std::string, int> by_rule;
  for (const auto& entry : problems) ++by_rule[entry.first.substr(0, entry.first.find(':'))];
  for (const auto& [rule, count] : by_rule) std::printf("  %s: %d\n", rule.c_str(), count);
  if (const char* all = std::getenv("KIOSK_LAYOUT_PROBLEMS")) {  // every problem, for whoever is mending them
    if (std::FILE* f = std::fopen(all, "w")) {
      for (const auto& [problem, where] : problems) std::fprintf(f, "%s  [%s]\n", problem.c_str(), where.c_str());
      std::fclose(f);
    }
  }
  std::string listed;
  int shown = 0;
  for (const auto& [problem, where] : problems)
    if (++shown <= 80) listed += problem + "  [" + where + "]\n";
  INFO(listed);
  CHECK(problems.empty());
}

}  // namespace soundings::kiosk::testing

namespace soundings::kiosk::testing {

TEST_CASE("layout: lines break only at spaces and after hyphens, and a word wider than its box is set smaller, "
          "not cut", "[layout]") {
  Harness h;
  ImFont* font = h.fonts.normal.body;
  std::string address = "Email: engagement@wrexham.gov.uk. Phone: 01978 292000. Co-production";
  float narrow = text_size(font, "engagement@wrexham.gov.uk.", 0).x + 4;
  TextLayout wrapped = lay_out_text(font, address, narrow);
  REQUIRE(wrapped.lines.size() > 2);
  for (size_t i = 0; i + 1 < wrapped.lines.size(); ++i) {
    size_t end = wrapped.lines[i].second;
    INFO("line " << i << " ends at " << end);
    CHECK((address[end] == ' ' || address[end - 1] == '-'));
  }
  CHECK(wrapped.size == font->FontSize);

  float half_word = text_size(font, "Cyflw", 0).x;
  TextLayout shrunk = lay_out_text(font, "Cyflwyno", half_word);
  CHECK(shrunk.lines.size() == 1);
  CHECK(shrunk.size < font->FontSize);
  CHECK(shrunk.extent.x <= half_word);

  // Typed text can hold a run of letters no size would fit: it is cut between letters, still readable.
  std::string typed(120, 'w');
  TextLayout cut = lay_out_text(font, typed, half_word);
  CHECK(cut.size == Approx(font->FontSize * 0.4f));
  CHECK(cut.lines.size() > 1);
  CHECK(cut.extent.x <= half_word + 0.5f);
}

TEST_CASE("layout: a title too long for its line is shortened at a word", "[layout]") {
  Harness h;
  ImFont* font = h.fonts.normal.body;
  std::string title = "Strategaeth Cyfranogiad a Chynnwys Cyngor Wrecsam";
  std::string shown = fit_line(font, title, text_size(font, "Strategaeth Cyfranogiad a Chy", 0).x);
  CHECK(shown == "Strategaeth Cyfranogiad a…");
}

TEST_CASE("layout: large text is twice the normal size, and the font atlas for it stays small", "[layout]") {
  Harness h(options_for(Size{2560, 1440}));
  CHECK(h.fonts.large.body->FontSize == Approx(2 * h.fonts.normal.body->FontSize).margin(1));
  CHECK(h.fonts.large.heading->FontSize == Approx(2 * h.fonts.normal.heading->FontSize).margin(1));
  const ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  double megabytes = static_cast<double>(atlas.TexWidth) * atlas.TexHeight / (1024.0 * 1024.0);  // one byte a pixel
  std::printf("font atlas at 2560x1440 with large text: %dx%d, %.1f MB\n", atlas.TexWidth, atlas.TexHeight, megabytes);
  CHECK(megabytes < 8.0);
}

TEST_CASE("layout: with large text on a short screen the thank-you screen scrolls to Finish", "[layout]") {
  Harness h(options_for(Size{1366, 768}));
  walk_to_review(h, "library-opening-hours", "en");
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  REQUIRE(h.tap("toggle:large_text"));
  REQUIRE(h.state.large_text);
  CHECK(h.tap("finish"));
  CHECK(h.state.screen == Screen::Attract);
}

}  // namespace soundings::kiosk::testing

namespace soundings::kiosk::testing {

namespace {
// Every officer screen of a field tablet in one language, each view looked at in both text sizes and contrasts.
void visit_field(Harness& h, LayoutWalk& walk, const std::string& language) {
  h.settle();
  if (h.state.language != language) tap(h, "lang:" + language);
  walk.look("names");
  tap(h, "officer:ana");
  for (const char* key : {"pin:1", "pin:2", "pin:ok"}) tap(h, key);  // too short: a message
  walk.look("pin too short");
  tap(h, "field:use_passphrase");
  walk.look("passphrase keyboard");
  tap(h, "key:done");
  walk.look("passphrase");
  tap(h, "field:use_passphrase");
  enter_pin(h);
  REQUIRE(h.state.field.signed_in);
  walk.look("lists");
  tap(h, "list:list-1");
  h.settle();
  walk.look("list");
  const std::string first = h.state.field.list->doors[0].address.uprn;
  tap(h, "door:" + first);
  walk.look("door");
  tap(h, "outcome:come_back");
  walk.look("come back picker");
  tap(h, "comeback:hour:17");
  tap(h, "door:note");
  walk.look("note keyboard");
  tap(h, "key:done");
  tap(h, "door:save");
  h.settle();
  walk.look("saved");
  tap(h, "door:survey");
  walk.look("how given");
  tap(h, "back");
  tap(h, "back");
  for (const char* filter : {"filter:not_visited", "filter:come_back"}) {
    tap(h, filter);
    walk.look(filter);
  }
  tap(h, "filter:all");
  h.state.config.sign_out_after = h.state.config.check_in_every * 2;  // still signed in when it is asked
  h.clock.advance(h.state.config.check_in_every);
  h.frame();
  REQUIRE(h.state.field.check_in_asking);
  walk.look("check-in");
  tap(h, "checkin:ok");
  tap(h, "field:sign_out");
  REQUIRE(h.state.screen == Screen::FieldSignIn);
}
}  // namespace

TEST_CASE("layout: every field tablet screen keeps whole words, stays on screen and keeps targets finger-sized, "
          "in Welsh and English, landscape and portrait", "[layout][field]") {
  std::map<std::string, std::string> problems;
  int views = 0;
  for (Size size : {Size{1280, 800}, Size{800, 1280}}) {
    for (const char* language : {"cy", "en"}) {
      HarnessOptions empty = field_options(size.width, size.height);
      empty.fill_store = nullptr;
      Harness fresh(empty);
      LayoutWalk first(fresh, size);
      fresh.settle();
      if (fresh.state.language != language) tap(fresh, std::string("lang:") + language);
      first.look("no staff");
      problems.insert(first.problems.begin(), first.problems.end());
      views += first.views;

      Harness h(field_options(size.width, size.height, 40));
      LayoutWalk walk(h, size);
      visit_field(h, walk, language);
      problems.insert(walk.problems.begin(), walk.problems.end());
      views += walk.views;
    }
  }
  std::printf("field layout walk: %d screen views, %zu problems\n", views, problems.size());
  std::string listed;
  for (const auto& [problem, where] : problems) listed += problem + "  [" + where + "]\n";
  INFO(listed);
  CHECK(problems.empty());
}

}  // namespace soundings::kiosk::testing
