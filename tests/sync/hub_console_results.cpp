// Hub tests: the console's results (issue 12): facets drawn at ingest and by the backfill, the results,
// consultations, written-answer and reach pages called directly, on the suite's database (SQLite or
// PostgreSQL), with small counts never shown.
#include <httplib.h>

#include <regex>

#include <catch2/catch.hpp>

#include "console.h"
#include "hub_facets.h"
#include "hub_fixture.h"
#include "hub_impl.h"
#include "must.h"
#include "soundings/loader.h"
#include "soundings/sealing.h"
#include "test_database.h"

using soundings::testing::must;
using namespace soundings::hub::detail;

namespace {

// town-square with a page of every other closed question type, and a date question results never count.
std::string results_consultation() {
  nlohmann::json definition = nlohmann::json::parse(hubtest::town_square_json(2));
  const auto options5 = [](const char* prefix) {
    nlohmann::json options = nlohmann::json::array();
    for (int i = 1; i <= 5; ++i) {
      const std::string id = std::string(prefix) + std::to_string(i);
      options.push_back({{"id", id}, {"label", {{"cy", id + " (cy)"}, {"en", id}}}});
    }
    return options;
  };
  const auto text = [](const char* en, const char* cy) { return nlohmann::json{{"cy", cy}, {"en", en}}; };
  nlohmann::json questions = nlohmann::json::array();
  questions.push_back({{"id", "parking"}, {"type", "agreement"}, {"text", text("Parking is easy", "Mae parcio'n hawdd")},
                       {"options", options5("a")}});
  questions.push_back({{"id", "mood"}, {"type", "smiley"}, {"text", text("How do you feel?", "Sut ydych chi'n teimlo?")},
                       {"options", options5("s")}});
  questions.push_back({{"id", "age"}, {"type", "number"}, {"min", 0}, {"max", 100}, {"integer", true},
                       {"text", text("Age", "Oed")}});
  questions.push_back({{"id", "services"}, {"type", "ranking"}, {"text", text("Rank", "Trefnwch")},
                       {"options", nlohmann::json::array({{{"id", "clubs"}, {"label", text("clubs", "clybiau")}},
                                                          {{"id", "sport"}, {"label", text("sport", "chwaraeon")}}})}});
  questions.push_back({{"id", "quote_ok"}, {"type", "consent"}, {"text", text("You may quote me", "Cewch fy nyfynnu")}});
  questions.push_back({{"id", "moved_in"}, {"type", "date"}, {"text", text("When did you move?", "Pryd symudoch chi?")}});
  questions.push_back({{"id", "nickname"}, {"type", "short_text"}, {"text", text("Nickname", "Llysenw")}});
  questions.push_back({{"id", "postcode"}, {"type", "postcode"}, {"text", text("Postcode", "Cod post")}});
  definition["pages"].push_back({{"id", "more"}, {"title", text("More", "Rhagor")}, {"questions", questions}});
  return definition.dump();
}

soundings::Response response(const std::string& favourite, const std::string& venue = "Llyfrgell Wrecsam",
                             const std::string& language = "cy") {
  soundings::Response out = hubtest::good_response();
  out.answers = {{"favourite", {{"option", favourite}}}, {"rating", 7}, {"comments", "Mwy o goed"}};
  out.venue = venue;
  out.language = language;
  return out;
}

void store(hubtest::ServedHub& served, const std::string& token, const std::vector<soundings::Response>& responses) {
  auto client = served.client();
  int status = 0;
  const auto answer = hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
  REQUIRE(status == 200);
  for (const auto& result : answer["results"]) REQUIRE(result["status"] == "stored");
}

// A page handler called as the router would: the route found by its pattern, the query's parameters set.
struct Called {
  console::PageResult result;
  std::string csv(size_t table = 0) const { return console::table_csv(result.tables.at(table)); }
  std::string json() const {
    std::string out;
    for (const auto& table : result.tables) out += console::table_json(table).dump();
    return out;
  }
  const console::Table* table(const std::string& id) const {
    for (const auto& table : result.tables)
      if (table.id == id) return &table;
    return nullptr;
  }
  // The HTML of one question's section.
  std::string section(const std::string& id) const {
    const auto start = result.main.find("id=\"h-" + id + "\"");
    if (start == std::string::npos) return {};
    return result.main.substr(start, result.main.find("</section>", start) - start);
  }
};

Called call(soundings::hub::Hub& hub, const std::string& path, const httplib::Params& params = {},
            const std::string& lang = "en", console::Role role = console::Role::Officer) {
  httplib::Request http;
  http.method = "GET";
  http.path = path;
  http.params = params;
  const console::Session session{"someone@example.gov.uk", role, "csrf"};
  for (const console::Route& route : console::consultation_routes()) {
    std::smatch match;
    if (std::regex_match(path, match, std::regex(route.pattern))) {
      console::PageRequest request{http, hub.state_for_tests(), session, lang, console::Format::Html, match};
      return Called{route.handler(request)};
    }
  }
  FAIL("no route for " << path);
  return {};
}

int64_t count_in(const console::Table& table, const std::string& label) {
  for (const auto& row : table.rows) {
    if (row.at(0).text == label) {
      REQUIRE(row.at(1).number.has_value());
      return *row.at(1).number;
    }
  }
  FAIL("no row " << label);
  return -1;
}

bool hidden_in(const console::Table& table, const std::string& label) {
  for (const auto& row : table.rows)
    if (row.at(0).text == label) return row.at(1).suppressed && !row.at(1).number;
  FAIL("no row " << label);
  return false;
}

}  // namespace

