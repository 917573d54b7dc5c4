// Console pages for field work, "you said, we did" and publishing, driven through their handlers with a
// hub's shared state: who may see them, what they show, and what their forms change (and do not).
#include <httplib.h>

#include <regex>

#include <catch2/catch.hpp>

#include "console.h"
#include "hub_fixture.h"
#include "hub_impl.h"
#include "must.h"
#include "test_database.h"

using nlohmann::json;
using soundings::testing::must;
namespace console = soundings::hub::detail::console;
using console::Permission;
using console::Role;

namespace {

// A served hub and the state its console handlers are given: what a page publishes is what the kiosks then
// receive from its API.
struct ConsoleHub {
  hubtest::ServedHub served;
  soundings::hub::detail::HubState& state = served.hub().state_for_tests();
};

struct Answer {
  bool refused = false;  // the role may not use the route: the router answers 403 before the handler
  console::PageResult page;
};

std::vector<console::Route> all_routes() {
  std::vector<console::Route> routes = console::field_routes();
  for (auto& route : console::feedback_routes()) routes.push_back(std::move(route));
  for (auto& route : console::publish_routes()) routes.push_back(std::move(route));
  return routes;
}

httplib::MultipartFormData part(const std::string& name, const std::string& content, const std::string& filename = "") {
  return httplib::MultipartFormData{name, content, filename, filename.empty() ? "" : "application/octet-stream"};
}

// Calls the handler of the route matching `method` and `path`, as the router would for `role`.
Answer call(ConsoleHub& hub, const std::string& method, const std::string& path, Role role,
            const httplib::Params& params = {}, const std::vector<httplib::MultipartFormData>& parts = {},
            const std::string& lang = "en") {
  httplib::Request http;
  http.method = method;
  http.path = path;
  http.params = params;
  for (const auto& one : parts) http.files.emplace(one.name, one);
  const console::Session session{"officer@example.gov.uk", role, "csrf-token"};
  for (const auto& route : all_routes()) {
    std::smatch match;
    if (route.method != method || !std::regex_match(http.path, match, std::regex(route.pattern))) continue;
    if (!console::allowed(role, route.permission)) return Answer{true, {}};
    console::PageRequest request{http, hub.state, session, lang, console::Format::Html, match};
    return Answer{false, route.handler(request)};
  }
  FAIL("no route for " << method << " " << path);
  return {};
}

const console::Table* table_named(const console::PageResult& page, const std::string& id) {
  for (const auto& table : page.tables) {
    if (table.id == id) return &table;
  }
  return nullptr;
}

std::string stored_feedback(ConsoleHub& hub, const std::string& id) {
  for (const auto& published : must(hub.state.store->latest_consultations())) {
    if (published.id == id) return published.feedback;
  }
  return "";
}

httplib::Params good_feedback() {
  return {{"you_said_cy", "Roeddech chi eisiau mwy o goed."},     {"you_said_en", "You wanted more trees."},
          {"we_did_cy", "Rydym wedi plannu deuddeg coeden."},     {"we_did_en", "We have planted twelve trees."},
          {"how_connected_cy", "Penderfynodd y Cabinet ar 3 Mawrth."}, {"how_connected_en", "Cabinet decided on 3 March."},
          {"published", "2027-03-15"}};
}

const std::string kWalkList =
    "uprn,address,street,postcode,ward\r\n"
    "20001,1 Ffordd y Traeth,Ffordd y Traeth,SA1 1AA,Castell\r\n"
    "20002,2 Ffordd y Traeth,Ffordd y Traeth,SA1 1AA,Castell\r\n"
    "20003,1 Stryd Fawr,Stryd Fawr,SA1 1AB,Castell\r\n";

}  // namespace

