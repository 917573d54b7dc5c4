// Records of every kind: their JSON checks, the envelope, response format 2, and one device outbox for all.
#include <catch2/catch.hpp>

#include <algorithm>

#include "durability/store_test_support.h"
#include "soundings/field_records.h"
#include "soundings/record.h"
#include "soundings/device_store.h"
#include "soundings/sqlite.h"
#include "soundings/store.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::store_testing;

namespace {

Visit sample_visit(VisitOutcome outcome = VisitOutcome::NotHome) {
  Visit visit;
  visit.id = make_uuid();
  visit.list_id = "5b8f2c4e-0000-4a0b-9d1e-7d1f6a523c1e";
  visit.uprn = "100100123456";
  visit.outcome = outcome;
  if (outcome == VisitOutcome::ComeBack) visit.come_back_at = "2026-12-03T18:00:00Z";
  visit.note = "Ci mawr; curwch wrth y drws cefn";
  visit.staff_id = "rhian.j";
  visit.device_id = "tablet-3";
  visit.visited_at = "2026-12-02T10:15:00Z";
  return visit;
}

std::unique_ptr<Store> open_memory() { return must(Store::open(":memory:")); }

}  // namespace

TEST_CASE("a visit survives its JSON form and every refused field is named") {
  const Visit visit = sample_visit(VisitOutcome::ComeBack);
  const Visit back = must(visit_from_json(visit_to_json(visit)));
  CHECK(visit_to_json(back) == visit_to_json(visit));

  const auto refused = [](const char* field, nlohmann::json value) {
    nlohmann::json body = visit_to_json(sample_visit());
    body[field] = std::move(value);
    auto parsed = visit_from_json(body);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
  };
  CHECK_THAT(refused("outcome", "out"), Catch::Contains("visit.outcome"));
  CHECK_THAT(refused("come_back_at", "2026-12-03T18:00:00Z"), Catch::Contains("only a \"come back\" visit"));
  CHECK_THAT(refused("note", std::string(kMaxVisitNoteBytes + 1, 'x')), Catch::Contains("visit.note: is 501 bytes"));
  CHECK_THAT(refused("visited_at", "2026-12-02 10:15"), Catch::Contains("visit.visited_at"));
  CHECK_THAT(refused("id", "1"), Catch::Contains("visit.id"));
  CHECK_THAT(refused("address", "1 High Street"), Catch::Contains("unknown field \"address\""));
  nlohmann::json no_time = visit_to_json(sample_visit(VisitOutcome::ComeBack));
  no_time["come_back_at"] = "";
  CHECK_THAT(visit_from_json(no_time).error().message, Catch::Contains("must say when"));
}

TEST_CASE("a refused note is never quoted back") {
  nlohmann::json body = visit_to_json(sample_visit());
  body["note"] = std::string(600, 'N') + "CANARY";
  const auto parsed = visit_from_json(body);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message.find("CANARY") == std::string::npos);
  CHECK(parsed.error().message.find("NNNN") == std::string::npos);
}

TEST_CASE("check-ins and sign-in events check their status and event") {
  CheckIn check_in{1, make_uuid(), "rhian.j", "tablet-3", CheckInStatus::Missed, "2026-12-02T11:00:00Z",
                   "2026-12-02T11:05:00Z"};
  CHECK(check_in_to_json(must(check_in_from_json(check_in_to_json(check_in)))) == check_in_to_json(check_in));
  nlohmann::json bad = check_in_to_json(check_in);
  bad["status"] = "fine";
  CHECK_THAT(check_in_from_json(bad).error().message, Catch::Contains("check_in.status"));

  SignIn sign_in{1, make_uuid(), "rhian.j", "tablet-3", SignInEvent::TimedOut, "2026-12-02T12:00:00Z"};
  CHECK(sign_in_to_json(must(sign_in_from_json(sign_in_to_json(sign_in)))) == sign_in_to_json(sign_in));
  nlohmann::json odd = sign_in_to_json(sign_in);
  odd["event"] = "logged_in";
  CHECK_THAT(sign_in_from_json(odd).error().message, Catch::Contains("sign_in.event"));
}

TEST_CASE("an envelope holds the canonical body and its BLAKE2b hash") {
  const nlohmann::json body = visit_to_json(sample_visit());
  const RecordEnvelope envelope = must(make_envelope(RecordKind::Visit, body));
  CHECK(envelope.id == body["id"]);
  CHECK(envelope.body == body.dump());
  CHECK(envelope.hash.size() == 64);
  CHECK(envelope.hash == record_hash_hex(body.dump()));
  CHECK(envelope.hash != record_hash_hex(body.dump() + " "));
  CHECK_FALSE(make_envelope(RecordKind::Visit, nlohmann::json{{"id", "not-a-uuid"}}).ok());
  for (const RecordKind kind : kAllRecordKinds) CHECK(record_kind_from_name(record_kind_name(kind)) == kind);
  CHECK_FALSE(record_kind_from_name("responses").has_value());
}