TEST_CASE("facets hold every ordinary closed answer, the written ones apart, and nothing sealed", "[console]") {
  const auto loaded = soundings::load_consultation(results_consultation());
  REQUIRE(loaded.ok());
  soundings::Response given = hubtest::good_response();
  given.answers = {{"favourite", {{"option", "other"}, {"other_text", "Y ffynnon"}}},
                   {"wanted", {{"options", {"seats", "fountain"}}}},
                   {"rating", 7},
                   {"comments", "Mwy o goed"},
                   {"parking", {{"option", "a2"}}},
                   {"mood", {{"option", "s5"}}},
                   {"age", 42},
                   {"services", {"sport", "clubs"}},
                   {"quote_ok", true},
                   {"moved_in", "2001"},
                   {"nickname", "Dai"},
                   {"postcode", "LL11 1AY"}};
  const soundings::KeyPair keys = soundings::make_key_pair();
  given.special = {{"age_band", {{"option", "under_25"}}}};
  REQUIRE(soundings::seal_response(given, keys.public_key_b64));
  const Facets facets = facets_of(soundings::response_to_json(given), *loaded.consultation);
  CHECK(facets.language == "cy");
  CHECK(facets.channel == "kiosk");
  CHECK(facets.venue == "Llyfrgell Wrecsam");
  CHECK(facets.device == "kiosk-test");
  const auto choices = decode_choices(facets.choices);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"age", "42"},       {"favourite", "other"}, {"mood", "s5"},     {"parking", "a2"}, {"quote_ok", "yes"},
      {"rating", "7"},     {"services", "sport"},  {"wanted", "seats"}, {"wanted", "fountain"}};
  auto sorted = choices;
  std::sort(sorted.begin(), sorted.end());
  auto wanted = expected;
  std::sort(wanted.begin(), wanted.end());
  CHECK(sorted == wanted);
  // No date, no postcode, nothing of the sealed equality answer.
  CHECK(facets.choices.find("moved_in") == std::string::npos);
  CHECK(facets.choices.find("postcode") == std::string::npos);
  CHECK(facets.choices.find("age_band") == std::string::npos);
  CHECK(facets.choices.find("under_25") == std::string::npos);
  auto texts = facets.texts;
  std::sort(texts.begin(), texts.end());
  CHECK(texts == std::vector<std::pair<std::string, std::string>>{
                     {"comments", "Mwy o goed"}, {"favourite", "Y ffynnon"}, {"nickname", "Dai"}});
  // The visitor reads the same pairs as the decoder.
  std::vector<std::pair<std::string, std::string>> visited;
  for_each_choice(facets.choices, [&](std::string_view q, std::string_view k) { visited.emplace_back(q, k); });
  CHECK(visited == choices);
}