TEST_CASE("the field, feedback and publish pages are for the roles allowed them, and refused to viewers",
          "[console]") {
  for (const auto& route : console::field_routes()) CHECK(route.permission == Permission::FieldWork);
  for (const auto& route : console::feedback_routes()) CHECK(route.permission == Permission::Feedback);
  for (const auto& route : console::publish_routes()) CHECK(route.permission == Permission::Publish);
  for (const auto& route : all_routes()) {
    INFO(route.method << " " << route.pattern);
    CHECK(console::allowed(Role::Admin, route.permission));
    CHECK(console::allowed(Role::Officer, route.permission));
    CHECK_FALSE(console::allowed(Role::Viewer, route.permission));
  }

  ConsoleHub hub;
  for (const std::string path : {"/field", "/consultations/town-square/feedback", "/publish", "/publish/town-square"}) {
    INFO(path);
    for (const Role role : {Role::Admin, Role::Officer}) {
      const Answer answer = call(hub, "GET", path, role);
      REQUIRE_FALSE(answer.refused);
      CHECK(answer.page.status == 200);
      CHECK(answer.page.main.find("<h1") != std::string::npos);
    }
    CHECK(call(hub, "GET", path, Role::Viewer).refused);
    // In Welsh too, with the Welsh words.
    const Answer welsh = call(hub, "GET", path, Role::Officer, {}, {}, "cy");
    CHECK(welsh.page.main.find("Welsh (Cymraeg)") == std::string::npos);
  }
  CHECK(call(hub, "GET", "/field", Role::Officer, {}, {}, "cy").page.title == "Gwaith maes");
  CHECK(call(hub, "GET", "/publish", Role::Officer, {}, {}, "cy").page.title == "Cyhoeddi ymgynghoriad");
  CHECK(call(hub, "GET", "/consultations/no-such-thing/feedback", Role::Officer).page.status == 404);
  CHECK(call(hub, "GET", "/publish/no-such-thing", Role::Officer).page.status == 404);
}

TEST_CASE("every string of the three page groups is there in Welsh and English", "[console]") {
  for (const auto& table : {console::field_text(), console::feedback_text(), console::publish_text()}) {
    for (const auto& entry : table) {
      INFO(entry.key);
      CHECK(std::string(entry.en).size() > 0);
      CHECK(std::string(entry.cy).size() > 0);
    }
  }
}

TEST_CASE("publishing a file with problems lists each at its place and publishes nothing", "[console]") {
  ConsoleHub hub;
  auto definition = json::parse(hubtest::town_square_json(2));
  definition["pages"][0]["questions"][0]["text"].erase("cy");
  definition["closes"] = "the end of March";

  const Answer answer = call(hub, "POST", "/publish", Role::Officer, {},
                             {part("file", definition.dump(2), "town-square.json"), part("definition", "")});
  REQUIRE_FALSE(answer.refused);
  CHECK(answer.page.status == 422);
  CHECK(answer.page.redirect.empty());
  const std::string& html = answer.page.main;
  CHECK(html.find("<code>pages[0].questions[0].text</code>: missing the Welsh") != std::string::npos);
  CHECK(html.find("<code>closes</code>") != std::string::npos);
  CHECK(html.find("Error:") != std::string::npos);
  CHECK(must(hub.state.store->latest_version("town-square")) == 1);

  // Nothing chosen and nothing pasted: refused, naming the field.
  const Answer empty = call(hub, "POST", "/publish", Role::Officer, {}, {part("file", "", ""), part("definition", "")});
  CHECK(empty.page.status == 400);
  CHECK(empty.page.main.find("Consultation file:") != std::string::npos);
  CHECK(must(hub.state.store->latest_version("town-square")) == 1);
}

TEST_CASE("publishing a good file makes the next version, listed with its date", "[console]") {
  ConsoleHub hub;
  const Answer answer =
      call(hub, "POST", "/publish", Role::Officer, {{"definition", hubtest::town_square_json(2)}});
  REQUIRE_FALSE(answer.refused);
  CHECK(answer.page.redirect == "/publish/town-square?published=2");
  CHECK(must(hub.state.store->latest_version("town-square")) == 2);

  const Answer versions = call(hub, "GET", "/publish/town-square", Role::Officer, {{"published", "2"}});
  const console::Table* table = table_named(versions.page, "versions");
  REQUIRE(table != nullptr);
  REQUIRE(table->rows.size() == 2);
  CHECK(table->rows[0][0].number == 2);
  CHECK(table->rows[1][0].number == 1);
  CHECK(table->rows[0][1].text.rfind(hub.state.today(), 0) == 0);  // published today
  CHECK(versions.page.main.find("town-square version 2") != std::string::npos);

  const Answer publish_page = call(hub, "GET", "/publish", Role::Admin);
  const console::Table* listing = table_named(publish_page.page, "consultations");
  REQUIRE(listing != nullptr);
  REQUIRE(listing->rows.size() == 1);
  CHECK(listing->rows[0][2].number == 2);

  // The same version again is refused by the version check, by its place.
  const Answer again = call(hub, "POST", "/publish", Role::Officer, {{"definition", hubtest::town_square_json(2)}});
  CHECK(again.page.status == 422);
  CHECK(again.page.main.find("<code>version</code>") != std::string::npos);
}

