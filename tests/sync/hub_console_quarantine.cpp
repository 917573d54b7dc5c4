// Console: quarantine decisions (hub_decisions.h) on both backends, what a release stores, what a device is
// told (GET /api/v1/decisions), and the quarantine pages.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <algorithm>
#include <regex>

#include "console.h"
#include "hub_decisions.h"
#include "hub_fixture.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;

using hubtest::good_response;
using hubtest::post_batch;
using hubtest::ServedHub;
using nlohmann::json;
using namespace soundings::hub::detail;

namespace {

// Another hub process on the served hub's store: decisions made here must be seen there, and back.
std::unique_ptr<HubState> hub_on(const ServedHub& served) {
  auto hub = std::make_unique<HubState>();
  hub->config.data_dir = served.data_dir().string();
  soundings::test::use_test_database(hub->config);
  hub->clock = std::make_shared<soundings::SystemTimeSource>();
  hub->store = must(open_store(hub->config));
  hub->keys = must(load_keys_for(hub->config, *hub->store));
  return hub;
}

std::string post_one(ServedHub& served, const std::string& token, const json& item) {
  auto client = served.client();
  int status = 0;
  const json answer = post_batch(client, token, json{{"responses", {item}}}, &status);
  REQUIRE(status == 200);
  return answer["results"][0]["status"].get<std::string>();
}

// A stored response and a different copy of it set aside as a conflict; returns (stored, conflicting).
std::pair<soundings::Response, soundings::Response> make_conflict(ServedHub& served, const std::string& token) {
  auto stored = good_response();
  REQUIRE(post_one(served, token, soundings::response_to_json(stored)) == "stored");
  auto changed = stored;
  changed.answers["rating"] = 2;
  changed.answers["comments"] = "Llai o geir";
  changed.language = "en";
  REQUIRE(post_one(served, token, soundings::response_to_json(changed)) == "conflict");
  return {stored, changed};
}

int64_t only_seq(ServedHub& served) {
  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 1);
  return held[0].seq;
}

json decisions_of(ServedHub& served, const std::string& token, int* status = nullptr) {
  auto client = served.client();
  const auto answer = client.Get("/api/v1/decisions", hubtest::bearer(token));
  REQUIRE(answer);
  if (status) *status = answer->status;
  return json::parse(answer->body);
}

// A quarantine page handler called as the router would, after its permission check.
console::PageResult call(ServedHub& served, const char* method, const std::string& path,
                         const httplib::Params& params = {}, const std::string& lang = "en",
                         console::Format format = console::Format::Html) {
  httplib::Request http;
  http.method = method;
  http.path = path;
  http.params = params;
  const console::Session session{"officer@council.gov.uk", console::Role::Officer, "csrf-token-1"};
  for (const console::Route& route : console::quarantine_routes()) {
    std::smatch match;
    if (route.method == std::string(method) && std::regex_match(path, match, std::regex(route.pattern))) {
      console::PageRequest request{http, served.hub().state_for_tests(), session, lang, format, match};
      return route.handler(request);
    }
  }
  FAIL("no route for " << method << " " << path);
  return {};
}

int64_t audit_entries(ServedHub& served, const std::string& action, int64_t seq) {
  soundings::test::HubDatabase database(served.data_dir());
  return database.integer("SELECT count(*) FROM audit_log WHERE action = '" + action + "' AND subject = '" +
                          std::to_string(seq) + "' AND actor = 'officer@council.gov.uk'");
}

}  // namespace