TEST_CASE("the results page counts each question type from the stored facets, filtered", "[console]") {
  hubtest::ServedHub served;
  REQUIRE(served.hub().publish_json(results_consultation()).problems.empty());
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 12; ++i) {
    soundings::Response r = response(i < 7 ? "trees" : "market", i < 10 ? "Llyfrgell" : "Marchnad", i < 6 ? "cy" : "en");
    r.consultation_version = 2;
    r.answers["parking"] = {{"option", i < 6 ? "a1" : "a4"}};
    r.answers["age"] = i < 6 ? 15 : 55;
    r.answers["quote_ok"] = i < 6;
    r.answers["services"] = {"clubs", "sport"};
    responses.push_back(r);
  }
  store(served, token, responses);

  const Called page = call(served.hub(), "/consultations/town-square");
  REQUIRE(page.result.status == 200);
  CHECK(count_in(*page.table("summary"), "All responses") == 12);
  const auto* favourite = page.table("q-favourite");
  REQUIRE(favourite != nullptr);
  CHECK(count_in(*favourite, "The trees") == 7);
  CHECK(count_in(*favourite, "The market") == 5);
  CHECK(count_in(*favourite, "Something else") == 0);
  CHECK(count_in(*favourite, "No answer") == 0);
  CHECK(count_in(*page.table("q-parking"), "a1") == 6);
  CHECK(count_in(*page.table("q-parking"), "a4") == 6);
  CHECK(count_in(*page.table("q-rating"), "7") == 12);
  CHECK(count_in(*page.table("q-quote_ok"), "Yes") == 6);
  CHECK(count_in(*page.table("q-quote_ok"), "No") == 6);
  CHECK(count_in(*page.table("q-services"), "clubs") == 12);
  CHECK(count_in(*page.table("q-services"), "sport") == 0);
  CHECK(count_in(*page.table("q-age"), "0–20") == 6);
  CHECK(count_in(*page.table("q-age"), "40–60") == 6);
  // Unanswered by every response: all "no answer".
  CHECK(count_in(*page.table("q-mood"), "No answer") == 12);
  CHECK(count_in(*page.table("q-wanted"), "No answer") == 12);
  // Never charted: dates, free text, postcodes, equality questions.
  for (const char* id : {"q-moved_in", "q-comments", "q-nickname", "q-postcode", "q-age_band", "q-contact"}) {
    CHECK(page.table(id) == nullptr);
  }
  // Headings and links.
  CHECK(page.result.main.find("<h1>Results: The future of the town square</h1>") != std::string::npos);
  CHECK(page.result.main.find("What is the best thing about the square?") != std::string::npos);
  CHECK(page.result.main.find("<svg") != std::string::npos);
  for (const char* link : {"/consultations/town-square/text", "/consultations/town-square/reach",
                           "/consultations/town-square/export.csv", "/consultations/town-square/export.xlsx",
                           "/consultations/town-square/feedback"}) {
    CHECK(page.result.main.find(std::string("href=\"") + link) != std::string::npos);
  }

  SECTION("in Welsh, question and answer text come from the definition's Welsh") {
    const Called cy = call(served.hub(), "/consultations/town-square", {}, "cy");
    CHECK(cy.result.main.find("Beth yw&#39;r peth gorau am y sgwâr?") != std::string::npos);
    CHECK(count_in(*cy.table("q-favourite"), "Y coed") == 7);
  }
  SECTION("a filter by language counts only its responses") {
    const Called en = call(served.hub(), "/consultations/town-square", {{"language", "en"}});
    CHECK(count_in(*en.table("summary"), "Responses that match the filter") == 6);
    // 6 responses: fewer than 10, so no breakdown at all.
    CHECK(en.table("q-favourite") == nullptr);
    CHECK(en.result.tables.size() == 1);
    CHECK(en.result.main.find("fewer than 10 responses") != std::string::npos);
  }
  SECTION("a filter by venue, channel and dates") {
    const Called library = call(served.hub(), "/consultations/town-square", {{"venue", "Llyfrgell"}});
    // 10 of 12: shown, the total would give away the other venue's 2 by subtraction, so neither it nor a
    // breakdown is shown.
    CHECK(hidden_in(*library.table("summary"), "Responses that match the filter"));
    CHECK(library.table("q-favourite") == nullptr);
    const Called field = call(served.hub(), "/consultations/town-square", {{"channel", "field"}});
    CHECK(count_in(*field.table("summary"), "Responses that match the filter") == 0);
    const std::string today = served.hub().state_for_tests().today();
    const Called dated = call(served.hub(), "/consultations/town-square", {{"from", today}, {"to", today}});
    CHECK(count_in(*dated.table("summary"), "Responses that match the filter") == 12);
    const Called before = call(served.hub(), "/consultations/town-square", {{"to", "2021-01-01"}});
    CHECK(count_in(*before.table("summary"), "Responses that match the filter") == 0);
  }
  SECTION("the form offers the venues and devices of at least 5 responses only") {
    CHECK(page.result.main.find("<option value=\"Llyfrgell\"") != std::string::npos);
    CHECK(page.result.main.find("<option value=\"Marchnad\"") == std::string::npos);  // 2 responses
    CHECK(page.result.main.find("<label for=\"filter-venue\">") != std::string::npos);
  }
  SECTION("a bad filter is refused naming the field") {
    const Called bad = call(served.hub(), "/consultations/town-square", {{"from", "2026-13-01"}});
    CHECK(bad.result.status == 400);
    CHECK(bad.result.main.find("from") != std::string::npos);
    CHECK(call(served.hub(), "/consultations/town-square", {{"channel", "post"}}).result.status == 400);
    CHECK(call(served.hub(), "/consultations/no-such").result.status == 404);
  }
}

