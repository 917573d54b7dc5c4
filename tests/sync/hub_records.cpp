// Hub tests: records of every kind through POST /api/v1/records, with the same four fates as responses.

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/field_records.h"
#include "soundings/record.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;

using hubtest::good_response;
using hubtest::ServedHub;
using nlohmann::json;
using namespace soundings;

namespace {

constexpr const char* kList = "9f0c1e2d-1111-4a0b-9d1e-5b8f2c4e6a10";
constexpr const char* kDoor = "100100999001";

// An officer and a walk list with one door, as the staff and walk-list commands would leave them.
void add_field_work(ServedHub& served) {
  soundings::test::HubDatabase db(served.data_dir());
  const std::string sql = std::string(
      "INSERT INTO staff (staff_id, name, pin_hash, created_at) VALUES ('rhian.j', 'Rhian Jones', '$argon2id$x', "
      "'2026-12-01T09:00:00Z');"
      "INSERT INTO walk_lists (list_id, name, imported_at) VALUES ('") + kList + "', 'Gwersyllt North', "
      "'2026-12-01T09:00:00Z');"
      "INSERT INTO walk_addresses (list_id, uprn, address, street, postcode, ward, line) VALUES ('" + kList +
      "', '" + kDoor + "', '1 Ffordd Las', 'Ffordd Las', 'LL11 4AA', 'Gwersyllt', 2);";
  db.exec(sql);
}

Visit visit_at_door(const std::string& note = "knock at the side") {
  Visit visit;
  visit.id = make_uuid();
  visit.list_id = kList;
  visit.uprn = kDoor;
  visit.outcome = VisitOutcome::CardLeft;
  visit.note = note;
  visit.staff_id = "rhian.j";
  visit.device_id = "tablet-1";
  visit.visited_at = "2026-12-01T10:00:00Z";
  return visit;
}

json envelope(RecordKind kind, const json& body) {
  const RecordEnvelope made = must(make_envelope(kind, body));
  return json{{"kind", record_kind_name(kind)}, {"id", made.id}, {"hash", made.hash}, {"body", body}};
}

json post_records(ServedHub& served, const std::string& token, const json& records, int* status = nullptr) {
  auto client = served.client();
  const auto result = client.Post("/api/v1/records", hubtest::bearer(token), json{{"records", records}}.dump(),
                                  "application/json");
  if (status) *status = result ? result->status : -1;
  if (!result) return {};
  return json::parse(result->body, nullptr, false);
}

std::string fate_of(ServedHub& served, const std::string& token, const json& record) {
  int status = 0;
  const json answer = post_records(served, token, json::array({record}), &status);
  REQUIRE(status == 200);
  REQUIRE(answer["results"].size() == 1);
  return answer["results"][0]["status"].get<std::string>() +
         (answer["results"][0].contains("reason") ? ": " + answer["results"][0]["reason"].get<std::string>() : "");
}

}  // namespace

TEST_CASE("a visit, a check-in and a sign-in are each stored once and a resend is a duplicate", "[hub][records]") {
  ServedHub served;
  add_field_work(served);
  const std::string token = served.enrol("Field tablet");
  const json visit = envelope(RecordKind::Visit, visit_to_json(visit_at_door()));
  const json check_in = envelope(RecordKind::CheckIn, check_in_to_json(CheckIn{1, make_uuid(), "rhian.j", "tablet-1",
                                                                               CheckInStatus::Ok, "2026-12-01T11:00:00Z",
                                                                               "2026-12-01T11:02:00Z"}));
  const json sign_in = envelope(RecordKind::SignIn, sign_in_to_json(SignIn{1, make_uuid(), "rhian.j", "tablet-1",
                                                                           SignInEvent::SignedIn, "2026-12-01T09:30:00Z"}));
  const json response = envelope(RecordKind::Response, response_to_json(good_response()));
  const json batch = json::array({visit, check_in, sign_in, response});
  int status = 0;
  json answer = post_records(served, token, batch, &status);
  REQUIRE(status == 200);
  for (const auto& result : answer["results"]) CHECK(result["status"] == "stored");
  CHECK(answer["results"][0]["id"] == visit["id"]);
  answer = post_records(served, token, batch, &status);
  for (const auto& result : answer["results"]) CHECK(result["status"] == "duplicate");
  CHECK(must(served.hub().stored_count()) == 1);  // responses
  CHECK(must(served.hub().quarantine_count()) == 0);
}