TEST_CASE("feedback published from its page reaches kiosks in the consultations listing", "[console]") {
  ConsoleHub hub;
  const Answer answer = call(hub, "POST", "/consultations/town-square/feedback", Role::Officer,
                             [] { auto p = good_feedback(); p.emplace("action", "publish"); return p; }());
  REQUIRE_FALSE(answer.refused);
  CHECK(answer.page.redirect == "/consultations/town-square/feedback?published=1");

  const std::string token = hub.served.enrol();
  auto client = hub.served.client();
  const auto listing = client.Get("/api/v1/consultations", hubtest::bearer(token));
  REQUIRE(listing);
  REQUIRE(listing->status == 200);
  const json feedback = json::parse(listing->body)["consultations"][0]["feedback"];
  CHECK(feedback["you_said"]["cy"] == "Roeddech chi eisiau mwy o goed.");
  CHECK(feedback["we_did"]["en"] == "We have planted twelve trees.");
  CHECK(feedback["how_connected"]["cy"] == "Penderfynodd y Cabinet ar 3 Mawrth.");
  CHECK(feedback["published"] == "2027-03-15");

  // The form shows what kiosks now hold.
  const Answer shown = call(hub, "GET", "/consultations/town-square/feedback", Role::Admin, {{"published", "1"}});
  CHECK(shown.page.main.find(">Rydym wedi plannu deuddeg coeden.</textarea>") != std::string::npos);
  CHECK(shown.page.main.find("lang=\"cy\"") != std::string::npos);
}

TEST_CASE("feedback missing a Welsh part or with a bad date is refused naming the field", "[console]") {
  ConsoleHub hub;
  auto params = good_feedback();
  params.erase("we_did_cy");
  params.emplace("we_did_cy", "  ");
  params.emplace("action", "publish");
  const Answer answer = call(hub, "POST", "/consultations/town-square/feedback", Role::Officer, params);
  CHECK(answer.page.status == 400);
  CHECK(answer.page.main.find("We did, Welsh (Cymraeg): this is empty") != std::string::npos);
  CHECK(answer.page.main.find("You said, Welsh") == std::string::npos);
  CHECK(stored_feedback(hub, "town-square").empty());

  auto dated = good_feedback();
  dated.erase("published");
  dated.emplace("published", "2027-02-30");
  dated.emplace("action", "publish");
  const Answer bad_date = call(hub, "POST", "/consultations/town-square/feedback", Role::Officer, dated, {}, "cy");
  CHECK(bad_date.page.status == 400);
  CHECK(bad_date.page.main.find("Cyhoeddwyd ar: nid yw &quot;2027-02-30&quot;") != std::string::npos);
  CHECK(stored_feedback(hub, "town-square").empty());
}

TEST_CASE("feedback preview shows it as a kiosk does, in each language, and publishes nothing", "[console]") {
  ConsoleHub hub;
  auto params = good_feedback();
  params.emplace("action", "preview");
  const Answer answer = call(hub, "POST", "/consultations/town-square/feedback", Role::Officer, params);
  CHECK(answer.page.status == 200);
  const std::string& html = answer.page.main;
  CHECK(html.find("Dywedoch chi, fe wnaethon ni") != std::string::npos);
  CHECK(html.find("Dywedoch chi: Roeddech chi eisiau mwy o goed.") != std::string::npos);
  CHECK(html.find("Fe wnaethon ni: Rydym wedi plannu deuddeg coeden.") != std::string::npos);
  CHECK(html.find("We did: We have planted twelve trees.") != std::string::npos);
  // You said comes before we did, as on the kiosk.
  CHECK(html.find("You said: You wanted") < html.find("We did: We have planted"));
  CHECK(stored_feedback(hub, "town-square").empty());
}