TEST_CASE("a rejection records who decided and why, the item stays in quarantine, and it is decided once",
          "[console]") {
  ServedHub served;
  const std::string token = served.enrol();
  make_conflict(served, token);
  const int64_t seq = only_seq(served);
  auto hub = hub_on(served);

  // A reason is required, of 1 to 500 characters: nothing is recorded without one.
  for (const std::string& bad : {std::string(), std::string("   "), std::string(501, 'w'), std::string("\xff"),
                                 std::string(10, '\0'), std::string("ok\x1b[2J")}) {
    const auto refused = must(decide_quarantine(*hub, seq, DecisionKind::Reject, "officer@council.gov.uk", bad));
    CHECK(refused.refusal == DecisionRefusal::BadReason);
    CHECK(refused.detail.find("reason") != std::string::npos);
  }
  CHECK_FALSE(must(hub->store->quarantine_decision(seq)).has_value());
  // 500 Welsh letters of two bytes each are 500 characters, not 1000 bytes: accepted.
  std::string welsh;
  for (int i = 0; i < 500; ++i) welsh += "ŵ";
  std::string trimmed;
  CHECK(check_decision_reason(welsh, trimmed).ok());

  const auto done =
      must(decide_quarantine(*hub, seq, DecisionKind::Reject, "officer@council.gov.uk", "  a test made at set-up  "));
  REQUIRE(done.ok());
  CHECK(must(served.hub().quarantine_count()) == 1);  // still there, marked decided
  CHECK(must(served.hub().stored_count()) == 1);

  // Another hub on the same store sees it, with who and why.
  auto other = hub_on(served);
  const auto decision = must(other->store->quarantine_decision(seq));
  REQUIRE(decision);
  CHECK(decision->decision == "rejected");
  CHECK(decision->decided_by == "officer@council.gov.uk");
  CHECK(decision->reason == "a test made at set-up");
  CHECK(decision->device_id == served.last_device_id());

  // Decided once: neither hub can decide it again, either way.
  for (const auto kind : {DecisionKind::Reject, DecisionKind::Release}) {
    const auto again = must(decide_quarantine(*other, seq, kind, "admin@council.gov.uk", "second thoughts"));
    CHECK(again.refusal == DecisionRefusal::AlreadyDecided);
  }
  CHECK(must(hub->store->quarantine_decision(seq))->decided_by == "officer@council.gov.uk");
  CHECK(must(decide_quarantine(*hub, seq + 100, DecisionKind::Reject, "a@b.c", "why")).refusal ==
        DecisionRefusal::NoSuchItem);
}

TEST_CASE("releasing a conflict keeps both copies: the stored body unchanged, the correction counted beside it",
          "[console]") {
  ServedHub served;
  const std::string token = served.enrol();
  const auto [stored, changed] = make_conflict(served, token);
  const int64_t seq = only_seq(served);
  auto hub = hub_on(served);
  const std::string stored_body = must(hub->store->stored_body(soundings::RecordKind::Response, stored.id)).value();

  const auto done = must(decide_quarantine(*hub, seq, DecisionKind::Release, "officer@council.gov.uk",
                                           "the resident corrected their answer at the kiosk"));
  REQUIRE(done.ok());
  // responses.body is never overwritten.
  CHECK(must(hub->store->stored_body(soundings::RecordKind::Response, stored.id)).value() == stored_body);
  CHECK(must(served.hub().stored_count()) == 1);
  // The correction sits beside it with who decided and why.
  const auto correction = must(hub->store->correction_of(stored.id));
  REQUIRE(correction);
  CHECK(correction->first == seq);
  CHECK(json::parse(correction->second) == soundings::response_to_json(changed));
  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM response_corrections WHERE decided_by = 'officer@council.gov.uk' "
                         "AND reason = 'the resident corrected their answer at the kiosk'") == 1);
  // What results count is the correction's: its language, its closed answers, its free text.
  CHECK(database.integer("SELECT count(*) FROM responses WHERE id = '" + stored.id + "' AND language = 'en'") == 1);
  CHECK(database.integer("SELECT count(*) FROM responses WHERE id = '" + stored.id +
                         "' AND choices LIKE '%rating=2%'") == 1);
  CHECK(database.integer("SELECT count(*) FROM response_texts WHERE response_id = '" + stored.id +
                         "' AND text = 'Llai o geir'") == 1);
  CHECK(database.integer("SELECT count(*) FROM response_texts WHERE response_id = '" + stored.id + "'") == 1);

  // A second conflicting copy of the same response cannot be released over the first correction.
  auto third = stored;
  third.answers["rating"] = 9;
  REQUIRE(post_one(served, token, soundings::response_to_json(third)) == "conflict");
  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 2);
  const auto refused = must(decide_quarantine(*hub, held[1].seq, DecisionKind::Release, "a@b.c", "newer"));
  CHECK(refused.refusal == DecisionRefusal::CannotRelease);
  CHECK(refused.detail.find("already has a reviewed correction") != std::string::npos);
  CHECK_FALSE(must(hub->store->quarantine_decision(held[1].seq)).has_value());
  CHECK(json::parse(must(hub->store->correction_of(stored.id))->second) == soundings::response_to_json(changed));
}