TEST_CASE("a filtered view never gives a small group away by its difference from the unfiltered page", "[console]") {
  hubtest::ServedHub served;
  REQUIRE(served.hub().publish_json(results_consultation()).problems.empty());
  const std::string token = served.enrol();
  const auto responses = [](int count, const std::string& favourite, const std::string& venue) {
    std::vector<soundings::Response> out;
    for (int i = 0; i < count; ++i) {
      soundings::Response r = response(favourite, venue, "cy");
      r.consultation_version = 2;
      out.push_back(r);
    }
    return out;
  };
  // The library: 12 trees and 3 market; the market hall: 3 trees so far.
  store(served, token, responses(12, "trees", "Llyfrgell"));
  store(served, token, responses(3, "market", "Llyfrgell"));
  store(served, token, responses(3, "trees", "Marchnad"));

  // 15 of 18 would give the market hall's 3 away: no total, no breakdown.
  const Called early = call(served.hub(), "/consultations/town-square", {{"venue", "Llyfrgell"}});
  CHECK(hidden_in(*early.table("summary"), "Responses that match the filter"));
  CHECK(early.table("q-favourite") == nullptr);

  // The market hall: 2 market as well, so 5 there.
  store(served, token, responses(2, "market", "Marchnad"));
  const Called all = call(served.hub(), "/consultations/town-square");
  CHECK(count_in(*all.table("summary"), "All responses") == 20);
  CHECK(count_in(*all.table("q-favourite"), "The trees") == 15);
  CHECK(count_in(*all.table("q-favourite"), "The market") == 5);

  const Called library = call(served.hub(), "/consultations/town-square", {{"venue", "Llyfrgell"}});
  // 15 of 20: the other 5 may be known.
  CHECK(count_in(*library.table("summary"), "Responses that match the filter") == 15);
  // 12 trees here would say the market hall had 3 (15 - 12): hidden, and the 3 market here are small anyway.
  CHECK(hidden_in(*library.table("q-favourite"), "The trees"));
  CHECK(hidden_in(*library.table("q-favourite"), "The market"));
  for (const console::Table& table : library.result.tables) {
    CHECK(console::table_json(table).dump().find("12") == std::string::npos);
  }
}