TEST_CASE("a format 2 response says how it was given and carries its quality flags; format 1 is still read") {
  Response response = sample_response(5);
  response.given = HowGiven{GivenMode::ReadOut, true, true, true};
  response.quality = {"too_fast"};
  const nlohmann::json json = response_to_json(response);
  CHECK(json["format"] == 2);
  CHECK(json["given"]["mode"] == "read_out");
  const Response back = must(response_from_json(json));
  CHECK(back.given.mode == GivenMode::ReadOut);
  CHECK(back.given.on_behalf);
  CHECK(back.given.interpreter);
  CHECK(back.quality == std::vector<std::string>{"too_fast"});

  nlohmann::json old = json;
  old["format"] = 1;
  old.erase("given");
  old.erase("quality");
  const Response read_old = must(response_from_json(old));
  CHECK(read_old.format == 1);
  CHECK(response_to_json(read_old) == old);  // a format 1 response is stored as it came

  nlohmann::json mixed = old;
  mixed["given"] = json["given"];
  CHECK_THAT(response_from_json(mixed).error().message, Catch::Contains("came with format 2"));
  nlohmann::json bad_mode = json;
  bad_mode["given"]["mode"] = "phone";
  CHECK_THAT(response_from_json(bad_mode).error().message, Catch::Contains("response.given.mode"));
  nlohmann::json newer = json;
  newer["format"] = 3;
  CHECK(response_from_json(newer).error().code == ErrorCode::TooNew);
}

TEST_CASE("one outbox holds records of every kind, oldest first, each with its kind and hash") {
  auto store = open_memory();
  const Response response = sample_response(1);
  const Visit visit = sample_visit();
  REQUIRE(store->replace_walk_lists({WalkList{visit.list_id, "Acton", {{visit.uprn, "1 Ffordd Las", "Ffordd Las",
                                                                       "LL11 4AA", "Acton"}}}}).ok());
  const CheckIn check_in{1, make_uuid(), "rhian.j", "tablet-3", CheckInStatus::Ok, "2026-12-02T11:00:00Z",
                         "2026-12-02T11:01:00Z"};
  const SignIn sign_in{1, make_uuid(), "rhian.j", "tablet-3", SignInEvent::SignedIn, "2026-12-02T09:00:00Z"};
  REQUIRE(store->save_sign_in(sign_in).ok());
  REQUIRE(store->save(response).ok());
  REQUIRE(store->save_visit(visit).ok());
  REQUIRE(store->save_check_in(check_in).ok());

  const auto batch = must(store->pending_batch(10, 1 << 20));
  REQUIRE(batch.size() == 4);
  CHECK(batch[0].kind == RecordKind::SignIn);
  CHECK(batch[1].kind == RecordKind::Response);
  CHECK(batch[2].kind == RecordKind::Visit);
  CHECK(batch[3].kind == RecordKind::CheckIn);
  CHECK(batch[0].id == sign_in.id);
  CHECK(batch[1].id == response.id);
  CHECK(batch[2].id == visit.id);
  CHECK(batch[3].id == check_in.id);
  for (const auto& item : batch) CHECK(item.hash == record_hash_hex(item.body));
  CHECK(nlohmann::json::parse(batch[2].body) == visit_to_json(visit));

  REQUIRE(store->mark_confirmed({visit.id, response.id}).ok());
  CHECK(must(store->outbox_counts()).pending == 2);
  CHECK(must(store->outbox_counts()).confirmed == 2);
  REQUIRE(store->mark_needs_review(check_in.id, "refused").ok());
  CHECK(must(store->needs_review()).at(0).kind == RecordKind::CheckIn);
  CHECK(store->save_visit(visit).error().code == ErrorCode::Conflict);
  CHECK(must(store->visits_for_list(visit.list_id)).size() == 1);
}

