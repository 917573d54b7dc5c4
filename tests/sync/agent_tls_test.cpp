// TLS is always verified: a hub with a council's own certificate is trusted only through the CA file given.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "agent_fixture.h"
#include "fake_server.h"
#include "soundings/device_store.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

namespace {

// A self-signed certificate for 127.0.0.1, standing in for a council's own CA; false without openssl.
bool make_certificate(const TempDir& dir) {
  const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                              "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                              (dir.path() / "hub.key").string() + " -out " + (dir.path() / "hub.pem").string() +
                              " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace

TEST_CASE("a hub with a council's own certificate is reached only with its CA file", "[agent][tls]") {
  TempDir keys("soundings-tls");
  if (!make_certificate(keys)) {
    WARN("openssl is not installed: the TLS test needs it to make a certificate");
    return;
  }
  const std::string ca_file = (keys.path() / "hub.pem").string();
  TestHub hub(ca_file, (keys.path() / "hub.key").string());
  REQUIRE(hub.url().rfind("https://", 0) == 0);

  SECTION("without the CA file, enrolment fails on the certificate and stores nothing") {
    TestDevice device;
    const Status enrolled = sync::enrol(device.store(), hub.url(), hub.enrol_code(), "kiosk", fast_config());
    REQUIRE_FALSE(enrolled);
    CHECK(enrolled.error().message.find("certificate") != std::string::npos);
    CHECK_FALSE(must(device.store().setting(setting::kDeviceToken)).has_value());
  }

  SECTION("with the CA file the device enrols and syncs; without it, it is offline and sends nothing") {
    TestDevice device;
    auto config = fast_config();
    config.ca_file = ca_file;
    REQUIRE(sync::enrol(device.store(), hub.url(), hub.enrol_code(), "kiosk", config));
    device.fill(hub.consultation_json(), 3, 111);

    sync::SyncAgent untrusting(device.store(), fast_config());
    const auto refused = untrusting.run_once();
    CHECK(refused.pushed == 0);
    CHECK(refused.waiting == 3);
    CHECK(untrusting.status().state == sync::SyncState::Offline);
    CHECK(refused.error.find("certificate") != std::string::npos);

    sync::SyncAgent trusting(device.store(), config);
    const auto outcome = trusting.run_once();
    INFO(outcome.error);
    CHECK(outcome.error.empty());
    CHECK(outcome.pushed == 3);
    CHECK(must(hub.hub().stored_count()) == 3);
  }
}

TEST_CASE("enrolment refuses a captive portal and an address that is not http(s)", "[agent][e2e]") {
  TestDevice device;
  const Status bad_scheme = sync::enrol(device.store(), "ftp://hub.example", "ABCDE-FGHJK", "kiosk", fast_config());
  REQUIRE_FALSE(bad_scheme);
  CHECK(bad_scheme.error().code == ErrorCode::InvalidInput);
  CHECK(bad_scheme.error().message.find("https://") != std::string::npos);
  const Status empty_code = sync::enrol(device.store(), "https://hub.example", "  ", "kiosk", fast_config());
  REQUIRE_FALSE(empty_code);
  CHECK(empty_code.error().message.find("code is empty") != std::string::npos);
  FakeServer portal([](const FakeRequest&) { return captive_portal_page(); });
  const Status captive = sync::enrol(device.store(), portal.url(), "ABCDE-FGHJK", "kiosk", fast_config());
  REQUIRE_FALSE(captive);
  CHECK(captive.error().code == ErrorCode::NotFound);
  CHECK(captive.error().message.find("not JSON") != std::string::npos);
  CHECK_FALSE(must(device.store().setting(setting::kHubUrl)).has_value());
}

TEST_CASE("an https:// address for a hub serving plain http is named as such at once, not after a timeout",
          "[agent][tls]") {
  TestHub hub;
  REQUIRE(hub.url().rfind("http://", 0) == 0);
  const std::string wrong = "https://" + hub.url().substr(std::string("http://").size());
  TestDevice device;
  auto config = fast_config();
  config.connect_timeout = std::chrono::seconds(10);  // the handshake counts here: as long as a real device waits
  config.request_timeout = std::chrono::seconds(30);
  const auto started = std::chrono::steady_clock::now();
  const Status enrolled = sync::enrol(device.store(), wrong, hub.enrol_code(), "kiosk", config);
  REQUIRE_FALSE(enrolled);
  CHECK(enrolled.error().message.find("should start with https:// (a hub with a certificate) or http://") !=
        std::string::npos);
  // The hub closes a TLS handshake at once; before, the device waited for the hub's 10 s header deadline.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK_FALSE(must(device.store().setting(setting::kDeviceToken)).has_value());
}