TEST_CASE("a walk list is imported, assigned and shown with its coverage through the field forms", "[console]") {
  ConsoleHub hub;
  // A file with problems: each named by its line, and nothing imported.
  const std::string bad = "uprn,address,street,postcode,ward\r\n20001,,Ffordd y Traeth,SA1 1AA,Castell\r\n"
                          "20001,2 Ffordd y Traeth,Ffordd y Traeth,SA1 1AA,Castell\r\n";
  const Answer refused = call(hub, "POST", "/field/import", Role::Officer, {},
                              {part("name", "Traeth"), part("file", bad, "traeth.csv")});
  CHECK(refused.page.status == 400);
  CHECK(refused.page.main.find("line 2: address is missing") != std::string::npos);
  CHECK(must(soundings::hub::detail::walk_lists(hub.state)).empty());

  const Answer imported = call(hub, "POST", "/field/import", Role::Officer, {},
                               {part("name", "Traeth"), part("file", kWalkList, "traeth.csv")});
  CHECK(imported.page.redirect == "/field?done=import");
  auto lists = must(soundings::hub::detail::walk_lists(hub.state));
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].doors == 3);

  // Only a field tablet takes a walk list: a kiosk is refused with the operation's reason.
  hub.served.enrol("Ciosg y llyfrgell");
  const std::string kiosk = hub.served.last_device_id();
  const Answer to_kiosk =
      call(hub, "POST", "/field/assign", Role::Officer, {{"list", "Traeth"}, {"device", kiosk}});
  CHECK(to_kiosk.page.status == 400);
  CHECK(to_kiosk.page.main.find("is a kiosk") != std::string::npos);

  hub.served.enrol("Llechen 1", soundings::hub::DeviceRole::Field);
  const std::string tablet = hub.served.last_device_id();
  const Answer assigned =
      call(hub, "POST", "/field/assign", Role::Officer, {{"list", "Traeth"}, {"device", tablet}});
  CHECK(assigned.page.redirect == "/field?done=assign");
  lists = must(soundings::hub::detail::walk_lists(hub.state));
  REQUIRE(lists[0].devices.size() == 1);
  CHECK(lists[0].devices[0].id == tablet);

  const Answer page = call(hub, "GET", "/field", Role::Officer, {{"done", "assign"}, {"list", "Traeth"}});
  CHECK(page.page.status == 200);
  const console::Table* table = table_named(page.page, "walk_lists");
  REQUIRE(table != nullptr);
  REQUIRE(table->rows.size() == 1);
  CHECK(table->rows[0][1].number == 3);
  CHECK(table->rows[0][2].text.find("Llechen 1") != std::string::npos);
  CHECK(table->rows[0][0].href == "/field/lists/Traeth");
  const console::Table* coverage = table_named(page.page, "coverage");
  REQUIRE(coverage != nullptr);
  REQUIRE(coverage->rows.size() == 3);  // two streets and all streets
  CHECK(coverage->rows[0][0].text == "Ffordd y Traeth");
  CHECK(coverage->rows[0][1].number == 2);
  CHECK(coverage->rows[2][1].number == 3);

  const Answer street_page = call(hub, "GET", "/field/lists/Traeth", Role::Admin);
  CHECK(street_page.page.status == 200);
  CHECK(call(hub, "GET", "/field/lists/Nowhere", Role::Admin).page.status == 404);

  CHECK(call(hub, "POST", "/field/unassign", Role::Officer, {{"list", "Traeth"}, {"device", tablet}}).page.redirect ==
        "/field?done=unassign");
  CHECK(call(hub, "POST", "/field/close", Role::Officer, {{"list", "Traeth"}}).page.redirect == "/field?done=close");
  lists = must(soundings::hub::detail::walk_lists(hub.state));
  CHECK(lists[0].devices.empty());
  CHECK_FALSE(lists[0].closed_at.empty());
  // A closed list is assigned to no tablet.
  CHECK(call(hub, "POST", "/field/assign", Role::Officer, {{"list", "Traeth"}, {"device", tablet}}).page.status == 400);
  CHECK(call(hub, "POST", "/field/assign", Role::Officer, {{"list", "Traeth"}}).page.status == 400);
}

TEST_CASE("the field page lists officers with their state and disables an account", "[console]") {
  ConsoleHub hub;
  REQUIRE(soundings::hub::detail::add_staff(hub.state, "sian.jones", "Siân Jones", "246810").ok());
  const Answer page = call(hub, "GET", "/field", Role::Officer);
  const console::Table* officers = table_named(page.page, "officers");
  REQUIRE(officers != nullptr);
  REQUIRE(officers->rows.size() == 1);
  CHECK(officers->rows[0][1].text == "Siân Jones");
  CHECK(officers->rows[0][2].text == "not out");
  CHECK(page.page.main.find("soundings-hub staff add") != std::string::npos);

  CHECK(call(hub, "POST", "/field/staff/disable", Role::Officer, {{"staff_id", "sian.jones"}}).page.redirect ==
        "/field?done=disable");
  CHECK_FALSE(must(soundings::hub::detail::staff(hub.state))[0].disabled_at.empty());
  CHECK(call(hub, "POST", "/field/staff/disable", Role::Officer, {{"staff_id", "nobody"}}).page.status == 400);
}
