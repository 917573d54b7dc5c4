// Hub tests: field work at head office — the visits export with its per-address flag, the lone-working
// overview, and no visit's address or note in the response export.
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"
#include "soundings/field_records.h"

using hubtest::parse_csv;
using hubtest::ServedHub;
using nlohmann::json;
using soundings::testing::must;

namespace {

json visit(const std::string& list_id, const std::string& uprn, soundings::VisitOutcome outcome,
           const std::string& visited_at, const std::string& note = "") {
  soundings::Visit v;
  v.id = soundings::make_uuid();
  v.list_id = list_id;
  v.uprn = uprn;
  v.outcome = outcome;
  v.note = note;
  v.staff_id = "officer-1";
  v.device_id = "tablet-1";
  v.visited_at = visited_at;
  if (outcome == soundings::VisitOutcome::ComeBack) v.come_back_at = "2026-12-03T18:00:00Z";
  return soundings::visit_to_json(v);
}

json check_in(const std::string& staff_id, soundings::CheckInStatus status, const std::string& time) {
  return soundings::check_in_to_json({1, soundings::make_uuid(), staff_id, "tablet-" + staff_id, status, time, time});
}

json sign_in(const std::string& staff_id, soundings::SignInEvent event, const std::string& time) {
  return soundings::sign_in_to_json({1, soundings::make_uuid(), staff_id, "tablet-" + staff_id, event, time});
}

}  // namespace

TEST_CASE("the visits export gives each visit with its list's name and flags every completion past two at a door",
          "[hub][field]") {
  using soundings::VisitOutcome;
  ServedHub served;
  const auto& data = served.data_dir();
  const std::string token = served.enrol("Field tablet");
  hubtest::insert_staff(data, "officer-1", "Siân Hughes");
  hubtest::insert_walk_list(data, "list-1", "Rhos North");
  hubtest::insert_walk_list(data, "list-2", "Acton");
  hubtest::insert_walk_address(data, "list-1", "100", "1 Stryd y Brenin");
  hubtest::insert_walk_address(data, "list-1", "200", "2 Stryd y Brenin");
  hubtest::insert_walk_address(data, "list-2", "100", "1 Acton Road");
  for (int i = 0; i < 3; ++i) {
    hubtest::post_record(served, token, "visit", visit("list-1", "100", VisitOutcome::Completed, "2026-12-02T10:0" + std::to_string(i) + ":00Z"));
  }
  hubtest::post_record(served, token, "visit", visit("list-1", "100", VisitOutcome::NotHome, "2026-12-01T10:00:00Z"));
  hubtest::post_record(served, token, "visit", visit("list-1", "200", VisitOutcome::ComeBack, "2026-12-02T11:00:00Z",
                                             "=HYPERLINK(\"http://example.invalid\"), ci yn yr ardd"));
  hubtest::post_record(served, token, "visit", visit("list-2", "100", VisitOutcome::Completed, "2026-12-02T12:00:00Z"));

  const auto rows = parse_csv(must(served.hub().export_visits("", "csv")).substr(3));
  REQUIRE(rows.size() == 7);
  CHECK(rows[0] == std::vector<std::string>{"list", "uprn", "outcome", "come_back_at", "note", "staff", "device",
                                            "visited_at", "flags"});
  // By list, door and time: list-1's door 100 first, its not-home visit before the completions.
  CHECK(rows[1][0] == "Rhos North");
  CHECK(rows[1][2] == "not_home");
  CHECK(rows[1][8].empty());
  for (size_t row = 2; row <= 4; ++row) {
    CHECK(rows[row][2] == "completed");
    CHECK(rows[row][8] == "many_completions_at_address");
  }
  CHECK(rows[5][1] == "200");
  CHECK(rows[5][3] == "2026-12-03T18:00:00Z");
  CHECK(rows[5][4] == "'=HYPERLINK(\"http://example.invalid\"), ci yn yr ardd");  // shown, never run
  CHECK(rows[5][5] == "officer-1");
  CHECK(rows[5][6] == "tablet-1");
  CHECK(rows[6][0] == "Acton");
  CHECK(rows[6][8].empty());  // one completion at the same UPRN on another list

  const auto acton = parse_csv(must(served.hub().export_visits("Acton", "csv")).substr(3));
  REQUIRE(acton.size() == 2);
  CHECK(acton[1][0] == "Acton");
  const auto as_json = json::parse(must(served.hub().export_visits("Rhos North", "json")));
  REQUIRE(as_json.size() == 5);
  CHECK(as_json[1]["list"] == "Rhos North");
  CHECK(as_json[1]["flags"] == json::array({"many_completions_at_address"}));

  const auto unknown = served.hub().export_visits("Nowhere", "csv");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == soundings::ErrorCode::NotFound);
  CHECK(unknown.error().message.find("Nowhere") != std::string::npos);
  CHECK_FALSE(served.hub().export_visits("", "xlsx"));
}