TEST_CASE("counts from 1 to 4 never appear in a results page or its twins, and one hidden count hides another",
          "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 9; ++i) responses.push_back(response("trees"));
  for (int i = 0; i < 3; ++i) responses.push_back(response("market"));
  store(served, token, responses);

  const Called page = call(served.hub(), "/consultations/town-square");
  const auto* favourite = page.table("q-favourite");
  REQUIRE(favourite != nullptr);
  CHECK(hidden_in(*favourite, "The market"));
  // 9 alone would give away the 3 (12 - 9): hidden too.
  CHECK(hidden_in(*favourite, "The trees"));
  CHECK(count_in(*favourite, "Something else") == 0);
  const std::string html = page.section("q-favourite");
  REQUIRE_FALSE(html.empty());
  CHECK(html.find(">3<") == std::string::npos);
  CHECK(html.find(">9<") == std::string::npos);
  CHECK(html.find("25%") == std::string::npos);
  CHECK(html.find("fewer than 5") != std::string::npos);
  const std::string csv = console::table_csv(*favourite);
  CHECK(csv.find(",3,") == std::string::npos);
  CHECK(csv.find(",3\r") == std::string::npos);
  CHECK(csv.find(",9,") == std::string::npos);
  CHECK(csv.find("<5") != std::string::npos);
  const std::string json = console::table_json(*favourite).dump();
  CHECK(json.find(":3") == std::string::npos);
  CHECK(json.find(":9") == std::string::npos);
  CHECK(json.find("null") != std::string::npos);
}

TEST_CASE("the consultations list hides a total under 5 and small counts by channel, language and day", "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  store(served, token, {response("trees"), response("trees"), response("market", "Llyfrgell", "en")});
  const Called page = call(served.hub(), "/");
  REQUIRE(page.result.status == 200);
  const auto* list = page.table("consultations");
  REQUIRE(list != nullptr);
  REQUIRE(list->rows.size() == 1);
  const auto& row = list->rows[0];
  CHECK(row[1].text == "Open");
  for (size_t column = 4; column < row.size(); ++column) {
    INFO(list->keys[column]);
    if (column == 6 || column == 9) {
      CHECK(row[column].number == 0);  // no field responses, no other language: zero is shown
    } else {
      CHECK(row[column].suppressed);
    }
  }
  const std::string csv = console::table_csv(*list);
  CHECK(csv.find(",3,") == std::string::npos);
  CHECK(csv.find(",2,") == std::string::npos);
  CHECK(page.json().find(":3") == std::string::npos);
  CHECK(page.json().find(":2") == std::string::npos);
  CHECK(page.result.main.find("<h2>Open consultations</h2>") != std::string::npos);
  CHECK(page.result.main.find("<h2>Closed consultations</h2>") != std::string::npos);

  SECTION("with more responses the counts show, per day too") {
    std::vector<soundings::Response> more;
    for (int i = 0; i < 9; ++i) more.push_back(response("trees"));
    store(served, token, more);
    const Called again = call(served.hub(), "/");
    const auto& counted = again.table("consultations")->rows[0];
    CHECK(counted[4].number == 12);
    CHECK(counted[5].number == 12);  // kiosk
    // Welsh 11, English 1 of a total of 12: the 1 is hidden, and the 11, which would give it away.
    CHECK(counted[7].suppressed);
    CHECK(counted[8].suppressed);
    CHECK(counted[9].number == 0);
    const auto* days = again.table("days");
    REQUIRE(days->rows.size() == 1);
    CHECK(days->rows[0][2].number == 12);
  }
}

