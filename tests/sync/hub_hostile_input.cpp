// Hub tests: hostile bodies from a device with a valid token are refused cheaply, kept bounded, and never kill the hub.
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"
#include "soundings/clock.h"
#include "soundings/field_records.h"
#include "soundings/record.h"
#include "soundings/sealing.h"
#include "test_database.h"

using hubtest::batch_of;
using hubtest::bearer;
using hubtest::good_response;
using hubtest::post_batch;
using hubtest::ServedHub;
using nlohmann::json;
using soundings::testing::must;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Posts a raw body and checks the hub's JSON error shape; returns the answer.
json refused(ServedHub& served, const std::string& token, const std::string& path, const std::string& body,
             int status, const std::string& error) {
  auto client = served.client();
  const auto result = client.Post(path, token.empty() ? httplib::Headers{} : bearer(token), body, "application/json");
  REQUIRE(result);
  CHECK(result->status == status);
  const json answer = json::parse(result->body, nullptr, false);
  REQUIRE(answer.is_object());
  CHECK(answer["error"] == error);
  REQUIRE(answer["message"].is_string());
  CHECK(!answer["message"].get<std::string>().empty());
  return answer;
}

bool health_answers(ServedHub& served) {
  auto client = served.client();
  const auto health = client.Get("/api/v1/health");
  return health && health->status == 200;
}

json post_one(httplib::Client& client, const std::string& token, const json& item) {
  int status = 0;
  const json answer = post_batch(client, token, json{{"responses", {item}}}, &status);
  REQUIRE(status == 200);
  REQUIRE(answer["results"].size() == 1);
  return answer["results"][0];
}

std::string reason_of(const json& result) { return result.value("reason", std::string()); }

// Every quarantined body, joined, to look for text that must not have been kept.
std::string all_quarantined_bodies(ServedHub& served) {
  std::string bodies;
  for (const auto& item : must(served.hub().quarantined())) bodies += item.body + "\n";
  return bodies;
}

}  // namespace

TEST_CASE("a body nested a hundred thousand levels deep is refused with 400 on every route and the hub keeps serving",
          "[hub][hostile]") {
  ServedHub served;
  const std::string token = served.enrol();
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_in_item =
      "{\"responses\": [{\"answers\": " + std::string(100000, '[') + std::string(100000, ']') + "}]}";
  for (const std::string& body : {deep, deep_in_item}) {
    CHECK_THAT(refused(served, token, "/api/v1/responses", body, 400, "bad_json")["message"].get<std::string>(),
               Catch::Contains("nested more than"));
    CHECK(health_answers(served));
    refused(served, token, "/api/v1/heartbeat", body, 400, "bad_json");
    CHECK(health_answers(served));
    refused(served, "", "/api/v1/enrol", body, 400, "bad_json");
    CHECK(health_answers(served));
  }
  CHECK(must(served.hub().stored_count()) == 0);
  CHECK(must(served.hub().quarantine_count()) == 0);

  // A good batch still goes through afterwards.
  auto client = served.client();
  int status = 0;
  const json answer = post_batch(client, token, batch_of({good_response()}), &status);
  CHECK(status == 200);
  CHECK(answer["results"][0]["status"] == "stored");
}

TEST_CASE("bad UTF-8 in strings or keys and numbers beyond a double are refused with 400 and a JSON reason",
          "[hub][hostile]") {
  ServedHub served;
  const std::string token = served.enrol();
  const std::string good = batch_of({good_response()}).dump();
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"bad UTF-8 inside a string", replaced(good, "Llyfrgell Wrecsam", "Llyfrgell \xff\xfe")},
      {"a lone continuation byte in a key", replaced(good, "\"rating\"", "\"rat\x80ing\"")},
      {"a truncated sequence in an answer", replaced(good, "Mwy o goed", "Mwy o \xc3")},
      {"an escaped lone surrogate", replaced(good, "Mwy o goed", "Mwy o \\ud800")},
      {"1e999", replaced(good, "\"rating\":7", "\"rating\":1e999")},
      {"-1e999", replaced(good, "\"rating\":7", "\"rating\":-1e999")},
      {"a 400-digit integer", replaced(good, "\"rating\":7", "\"rating\":" + std::string(400, '9'))},
  };
  for (const auto& [what, body] : cases) {
    INFO(what);
    refused(served, token, "/api/v1/responses", body, 400, "bad_json");
    CHECK(health_answers(served));
  }
  refused(served, token, "/api/v1/heartbeat", "{\"app_version\": \"1.0\xff\"}", 400, "bad_json");
  refused(served, token, "/api/v1/heartbeat", "{\"free_disk_bytes\": 1e999}", 400, "bad_json");
  refused(served, "", "/api/v1/enrol", "{\"code\": \"ABCDE-FGHJK\", \"name\": \"Caffi \xc0\xaf\"}", 400, "bad_json");
  CHECK(must(served.hub().stored_count()) == 0);
  CHECK(must(served.hub().quarantine_count()) == 0);
}

