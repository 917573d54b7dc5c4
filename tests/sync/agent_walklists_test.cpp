// End to end on loopback: a walk list assigned at head office reaches its field tablet, and once unassigned and
// synced no file of the tablet holds a trace of it.
#include <catch2/catch.hpp>

#include "agent_fixture.h"
#include "must.h"
#include "no_trace.h"
#include "soundings/device_store.h"
#include "soundings/sqlite.h"

using soundings::testing::files_holding;
using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

constexpr const char* kCanaryAddress = "CANARY-ADDR-7Q 1 Ffordd Prawf";
constexpr const char* kCanaryUprn = "CANARY-UPRN-7Q";
constexpr const char* kCanaryName = "CANARY-LIST-7Q Prawf";

// A list of a few hundred doors, the canary's among them, so that its pages are many.
std::string canary_csv() {
  std::string csv = "uprn,address,street,postcode,ward\r\n";
  csv += std::string(kCanaryUprn) + "," + kCanaryAddress + ",Ffordd Prawf,LL11 7QQ,Gwersyllt\r\n";
  for (int i = 2; i <= 300; ++i) {
    csv += "3000" + std::to_string(i) + "," + std::to_string(i) + " Ffordd Llanfair,Ffordd Llanfair,LL11 7QR,Gwersyllt\r\n";
  }
  return csv;
}

// Field tablets enrol with a field code (another part of the hub); here both sides are told directly.
void make_field_tablet(TestHub& hub, TestDevice& device) {
  const std::string device_id = must(device.store().setting(setting::kDeviceId)).value_or("");
  auto db = sqlite::Connection::open((hub.dir().path() / "hub.sqlite").string(), {.create = false});
  REQUIRE(db.ok());
  auto update = db->prepare("UPDATE devices SET role = 'field' WHERE device_id = ?1");
  REQUIRE(update.ok());
  REQUIRE(update->bind(1, device_id).run("making a field tablet").ok());
  REQUIRE(device.store().set_setting(setting::kDeviceRole, "field").ok());
}

std::string traces(const TestDevice& device) {
  std::string found;
  for (const char* canary : {kCanaryAddress, kCanaryUprn, kCanaryName}) {
    for (const auto& file : files_holding(device.dir().path(), canary)) found += std::string(canary) + " in " + file + "\n";
  }
  return found;
}

}  // namespace

TEST_CASE("an unassigned walk list, once synced, leaves no trace in any tablet file", "[agent][e2e][walklists][no-trace]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1");
  make_field_tablet(hub, device);
  const std::string device_id = must(device.store().setting(setting::kDeviceId)).value_or("");
  REQUIRE(must(hub.hub().import_walk_list(kCanaryName, canary_csv())).problems.empty());
  REQUIRE(hub.hub().assign_walk_list(kCanaryName, device_id));

  sync::SyncAgent agent(device.store(), fast_config());
  auto outcome = agent.run_once();
  INFO(outcome.error);
  REQUIRE(outcome.error.empty());
  const auto held = must(device.store().walk_lists());
  REQUIRE(held.size() == 1);
  CHECK(held[0].name == kCanaryName);
  REQUIRE(held[0].addresses.size() == 300);
  CHECK(held[0].addresses[0].address == kCanaryAddress);
  CHECK_FALSE(files_holding(device.dir().path(), kCanaryAddress).empty());  // the scan sees it while it is there

  // Nothing new: the tablet asks with its ETag and keeps what it holds.
  outcome = agent.run_once();
  REQUIRE(outcome.error.empty());
  CHECK(must(device.store().walk_lists()).size() == 1);

  REQUIRE(hub.hub().unassign_walk_list(kCanaryName, device_id));
  outcome = agent.run_once();
  INFO(outcome.error);
  REQUIRE(outcome.error.empty());
  CHECK(must(device.store().walk_lists()).empty());
  INFO(traces(device));
  CHECK(traces(device).empty());
  device.close();
  CHECK(traces(device).empty());
}

TEST_CASE("a closed walk list goes off the tablet at its next sync", "[agent][e2e][walklists]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1");
  make_field_tablet(hub, device);
  const std::string device_id = must(device.store().setting(setting::kDeviceId)).value_or("");
  REQUIRE(must(hub.hub().import_walk_list("Gwersyllt", canary_csv())).problems.empty());
  REQUIRE(hub.hub().assign_walk_list("Gwersyllt", device_id));
  sync::SyncAgent agent(device.store(), fast_config());
  REQUIRE(agent.run_once().error.empty());
  REQUIRE(must(device.store().walk_lists()).size() == 1);
  REQUIRE(hub.hub().close_walk_list("Gwersyllt"));
  REQUIRE(agent.run_once().error.empty());
  CHECK(must(device.store().walk_lists()).empty());
  CHECK(files_holding(device.dir().path(), kCanaryAddress).empty());
}

TEST_CASE("a kiosk never asks for walk lists", "[agent][e2e][walklists]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Library kiosk");
  sync::SyncAgent agent(device.store(), fast_config());
  // The hub refuses /walklists to a kiosk (403): a kiosk that asked would fail its sync.
  const auto outcome = agent.run_once();
  INFO(outcome.error);
  CHECK(outcome.error.empty());
  CHECK(must(device.store().walk_lists()).empty());
}

TEST_CASE("a tablet the hub has down as a kiosk is told so, and keeps its enrolment", "[agent][e2e][walklists]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1");
  REQUIRE(device.store().set_setting(setting::kDeviceRole, "field").ok());
  sync::SyncAgent agent(device.store(), fast_config());
  const auto outcome = agent.run_once();
  CHECK(outcome.error.find("as a kiosk, not a field tablet") != std::string::npos);
  CHECK(agent.status().state != sync::SyncState::Refused);
}
