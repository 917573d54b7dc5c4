// A field tablet's records of every kind through a network that drops, cuts and delays: head office ends
// with exactly the tablet's set of each kind, none twice, none missing, and the tablet holds all confirmed.
#include <catch2/catch.hpp>

#include "agent_fixture.h"
#include "fault_proxy.h"
#include "must.h"
#include "soundings/device_store.h"
#include "soundings/sqlite.h"
#include "test_database.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

std::string doors_csv(int count) {
  std::string csv = "uprn,address,street,postcode,ward\n";
  for (int i = 1; i <= count; ++i) {
    csv += "4000" + std::to_string(i) + "," + std::to_string(i) + " Stryd y Capel,Stryd y Capel,LL13 8AA,Offa\n";
  }
  return csv;
}

// The ids of every stored record of `kind` at the hub, from its own table.
std::multiset<std::string> stored_at_hub(TestHub& hub, const char* kind) {
  HubDatabase db(hub.dir().path());
  const bool response = std::string(kind) == "response";
  auto query = db->cached(response ? "SELECT id FROM responses" : "SELECT id FROM records WHERE kind = ?1");
  REQUIRE(query.ok());
  if (!response) query->bind(1, kind);
  std::multiset<std::string> ids;
  while (must(query->step("reading the hub"))) ids.insert(query->text(0));
  return ids;
}

}  // namespace

TEST_CASE("responses, visits, check-ins and sign-ins through a faulty network each arrive exactly once",
          "[agent][e2e][faults][records]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub, "Tablet 7", hub::DeviceRole::Field);
  const std::string device_id = must(device.store().setting(setting::kDeviceId)).value_or("");
  REQUIRE(hub.hub().add_staff("gwen.m", "Gwen Morgan", "correct horse battery"));
  REQUIRE(must(hub.hub().import_walk_list("Offa east", doors_csv(120))).problems.empty());
  REQUIRE(hub.hub().assign_walk_list("Offa east", device_id));
  {
    sync::SyncAgent first(device.store(), fast_config());
    REQUIRE(first.run_once().error.empty());  // the staff list and the walk list arrive
  }
  const WalkList list = must(device.store().walk_lists()).at(0);

  // A morning's work, saved in the order a tablet saves it: sign-in, visits with responses between, check-ins.
  device.fill(hub.consultation_json(), 150, 7);
  std::map<std::string, std::set<std::string>> made;
  const auto save_sign_in = [&](SignInEvent event, const char* at) {
    SignIn sign_in{1, make_uuid(), "gwen.m", device_id, event, at};
    REQUIRE(device.store().save_sign_in(sign_in).ok());
    made["sign_in"].insert(sign_in.id);
  };
  save_sign_in(SignInEvent::SignedIn, "2026-12-01T09:00:00Z");
  for (size_t i = 0; i < 240; ++i) {
    Visit visit;
    visit.id = make_uuid();
    visit.list_id = list.id;
    visit.uprn = list.addresses[i % list.addresses.size()].uprn;
    visit.outcome = kAllVisitOutcomes[i % std::size(kAllVisitOutcomes)];
    if (visit.outcome == VisitOutcome::ComeBack) visit.come_back_at = "2026-12-02T17:00:00Z";
    visit.staff_id = "gwen.m";
    visit.device_id = device_id;
    visit.visited_at = i < 120 ? "2026-12-01T10:00:00Z" : "2026-12-01T12:00:00Z";
    REQUIRE(device.store().save_visit(visit).ok());
    made["visit"].insert(visit.id);
    if (i % 60 == 0) {
      CheckIn check_in{1, make_uuid(), "gwen.m", device_id, i % 120 == 0 ? CheckInStatus::Ok : CheckInStatus::Missed,
                       "2026-12-01T11:00:00Z", "2026-12-01T11:01:00Z"};
      REQUIRE(device.store().save_check_in(check_in).ok());
      made["check_in"].insert(check_in.id);
    }
  }
  save_sign_in(SignInEvent::TimedOut, "2026-12-01T13:00:00Z");
  for (const auto& item : must(device.store().pending_batch(100000, SIZE_MAX))) {
    if (item.kind == RecordKind::Response) made["response"].insert(item.id);
  }
  REQUIRE(made["response"].size() == 150);

  FaultPlan plan;
  plan.drop = 0.1;
  plan.cut_after_request = 0.1;
  plan.cut_mid_answer = 0.1;
  plan.delay = 0.05;
  plan.delay_for = std::chrono::milliseconds(20);
  plan.seed = 20261202;
  FaultProxy proxy(hub.port(), plan);
  auto config = fast_config();
  config.hub_url_override = proxy.url();
  config.batch_max_count = 25;
  sync::SyncAgent agent(device.store(), config);
  sync::OnceOutcome outcome;
  int runs = 0;
  for (; runs < 400; ++runs) {
    outcome = agent.run_once();
    if (outcome.waiting == 0 && outcome.error.empty()) break;
  }
  INFO("runs: " << runs << ", last error: " << outcome.error);
  CHECK(outcome.waiting == 0);
  CHECK(proxy.counts().cut_after_request > 0);
  CHECK(proxy.counts().cut_mid_answer > 0);

  for (const char* kind : {"response", "visit", "check_in", "sign_in"}) {
    INFO(kind);
    const std::multiset<std::string> stored = stored_at_hub(hub, kind);
    CHECK(std::set<std::string>(stored.begin(), stored.end()).size() == stored.size());  // none twice
    CHECK(std::set<std::string>(stored.begin(), stored.end()) == made[kind]);           // none missing, none extra
  }
  CHECK(must(hub.hub().quarantine_count()) == 0);
  const OutboxCounts counts = must(device.store().outbox_counts());
  CHECK(counts.confirmed == 150 + 240 + 4 + 2);
  CHECK(counts.needs_review == 0);
  // Coverage counts doors, not visits: every door of the list was visited twice, and counts once.
  const hub::CoverageReport coverage = must(hub.hub().coverage("Offa east"));
  REQUIRE(coverage.streets.size() == 1);
  CHECK(coverage.streets[0].doors == 120);
  CHECK(coverage.streets[0].visited == 120);
  int64_t by_outcome = 0;
  for (const int64_t doors : coverage.streets[0].outcomes) by_outcome += doors;
  CHECK(by_outcome == 120);
}
