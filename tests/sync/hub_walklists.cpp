// Hub tests: walk lists imported from a council's CSV (bad rows named by line), assigned to field tablets only,
// served to each tablet with an ETag, and the coverage of their doors.
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"
#include "soundings/sqlite.h"
#include "test_database.h"

using nlohmann::json;
using soundings::testing::must;

namespace {

// A visit as the hub's records table holds it once received.
void add_visit(hubtest::ServedHub& served, const std::string& list_id, const std::string& uprn,
               const std::string& outcome, const std::string& at) {
  soundings::test::HubDatabase db(served.data_dir());
  const std::string id = soundings::make_uuid();
  const json body = {{"format", 1},       {"id", id},          {"list_id", list_id}, {"uprn", uprn},
                     {"outcome", outcome}, {"come_back_at", ""}, {"note", ""},         {"staff_id", "officer-1"},
                     {"device_id", "tablet-1"}, {"visited_at", at}, {"flags", json::array()}};
  auto insert = db->prepare(
      "INSERT INTO records (id, kind, staff_id, subject, door, at, body, body_hash, received_from, received_at) "
      "VALUES (?1, 'visit', 'officer-1', ?2, ?3, ?4, ?5, ?6, 'tablet-1', ?4)");
  REQUIRE(insert.ok());
  REQUIRE(insert->bind(1, id).bind(2, list_id).bind(3, uprn).bind(4, at).bind(5, body.dump()).bind_blob(6, std::string(1, '\0')).run("adding a visit").ok());
}

const std::string kGoodList =
    "\xEF\xBB\xBF"
    "ward,uprn,address,street,postcode,occupier\r\n"
    "Gwersyllt,10001,\"Tŷ Gwyn, 1 Ffordd Llanfair\",Ffordd Llanfair,LL11 4AB,\r\n"
    "Gwersyllt,10002,\"2 Ffordd Llanfair, \"\"Yr Hen Efail\"\"\",Ffordd Llanfair,LL11 4AB,\r\n"
    "Gwersyllt,10003,3 Stryt yr Eglwys,Stryt yr Eglwys,LL11 4AC,\r\n";

std::vector<std::string> problems_of(soundings::hub::Hub& hub, const std::string& csv) {
  const auto imported = must(hub.import_walk_list("bad list", csv));
  CHECK(imported.id.empty());
  CHECK(must(hub.walk_lists()).empty());  // nothing imported
  return imported.problems;
}

bool has_problem(const std::vector<std::string>& problems, const std::string& start) {
  for (const auto& problem : problems) {
    if (problem.rfind(start, 0) == 0) return true;
  }
  return false;
}

std::string problems_text(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& problem : problems) out += problem + "\n";
  return out;
}

json get_walk_lists(hubtest::ServedHub& served, const std::string& token, int& status, std::string& etag,
                    const std::string& if_none_match = "") {
  auto client = served.client();
  auto headers = hubtest::bearer(token);
  if (!if_none_match.empty()) headers.emplace("If-None-Match", if_none_match);
  const auto answer = client.Get("/api/v1/walklists", headers);
  REQUIRE(answer);
  status = answer->status;
  etag = answer->get_header_value("ETag");
  return answer->body.empty() ? json() : json::parse(answer->body);
}

}  // namespace

TEST_CASE("a walk list with quoted commas, doubled quotes, Welsh letters and CRLF is imported whole",
          "[hub][walklists]") {
  hubtest::ServedHub served;
  const auto imported = must(served.hub().import_walk_list("Gwersyllt north", kGoodList));
  INFO(problems_text(imported.problems));
  REQUIRE(imported.problems.empty());
  CHECK(soundings::is_uuid(imported.id));
  CHECK(imported.doors == 3);
  CHECK(imported.ignored_columns == std::vector<std::string>{"occupier"});  // columns not wanted are not kept

  const std::string token = served.enrol("Tablet 1", soundings::hub::DeviceRole::Field);
  REQUIRE(served.hub().assign_walk_list("Gwersyllt north", served.last_device_id()));
  int status = 0;
  std::string etag;
  const json answer = get_walk_lists(served, token, status, etag);
  REQUIRE(status == 200);
  REQUIRE(answer["walk_lists"].size() == 1);
  const json& list = answer["walk_lists"][0];
  CHECK(list["id"] == imported.id);
  CHECK(list["name"] == "Gwersyllt north");
  REQUIRE(list["addresses"].size() == 3);
  CHECK(list["addresses"][0] == json{{"uprn", "10001"}, {"address", "Tŷ Gwyn, 1 Ffordd Llanfair"},
                                     {"street", "Ffordd Llanfair"}, {"postcode", "LL11 4AB"}, {"ward", "Gwersyllt"}});
  CHECK(list["addresses"][1]["address"] == "2 Ffordd Llanfair, \"Yr Hen Efail\"");
  CHECK(list["addresses"][2]["street"] == "Stryt yr Eglwys");
}

