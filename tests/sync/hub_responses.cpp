// Hub tests: the fate of each response in a batch — stored, duplicate, conflict or rejected.
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/sealing.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;

using hubtest::batch_of;
using hubtest::good_response;
using hubtest::post_batch;
using hubtest::ServedHub;
using nlohmann::json;

namespace {

// Posts one response and returns its result entry.
json post_one(ServedHub& served, httplib::Client& client, const std::string& token, const json& item) {
  int status = 0;
  const json answer = post_batch(client, token, json{{"responses", {item}}}, &status);
  REQUIRE(status == 200);
  REQUIRE(answer["results"].size() == 1);
  (void)served;
  return answer["results"][0];
}

bool mentions(const json& result, const std::string& words) {
  return result.contains("reason") && result["reason"].get<std::string>().find(words) != std::string::npos;
}

}  // namespace

TEST_CASE("a response is stored once and an identical resend is answered duplicate", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  const auto response = good_response();
  const json item = soundings::response_to_json(response);

  const json first = post_one(served, client, token, item);
  CHECK(first["id"] == response.id);
  CHECK(first["status"] == "stored");
  CHECK(must(served.hub().stored_count()) == 1);

  // Key order does not matter: the hub compares canonical JSON.
  const json reordered = json::parse(item.dump());
  const json second = post_one(served, client, token, reordered);
  CHECK(second["status"] == "duplicate");
  CHECK(must(served.hub().stored_count()) == 1);
  CHECK(must(served.hub().quarantine_count()) == 0);
  CHECK(must(served.hub().stored_ids()) == std::vector<std::string>{response.id});
}

TEST_CASE("a changed resend is a conflict kept in quarantine and the stored original is unchanged", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  auto response = good_response();
  REQUIRE(post_one(served, client, token, soundings::response_to_json(response))["status"] == "stored");
  const auto before = served.hub().export_responses("town-square", "json");
  REQUIRE(before);

  response.answers["rating"] = 2;
  const json conflict = post_one(served, client, token, soundings::response_to_json(response));
  CHECK(conflict["status"] == "conflict");
  CHECK(mentions(conflict, "different response with this id"));
  CHECK(must(served.hub().stored_count()) == 1);
  CHECK(must(served.hub().quarantine_count()) == 1);
  CHECK(served.hub().export_responses("town-square", "json").value() == before.value());

  // The same conflicting copy sent again is still a conflict, and is held once.
  CHECK(post_one(served, client, token, soundings::response_to_json(response))["status"] == "conflict");
  CHECK(must(served.hub().quarantine_count()) == 1);

  // Staff can review it: what arrived, from which device, why it was held, how often.
  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 1);
  CHECK(held[0].kind == "conflict");
  CHECK(held[0].response_id == response.id);
  CHECK(held[0].consultation_id == "town-square");
  CHECK(held[0].received_from == served.last_device_id());
  CHECK(held[0].times_seen == 2);
  CHECK(json::parse(held[0].body) == soundings::response_to_json(response));
  CHECK(must(served.hub().quarantined("another-consultation")).empty());
}

TEST_CASE("a batch of new, resent, changed, repeated and unknown responses is answered item by item, in order",
          "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  const auto resent = good_response();
  auto changed = good_response();
  REQUIRE(post_batch(client, token, batch_of({resent, changed}))["results"].size() == 2);
  changed.answers["rating"] = 2;
  const auto fresh = good_response();
  const auto repeated = good_response();
  auto unknown = good_response();
  unknown.consultation_id = "no-such-consultation";

  int status = 0;
  const json answer =
      post_batch(client, token, batch_of({fresh, resent, changed, repeated, repeated, unknown}), &status);
  REQUIRE(status == 200);
  std::vector<std::pair<std::string, std::string>> fates;
  for (const auto& result : answer["results"]) fates.emplace_back(result["id"], result["status"]);
  CHECK(fates == std::vector<std::pair<std::string, std::string>>{{fresh.id, "stored"},
                                                                  {resent.id, "duplicate"},
                                                                  {changed.id, "conflict"},
                                                                  {repeated.id, "stored"},
                                                                  {repeated.id, "duplicate"},
                                                                  {unknown.id, "rejected"}});
  CHECK(must(served.hub().stored_count()) == 4);
  CHECK(must(served.hub().quarantine_count()) == 2);
}