TEST_CASE("a sealed part that is not a sealed box is rejected and its contents are not kept anywhere",
          "[hub][hostile]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  const std::string name = "Sian Hughes 07700 900123";

  const std::vector<std::pair<const char*, json>> parts = {
      {"plain text where the box should be", {{"sealed", name}}},
      {"base64 of plain text", {{"sealed", "U2lhbiBIdWdoZXMgMDc3MDAgOTAwMTIz"}}},
      {"base64 of fewer bytes than a sealed box", {{"sealed", std::string(64, 'A')}}},
      {"a box with something beside it", {{"sealed", std::string(96, 'A')}, {"note", name}}},
      {"plain contact details", {{"contact", {{"name", name}}}}},
  };
  for (const char* part_name : {"personal", "special"}) {
    for (const auto& [what, part] : parts) {
      INFO(part_name << ": " << what);
      json item = soundings::response_to_json(good_response());
      item[part_name] = part;
      const json result = post_one(client, token, item);
      CHECK(result["status"] == "rejected");
      CHECK_THAT(reason_of(result), Catch::Contains(std::string("response.") + part_name));
      CHECK(reason_of(result).find("Sian") == std::string::npos);
    }
  }
  // A changed resend of a stored response is a conflict, and its plain part is not kept either.
  const auto stored = good_response();
  REQUIRE(post_one(client, token, soundings::response_to_json(stored))["status"] == "stored");
  json changed = soundings::response_to_json(stored);
  changed["personal"] = {{"sealed", name}};
  CHECK(post_one(client, token, changed)["status"] == "conflict");

  CHECK(must(served.hub().stored_count()) == 1);
  CHECK(must(served.hub().quarantine_count()) == 11);
  const std::string kept = all_quarantined_bodies(served);
  CHECK(kept.find("Sian") == std::string::npos);
  CHECK(kept.find("U2lhbiBIdWdoZXM") == std::string::npos);
  CHECK_THAT(kept, Catch::Contains("refused and not kept"));
  const auto csv = served.hub().export_responses("town-square", "csv");
  REQUIRE(csv);
  CHECK(csv->find("Sian") == std::string::npos);

  // Properly sealed data still flows.
  auto sealed = good_response();
  sealed.personal = {{"contact", {{"name", name}}}};
  sealed.special = {{"age_band", {{"option", "25_plus"}}}};
  REQUIRE(soundings::seal_response(sealed, served.hub().seal_public_key()));
  CHECK(post_one(client, token, soundings::response_to_json(sealed))["status"] == "stored");
  CHECK(must(served.hub().stored_count()) == 2);
}