TEST_CASE("every bad row of a walk list is named by its line and nothing is imported", "[hub][walklists]") {
  hubtest::ServedHub served;
  const std::string csv =
      "uprn,address,street,postcode,ward\n"                        // line 1
      "20001,1 High Street,High Street,LL11 1AA,Brymbo\n"          // 2
      ",2 High Street,High Street,LL11 1AA,Brymbo\n"               // 3: no uprn
      "20001,3 High Street,High Street,LL11 1AA,Brymbo\n"          // 4: uprn of line 2 again
      "20004,4 High Street,High Street,Brymbo\n"                   // 5: four fields
      "20005,\"5 High\nStreet\",High Street,LL11 1AA,Brymbo\n"     // 6-7: a line break in the address
      "20006," + std::string(301, 'A') + ",High Street,LL11 1AA,Brymbo\n"  // 8: address too long
      "20007,7 High Street,\"High \xC3\x28Street\",LL11 1AA,Brymbo\n"       // 9: not UTF-8
      + std::string(129, '9') + ",9 High Street,High Street,LL11 1AA,Brymbo\n"  // 10: uprn too long
      "20010,,High Street,LL11 1AA,Brymbo\n";                      // 11: no address
  const auto problems = problems_of(served.hub(), csv);
  INFO(problems_text(problems));
  CHECK(problems.size() == 8);
  CHECK(has_problem(problems, "line 3: uprn is missing"));
  CHECK(has_problem(problems, "line 4: the same uprn as line 2"));
  CHECK(has_problem(problems, "line 5: has 4 fields; the header has 5"));
  CHECK(has_problem(problems, "line 6: address holds a line break"));
  CHECK(has_problem(problems, "line 8: address is 301 bytes; at most 300"));
  CHECK(has_problem(problems, "line 9: street is not UTF-8"));
  CHECK(has_problem(problems, "line 10: uprn is 129 bytes; at most 128"));
  CHECK(has_problem(problems, "line 11: address is missing"));
  // A problem names the line, never the address or UPRN on it.
  CHECK(problems_text(problems).find("High Street") == std::string::npos);
  CHECK(problems_text(problems).find("20001") == std::string::npos);
}

TEST_CASE("a walk list file that is not CSV or lacks a column is refused, naming the line", "[hub][walklists]") {
  hubtest::ServedHub served;
  CHECK(has_problem(problems_of(served.hub(), "uprn,address,street,ward\n1,a,b,c\n"),
                    "line 1: the header has no \"postcode\" column"));
  CHECK(has_problem(problems_of(served.hub(), "uprn,address,street,postcode,ward\n1,\"a,b,c,d,e\n2,a,b,c,d\n"),
                    "line 2 opens a quoted field that is never closed"));
  CHECK(has_problem(problems_of(served.hub(), "uprn,address,street,postcode,ward\n1,a \"b\",c,d,e\n"),
                    "line 2 has a quote inside a field"));
  CHECK(has_problem(problems_of(served.hub(), "uprn,address,street,postcode,ward\r\n"), "the file has a header and no doors"));
  CHECK(has_problem(problems_of(served.hub(), ""), "the file is empty"));
}

TEST_CASE("past twenty problems the import lists twenty and counts the rest", "[hub][walklists]") {
  hubtest::ServedHub served;
  std::string csv = "uprn,address,street,postcode,ward\n";
  for (int i = 0; i < 25; ++i) csv += ",x,y,z,w\n";
  const auto problems = problems_of(served.hub(), csv);
  REQUIRE(problems.size() == 21);
  CHECK(problems[0] == "line 2: uprn is missing");
  CHECK(problems[20] == "... and 5 more problems");
}