TEST_CASE("a rejected response is stored on release once its version is published, and refused before",
          "[console]") {
  ServedHub served;
  const std::string token = served.enrol();
  auto later = good_response();
  later.consultation_version = 2;
  REQUIRE(post_one(served, token, soundings::response_to_json(later)) == "rejected");
  // A device clock a week ahead: the officer judges the times, the hub does not check them again.
  auto ahead = good_response();
  const auto week = soundings::Clock::now() + std::chrono::hours(24 * 7);
  ahead.started_at = soundings::format_iso8601_utc(week - std::chrono::minutes(2));
  ahead.submitted_at = soundings::format_iso8601_utc(week);
  REQUIRE(post_one(served, token, soundings::response_to_json(ahead)) == "rejected");
  // Personal data sent unsealed: the hub never kept it, so there is nothing it could store.
  auto unsealed = soundings::response_to_json(good_response());
  unsealed["personal"] = {{"email", "someone@example.org"}};
  REQUIRE(post_one(served, token, unsealed) == "rejected");
  const auto held = must(served.hub().quarantined());
  REQUIRE(held.size() == 3);
  auto hub = hub_on(served);

  const auto early = must(decide_quarantine(*hub, held[0].seq, DecisionKind::Release, "a@b.c", "version 2 is coming"));
  CHECK(early.refusal == DecisionRefusal::CannotRelease);
  CHECK(early.detail.find("version 2 is published") != std::string::npos);
  CHECK(must(served.hub().stored_count()) == 0);
  CHECK_FALSE(must(hub->store->quarantine_decision(held[0].seq)).has_value());

  REQUIRE(served.hub().publish_json(hubtest::town_square_json(2)).problems.empty());
  REQUIRE(must(decide_quarantine(*hub, held[0].seq, DecisionKind::Release, "a@b.c", "version 2 is out")).ok());
  REQUIRE(must(decide_quarantine(*hub, held[1].seq, DecisionKind::Release, "a@b.c", "kiosk clock was wrong")).ok());
  const auto ids = must(served.hub().stored_ids());
  CHECK(std::count(ids.begin(), ids.end(), later.id) == 1);
  CHECK(std::count(ids.begin(), ids.end(), ahead.id) == 1);
  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM responses WHERE id = '" + later.id +
                         "' AND consultation_version = 2 AND language = 'cy' AND choices LIKE '%rating=7%'") == 1);

  const auto personal = must(decide_quarantine(*hub, held[2].seq, DecisionKind::Release, "a@b.c", "please"));
  CHECK(personal.refusal == DecisionRefusal::CannotRelease);
  CHECK(must(served.hub().stored_count()) == 2);
  // The stored response is a duplicate when the device sends it again.
  CHECK(post_one(served, token, soundings::response_to_json(later)) == "duplicate");
}