TEST_CASE("an oversized field is rejected naming the field, and its quarantine copy is bounded", "[hub][hostile]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();

  auto huge_venue = good_response();
  huge_venue.venue = std::string(2 * 1024 * 1024, 'v');
  const json result = post_one(client, token, soundings::response_to_json(huge_venue));
  CHECK(result["status"] == "rejected");
  CHECK_THAT(reason_of(result), Catch::Contains("response.venue"));
  CHECK(reason_of(result).size() < 400);

  auto long_answer = good_response();
  long_answer.answers["comments"] = std::string(500 * 1024, 'c');
  const json answer_result = post_one(client, token, soundings::response_to_json(long_answer));
  CHECK(answer_result["status"] == "rejected");
  CHECK_THAT(reason_of(answer_result), Catch::Contains("response.answers.comments"));

  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 2);
  for (const auto& item : held) {
    CHECK(item.body.size() <= 64 * 1024);
    CHECK(item.reason.size() < 400);
  }
  CHECK(held[0].response_id == huge_venue.id);

  // Resending the same oversized item is recognised and only counted again.
  CHECK(post_one(client, token, soundings::response_to_json(huge_venue))["status"] == "rejected");
  CHECK(must(served.hub().quarantined())[0].times_seen == 2);
  CHECK(must(served.hub().quarantine_count()) == 2);

  // An id far longer than any id is not sent back whole.
  json long_id = soundings::response_to_json(good_response());
  long_id["id"] = std::string(10000, 'i');
  const json long_id_result = post_one(client, token, long_id);
  CHECK(long_id_result["status"] == "rejected");
  CHECK(long_id_result["id"].is_null());
  CHECK(reason_of(long_id_result).size() < 400);
}

TEST_CASE("enrolment and heartbeat fields past their sizes are refused with 400 and nothing is recorded",
          "[hub][hostile]") {
  ServedHub served;
  const std::string token = served.enrol();
  const auto code = served.hub().make_enrol_code("Lobby kiosk");
  REQUIRE(code);
  refused(served, "", "/api/v1/enrol", json{{"code", *code}, {"name", std::string(201, 'n')}}.dump(), 400,
          "bad_request");
  refused(served, "", "/api/v1/enrol", json{{"code", std::string(65, 'C')}}.dump(), 400, "bad_request");
  CHECK(must(served.hub().devices()).size() == 1);

  refused(served, token, "/api/v1/heartbeat", json{{"app_version", std::string(65, 'v')}}.dump(), 400,
          "bad_request");
  json many = json::array();
  for (int i = 0; i < 201; ++i) many.push_back({{"id", "town-square"}, {"version", 1}});
  refused(served, token, "/api/v1/heartbeat", json{{"consultations", many}}.dump(), 400, "bad_request");
  refused(served, token, "/api/v1/heartbeat",
          json{{"consultations", {{{"id", std::string(129, 'c')}, {"version", 1}}}}}.dump(), 400, "bad_request");
  const json time_answer = refused(served, token, "/api/v1/heartbeat",
                                   json{{"oldest_pending_at", std::string(100000, '2')}}.dump(), 400, "bad_request");
  CHECK(time_answer["message"].get<std::string>().size() < 200);
  CHECK(must(served.hub().devices()).at(0).app_version.empty());

  // The same code still enrols with a name of an ordinary size.
  auto client = served.client();
  const auto enrolled = client.Post("/api/v1/enrol", json{{"code", *code}, {"name", "Caffi"}}.dump(), "application/json");
  REQUIRE(enrolled);
  CHECK(enrolled->status == 200);
}

TEST_CASE("a NUL byte inside an id never makes it match a known one, and what is kept holds the text past it",
          "[hub][hostile]") {
  // PostgreSQL text cannot hold U+0000: a value cut short at it would be "town-square" and be stored.
  ServedHub served;
  const std::string token = served.enrol("Field tablet", soundings::hub::DeviceRole::Field);
  hubtest::insert_staff(served.data_dir(), "officer-1", "Siân Hughes");
  auto client = served.client();
  const std::string nul("\0", 1);

  auto item = soundings::response_to_json(good_response());
  item["consultation_id"] = "town-square" + nul + "-after";
  const json result = post_one(client, token, item);
  CHECK(result["status"] == "rejected");
  CHECK(reason_of(result).find("response.consultation_id") != std::string::npos);
  CHECK(must(served.hub().stored_ids()).empty());
  const auto kept = must(served.hub().quarantined());
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].reason.find("-after") != std::string::npos);
  CHECK(kept[0].consultation_id.find("-after") != std::string::npos);

  const std::string now = soundings::format_iso8601_utc(soundings::Clock::now());
  const json check_in = soundings::check_in_to_json(
      {1, soundings::make_uuid(), "officer-1" + nul + "x", "tablet-1", soundings::CheckInStatus::Ok, now, now});
  const auto made = soundings::make_envelope(soundings::RecordKind::CheckIn, check_in);
  REQUIRE(made);
  json envelope{{"kind", "check_in"}, {"id", made->id}, {"hash", made->hash}, {"body", check_in}};
  const json records{{"records", json::array({envelope})}};
  const auto answer = client.Post("/api/v1/records", bearer(token), records.dump(), "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(json::parse(answer->body)["results"][0]["status"] == "rejected");

  CHECK(client.Post("/api/v1/heartbeat", bearer(token), json{{"app_version", "0.1" + nul + "-after"}}.dump(),
                    "application/json")
            ->status == 200);
  CHECK(must(served.hub().devices()).at(0).app_version.find("-after") != std::string::npos);
  CHECK(health_answers(served));
}