TEST_CASE("written answers: one question at a time, searched, a page of 25 at a time, date only", "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 30; ++i) {
    soundings::Response r = response("trees");
    r.answers["comments"] = i % 3 == 0 ? "Gŵyl ar y sgwâr " + std::to_string(i) : "More <b>trees</b> " + std::to_string(i);
    responses.push_back(r);
  }
  store(served, token, responses);

  const Called first = call(served.hub(), "/consultations/town-square/text", {{"question", "comments"}});
  REQUIRE(first.result.status == 200);
  CHECK(first.table("texts")->rows.size() == 25);
  CHECK(first.result.main.find("<b>trees</b>") == std::string::npos);
  CHECK(first.result.main.find("&lt;b&gt;trees&lt;/b&gt;") != std::string::npos);
  CHECK(first.result.main.find("Page 1 of 2") != std::string::npos);
  CHECK(first.result.main.find("page=2") != std::string::npos);
  // The day only: no time, venue or device beside what was written.
  CHECK(first.table("texts")->rows[0][0].text.size() == 10);
  const auto table_start = first.result.main.find("<table");
  REQUIRE(table_start != std::string::npos);
  const std::string table_html = first.result.main.substr(table_start, first.result.main.find("</table>") - table_start);
  CHECK(table_html.find("kiosk-test") == std::string::npos);
  CHECK(table_html.find("Llyfrgell") == std::string::npos);
  CHECK(first.table("texts")->keys == std::vector<std::string>{"submitted", "answer"});
  const Called second =
      call(served.hub(), "/consultations/town-square/text", {{"question", "comments"}, {"page", "2"}});
  CHECK(second.table("texts")->rows.size() == 5);

  const Called searched = call(served.hub(), "/consultations/town-square/text",
                               {{"question", "comments"}, {"search", "GŴYL"}, {"venue", "Llyfrgell Wrecsam"}});
  CHECK(searched.table("texts")->rows.size() == 10);
  // The next page's link would keep the search and the filter; here there is one page.
  CHECK(searched.result.main.find("Page 1 of 1") != std::string::npos);
  const Called none = call(served.hub(), "/consultations/town-square/text",
                           {{"question", "comments"}, {"search", "100%_"}});
  CHECK(none.table("texts")->rows.empty());

  CHECK(call(served.hub(), "/consultations/town-square/text", {{"question", "favourite"}}).result.status == 200);
  CHECK(call(served.hub(), "/consultations/town-square/text", {{"question", "age_band"}}).result.status == 400);
  CHECK(call(served.hub(), "/consultations/town-square/text", {{"page", "0"}}).result.status == 400);
  // A twin's extension is not part of a consultation's id; an id with a dot still is one.
  for (const console::Route& route : console::consultation_routes()) {
    std::smatch match;
    const std::string twin = "/consultations/town-square.csv";
    const std::string dotted = "/consultations/town.square";
    if (route.pattern.find("/consultations/(") == 0 && route.pattern.back() == ')') {
      CHECK_FALSE(std::regex_match(twin, match, std::regex(route.pattern)));
      CHECK(std::regex_match(dotted, match, std::regex(route.pattern)));
      CHECK(match[1] == "town.square");
    }
  }
  // Viewers see aggregates only: the route asks for row-level reading.
  for (const console::Route& route : console::consultation_routes()) {
    const bool texts = route.pattern.find("/text") != std::string::npos;
    CHECK(route.permission == (texts ? console::Permission::ReadRows : console::Permission::ReadResults));
    CHECK(route.twins);
  }
}

TEST_CASE("the reach page shows the reach report's counts with the same hiding", "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  const std::string key = served.hub().seal_public_key();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 12; ++i) {
    soundings::Response r = response("trees");
    if (i < 9) r.special = {{"age_band", {{"option", "under_25"}}}};
    if (i >= 9) r.special = {{"age_band", {{"option", "25_plus"}}}};
    if (i == 11) r.special = nlohmann::json::object();
    if (!r.special.empty()) REQUIRE(soundings::seal_response(r, key));
    responses.push_back(r);
  }
  store(served, token, responses);
  const Called page = call(served.hub(), "/consultations/town-square/reach");
  REQUIRE(page.result.status == 200);
  CHECK(count_in(*page.table("summary"), "All responses") == 12);
  const auto* age = page.table("q-age_band");
  REQUIRE(age != nullptr);
  CHECK(hidden_in(*age, "25 or over"));  // 2
  CHECK(hidden_in(*age, "Not answered"));  // 1
  CHECK(count_in(*age, "Under 25") == 9);
  const std::string csv = console::table_csv(*age);
  CHECK(csv.find(",2") == std::string::npos);
  CHECK(csv.find(",1\r") == std::string::npos);
}