TEST_CASE("a device is told the decisions on its own items only, and a heartbeat's clock is kept", "[console]") {
  ServedHub served;
  const std::string kiosk = served.enrol("Kiosk A");
  const std::string kiosk_id = served.last_device_id();
  const std::string other = served.enrol("Kiosk B");
  const auto [stored, changed] = make_conflict(served, kiosk);
  const int64_t seq = only_seq(served);

  int status = 0;
  CHECK(decisions_of(served, kiosk, &status) == json{{"decisions", json::array()}});
  CHECK(status == 200);
  auto hub = hub_on(served);
  REQUIRE(must(decide_quarantine(*hub, seq, DecisionKind::Reject, "officer@council.gov.uk", "duplicate by mistake")).ok());

  const json told = decisions_of(served, kiosk, &status);
  CHECK(status == 200);
  REQUIRE(told["decisions"].size() == 1);
  CHECK(told["decisions"][0]["record_id"] == stored.id);
  CHECK(told["decisions"][0]["decision"] == "rejected");
  CHECK(told["decisions"][0]["reason"] == "duplicate by mistake");
  CHECK(told["decisions"][0]["decided_at"].is_string());
  CHECK(decisions_of(served, other)["decisions"].empty());
  decisions_of(served, "not-a-token", &status);
  CHECK(status == 401);

  // The device's clock, 7 minutes ahead of the hub's, kept as the difference.
  auto client = served.client();
  const std::string ahead = soundings::format_iso8601_utc(soundings::Clock::now() + std::chrono::seconds(420));
  auto answer = client.Post("/api/v1/heartbeat", hubtest::bearer(kiosk),
                            json{{"pending", 0}, {"device_time", ahead}}.dump(), "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 200);
  const auto offsets = must(hub->store->clock_offsets());
  REQUIRE(offsets.count(kiosk_id) == 1);
  CHECK(offsets.at(kiosk_id) >= 415);
  CHECK(offsets.at(kiosk_id) <= 421);
  answer = client.Post("/api/v1/heartbeat", hubtest::bearer(kiosk), json{{"device_time", "yesterday"}}.dump(),
                       "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK(answer->body.find("device_time") != std::string::npos);
  CHECK(must(hub->store->clock_offsets()).at(kiosk_id) >= 415);
}

TEST_CASE("the quarantine pages list items, show a conflict's two copies, and decide once with an audit entry",
          "[console]") {
  ServedHub served;
  const std::string token = served.enrol("Llyfrgell kiosk");
  const auto [stored, changed] = make_conflict(served, token);
  const int64_t seq = only_seq(served);
  const std::string item_path = "/quarantine/" + std::to_string(seq);

  auto list = call(served, "GET", "/quarantine", {}, "cy");
  CHECK(list.status == 200);
  CHECK(list.main.find("<h1>Cwarantîn</h1>") != std::string::npos);
  CHECK(list.main.find("href=\"" + item_path + "\"") != std::string::npos);
  CHECK(list.main.find("Llyfrgell kiosk") != std::string::npos);
  CHECK(list.main.find("Heb benderfynu eto") != std::string::npos);
  const auto twin = console::table_json(call(served, "GET", "/quarantine", {}, "en", console::Format::Json).tables.at(0));
  REQUIRE(twin.size() == 1);
  CHECK(twin[0]["seq"] == seq);
  CHECK(twin[0]["kind"] == "conflict");
  CHECK(twin[0]["record_kind"] == "response");
  CHECK(twin[0]["device_id"] == served.last_device_id());
  CHECK(twin[0]["decision"] == "");

  auto item = call(served, "GET", item_path);
  CHECK(item.status == 200);
  CHECK(item.main.find("The copy set aside") != std::string::npos);
  CHECK(item.main.find("The copy already stored") != std::string::npos);
  CHECK(item.main.find("Llai o geir") != std::string::npos);                     // the kept copy
  CHECK(item.main.find("Mwy o goed, os gwelwch yn dda") != std::string::npos);  // the stored one
  CHECK(item.main.find("action=\"" + item_path + "/release\"") != std::string::npos);
  CHECK(item.main.find("action=\"" + item_path + "/reject\"") != std::string::npos);
  CHECK(item.main.find("<label for=\"reason-release\">") != std::string::npos);
  CHECK(item.main.find("name=\"csrf\" value=\"csrf-token-1\"") != std::string::npos);
  CHECK(call(served, "GET", "/quarantine/999999").status == 404);

  // No reason: refused naming the field, nothing recorded.
  auto bad = call(served, "POST", item_path + "/release", {{"reason", " "}});
  CHECK(bad.status == 400);
  CHECK(bad.main.find("reason") != std::string::npos);
  CHECK(audit_entries(served, "quarantine_release", seq) == 0);

  auto released = call(served, "POST", item_path + "/release", {{"reason", "the kiosk's copy is the right one"}});
  CHECK(released.redirect == item_path + "?done=released");
  CHECK(audit_entries(served, "quarantine_release", seq) == 1);
  // Results read the correction from now on; the stored body stays as it was.
  const auto counted = must(served.hub().state_for_tests().store->responses_of("town-square", ResponseFilter{}));
  REQUIRE(counted.size() == 1);
  CHECK(json::parse(counted[0].body) == soundings::response_to_json(changed));
  // So does the export: the correction's answers, once.
  const auto exported = json::parse(must(served.hub().export_responses("town-square", "json")));
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["answers"]["comments"] == "Llai o geir");
  CHECK(exported[0]["language"] == "en");
  CHECK(json::parse(must(served.hub().state_for_tests().store->stored_body(soundings::RecordKind::Response,
                                                                           stored.id))
                        .value()) == soundings::response_to_json(stored));

  item = call(served, "GET", item_path, {{"done", "released"}});
  CHECK(item.main.find("The item was released.") != std::string::npos);
  CHECK(item.main.find("Released by officer@council.gov.uk") != std::string::npos);
  CHECK(item.main.find("The reviewed correction counted now") != std::string::npos);
  CHECK(item.main.find("/release\"") == std::string::npos);  // no forms once decided

  auto again = call(served, "POST", item_path + "/reject", {{"reason", "changed my mind"}});
  CHECK(again.status == 409);
  CHECK(audit_entries(served, "quarantine_reject", seq) == 0);

  // A rejected response whose version is not published: release refused with the reason shown, then rejected.
  auto later = good_response();
  later.consultation_version = 5;
  REQUIRE(post_one(served, token, soundings::response_to_json(later)) == "rejected");
  const int64_t rejected_seq = must(served.hub().quarantined()).back().seq;
  const std::string rejected_path = "/quarantine/" + std::to_string(rejected_seq);
  auto refused = call(served, "POST", rejected_path + "/release", {{"reason", "please"}}, "cy");
  CHECK(refused.status == 422);
  CHECK(refused.main.find("Ni ellir rhyddhau") != std::string::npos);
  CHECK(refused.main.find("version 5 is published") != std::string::npos);
  CHECK(audit_entries(served, "quarantine_release", rejected_seq) == 0);
  CHECK(call(served, "POST", rejected_path + "/reject", {{"reason", "no such version"}}).redirect ==
        rejected_path + "?done=rejected");
  CHECK(audit_entries(served, "quarantine_reject", rejected_seq) == 1);
  CHECK(must(served.hub().verify_audit()).intact);
}