TEST_CASE("a response for an unknown consultation or version is rejected and kept in quarantine", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();

  auto unknown = good_response();
  unknown.consultation_id = "no-such-consultation";
  const json first = post_one(served, client, token, soundings::response_to_json(unknown));
  CHECK(first["status"] == "rejected");
  CHECK(mentions(first, "no-such-consultation"));

  auto wrong_version = good_response();
  wrong_version.consultation_version = 9;
  const json second = post_one(served, client, token, soundings::response_to_json(wrong_version));
  CHECK(second["status"] == "rejected");
  CHECK(mentions(second, "version 9"));

  CHECK(must(served.hub().stored_count()) == 0);
  CHECK(must(served.hub().quarantine_count()) == 2);
}

TEST_CASE("an answer that breaks its question's rules is rejected with a reason naming it", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();

  auto bad_option = good_response();
  bad_option.answers["favourite"] = {{"option", "car_park"}};
  const json first = post_one(served, client, token, soundings::response_to_json(bad_option));
  CHECK(first["status"] == "rejected");
  CHECK(mentions(first, "answers.favourite"));

  auto too_long = good_response();
  too_long.answers["comments"] = std::string(501, 'w');
  const json second = post_one(served, client, token, soundings::response_to_json(too_long));
  CHECK(second["status"] == "rejected");
  CHECK(mentions(second, "answers.comments"));
  // The reason is the sentence a resident would read, with the limit filled in.
  CHECK(mentions(second, "500"));
  CHECK_FALSE(mentions(second, "{"));

  auto too_many = good_response();
  too_many.answers["wanted"] = {{"options", {"seats", "stalls", "fountain"}}};
  const json third = post_one(served, client, token, soundings::response_to_json(too_many));
  CHECK(third["status"] == "rejected");
  CHECK(mentions(third, "answers.wanted"));
  CHECK_FALSE(mentions(third, "{"));

  auto no_such_question = good_response();
  no_such_question.answers["colour"] = "green";
  const json fourth = post_one(served, client, token, soundings::response_to_json(no_such_question));
  CHECK(fourth["status"] == "rejected");
  CHECK(mentions(fourth, "no such question"));

  auto wrong_language = good_response();
  wrong_language.language = "fr";
  CHECK(post_one(served, client, token, soundings::response_to_json(wrong_language))["status"] == "rejected");

  CHECK(must(served.hub().stored_count()) == 0);
  CHECK(must(served.hub().quarantine_count()) == 5);
}

TEST_CASE("a response captured before closing is stored however late; one after closing is rejected", "[hub]") {
  ServedHub served;
  REQUIRE(served.hub().publish_json(hubtest::town_square_json(1, "2024-06-30", "closed-square")).problems.empty());
  auto client = served.client();
  const std::string token = served.enrol();

  auto last_minute = good_response();
  last_minute.consultation_id = "closed-square";
  last_minute.started_at = "2024-06-30T23:50:00Z";
  last_minute.submitted_at = "2024-06-30T23:59:59Z";
  CHECK(post_one(served, client, token, soundings::response_to_json(last_minute))["status"] == "stored");

  auto too_late = last_minute;
  too_late.id = soundings::make_uuid();
  too_late.submitted_at = "2024-07-01T00:00:00Z";
  const json result = post_one(served, client, token, soundings::response_to_json(too_late));
  CHECK(result["status"] == "rejected");
  CHECK(mentions(result, "submitted after the consultation closed"));
  CHECK(must(served.hub().stored_count("closed-square")) == 1);
  CHECK(must(served.hub().quarantine_count()) == 1);
}