TEST_CASE("a different record under a stored record's id is a conflict kept aside with its kind", "[hub][records]") {
  ServedHub served;
  add_field_work(served);
  const std::string token = served.enrol("Field tablet");
  Visit visit = visit_at_door();
  CHECK(fate_of(served, token, envelope(RecordKind::Visit, visit_to_json(visit))) == "stored");
  visit.outcome = VisitOutcome::Declined;
  CHECK_THAT(fate_of(served, token, envelope(RecordKind::Visit, visit_to_json(visit))),
             Catch::StartsWith("conflict: a different visit with this id"));
  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 1);
  CHECK(held[0].response_id == visit.id);
  CHECK(held[0].record_kind == "visit");
}

TEST_CASE("a record of another kind under a stored record's id is a conflict, and the batch goes on", "[hub][records]") {
  ServedHub served;
  add_field_work(served);
  const std::string token = served.enrol("Field tablet");
  const Visit visit = visit_at_door();
  CHECK(fate_of(served, token, envelope(RecordKind::Visit, visit_to_json(visit))) == "stored");
  const CheckIn same_id{1, visit.id, "rhian.j", "tablet-1", CheckInStatus::Ok, "2026-12-01T11:00:00Z",
                        "2026-12-01T11:02:00Z"};
  const json next = envelope(RecordKind::Visit, visit_to_json(visit_at_door()));
  int status = 0;
  const json answer =
      post_records(served, token, json::array({envelope(RecordKind::CheckIn, check_in_to_json(same_id)), next}), &status);
  REQUIRE(status == 200);
  CHECK(answer["results"][0]["status"] == "conflict");
  CHECK(answer["results"][1]["status"] == "stored");
  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 1);
  CHECK(held[0].record_kind == "check_in");
}

TEST_CASE("field records are checked against head office's officers and walk lists", "[hub][records]") {
  ServedHub served;
  add_field_work(served);
  const std::string token = served.enrol("Field tablet");
  Visit stranger = visit_at_door();
  stranger.staff_id = "nobody";
  CHECK_THAT(fate_of(served, token, envelope(RecordKind::Visit, visit_to_json(stranger))),
             Catch::StartsWith("rejected: visit.staff_id: no officer \"nobody\""));
  Visit elsewhere = visit_at_door();
  elsewhere.uprn = "CANARY-UPRN-55";
  const std::string fate = fate_of(served, token, envelope(RecordKind::Visit, visit_to_json(elsewhere)));
  CHECK_THAT(fate, Catch::StartsWith("rejected: visit.uprn: this door is not on walk list"));
  CHECK(fate.find("CANARY-UPRN-55") == std::string::npos);  // a reason never names a home
  CheckIn unknown{1, make_uuid(), "ghost", "tablet-1", CheckInStatus::Missed, "2026-12-01T11:00:00Z",
                  "2026-12-01T11:05:00Z"};
  CHECK_THAT(fate_of(served, token, envelope(RecordKind::CheckIn, check_in_to_json(unknown))),
             Catch::StartsWith("rejected: check_in.staff_id"));
  Visit future = visit_at_door();
  future.visited_at = "2099-01-01T00:00:00Z";
  CHECK_THAT(fate_of(served, token, envelope(RecordKind::Visit, visit_to_json(future))),
             Catch::Contains("the device's clock is wrong"));
  CHECK(must(served.hub().quarantine_count()) == 4);
}

TEST_CASE("an envelope must agree with its body: kind, id and hash", "[hub][records]") {
  ServedHub served;
  add_field_work(served);
  const std::string token = served.enrol("Field tablet");
  json changed = envelope(RecordKind::Visit, visit_to_json(visit_at_door()));
  changed["body"]["note"] = "changed on the disk";
  CHECK_THAT(fate_of(served, token, changed), Catch::Contains(".hash: does not match the body"));
  json other_id = envelope(RecordKind::Visit, visit_to_json(visit_at_door()));
  other_id["id"] = make_uuid();
  CHECK_THAT(fate_of(served, token, other_id), Catch::Contains(".id: must be the body's id"));
  json unknown = envelope(RecordKind::Visit, visit_to_json(visit_at_door()));
  unknown["kind"] = "parcel";
  CHECK_THAT(fate_of(served, token, unknown), Catch::Contains("records[0].kind: must be one of"));
  json as_response = envelope(RecordKind::Visit, visit_to_json(visit_at_door()));
  as_response["kind"] = "response";
  CHECK_THAT(fate_of(served, token, as_response), Catch::StartsWith("rejected: response."));
  CHECK_THAT(fate_of(served, token, json("not an envelope")), Catch::Contains("must be a record envelope"));
  CHECK(must(served.hub().quarantine_count()) == 5);

  int status = 0;
  post_records(served, token, json::object(), &status);  // "records" must be a list
  CHECK(status == 400);
}