TEST_CASE("a canary address and note from the door log never appear in the response export", "[hub][field]") {
  const std::string canary_address = "7 Canary Wharf Cottages CANARY-ADDR-51";
  const std::string canary_note = "CANARY-NOTE-93 dog at the side gate";
  const std::string canary_uprn = "990000000051";
  ServedHub served;
  const auto& data = served.data_dir();
  const std::string token = served.enrol("Field tablet");
  hubtest::insert_staff(data, "officer-1", "Siân Hughes");
  hubtest::insert_walk_list(data, "list-1", "Rhos North");
  hubtest::insert_walk_address(data, "list-1", canary_uprn, canary_address);
  hubtest::post_record(served, token, "visit", visit("list-1", canary_uprn, soundings::VisitOutcome::Completed,
                                             "2026-12-02T10:00:00Z", canary_note));
  auto response = hubtest::good_response("tablet-1");
  response.channel = soundings::Channel::Field;
  response.staff_id = "officer-1";
  response.started_at = response.submitted_at = "2026-12-02T00:00:00Z";
  auto client = served.client();
  int status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of({response}), &status);
  REQUIRE(status == 200);

  // The canary is really in the hub: the visits export shows the note.
  CHECK(must(served.hub().export_visits("", "csv")).find(canary_note) != std::string::npos);
  for (const char* format : {"csv", "json"}) {
    const std::string exported = must(served.hub().export_responses("town-square", format));
    CHECK(exported.find(response.id) != std::string::npos);
    for (const std::string& canary : {canary_address, canary_note, canary_uprn, std::string("CANARY")}) {
      CHECK(exported.find(canary) == std::string::npos);
    }
  }
}

TEST_CASE("the field overview shows every officer's last check-in and flags the overdue and the missed",
          "[hub][field]") {
  using soundings::CheckInStatus;
  using soundings::SignInEvent;
  soundings::TimePoint now;
  REQUIRE(soundings::parse_iso8601_utc("2026-12-02T12:00:00Z", now));
  soundings::hub::HubConfig config;
  config.clock = std::make_shared<soundings::ManualTimeSource>(now);
  ServedHub served(config);
  const auto& data = served.data_dir();
  const std::string token = served.enrol("Field tablet");
  hubtest::insert_staff(data, "fine", "Siân Hughes");
  hubtest::insert_staff(data, "late", "Dafydd Rees");
  hubtest::insert_staff(data, "missed", "Aled Price");
  hubtest::insert_staff(data, "home", "Mari Lloyd");
  hubtest::insert_staff(data, "office", "Gareth Evans");
  hubtest::insert_staff(data, "gone", "Former Officer", true);
  hubtest::post_record(served, token, "sign_in", sign_in("fine", SignInEvent::SignedIn, "2026-12-02T09:00:00Z"));
  hubtest::post_record(served, token, "check_in", check_in("fine", CheckInStatus::Ok, "2026-12-02T10:00:00Z"));
  hubtest::post_record(served, token, "check_in", check_in("fine", CheckInStatus::Ok, "2026-12-02T11:30:00Z"));
  hubtest::post_record(served, token, "sign_in", sign_in("late", SignInEvent::SignedIn, "2026-12-02T09:00:00Z"));
  hubtest::post_record(served, token, "check_in", check_in("late", CheckInStatus::Ok, "2026-12-02T10:00:00Z"));
  hubtest::post_record(served, token, "check_in", check_in("missed", CheckInStatus::Ok, "2026-12-02T11:00:00Z"));
  hubtest::post_record(served, token, "check_in", check_in("missed", CheckInStatus::Missed, "2026-12-02T11:50:00Z"));
  hubtest::post_record(served, token, "check_in", check_in("home", CheckInStatus::Ok, "2026-12-01T16:00:00Z"));
  hubtest::post_record(served, token, "sign_in", sign_in("home", SignInEvent::SignedOut, "2026-12-01T16:10:00Z"));

  const auto officers = must(served.hub().field_overview(std::chrono::minutes(75)));
  REQUIRE(officers.size() == 6);
  std::map<std::string, soundings::hub::OfficerStatus> by_id;
  for (const auto& officer : officers) by_id[officer.staff_id] = officer;
  CHECK(by_id["fine"].state == "fine");
  CHECK_FALSE(by_id["fine"].overdue);
  CHECK(by_id["fine"].name == "Siân Hughes");
  CHECK(by_id["fine"].last_check_in == "ok at 2026-12-02T11:30:00Z");
  CHECK(by_id["fine"].last_sign_in == "signed_in at 2026-12-02T09:00:00Z");
  CHECK(by_id["fine"].device_id == "tablet-fine");
  CHECK(by_id["late"].overdue);
  CHECK(by_id["late"].state == "OVERDUE");
  CHECK(by_id["late"].since == "2026-12-02T10:00:00Z");
  CHECK(by_id["missed"].overdue);
  CHECK(by_id["missed"].last_check_in.rfind("missed", 0) == 0);
  CHECK(by_id["home"].state == "signed out");
  CHECK_FALSE(by_id["home"].overdue);
  CHECK(by_id["office"].state == "not out");
  CHECK(by_id["office"].last_check_in.empty());
  CHECK(by_id["gone"].disabled);
  // A longer allowance: the late officer is no longer overdue; a missed check-in still is.
  const auto lenient = must(served.hub().field_overview(std::chrono::minutes(150)));
  for (const auto& officer : lenient) CHECK(officer.overdue == (officer.staff_id == "missed"));
}