TEST_CASE("a field response waits for its day to end, then goes after the door log in an order of its own") {
  auto store = open_memory();
  TimePoint day_of_work, next_day;
  REQUIRE(parse_iso8601_utc("2026-12-02T16:00:00Z", day_of_work));
  REQUIRE(parse_iso8601_utc("2026-12-03T08:00:00Z", next_day));
  REQUIRE(store->replace_walk_lists({WalkList{sample_visit().list_id, "Acton", {}}}).ok());
  std::vector<std::string> responses;
  std::vector<std::string> saved;
  for (int door = 0; door < 6; ++door) {
    Response response = sample_response(5);  // taken in the field
    response.started_at = "2026-12-02T10:15:00Z";
    response.submitted_at = "2026-12-02T10:21:00Z";
    make_field_response_anonymous(response);
    Visit completed = sample_visit(VisitOutcome::Completed);
    REQUIRE(store->save(response).ok());
    REQUIRE(store->save_visit(completed).ok());
    responses.push_back(response.id);
    saved.push_back(response.id);
    saved.push_back(completed.id);
  }
  const Response kiosk = sample_response(1);
  REQUIRE(store->save(kiosk).ok());

  // The day of work: the door log and the kiosk's response go, the field responses wait.
  const auto during = must(store->pending_batch(100, 1 << 24, day_of_work));
  REQUIRE(during.size() == 7);
  for (const auto& item : during) CHECK((item.kind != RecordKind::Response || item.id == kiosk.id));
  // Nor does the device keep the minute each was saved: its outbox row has the day, as the response does.
  const auto counts = must(store->outbox_counts());
  CHECK(counts.oldest_pending_at == "2026-12-02T00:00:00Z");

  // The next day they all go, after everything else and sorted by their random ids, not in the order saved.
  const auto after = must(store->pending_batch(100, 1 << 24, next_day));
  REQUIRE(after.size() == 13);
  std::vector<std::string> sent_last;
  for (size_t i = 7; i < after.size(); ++i) sent_last.push_back(after[i].id);
  std::vector<std::string> by_id = responses;
  std::sort(by_id.begin(), by_id.end());
  CHECK(sent_last == by_id);
  CHECK(must(store->pending_batch(3, 1 << 24, next_day)).back().kind == RecordKind::Visit);

  // Once head office holds them they leave the tablet, where their order would still match the door log's.
  std::vector<std::string> all;
  for (const auto& item : after) all.push_back(item.id);
  REQUIRE(store->mark_confirmed(all).ok());
  for (const auto& id : responses) CHECK_FALSE(must(store->find_response(id)).has_value());
  CHECK(must(store->find_response(kiosk.id)).has_value());
  CHECK(must(store->outbox_counts()).confirmed == 7);
}

TEST_CASE("a visit the hub would refuse is never saved") {
  auto store = open_memory();
  Visit visit = sample_visit();
  visit.note = std::string(kMaxVisitNoteBytes + 10, 'x');
  const Status saved = store->save_visit(visit);
  REQUIRE_FALSE(saved.ok());
  CHECK_THAT(saved.error().message, Catch::Contains("nothing was saved"));
  CHECK(must(store->outbox_counts()).pending == 0);
}

TEST_CASE("the staff list is replaced whole, and walk lists keep their doors in order") {
  auto store = open_memory();
  REQUIRE(store->replace_staff({{"a", "Aled", "$argon2id$x", false}, {"b", "Bethan", "$argon2id$y", true}}).ok());
  REQUIRE(store->replace_staff({{"b", "Bethan", "$argon2id$y", true}}).ok());
  const auto staff = must(store->staff());
  REQUIRE(staff.size() == 1);
  CHECK(staff[0].disabled);

  WalkList list{"list-1", "Gwersyllt North", {{"2", "2 Ffordd Las", "Ffordd Las", "LL11 4AA", "Gwersyllt"},
                                              {"1", "1 Ffordd Las", "Ffordd Las", "LL11 4AA", "Gwersyllt"}}};
  REQUIRE(store->replace_walk_lists({list}).ok());
  const auto lists = must(store->walk_lists());
  REQUIRE(lists.size() == 1);
  REQUIRE(lists[0].addresses.size() == 2);
  CHECK(lists[0].addresses[0].uprn == "2");
  REQUIRE(store->replace_walk_lists({}).ok());
  CHECK(must(store->walk_lists()).empty());
}

TEST_CASE("a field response whose confirmation was cut short before it was deleted leaves the tablet at the next start") {
  TempDir dir;
  const std::string path = dir.file("tablet.db");
  Response field = sample_response(5);
  field.channel = Channel::Field;
  const Response kiosk = sample_response(1);
  {
    auto store = must(Store::open(path));
    REQUIRE(store->set_setting(setting::kDeviceRole, setting::kRoleField).ok());
    REQUIRE(store->save(field).ok());
    REQUIRE(store->save(kiosk).ok());
  }
  {
    // The power went between head office's confirmation being written and the response being deleted.
    auto db = must(sqlite::Connection::open(path, {.create = false}));
    REQUIRE(db.exec("UPDATE outbox SET state = 'confirmed'", "confirming by hand").ok());
  }
  auto store = must(Store::open(path));
  CHECK_FALSE(must(store->find_response(field.id)).has_value());
  CHECK(must(store->find_response(kiosk.id)).has_value());  // a response taken on a kiosk screen stays
  CHECK(must(store->outbox_counts()).confirmed == 1);
}
