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

TEST_CASE("HTTP statuses with the hub's error JSON map to what the device should do", "[agent][errors]") {
  const std::string url = "https://hub.example/api/v1/responses";
  const auto hub = [](const std::string& code, const std::string& message = "the hub's reason") {
    return HubErrorBody{code, message};
  };
  const HubErrorBody bad_json = hub("bad_json");
  const HubErrorBody too_large = hub("body_too_large");
  const HubErrorBody unauthorized = hub("unauthorized");
  const HubErrorBody code_invalid = hub("enrol_code_invalid");
  const HubErrorBody busy = hub("busy");
  const HubErrorBody internal = hub("internal");
  const HubErrorBody locked = hub("storage_unavailable", "database locked");
  const HubErrorBody not_found = hub("not_found");
  CHECK(classify_status(200, nullptr, url).ok());
  CHECK(classify_status(304, nullptr, url, true).ok());
  CHECK(classify_status(304, nullptr, url, false).kind == SyncErrorKind::NotTheHub);
  CHECK(classify_status(302, nullptr, url).kind == SyncErrorKind::NotTheHub);  // a captive portal's redirect
  CHECK(classify_status(404, &not_found, url).kind == SyncErrorKind::NotTheHub);
  CHECK(classify_status(401, &unauthorized, url).kind == SyncErrorKind::Unauthorized);
  CHECK(classify_status(403, &code_invalid, url).kind == SyncErrorKind::Unauthorized);
  CHECK(classify_status(400, &bad_json, url).kind == SyncErrorKind::BadRequest);
  CHECK(classify_status(413, &too_large, url).kind == SyncErrorKind::BadRequest);
  CHECK(classify_status(429, &busy, url).kind == SyncErrorKind::ServerError);
  CHECK(classify_status(500, &internal, url).kind == SyncErrorKind::ServerError);
  CHECK(classify_status(503, &locked, url).kind == SyncErrorKind::ServerError);
  CHECK(classify_status(503, &locked, url).message.find("database locked") != std::string::npos);
  CHECK(means_offline(SyncErrorKind::ServerError));
  CHECK(means_offline(SyncErrorKind::NotTheHub));
  CHECK_FALSE(means_offline(SyncErrorKind::Unauthorized));
  CHECK_FALSE(means_offline(SyncErrorKind::Held));
}

TEST_CASE("a status without the hub's error JSON is never the hub's verdict", "[agent][errors]") {
  const std::string url = "https://hub.example/api/v1/responses";
  for (long status : {400L, 401L, 403L, 404L, 413L, 422L, 429L, 500L, 502L, 503L}) {
    DYNAMIC_SECTION("HTTP " << status) {
      const SyncError error = classify_status(status, nullptr, url);
      CHECK(error.kind == SyncErrorKind::NotTheHub);
      CHECK(means_offline(error.kind));
      CHECK(error.retry_after.count() == 0);
      CHECK(classify_status(status, nullptr, url, false, "60").retry_after.count() == 0);
    }
  }
}

TEST_CASE("the hub's quarantine_full holds uploads for the wait it asks", "[agent][errors]") {
  const std::string url = "https://hub.example/api/v1/responses";
  const HubErrorBody full{"quarantine_full", "this device's quarantine allowance is used up"};
  const SyncError held = classify_status(429, &full, url, false, "120");
  CHECK(held.kind == SyncErrorKind::Held);
  CHECK(held.retry_after == std::chrono::seconds(120));
  CHECK(held.message.find("Head office is holding") != std::string::npos);
  CHECK(held.message.find("allowance is used up") != std::string::npos);
  // Another 429 from the hub is "busy": retried with backoff, its Retry-After honoured too.
  const HubErrorBody storage{"storage_unavailable", "the hub could not use its database"};
  CHECK(classify_status(503, &storage, url, false, "30").retry_after == std::chrono::seconds(30));
  const HubErrorBody busy{"busy", "try later"};
  CHECK(classify_status(429, &busy, url, false, "30").kind == SyncErrorKind::ServerError);
  CHECK(classify_status(429, &busy, url, false, "30").retry_after == std::chrono::seconds(30));
}

TEST_CASE("the hub's bad_body is an upload cut on the way, not a refusal of the responses", "[agent][errors]") {
  const HubErrorBody cut{"bad_body", "the request body could not be read to its end"};
  const SyncError error = classify_status(400, &cut, "https://hub.example/api/v1/responses");
  CHECK(error.kind == SyncErrorKind::ServerError);
  CHECK(means_offline(error.kind));
}

TEST_CASE("Retry-After is read as whole seconds, anything else as not said", "[agent][errors]") {
  CHECK(parse_retry_after("120") == std::chrono::seconds(120));
  CHECK(parse_retry_after(" 5 ") == std::chrono::seconds(5));
  CHECK(parse_retry_after("") == std::chrono::seconds(0));
  CHECK(parse_retry_after("-5") == std::chrono::seconds(0));
  CHECK(parse_retry_after("1.5") == std::chrono::seconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT") == std::chrono::seconds(0));
  CHECK(parse_retry_after("99999999999999999999") == std::chrono::seconds(0));
}

TEST_CASE("the hub's Retry-After is honoured within 5 s and 1 h, and nudges wait for it", "[agent][schedule]") {
  const SteadyTime start{};
  CHECK(hub_wait(std::chrono::seconds(0)) == milliseconds(0));
  CHECK(hub_wait(std::chrono::seconds(1)) == milliseconds(5000));
  CHECK(hub_wait(std::chrono::seconds(90)) == milliseconds(90000));
  CHECK(hub_wait(std::chrono::seconds(86400)) == milliseconds(3600000));

  SyncSchedule schedule;
  schedule = after_cycle(schedule, CycleResult::Failed, start, timing(), 0.5, std::chrono::seconds(600));
  CHECK(schedule.next_due - start == milliseconds(600000));  // longer than the backoff's 1 s
  // A saved response does not cut the hub's wait short; it runs as soon as the wait is over.
  schedule = nudge(schedule);
  const WakeDecision during = decide_wake(schedule, start + milliseconds(1000));
  CHECK_FALSE(during.run_now);
  CHECK(during.wait == milliseconds(599000));
  CHECK(decide_wake(schedule, start + milliseconds(600000)).run_now);

  // A later failure without a Retry-After lifts the hold: nudges work again.
  schedule = after_cycle(schedule, CycleResult::Failed, start + milliseconds(600000), timing(), 0.5);
  CHECK(decide_wake(nudge(schedule), start + milliseconds(600001)).run_now);

  // A backoff longer than the hub's wait wins.
  SyncSchedule long_backoff;
  for (int i = 0; i < 10; ++i) long_backoff = after_cycle(long_backoff, CycleResult::Failed, start, timing(), 0.999);
  long_backoff = after_cycle(long_backoff, CycleResult::Failed, start, timing(), 0.999, std::chrono::seconds(5));
  CHECK(long_backoff.next_due - start > milliseconds(5000));
}
