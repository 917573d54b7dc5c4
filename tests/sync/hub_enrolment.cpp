// Hub tests: health, enrolment codes, tokens, revocation and heartbeats over the real API.
#include <sys/stat.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/clock.h"
#include "must.h"
#include "test_database.h"

using soundings::testing::must;

using hubtest::bearer;
using hubtest::ServedHub;
using nlohmann::json;

namespace {

httplib::Result enrol_with(httplib::Client& client, const std::string& code) {
  return client.Post("/api/v1/enrol", json{{"code", code}, {"name", "Lobby kiosk"}}.dump(), "application/json");
}

}  // namespace

TEST_CASE("health identifies the server as a Soundings hub with its id", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const auto result = client.Get("/api/v1/health");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  const auto body = json::parse(result->body);
  CHECK(body["service"] == "soundings-hub");
  CHECK(body["api"] == 1);
  CHECK(body["hub_id"] == served.hub().hub_id());
  CHECK(soundings::is_uuid(body["hub_id"].get<std::string>()));
}

TEST_CASE("an enrolment code works once and a reused code is refused with 403", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const auto code = served.hub().make_enrol_code("Lobby kiosk");
  REQUIRE(code);
  CHECK(code->size() == 11);
  CHECK((*code)[5] == '-');

  const auto first = enrol_with(client, *code);
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const auto answer = json::parse(first->body);
  CHECK(answer["hub_id"] == served.hub().hub_id());
  CHECK(answer["seal_public_key"] == served.hub().seal_public_key());
  CHECK(!answer["seal_public_key"].get<std::string>().empty());
  const std::string token = answer["token"];
  CHECK(token.size() >= 43);

  // The token it gave works on the authenticated endpoints.
  const auto listing = client.Get("/api/v1/consultations", bearer(token));
  REQUIRE(listing);
  CHECK(listing->status == 200);

  const auto again = enrol_with(client, *code);
  REQUIRE(again);
  CHECK(again->status == 403);
  const auto refusal = json::parse(again->body);
  CHECK(refusal["error"] == "enrol_code_invalid");
  CHECK(refusal["message"].get<std::string>().find("already been used") != std::string::npos);
  CHECK(must(served.hub().devices()).size() == 1);
}

TEST_CASE("an enrolment code may be typed in lower case with spaces", "[hub]") {
  ServedHub served;
  auto client = served.client();
  auto code = served.hub().make_enrol_code("Field tablet 3");
  REQUIRE(code);
  std::string typed;
  for (const char c : *code) typed += c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto result = enrol_with(client, " " + typed + " ");
  REQUIRE(result);
  CHECK(result->status == 200);
  REQUIRE(must(served.hub().devices()).size() == 1);
  CHECK(must(served.hub().devices())[0].name == "Field tablet 3");
}

TEST_CASE("an expired or unknown enrolment code is refused with 403 and enrols nothing", "[hub]") {
  auto clock = std::make_shared<soundings::ManualTimeSource>(soundings::Clock::now());
  soundings::hub::HubConfig config;
  config.clock = clock;
  ServedHub served(config);
  auto client = served.client();
  const auto code = served.hub().make_enrol_code("Lobby kiosk", std::chrono::hours(24));
  REQUIRE(code);
  clock->advance(std::chrono::hours(24) + std::chrono::seconds(1));

  const auto expired = enrol_with(client, *code);
  REQUIRE(expired);
  CHECK(expired->status == 403);
  CHECK(json::parse(expired->body)["error"] == "enrol_code_invalid");
  CHECK(json::parse(expired->body)["message"].get<std::string>().find("expired") != std::string::npos);

  const auto unknown = enrol_with(client, "AAAAA-BBBBB");
  REQUIRE(unknown);
  CHECK(unknown->status == 403);
  CHECK(json::parse(unknown->body)["error"] == "enrol_code_invalid");
  CHECK(must(served.hub().devices()).empty());
}

TEST_CASE("a code still inside its validity enrols the device", "[hub]") {
  auto clock = std::make_shared<soundings::ManualTimeSource>(soundings::Clock::now());
  soundings::hub::HubConfig config;
  config.clock = clock;
  ServedHub served(config);
  auto client = served.client();
  const auto code = served.hub().make_enrol_code("Lobby kiosk", std::chrono::hours(24));
  REQUIRE(code);
  clock->advance(std::chrono::hours(23));
  const auto result = enrol_with(client, *code);
  REQUIRE(result);
  CHECK(result->status == 200);
}

TEST_CASE("a revoked device's token is refused with 401", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  REQUIRE(served.hub().revoke(served.last_device_id()));
  const auto result = client.Get("/api/v1/consultations", bearer(token));
  REQUIRE(result);
  CHECK(result->status == 401);
  const auto body = json::parse(result->body);
  CHECK(body["error"] == "unauthorized");
  CHECK(body["message"].get<std::string>().find("revoked") != std::string::npos);
  REQUIRE(must(served.hub().devices()).size() == 1);
  CHECK(must(served.hub().devices())[0].revoked);
  CHECK_FALSE(served.hub().revoke("no-such-device"));
}

TEST_CASE("a heartbeat shows in the devices listing", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol("Brymbo library");
  const json beat = {{"pending", 42},
                     {"oldest_pending_at", "2026-11-20T09:15:00Z"},
                     {"app_version", "0.1.0"},
                     {"consultations", {{{"id", "town-square"}, {"version", 1}}}},
                     {"free_disk_bytes", 5368709120LL}};
  const auto result = client.Post("/api/v1/heartbeat", bearer(token), beat.dump(), "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(json::parse(result->body)["ok"] == true);

  const auto devices = must(served.hub().devices());
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].name == "Brymbo library");
  CHECK(devices[0].pending_on_device == 42);
  CHECK(devices[0].oldest_pending_at == "2026-11-20T09:15:00Z");
  CHECK(devices[0].app_version == "0.1.0");
  CHECK(devices[0].consultation_versions == "town-square@1");
  CHECK(devices[0].free_disk_bytes == 5368709120LL);
  CHECK_FALSE(devices[0].last_contact_at.empty());
}

TEST_CASE("the hub's secret sealing key is readable by the hub's user only", "[hub]") {
  ServedHub served;
  struct stat info {};
  REQUIRE(::stat((served.data_dir() / "hub-keys.json").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  // Reopening the same folder keeps the same keys and the same hub id.
  const std::string key = served.hub().seal_public_key();
  const std::string id = served.hub().hub_id();
  soundings::hub::HubConfig config;
  config.data_dir = served.data_dir().string();
  soundings::test::use_test_database(config);
  auto again = soundings::hub::Hub::open(config);
  REQUIRE(again);
  CHECK((*again)->seal_public_key() == key);
  CHECK((*again)->hub_id() == id);
}

TEST_CASE("a file that is not a hub database is refused and left unchanged", "[hub][sqlite]") {
  hubtest::TempDir dir;
  {
    std::ofstream junk(dir.path() / "hub.sqlite", std::ios::binary);
    junk << "this is not a database, it is a shopping list: bara, llaeth, caws\n";
  }
  const auto before = std::filesystem::file_size(dir.path() / "hub.sqlite");
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  soundings::test::use_test_database(config);
  auto opened = soundings::hub::Hub::open(config);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().message.find("hub.sqlite") != std::string::npos);
  CHECK(std::filesystem::file_size(dir.path() / "hub.sqlite") == before);
}