TEST_CASE("responses stored before facets were drawn get them from the backfill", "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 11; ++i) responses.push_back(response(i < 6 ? "trees" : "market", "Llyfrgell", "en"));
  store(served, token, responses);
  {
    soundings::test::HubDatabase db(served.data_dir());
    // As a hub that ran migration 4 finds the rows an older hub stored.
    db.exec("UPDATE responses SET language = '', channel = '', venue = '', device = '', choices = '', "
            "facets_version = 0");
    db.exec("DELETE FROM response_texts");
    db.exec("DELETE FROM meta WHERE key = 'facets_version'");
  }
  const Called before = call(served.hub(), "/consultations/town-square", {{"venue", "Llyfrgell"}});
  CHECK(count_in(*before.table("summary"), "Responses that match the filter") == 0);

  HubState& state = served.hub().state_for_tests();
  REQUIRE(state.store->backfill_facets());
  {
    soundings::test::HubDatabase db(served.data_dir());
    CHECK(db.integer("SELECT count(*) FROM responses WHERE facets_version = " + std::to_string(kFacetsVersion)) == 11);
    CHECK(db.integer("SELECT count(*) FROM response_texts") == 11);
    CHECK(db.integer("SELECT count(*) FROM meta WHERE key = 'facets_version'") == 1);
  }
  const Called after = call(served.hub(), "/consultations/town-square", {{"venue", "Llyfrgell"}});
  CHECK(count_in(*after.table("summary"), "Responses that match the filter") == 11);
  CHECK(count_in(*after.table("q-favourite"), "The trees") == 6);
  CHECK(count_in(*after.table("q-favourite"), "The market") == 5);
  int64_t total = 0;
  const auto texts = must(state.store->texts_of("town-square", "comments", {}, "GOED", 0, 25, total));
  CHECK(texts.size() == 11);
  CHECK(total == 11);
}

TEST_CASE("responses_of with a filter reads the matching responses in order", "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  store(served, token, {response("trees", "A", "cy"), response("market", "B", "en"), response("trees", "A", "en")});
  HubState& state = served.hub().state_for_tests();
  ResponseFilter filter;
  filter.venue = "A";
  CHECK(must(state.store->responses_of("town-square", filter)).size() == 2);
  filter.language = "en";
  const auto one = must(state.store->responses_of("town-square", filter));
  REQUIRE(one.size() == 1);
  CHECK(one[0].body.find("\"venue\":\"A\"") != std::string::npos);
  CHECK(must(state.store->responses_of("town-square", ResponseFilter{})).size() == 3);
  filter = {};
  filter.from = "13-01-2026";
  CHECK_FALSE(state.store->responses_of("town-square", filter));
  int64_t rows = 0;
  REQUIRE(state.store->scan_facets("town-square", ResponseFilter{}, [&](const FacetRow& row) {
    ++rows;
    CHECK(row.channel == "kiosk");
    CHECK(row.device == "kiosk-test");
    CHECK(row.choices.find("rating=7") != std::string::npos);
  }));
  CHECK(rows == 3);
}

TEST_CASE("over HTTP a viewer reads results and their twins but not written answers", "[console]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 9; ++i) responses.push_back(response("trees"));
  for (int i = 0; i < 3; ++i) responses.push_back(response("market"));
  store(served, token, responses);
  REQUIRE(served.hub().add_console_user("gwyliwr@example.gov.uk", "viewer", "correct horse battery staple"));
  auto client = served.client();
  const std::string origin = "http://127.0.0.1:" + std::to_string(served.port());
  const auto signed_in = client.Post("/sign-in", {{"Origin", origin}},
                                     "email=gwyliwr%40example.gov.uk&password=correct+horse+battery+staple&next=%2F",
                                     "application/x-www-form-urlencoded");
  REQUIRE(signed_in);
  std::string cookie;
  for (const auto& [name, value] : signed_in->headers) {
    if (name == "Set-Cookie" && value.rfind("soundings_session=", 0) == 0) cookie = value.substr(0, value.find(';'));
  }
  REQUIRE_FALSE(cookie.empty());
  const httplib::Headers headers = {{"Cookie", cookie}};

  const auto page = client.Get("/consultations/town-square", headers);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<h1>Results: The future of the town square</h1>") != std::string::npos);
  const auto csv = client.Get("/consultations/town-square.csv?table=q-favourite", headers);
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->body.find("<5") != std::string::npos);
  CHECK(csv->body.find(",3") == std::string::npos);
  CHECK(csv->body.find(",9") == std::string::npos);
  const auto json = client.Get("/consultations/town-square.json?table=q-favourite", headers);
  REQUIRE(json);
  CHECK(json->status == 200);
  CHECK(json->body.find(":3") == std::string::npos);
  CHECK(json->body.find(":9") == std::string::npos);
  const auto texts = client.Get("/consultations/town-square/text", headers);
  REQUIRE(texts);
  CHECK(texts->status == 403);
  CHECK(texts->body.find("Mwy o goed") == std::string::npos);
  const auto reach = client.Get("/consultations/town-square/reach", headers);
  REQUIRE(reach);
  CHECK(reach->status == 200);
}
