// Field tablets and the staff list, through the real agent and hub: who receives it, keeping it current, and
// only the hub's own answer counting.
#include <catch2/catch.hpp>

#include "agent_fixture.h"
#include "fake_server.h"
#include "must.h"
#include "soundings/device_store.h"
#include "soundings/officer_secret.h"

using namespace soundings;
using namespace soundings::test;
using soundings::testing::must;

namespace {

// Argon2id at its moderate cost takes most of a second: one account per test.
constexpr const char* kPin = "604729";

void add_officer(TestHub& hub) { REQUIRE(hub.hub().add_staff("gwen.morgan", "Gwen Morgan", kPin)); }

std::string setting_of(Store& store, const char* key) { return must(store.setting(key)).value_or(""); }

}  // namespace

TEST_CASE("a field tablet receives the staff list at sync, keeps it while unchanged, and learns of a disabled "
          "officer",
          "[agent][e2e][staff]") {
  TestHub hub;
  add_officer(hub);
  TestDevice tablet;
  tablet.enrol(hub, "Tablet 3", hub::DeviceRole::Field);
  CHECK(setting_of(tablet.store(), setting::kDeviceRole) == "field");
  sync::SyncAgent agent(tablet.store(), fast_config());

  const auto first = agent.run_once();
  INFO(first.error);
  REQUIRE(first.error.empty());
  auto staff = must(tablet.store().staff());
  REQUIRE(staff.size() == 1);
  CHECK(staff[0].id == "gwen.morgan");
  CHECK(staff[0].name == "Gwen Morgan");
  CHECK_FALSE(staff[0].disabled);
  CHECK(verify_officer_secret(kPin, staff[0].pin_hash));
  const std::string etag = setting_of(tablet.store(), setting::kStaffEtag);
  CHECK_FALSE(etag.empty());

  // Nothing new at the hub: it answers 304 and the tablet's copy is not rewritten (here, left emptied).
  REQUIRE(tablet.store().replace_staff({}));
  const auto unchanged = agent.run_once();
  CHECK(unchanged.error.empty());
  CHECK(must(tablet.store().staff()).empty());
  CHECK(setting_of(tablet.store(), setting::kStaffEtag) == etag);

  REQUIRE(hub.hub().disable_staff("gwen.morgan"));
  const auto after = agent.run_once();
  CHECK(after.error.empty());
  staff = must(tablet.store().staff());
  REQUIRE(staff.size() == 1);
  CHECK(staff[0].disabled);
  CHECK(staff[0].pin_hash.empty());
  CHECK_FALSE(verify_officer_secret(kPin, staff[0].pin_hash));
  CHECK(setting_of(tablet.store(), setting::kStaffEtag) != etag);
}

TEST_CASE("a staff list that changed at sync tells the tablet's screens to read their officers again",
          "[agent][e2e][staff]") {
  TestHub hub;
  add_officer(hub);
  TestDevice tablet;
  tablet.enrol(hub, "Tablet 3", hub::DeviceRole::Field);
  sync::SyncAgent agent(tablet.store(), fast_config());
  REQUIRE(agent.run_once().error.empty());
  const uint64_t first = agent.status().consultations_generation;

  REQUIRE(agent.run_once().error.empty());
  CHECK(agent.status().consultations_generation == first);

  // Only the staff list changes: the sign-in screen must stop offering the disabled officer.
  REQUIRE(hub.hub().disable_staff("gwen.morgan"));
  REQUIRE(agent.run_once().error.empty());
  CHECK(agent.status().consultations_generation > first);
}

TEST_CASE("a kiosk never holds the staff list, even one that was a field tablet before", "[agent][e2e][staff]") {
  TestHub hub;
  add_officer(hub);
  TestDevice device;
  device.enrol(hub, "Tablet 3", hub::DeviceRole::Field);
  REQUIRE(sync::SyncAgent(device.store(), fast_config()).run_once().error.empty());
  REQUIRE(must(device.store().staff()).size() == 1);

  device.enrol(hub, "Library kiosk", hub::DeviceRole::Kiosk);
  CHECK(setting_of(device.store(), setting::kDeviceRole) == "kiosk");
  CHECK(must(device.store().staff()).empty());
  const auto outcome = sync::SyncAgent(device.store(), fast_config()).run_once();
  CHECK(outcome.error.empty());
  CHECK(must(device.store().staff()).empty());
  CHECK(setting_of(device.store(), setting::kStaffEtag).empty());
}

TEST_CASE("a staff list that is not the hub's own answer changes nothing on the tablet", "[agent][hub-word][staff]") {
  TestHub hub;
  add_officer(hub);
  std::atomic<int> meddled{0};
  FakeServer box([&](const FakeRequest& request) {
    if (request.path != "/api/v1/staff") return forward_to(hub.port(), request);
    switch (meddled++) {
      case 0: return captive_portal_page();
      case 1: return json_reply(200, R"({"staff": [{"id": "intruder", "name": "Intruder"}]})");
      default: return json_reply(200, R"({"staff": [{"id": "a", "name": "A", "pin_hash": "", "disabled": false},
                                                    {"id": "a", "name": "B", "pin_hash": "", "disabled": false}]})");
    }
  });
  TestDevice tablet;
  tablet.enrol(hub, "Tablet 3", hub::DeviceRole::Field);
  const std::vector<StaffMember> held = {{"kept", "Kept Officer", "", false}};
  REQUIRE(tablet.store().replace_staff(held));
  auto config = fast_config();
  config.hub_url_override = box.url();
  sync::SyncAgent agent(tablet.store(), config);
  for (int run = 0; run < 3; ++run) {
    const auto outcome = agent.run_once();
    INFO("run " << run << ": " << outcome.error);
    CHECK(outcome.error.find("not the hub") != std::string::npos);
    const auto staff = must(tablet.store().staff());
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].id == "kept");
    CHECK(setting_of(tablet.store(), setting::kStaffEtag).empty());
  }
  CHECK(meddled == 3);
}

TEST_CASE("an enrolment answer naming a role other than kiosk or field is not the hub's and enrols nothing",
          "[agent][hub-word][staff]") {
  TestHub hub;
  FakeServer box([&hub](const FakeRequest& request) {
    FakeReply reply = forward_to(hub.port(), request);
    // The same length, so the Content-Length still holds.
    if (const auto at = reply.bytes.find("\"role\":\"field\""); at != std::string::npos) {
      reply.bytes.replace(at, 14, "\"role\":\"admin\"");
    }
    return reply;
  });
  TestDevice device;
  const Status enrolled =
      sync::enrol(device.store(), box.url(), hub.enrol_code("Tablet 3", hub::DeviceRole::Field), "Tablet 3", fast_config());
  REQUIRE_FALSE(enrolled);
  CHECK(enrolled.error().message.find("role") != std::string::npos);
  CHECK(setting_of(device.store(), setting::kDeviceToken).empty());
  CHECK(setting_of(device.store(), setting::kDeviceRole).empty());
}
