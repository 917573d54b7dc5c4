// soundings-sync as field tablets and scripts run it: enrolment, exit codes 0 / 75 / 1 / 64, and the proxy must-show.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>

#include "agent_fixture.h"
#include "fault_proxy.h"
#include "must.h"
#include "temp_dir.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

struct Run {
  int exit_code = -1;
  std::string output;
};

Run soundings_sync(const std::string& arguments) {
  Run run;
  const std::string command = std::string(SOUNDINGS_SYNC_EXE) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, got);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string data_of(const TestDevice& device) { return "--data " + device.dir().str(); }

}  // namespace

TEST_CASE("soundings-sync enrols, then exits 0 once nothing is left waiting", "[agent][cli]") {
  TestHub hub;
  TestDevice device;
  device.close();
  const Run enrolled = soundings_sync(data_of(device) + " --enrol " + hub.url() + " " + hub.enrol_code() +
                                      " --name tablet-7");
  INFO(enrolled.output);
  REQUIRE(enrolled.exit_code == 0);
  CHECK(enrolled.output.find("tablet-7") != std::string::npos);

  device.reopen();
  device.fill(hub.consultation_json(), 5, 101);
  device.close();
  const Run once = soundings_sync(data_of(device) + " --once --connect-timeout 1 --timeout 5");
  INFO(once.output);
  CHECK(once.exit_code == 0);
  CHECK(once.output.find("sent 5, waiting 0") != std::string::npos);
  CHECK(std::count(once.output.begin(), once.output.end(), '\n') == 1);  // a one-line summary
  CHECK(must(hub.hub().stored_count()) == 5);
}

TEST_CASE("soundings-sync exits 75 while responses wait for a hub that is down", "[agent][cli]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 3, 102);
  device.close();
  hub.go_down();
  const Run down = soundings_sync(data_of(device) + " --once --connect-timeout 1 --timeout 5");
  INFO(down.output);
  CHECK(down.exit_code == 75);
  CHECK(down.output.find("waiting 3") != std::string::npos);

  hub.come_up();
  const Run up = soundings_sync(data_of(device) + " --once");
  INFO(up.output);
  CHECK(up.exit_code == 0);
}

TEST_CASE("soundings-sync --hub overrides the enrolled address for one run", "[agent][cli]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 2, 103);
  device.close();
  FaultProxy faithful(hub.port(), FaultPlan{});  // another route to the same hub
  const Run run = soundings_sync(data_of(device) + " --once --hub " + faithful.url());
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(faithful.counts().exchanges >= 3);
  CHECK(must(hub.hub().stored_count()) == 2);
}

TEST_CASE("soundings-sync exits 1 when the device is refused or not enrolled, 64 on bad usage", "[agent][cli]") {
  TestHub hub;
  TestDevice device;
  device.close();
  const Run unenrolled = soundings_sync(data_of(device) + " --once");
  CHECK(unenrolled.exit_code == 1);
  CHECK(unenrolled.output.find("not enrolled") != std::string::npos);

  const Run bad_code = soundings_sync(data_of(device) + " --enrol " + hub.url() + " WRONG-CODE");
  INFO(bad_code.output);
  CHECK(bad_code.exit_code == 1);
  CHECK(bad_code.output.find("enrolment code") != std::string::npos);

  device.reopen();
  device.enrol(hub);
  device.fill(hub.consultation_json(), 1, 104);
  REQUIRE(hub.hub().revoke(must(device.store().setting("device_id")).value()));
  device.close();
  const Run revoked = soundings_sync(data_of(device) + " --once");
  INFO(revoked.output);
  CHECK(revoked.exit_code == 1);
  CHECK(revoked.output.find("refused") != std::string::npos);

  CHECK(soundings_sync("--once").exit_code == 64);
  CHECK(soundings_sync(data_of(device) + " --once --daemon").exit_code == 64);
  CHECK(soundings_sync(data_of(device) + " --frobnicate").exit_code == 64);
  CHECK(soundings_sync(data_of(device) + " --enrol " + hub.url()).exit_code == 64);
}

TEST_CASE("2,000 responses through a proxy that drops and cuts: exactly 2,000 distinct rows after repeated --once",
          "[agent][cli][faults]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.fill(hub.consultation_json(), 2000, 105);
  const std::set<std::string> device_ids = device.pending_ids();
  device.close();

  FaultPlan plan;
  plan.drop = 0.1;
  plan.cut_after_request = 0.1;
  plan.cut_mid_answer = 0.1;
  plan.seed = 7;
  FaultProxy proxy(hub.port(), plan);
  int runs = 0;
  Run last;
  for (; runs < 300; ++runs) {
    last = soundings_sync(data_of(device) + " --once --batch 100 --connect-timeout 1 --timeout 10 --hub " + proxy.url());
    if (last.exit_code == 0) break;
    REQUIRE(last.exit_code == 75);  // only ever "try again later"
  }
  const FaultCounts faults = proxy.counts();
  // Shown with -s: how hard the network was on the device.
  WARN("--once runs: " << runs + 1 << "; requests " << faults.exchanges << ", dropped " << faults.dropped
                        << ", cut after the request " << faults.cut_after_request << ", cut mid-answer "
                        << faults.cut_mid_answer);
  INFO("last: " << last.output);
  CHECK(last.exit_code == 0);
  CHECK(faults.faults() > 0);

  const std::vector<std::string> stored = must(hub.hub().stored_ids());
  const std::set<std::string> distinct(stored.begin(), stored.end());
  CHECK(stored.size() == 2000);
  CHECK(distinct.size() == 2000);
  CHECK(distinct == device_ids);
  CHECK(must(hub.hub().stored_count()) == 2000);
}

TEST_CASE("an enrolment that fails leaves no store behind to pass for an enrolled device's", "[agent][cli]") {
  TestHub hub;
  TempDir dir;
  const std::string data = (dir.path() / "tablet").string();
  const Run refused = soundings_sync("--data " + data + " --enrol " + hub.url() + " WRONG-CODE1 --name tablet-9");
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("not known") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(data + "/device.sqlite"));
  const Run once = soundings_sync("--data " + data + " --once");
  CHECK(once.exit_code == 1);
  CHECK(once.output.find("no device store here") != std::string::npos);
}