TEST_CASE("a visit naming an unknown walk list whose id is cut inside a letter is rejected with a JSON answer",
          "[hub][hostile]") {
  // The reason quotes the list's id shortened: cut inside "é" it was not UTF-8, so the answer could not be
  // written (500, after quarantine stored it) and PostgreSQL refused the row (503 for the whole group).
  ServedHub served;
  const std::string token = served.enrol("Field tablet", soundings::hub::DeviceRole::Field);
  hubtest::insert_staff(served.data_dir(), "officer-1", "Siân Hughes");
  auto client = served.client();
  soundings::Visit visit;
  visit.id = soundings::make_uuid();
  visit.list_id = std::string(63, 'a') + "é";
  visit.uprn = "100";
  visit.staff_id = "officer-1";
  visit.device_id = "tablet-1";
  visit.visited_at = soundings::format_iso8601_utc(soundings::Clock::now());
  const json body = soundings::visit_to_json(visit);
  const auto made = soundings::make_envelope(soundings::RecordKind::Visit, body);
  REQUIRE(made);
  json envelope{{"kind", "visit"}, {"id", made->id}, {"hash", made->hash}, {"body", body}};
  const json records{{"records", json::array({envelope})}};
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto answer = client.Post("/api/v1/records", bearer(token), records.dump(), "application/json");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    const json parsed = json::parse(answer->body, nullptr, false);
    REQUIRE(parsed.is_object());
    CHECK(parsed["results"][0]["status"] == "rejected");
  }
  // The same for an unknown field's name, quoted shortened too.
  json odd = body;
  odd["id"] = soundings::make_uuid();
  odd[std::string(39, 'k') + "é"] = 1;
  const json odd_records{{"records", json::array({{{"kind", "visit"}, {"id", odd["id"]}, {"hash", ""}, {"body", odd}}})}};
  const auto answer = client.Post("/api/v1/records", bearer(token), odd_records.dump(), "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(json::parse(answer->body, nullptr, false)["results"][0]["status"] == "rejected");
  const auto kept = must(served.hub().quarantined());
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].times_seen == 2);
  CHECK(health_answers(served));
}

TEST_CASE("times before 2020, beyond the hub's clock or out of order are rejected naming the field",
          "[hub][hostile]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  const auto now = soundings::Clock::now();
  const auto at = [](soundings::TimePoint when) { return soundings::format_iso8601_utc(when); };

  struct Case {
    const char* what;
    std::string started_at;
    std::string submitted_at;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"started in 9999", "9999-01-01T00:00:00Z", "9999-01-01T00:05:00Z", "response.started_at"},
      {"submitted two days ahead of the hub", at(now), at(now + std::chrono::hours(48)), "response.submitted_at"},
      {"started before 2020", "2019-12-31T23:59:59Z", at(now), "response.started_at"},
      {"submitted before it started", at(now), at(now - std::chrono::minutes(5)), "response.started_at"},
  };
  for (const auto& bad : cases) {
    INFO(bad.what);
    auto response = good_response();
    response.started_at = bad.started_at;
    response.submitted_at = bad.submitted_at;
    const json result = post_one(client, token, soundings::response_to_json(response));
    CHECK(result["status"] == "rejected");
    CHECK_THAT(reason_of(result), Catch::Contains(bad.field));
  }
  // A device clock a few hours fast is within the allowed skew.
  auto fast_clock = good_response();
  fast_clock.started_at = at(now + std::chrono::hours(5));
  fast_clock.submitted_at = at(now + std::chrono::hours(5) + std::chrono::minutes(3));
  CHECK(post_one(client, token, soundings::response_to_json(fast_clock))["status"] == "stored");
}