TEST_CASE("a walk list name already used is refused", "[hub][walklists]") {
  hubtest::ServedHub served;
  REQUIRE(must(served.hub().import_walk_list("Brymbo", kGoodList)).problems.empty());
  const auto again = must(served.hub().import_walk_list("Brymbo", kGoodList));
  CHECK(has_problem(again.problems, "a walk list named \"Brymbo\" already exists"));
  CHECK(must(served.hub().walk_lists()).size() == 1);
}

TEST_CASE("walk lists are assigned to field tablets only, unassigned and closed", "[hub][walklists]") {
  hubtest::ServedHub served;
  REQUIRE(must(served.hub().import_walk_list("Brymbo", kGoodList)).problems.empty());
  served.enrol("Library kiosk");
  const std::string kiosk = served.last_device_id();
  served.enrol("Tablet 1", soundings::hub::DeviceRole::Field);
  const std::string tablet = served.last_device_id();

  const auto refused = served.hub().assign_walk_list("Brymbo", kiosk);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("is a kiosk; walk lists go only to field tablets") != std::string::npos);
  CHECK(served.hub().assign_walk_list("Brymbo", "no-such-device").error().code == soundings::ErrorCode::NotFound);
  CHECK(served.hub().assign_walk_list("Nowhere", tablet).error().code == soundings::ErrorCode::NotFound);

  REQUIRE(served.hub().assign_walk_list("Brymbo", tablet));
  REQUIRE(served.hub().assign_walk_list("Brymbo", tablet));  // twice is the same as once
  auto lists = must(served.hub().walk_lists());
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].doors == 3);
  REQUIRE(lists[0].devices.size() == 1);
  CHECK(lists[0].devices[0].id == tablet);
  CHECK(lists[0].devices[0].name == "Tablet 1");
  CHECK(lists[0].closed_at.empty());

  REQUIRE(served.hub().unassign_walk_list("Brymbo", tablet));
  CHECK(must(served.hub().walk_lists())[0].devices.empty());
  CHECK(served.hub().unassign_walk_list("Brymbo", tablet).error().code == soundings::ErrorCode::NotFound);

  REQUIRE(served.hub().close_walk_list("Brymbo"));
  CHECK_FALSE(must(served.hub().walk_lists())[0].closed_at.empty());
  const auto closed = served.hub().assign_walk_list("Brymbo", tablet);
  REQUIRE_FALSE(closed);
  CHECK(closed.error().message.find("a closed list goes to no tablet") != std::string::npos);
}

TEST_CASE("GET /walklists gives a field tablet its own open lists with an ETag, and refuses a kiosk",
          "[hub][walklists][api]") {
  hubtest::ServedHub served;
  REQUIRE(must(served.hub().import_walk_list("Brymbo", kGoodList)).problems.empty());
  REQUIRE(must(served.hub().import_walk_list("Coedpoeth", kGoodList)).problems.empty());
  REQUIRE(must(served.hub().import_walk_list("Rhos", kGoodList)).problems.empty());
  const std::string kiosk_token = served.enrol("Library kiosk");
  const std::string token = served.enrol("Tablet 1", soundings::hub::DeviceRole::Field);
  const std::string tablet = served.last_device_id();
  served.enrol("Tablet 2", soundings::hub::DeviceRole::Field);
  const std::string other_tablet = served.last_device_id();
  REQUIRE(served.hub().assign_walk_list("Brymbo", tablet));
  REQUIRE(served.hub().assign_walk_list("Rhos", tablet));
  REQUIRE(served.hub().assign_walk_list("Coedpoeth", other_tablet));

  int status = 0;
  std::string etag;
  json answer = get_walk_lists(served, kiosk_token, status, etag);
  CHECK(status == 403);
  CHECK(answer["error"] == "not_a_field_device");
  answer = get_walk_lists(served, "not-a-token", status, etag);
  CHECK(status == 401);

  answer = get_walk_lists(served, token, status, etag);
  REQUIRE(status == 200);
  REQUIRE(answer["walk_lists"].size() == 2);
  CHECK(answer["walk_lists"][0]["name"] == "Brymbo");
  CHECK(answer["walk_lists"][1]["name"] == "Rhos");
  REQUIRE_FALSE(etag.empty());
  std::string again;
  get_walk_lists(served, token, status, again, etag);
  CHECK(status == 304);
  CHECK(again == etag);

  // Closing one list and unassigning the other change what the tablet is sent.
  REQUIRE(served.hub().close_walk_list("Rhos"));
  answer = get_walk_lists(served, token, status, again, etag);
  REQUIRE(status == 200);
  CHECK(again != etag);
  REQUIRE(answer["walk_lists"].size() == 1);
  CHECK(answer["walk_lists"][0]["name"] == "Brymbo");
  REQUIRE(served.hub().unassign_walk_list("Brymbo", tablet));
  answer = get_walk_lists(served, token, status, again);
  REQUIRE(status == 200);
  CHECK(answer["walk_lists"].empty());
}

