// Console: the devices page (issue 12) called as the router would, on the suite's database: last heartbeat,
// silent devices and far-out clocks flagged in words, enrolment codes shown once, revocation confirmed.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <regex>

#include "console.h"
#include "hub_fixture.h"
#include "hub_impl.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;
using hubtest::ServedHub;
using nlohmann::json;
using namespace soundings::hub::detail;

namespace {

console::PageResult call(ServedHub& served, const char* method, const std::string& path,
                         const httplib::Params& params = {}, const std::string& lang = "en",
                         console::Format format = console::Format::Html) {
  httplib::Request http;
  http.method = method;
  http.path = path;
  http.params = params;
  const console::Session session{"admin@council.gov.uk", console::Role::Admin, "csrf-token-2"};
  for (const console::Route& route : console::device_routes()) {
    std::smatch match;
    if (route.method == std::string(method) && std::regex_match(path, match, std::regex(route.pattern))) {
      console::PageRequest request{http, served.hub().state_for_tests(), session, lang, format, match};
      return route.handler(request);
    }
  }
  FAIL("no route for " << method << " " << path);
  return {};
}

void heartbeat(ServedHub& served, const std::string& token, const json& body) {
  auto client = served.client();
  const auto answer = client.Post("/api/v1/heartbeat", hubtest::bearer(token), body.dump(), "application/json");
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
}

int64_t audit_entries(ServedHub& served, const std::string& action, const std::string& subject) {
  soundings::test::HubDatabase database(served.data_dir());
  return database.integer("SELECT count(*) FROM audit_log WHERE action = '" + action + "' AND subject = '" + subject +
                          "' AND actor = 'admin@council.gov.uk'");
}

const json* row_named(const json& rows, const std::string& name) {
  for (const auto& row : rows)
    if (row["name"] == name) return &row;
  return nullptr;
}

}  // namespace

TEST_CASE("the devices page shows each device's heartbeat, flags silence and clocks in words", "[console]") {
  ServedHub served;
  const std::string quiet = served.enrol("Llyfrgell Wrecsam");
  const std::string quiet_id = served.last_device_id();
  const std::string ahead = served.enrol("Canolfan Hamdden");
  heartbeat(served, quiet, {{"pending", 12}, {"oldest_pending_at", "2026-11-30T09:00:00Z"}, {"app_version", "0.4.1"},
                            {"free_disk_bytes", 5368709120}, {"device_time", soundings::format_iso8601_utc(
                                                                                 soundings::Clock::now())}});
  heartbeat(served, ahead, {{"pending", 0}, {"free_disk_bytes", 750000},
                            {"device_time", soundings::format_iso8601_utc(soundings::Clock::now() +
                                                                          std::chrono::seconds(420))}});
  // The library's kiosk last heard from two days ago.
  soundings::test::HubDatabase database(served.data_dir());
  database.exec("UPDATE devices SET last_contact_at = '" +
                soundings::format_iso8601_utc(soundings::Clock::now() - std::chrono::hours(48)) +
                "' WHERE device_id = '" + quiet_id + "'");

  const auto page = call(served, "GET", "/devices");
  CHECK(page.status == 200);
  CHECK(page.main.find("<h1>Devices</h1>") != std::string::npos);
  CHECK(page.main.find("Silent for over a day") != std::string::npos);
  CHECK(page.main.find("Devices silent for over a day: 1") != std::string::npos);
  CHECK(page.main.find("s: more than 5 minutes out") != std::string::npos);
  CHECK(page.main.find("5.4 GB") != std::string::npos);
  CHECK(page.main.find("750.0 kB") != std::string::npos);
  CHECK(page.main.find("0.4.1") != std::string::npos);
  CHECK(page.main.find("<caption id=") != std::string::npos);
  CHECK(page.main.find("<label for=\"device-name\">") != std::string::npos);

  const json rows = console::table_json(call(served, "GET", "/devices", {}, "en", console::Format::Json).tables.at(0));
  const json* library = row_named(rows, "Llyfrgell Wrecsam");
  const json* leisure = row_named(rows, "Canolfan Hamdden");
  REQUIRE(library);
  REQUIRE(leisure);
  CHECK((*library)["state"] == "silent");
  CHECK((*library)["waiting"] == 12);
  CHECK((*library)["oldest_unsent_at"] == "2026-11-30T09:00:00Z");
  CHECK((*library)["free_storage_bytes"] == 5368709120);
  CHECK(std::abs((*library)["clock_difference_seconds"].get<int64_t>()) <= 2);
  CHECK((*leisure)["state"] == "clock");
  CHECK((*leisure)["clock_difference_seconds"].get<int64_t>() >= 415);
  CHECK((*leisure)["clock_difference_seconds"].get<int64_t>() <= 421);

  const auto welsh = call(served, "GET", "/devices", {}, "cy");
  CHECK(welsh.main.find("<h1>Dyfeisiau</h1>") != std::string::npos);
  CHECK(welsh.main.find("Yn dawel ers dros ddiwrnod") != std::string::npos);
}