TEST_CASE("a device past its quarantine allowance gets 429 quarantine_full and nothing of that batch is stored",
          "[hub][hostile]") {
  soundings::hub::HubConfig config;
  config.max_quarantine_items_per_device = 3;
  ServedHub served(config);
  auto client = served.client();
  const std::string token = served.enrol();
  const auto bad_item = [] {
    auto response = good_response();
    response.consultation_id = "no-such-consultation";
    return soundings::response_to_json(response);
  };
  const json first = bad_item();
  int status = 0;
  post_batch(client, token, json{{"responses", {first, bad_item(), bad_item()}}}, &status);
  REQUIRE(status == 200);
  REQUIRE(must(served.hub().quarantine_count()) == 3);

  // One more distinct bad item would pass the allowance: the whole batch, good item included, is refused.
  const auto good = good_response();
  const auto result = client.Post("/api/v1/responses", bearer(token),
                                  json{{"responses", {soundings::response_to_json(good), bad_item()}}}.dump(),
                                  "application/json");
  REQUIRE(result);
  CHECK(result->status == 429);
  CHECK(result->has_header("Retry-After"));
  const json answer = json::parse(result->body, nullptr, false);
  CHECK(answer["error"] == "quarantine_full");
  CHECK(answer["message"].is_string());
  CHECK(must(served.hub().stored_count()) == 0);
  CHECK(must(served.hub().quarantine_count()) == 3);

  // An identical resend only counts again, and a batch of good responses is still taken.
  const json resent = post_batch(client, token, json{{"responses", {first}}}, &status);
  CHECK(status == 200);
  CHECK(resent["results"][0]["status"] == "rejected");
  CHECK(post_batch(client, token, batch_of({good}), &status)["results"][0]["status"] == "stored");
  CHECK(status == 200);

  // Another device has its own allowance.
  const std::string other = served.enrol("Second kiosk");
  post_batch(client, other, json{{"responses", {bad_item()}}}, &status);
  CHECK(status == 200);
  CHECK(must(served.hub().quarantine_count()) == 4);
}

TEST_CASE("the quarantine allowance counts bytes, from the database shared by two hub processes",
          "[hub][hostile]") {
  soundings::hub::HubConfig config;
  config.max_quarantine_bytes_per_device = 7000;  // three of the items below, not four
  ServedHub served(config);
  const std::string token = served.enrol();
  // A second hub on the same database, as a second process behind a load balancer would be.
  config.data_dir = served.data_dir().string();
  soundings::test::use_test_database(config);
  auto second = soundings::hub::Hub::open(config);
  REQUIRE(second);
  const auto port = (*second)->listen("127.0.0.1", 0);
  REQUIRE(port);
  httplib::Client second_client("127.0.0.1", *port);
  second_client.set_read_timeout(60, 0);
  auto first_client = served.client();

  const auto bad_item = [] {
    auto response = good_response();
    response.consultation_id = "no-such-consultation";
    response.answers["comments"] = std::string(1500, 'x');
    return soundings::response_to_json(response);
  };
  int status = 0;
  post_batch(first_client, token, json{{"responses", {bad_item(), bad_item()}}}, &status);
  CHECK(status == 200);
  post_batch(second_client, token, json{{"responses", {bad_item()}}}, &status);
  CHECK(status == 200);
  // About 6,500 bytes are now held for this device, across both hubs: the next one is refused by either.
  post_batch(second_client, token, json{{"responses", {bad_item()}}}, &status);
  CHECK(status == 429);
  post_batch(first_client, token, json{{"responses", {bad_item()}}}, &status);
  CHECK(status == 429);
  CHECK(must(served.hub().quarantine_count()) == 3);
  (*second)->stop();
}