TEST_CASE("coverage counts each door once, by the outcome of its latest visit, street by street",
          "[hub][walklists][coverage]") {
  hubtest::ServedHub served;
  const std::string csv =
      "uprn,address,street,postcode,ward\n"
      "1,1 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB,Gwersyllt\n"
      "2,2 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB,Gwersyllt\n"
      "3,3 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB,Gwersyllt\n"
      "4,1 Stryt yr Eglwys,Stryt yr Eglwys,LL11 4AC,Gwersyllt\n"
      "5,2 Stryt yr Eglwys,Stryt yr Eglwys,LL11 4AC,Gwersyllt\n"
      "6,4 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB,Gwersyllt\n";
  const auto imported = must(served.hub().import_walk_list("Gwersyllt", csv));
  REQUIRE(imported.problems.empty());
  const auto other = must(served.hub().import_walk_list("Elsewhere", csv));
  add_visit(served, imported.id, "1", "not_home", "2026-12-01T10:00:00Z");
  add_visit(served, imported.id, "1", "completed", "2026-12-02T10:00:00Z");  // the latest decides
  add_visit(served, imported.id, "2", "completed", "2026-12-01T11:00:00Z");
  add_visit(served, imported.id, "2", "declined", "2026-12-01T09:00:00Z");    // earlier: does not count
  add_visit(served, imported.id, "3", "come_back", "2026-12-01T12:00:00Z");
  add_visit(served, imported.id, "4", "do_not_visit_unsafe", "2026-12-01T13:00:00Z");
  add_visit(served, imported.id, "99", "completed", "2026-12-01T13:00:00Z");  // not a door of the list
  add_visit(served, other.id, "5", "completed", "2026-12-01T13:00:00Z");      // another list's visit

  const auto report = must(served.hub().coverage("Gwersyllt"));
  REQUIRE(report.streets.size() == 2);
  const auto& llanfair = report.streets[0];
  CHECK(llanfair.street == "Ffordd Llanfair");
  CHECK(llanfair.doors == 4);
  CHECK(llanfair.visited == 3);
  CHECK(llanfair.outcomes == std::array<int64_t, 7>{2, 0, 0, 1, 0, 0, 0});
  const auto& eglwys = report.streets[1];
  CHECK(eglwys.street == "Stryt yr Eglwys");
  CHECK(eglwys.doors == 2);
  CHECK(eglwys.visited == 1);
  CHECK(eglwys.outcomes == std::array<int64_t, 7>{0, 0, 0, 0, 0, 0, 1});

  const auto csv_report = must(served.hub().coverage_csv("Gwersyllt"));
  const auto rows = hubtest::parse_csv(csv_report.substr(3));  // after the byte order mark
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"street", "doors", "visited", "not_visited", "completed", "not_home",
                                            "declined", "come_back", "card_left", "moved_or_empty",
                                            "do_not_visit_unsafe"});
  CHECK(rows[1] == std::vector<std::string>{"Ffordd Llanfair", "4", "3", "1", "2", "0", "0", "1", "0", "0", "0"});
  CHECK(rows[2] == std::vector<std::string>{"Stryt yr Eglwys", "2", "1", "1", "0", "0", "0", "0", "0", "0", "1"});
  CHECK(rows[3] == std::vector<std::string>{"(all streets)", "6", "4", "2", "2", "0", "0", "1", "0", "0", "1"});
  CHECK(served.hub().coverage("Nowhere").error().code == soundings::ErrorCode::NotFound);
}