TEST_CASE("an enrolment code is made from the devices page, shown once and audited; bad input changes nothing",
          "[console]") {
  ServedHub served;
  CHECK(call(served, "POST", "/devices/enrol-code", {{"name", ""}, {"role", "kiosk"}}).status == 400);
  const auto bad_role = call(served, "POST", "/devices/enrol-code", {{"name", "Tablet 3"}, {"role", "robot"}});
  CHECK(bad_role.status == 400);
  CHECK(bad_role.main.find("role") != std::string::npos);
  CHECK(audit_entries(served, "enrol_code", "Tablet 3") == 0);

  const auto made = call(served, "POST", "/devices/enrol-code", {{"name", "Tablet 3"}, {"role", "field"}});
  CHECK(made.status == 200);
  std::smatch code;
  REQUIRE(std::regex_search(made.main, code, std::regex("<strong>([A-Z0-9-]+)</strong>")));
  CHECK(made.main.find("Field tablet") != std::string::npos);
  CHECK(audit_entries(served, "enrol_code", "Tablet 3") == 1);

  auto client = served.client();
  const auto enrolled = client.Post("/api/v1/enrol", json{{"code", code[1].str()}}.dump(), "application/json");
  REQUIRE(enrolled);
  CHECK(enrolled->status == 200);
  CHECK(json::parse(enrolled->body)["role"] == "field");
  // Only the code's hash is kept: the page is the one place it was ever shown.
  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM audit_log WHERE detail LIKE '%" + code[1].str() + "%'") == 0);
}

TEST_CASE("a device is revoked from the devices page after a confirmation, and the revocation is audited",
          "[console]") {
  ServedHub served;
  const std::string token = served.enrol("Kiosk to retire");
  const std::string id = served.last_device_id();

  const auto confirm = call(served, "GET", "/devices/" + id + "/revoke");
  CHECK(confirm.status == 200);
  CHECK(confirm.main.find("action=\"/devices/" + id + "/revoke\"") != std::string::npos);
  CHECK(confirm.main.find("Yes, revoke Kiosk to retire") != std::string::npos);
  CHECK(audit_entries(served, "revoke", id) == 0);  // looking changes nothing

  const auto done = call(served, "POST", "/devices/" + id + "/revoke");
  CHECK(done.redirect == "/devices");
  CHECK(audit_entries(served, "revoke", id) == 1);
  auto client = served.client();
  const auto refused = client.Get("/api/v1/consultations", hubtest::bearer(token));
  REQUIRE(refused);
  CHECK(refused->status == 401);
  const json rows = console::table_json(call(served, "GET", "/devices", {}, "en", console::Format::Json).tables.at(0));
  CHECK((*row_named(rows, "Kiosk to retire"))["state"] == "revoked");
  CHECK(call(served, "POST", "/devices/00000000-0000-4000-8000-000000000000/revoke").status == 404);
}
