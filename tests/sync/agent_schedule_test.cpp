// The sync agent's pure decisions: backoff with full jitter, when to wake, and how failures are classified.
#include <catch2/catch.hpp>

#include <curl/curl.h>

#include <algorithm>

#include "soundings/sync_error.h"
#include "soundings/sync_schedule.h"

using namespace soundings::sync;
using std::chrono::milliseconds;

namespace {

const milliseconds kBase{2000};
const milliseconds kCap{300000};

ScheduleConfig timing() {
  ScheduleConfig config;
  config.backoff_base = kBase;
  config.backoff_cap = kCap;
  config.poll_interval = milliseconds(60000);
  return config;
}

}  // namespace

TEST_CASE("backoff delay is uniform up to base times two to the attempt", "[agent][schedule]") {
  CHECK(next_delay(0, kBase, kCap, 0.0) == milliseconds(0));
  CHECK(next_delay(0, kBase, kCap, 0.5) == milliseconds(1000));
  CHECK(next_delay(1, kBase, kCap, 0.5) == milliseconds(2000));
  CHECK(next_delay(3, kBase, kCap, 0.5) == milliseconds(8000));
  CHECK(next_delay(3, kBase, kCap, 0.999) == milliseconds(15984));
}

TEST_CASE("backoff delay never passes the cap however many failures", "[agent][schedule]") {
  for (int attempt : {8, 9, 20, 62, 1000}) {
    INFO("attempt " << attempt);
    CHECK(next_delay(attempt, kBase, kCap, 0.999999) <= kCap);
    CHECK(next_delay(attempt, kBase, kCap, 0.5) == milliseconds(150000));
  }
}

TEST_CASE("backoff jitter covers the whole range with a fixed random source", "[agent][schedule]") {
  // Full jitter: a random source stepping through [0, 1) gives delays spread over [0, ceiling).
  milliseconds smallest = kCap;
  milliseconds largest{0};
  for (int step = 0; step < 100; ++step) {
    const milliseconds delay = next_delay(2, kBase, kCap, step / 100.0);
    smallest = std::min(smallest, delay);
    largest = std::max(largest, delay);
  }
  CHECK(smallest == milliseconds(0));
  CHECK(largest == milliseconds(7920));
}

TEST_CASE("a failed cycle waits the jittered backoff and the next failure waits longer", "[agent][schedule]") {
  const SteadyTime start{};
  SyncSchedule schedule;
  schedule = after_cycle(schedule, CycleResult::Failed, start, timing(), 0.999);
  CHECK(schedule.failures == 1);
  CHECK(schedule.next_due - start == milliseconds(1998));
  CHECK_FALSE(decide_wake(schedule, start + milliseconds(1000)).run_now);
  CHECK(decide_wake(schedule, start + milliseconds(1000)).wait == milliseconds(998));
  CHECK(decide_wake(schedule, start + milliseconds(1998)).run_now);

  schedule = after_cycle(schedule, CycleResult::Failed, start, timing(), 0.999);
  CHECK(schedule.failures == 2);
  CHECK(schedule.next_due - start == milliseconds(3996));
}

TEST_CASE("a success resets the backoff and waits for the poll interval", "[agent][schedule]") {
  const SteadyTime start{};
  SyncSchedule schedule;
  for (int i = 0; i < 5; ++i) schedule = after_cycle(schedule, CycleResult::Failed, start, timing(), 0.5);
  schedule = after_cycle(schedule, CycleResult::Success, start, timing(), 0.5);
  CHECK(schedule.failures == 0);
  CHECK(schedule.next_due - start == milliseconds(60000));
  schedule = after_cycle(schedule, CycleResult::Failed, start, timing(), 0.5);
  CHECK(schedule.next_due - start == milliseconds(1000));  // back to the first step
}

