// End to end on loopback: a walk list assigned at head office reaches its field tablet, and once unassigned and
// synced no file of the tablet holds a trace of it.
#include <catch2/catch.hpp>

#include "agent_fixture.h"
#include "fault_proxy.h"
#include "must.h"
#include "no_trace.h"
#include "soundings/device_store.h"
#include "soundings/sqlite.h"
#include "test_database.h"

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

constexpr const char* kCanaryNote = "CANARY-NOTE-7Q dog at the side gate";

int64_t hub_count(TestHub& hub, const std::string& sql) {
  HubDatabase db(hub.dir().path());
  return db.integer(sql);
}

// A visit at one of the list's doors, with the canary note.
Visit visit_at(const WalkList& list, size_t door, VisitOutcome outcome, const std::string& at) {
  Visit visit;
  visit.id = make_uuid();
  visit.list_id = list.id;
  visit.uprn = list.addresses.at(door).uprn;
  visit.outcome = outcome;
  visit.note = kCanaryNote;
  visit.staff_id = "officer-1";
  visit.device_id = "tablet-1";
  visit.visited_at = at;
  return visit;
}

std::string traces(const TestDevice& device) {
  std::string found;
  for (const char* canary : {kCanaryAddress, kCanaryUprn, kCanaryName, kCanaryNote}) {
    for (const auto& file : files_holding(device.dir().path(), canary)) found += std::string(canary) + " in " + file + "\n";
  }
  return found;
}

}  // namespace

TEST_CASE("an unassigned walk list, once synced, leaves no trace in any tablet file", "[agent][e2e][walklists][no-trace]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1", hub::DeviceRole::Field);
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

TEST_CASE("a walk list worked on the tablet: visits reach head office once, coverage counts them, and the "
          "unassigned list with its visits leaves no trace on the tablet", "[agent][e2e][walklists][no-trace]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1", hub::DeviceRole::Field);
  const std::string device_id = must(device.store().setting(setting::kDeviceId)).value_or("");
  REQUIRE(must(hub.hub().import_walk_list(kCanaryName, canary_csv())).problems.empty());
  REQUIRE(hub.hub().assign_walk_list(kCanaryName, device_id));
  REQUIRE(hub.hub().add_staff("officer-1", "Rhian Jones", "correct horse battery"));
  sync::SyncAgent agent(device.store(), fast_config());
  REQUIRE(agent.run_once().error.empty());
  const WalkList list = must(device.store().walk_lists()).at(0);

  // Three doors of the first street; the canary's door twice, its later visit deciding.
  REQUIRE(device.store().save_visit(visit_at(list, 0, VisitOutcome::NotHome, "2026-11-30T10:00:00Z")));
  REQUIRE(device.store().save_visit(visit_at(list, 0, VisitOutcome::Completed, "2026-11-30T16:00:00Z")));
  REQUIRE(device.store().save_visit(visit_at(list, 1, VisitOutcome::Declined, "2026-11-30T10:05:00Z")));
  REQUIRE(device.store().save_visit(visit_at(list, 2, VisitOutcome::CardLeft, "2026-11-30T10:10:00Z")));
  {
    // Every answer to the visits is lost after the hub stored them.
    FaultPlan plan;
    plan.cut_after_request = 1.0;
    plan.only_requests_to = "POST /api/v1/records";
    FaultProxy proxy(hub.port(), plan);
    auto config = fast_config();
    config.hub_url_override = proxy.url();
    sync::SyncAgent faulty(device.store(), config);
    const auto lost = faulty.run_once();
    CHECK_FALSE(lost.error.empty());
    CHECK(lost.pushed == 0);
  }
  const std::string count_visits = "SELECT count(*) FROM records WHERE kind = 'visit'";
  CHECK(hub_count(hub, count_visits) == 4);
  auto outcome = agent.run_once();
  INFO(outcome.error);
  REQUIRE(outcome.error.empty());
  CHECK(outcome.pushed == 4);  // answered "duplicate", which confirms them
  CHECK(hub_count(hub, count_visits) == 4);
  CHECK(must(device.store().visits_for_list(list.id)).size() == 4);  // kept while the list is on the tablet
  CHECK(must(device.store().outbox_counts()).confirmed == 4);

  const auto report = must(hub.hub().coverage(kCanaryName));
  REQUIRE(report.streets.size() == 2);
  CHECK(report.streets[0].doors == 1);
  CHECK(report.streets[0].visited == 1);
  CHECK(report.streets[0].outcomes[0] == 1);  // completed
  CHECK(report.streets[1].doors == 299);
  CHECK(report.streets[1].visited == 2);
  CHECK(report.streets[1].outcomes[2] == 1);  // declined
  CHECK(report.streets[1].outcomes[4] == 1);  // card left

  REQUIRE(hub.hub().unassign_walk_list(kCanaryName, device_id));
  outcome = agent.run_once();
  INFO(outcome.error);
  REQUIRE(outcome.error.empty());
  CHECK(must(device.store().walk_lists()).empty());
  CHECK(must(device.store().visits_for_list(list.id)).empty());
  INFO(traces(device));
  CHECK(traces(device).empty());
  device.close();
  CHECK(traces(device).empty());
}

TEST_CASE("a closed walk list goes off the tablet at its next sync", "[agent][e2e][walklists]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1", hub::DeviceRole::Field);
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

TEST_CASE("a tablet enrolled again as a kiosk keeps no address", "[agent][e2e][walklists][no-trace]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 1", hub::DeviceRole::Field);
  const std::string device_id = must(device.store().setting(setting::kDeviceId)).value_or("");
  REQUIRE(must(hub.hub().import_walk_list(kCanaryName, canary_csv())).problems.empty());
  REQUIRE(hub.hub().assign_walk_list(kCanaryName, device_id));
  REQUIRE(sync::SyncAgent(device.store(), fast_config()).run_once().error.empty());
  REQUIRE(must(device.store().walk_lists()).size() == 1);
  device.enrol(hub, "Library kiosk", hub::DeviceRole::Kiosk);
  CHECK(must(device.store().walk_lists()).empty());
  CHECK(must(device.store().setting(setting::kWalkListsEtag)).value_or("").empty());
  CHECK(traces(device).empty());
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
  REQUIRE(device.store().set_setting(setting::kDeviceRole, "field").ok());  // a store at odds with the hub
  sync::SyncAgent agent(device.store(), fast_config());
  const auto outcome = agent.run_once();
  CHECK(outcome.error.find("as a kiosk, not a field tablet") != std::string::npos);
  CHECK(agent.status().state != sync::SyncState::Refused);
}