TEST_CASE("items that are not responses are rejected one by one and still kept", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  const auto good = good_response();
  json no_id = soundings::response_to_json(good_response());
  no_id.erase("id");
  json bad_id = soundings::response_to_json(good_response());
  bad_id["id"] = "not-a-uuid";
  json wrong_type = soundings::response_to_json(good_response());
  wrong_type["consultation_version"] = "one";
  const json batch = {{"responses", {soundings::response_to_json(good), 17, "text", no_id, bad_id, wrong_type}}};

  int status = 0;
  const json answer = post_batch(client, token, batch, &status);
  REQUIRE(status == 200);
  const json& results = answer["results"];
  REQUIRE(results.size() == 6);
  CHECK(results[0]["status"] == "stored");
  for (size_t i = 1; i < 6; ++i) {
    INFO("item " << i << ": " << results[i].dump());
    CHECK(results[i]["status"] == "rejected");
    CHECK(!results[i]["reason"].get<std::string>().empty());
  }
  CHECK(results[1]["id"].is_null());
  CHECK(results[3]["id"].is_null());
  CHECK(results[4]["id"] == "not-a-uuid");
  CHECK(results[5]["id"] == wrong_type["id"]);
  CHECK(mentions(results[5], "consultation_version"));
  CHECK(must(served.hub().stored_count()) == 1);
  CHECK(must(served.hub().quarantine_count()) == 5);
}

TEST_CASE("personal data must arrive sealed; sealed personal data is stored", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();

  auto plain = good_response();
  plain.personal = {{"contact", {{"name", "Siân Hughes"}, {"email", "sian@example.cymru"}}}};
  const json refused = post_one(served, client, token, soundings::response_to_json(plain));
  CHECK(refused["status"] == "rejected");
  CHECK(mentions(refused, "sealed"));

  auto in_answers = good_response();
  in_answers.answers["age_band"] = {{"option", "under_25"}};
  CHECK(post_one(served, client, token, soundings::response_to_json(in_answers))["status"] == "rejected");

  auto sealed = good_response();
  sealed.personal = plain.personal;
  sealed.special = {{"age_band", {{"option", "25_plus"}}}};
  REQUIRE(soundings::seal_response(sealed, served.hub().seal_public_key()));
  CHECK(post_one(served, client, token, soundings::response_to_json(sealed))["status"] == "stored");
  CHECK(must(served.hub().stored_count()) == 1);
}

TEST_CASE("responses to an older version are still stored after a new version is published", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  REQUIRE(served.hub().publish_json(hubtest::town_square_json(2)).problems.empty());
  auto old_version = good_response();
  CHECK(post_one(served, client, token, soundings::response_to_json(old_version))["status"] == "stored");
  auto new_version = good_response();
  new_version.consultation_version = 2;
  CHECK(post_one(served, client, token, soundings::response_to_json(new_version))["status"] == "stored");
  CHECK(must(served.hub().stored_count("town-square")) == 2);
}

TEST_CASE("a batch is answered item by item in order, and is on disk when the answer arrives", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  const auto kept = good_response();
  REQUIRE(post_one(served, client, token, soundings::response_to_json(kept))["status"] == "stored");

  auto changed = kept;
  changed.venue = "Caffi'r Orsaf";
  auto unknown = good_response();
  unknown.consultation_id = "elsewhere";
  const auto fresh = good_response();
  const auto batch = batch_of({fresh, kept, changed, unknown, fresh});
  int status = 0;
  const json answer = post_batch(client, token, batch, &status);
  REQUIRE(status == 200);
  std::vector<std::string> fates;
  for (const auto& result : answer["results"]) fates.push_back(result["status"]);
  CHECK(fates == std::vector<std::string>{"stored", "duplicate", "conflict", "rejected", "duplicate"});
  CHECK(answer["results"][0]["id"] == fresh.id);

  // A second, independent connection to the file sees everything that was answered.
  soundings::hub::HubConfig config;
  config.data_dir = served.data_dir().string();
  soundings::test::use_test_database(config);
  auto reader = soundings::hub::Hub::open(config);
  REQUIRE(reader);
  CHECK(must((*reader)->stored_count()) == 2);
  CHECK(must((*reader)->quarantine_count()) == 2);
}