TEST_CASE("a saved response or a returning network means try at once, even during backoff", "[agent][schedule]") {
  const SteadyTime start{};
  SyncSchedule schedule;
  for (int i = 0; i < 10; ++i) schedule = after_cycle(schedule, CycleResult::Failed, start, timing(), 0.9);
  REQUIRE_FALSE(decide_wake(schedule, start + milliseconds(10)).run_now);
  schedule = nudge(schedule);
  CHECK(decide_wake(schedule, start + milliseconds(10)).run_now);
  schedule = begin_cycle(schedule);
  CHECK_FALSE(schedule.nudged);
  CHECK_FALSE(decide_wake(schedule, start + milliseconds(10)).run_now);
}

TEST_CASE("a refused device waits the cap without growing it", "[agent][schedule]") {
  const SteadyTime start{};
  SyncSchedule schedule;
  schedule = after_cycle(schedule, CycleResult::Refused, start, timing(), 0.1);
  CHECK(schedule.next_due - start == kCap);
  schedule = after_cycle(schedule, CycleResult::Refused, start, timing(), 0.9);
  CHECK(schedule.next_due - start == kCap);
  CHECK(schedule.failures == 0);
}

TEST_CASE("transport failures map to offline, timeout, TLS and local errors", "[agent][errors]") {
  const std::string url = "https://hub.example/api/v1/health";
  CHECK(classify_transport(CURLE_OK, "", url).ok());
  CHECK(classify_transport(CURLE_COULDNT_CONNECT, "", url).kind == SyncErrorKind::Offline);
  CHECK(classify_transport(CURLE_COULDNT_RESOLVE_HOST, "", url).kind == SyncErrorKind::Offline);
  CHECK(classify_transport(CURLE_RECV_ERROR, "", url).kind == SyncErrorKind::Offline);
  CHECK(classify_transport(CURLE_GOT_NOTHING, "", url).kind == SyncErrorKind::Offline);
  CHECK(classify_transport(CURLE_OPERATION_TIMEDOUT, "", url).kind == SyncErrorKind::Timeout);
  CHECK(classify_transport(CURLE_PEER_FAILED_VERIFICATION, "", url).kind == SyncErrorKind::Tls);
  CHECK(classify_transport(CURLE_SSL_CACERT_BADFILE, "", url).kind == SyncErrorKind::Local);
  CHECK(classify_transport(CURLE_WEIRD_SERVER_REPLY, "", url).kind == SyncErrorKind::NotTheHub);
  const SyncError named = classify_transport(CURLE_COULDNT_CONNECT, "Connection refused", url);
  CHECK(named.message.find(url) != std::string::npos);
  CHECK(named.message.find("Connection refused") != std::string::npos);
}

TEST_CASE("HTTP statuses map to what the device should do", "[agent][errors]") {
  const std::string url = "https://hub.example/api/v1/responses";
  CHECK(classify_status(200, "", url).ok());
  CHECK(classify_status(304, "", url, true).ok());
  CHECK(classify_status(304, "", url, false).kind == SyncErrorKind::NotTheHub);
  CHECK(classify_status(302, "", url).kind == SyncErrorKind::NotTheHub);  // a captive portal's redirect
  CHECK(classify_status(404, "", url).kind == SyncErrorKind::NotTheHub);
  CHECK(classify_status(401, "", url).kind == SyncErrorKind::Unauthorized);
  CHECK(classify_status(403, "", url).kind == SyncErrorKind::Unauthorized);
  CHECK(classify_status(400, "", url).kind == SyncErrorKind::BadRequest);
  CHECK(classify_status(413, "", url).kind == SyncErrorKind::BadRequest);
  CHECK(classify_status(429, "", url).kind == SyncErrorKind::ServerError);
  CHECK(classify_status(500, "", url).kind == SyncErrorKind::ServerError);
  CHECK(classify_status(503, "", url).kind == SyncErrorKind::ServerError);
  CHECK(classify_status(503, "database locked", url).message.find("database locked") != std::string::npos);
  CHECK(means_offline(SyncErrorKind::ServerError));
  CHECK(means_offline(SyncErrorKind::NotTheHub));
  CHECK_FALSE(means_offline(SyncErrorKind::Unauthorized));
}
