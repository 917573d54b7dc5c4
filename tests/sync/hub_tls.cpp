// Hub tests: serving HTTPS directly with a certificate and key (a self-signed pair made for each test).
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "self_signed.h"
#include "test_database.h"

using nlohmann::json;
using soundings::test::write_self_signed;

TEST_CASE("the hub serves the API over HTTPS when given a certificate and key", "[hub]") {
  hubtest::TempDir certs;
  const std::string cert = (certs.path() / "hub.crt").string();
  const std::string key = (certs.path() / "hub.key").string();
  REQUIRE(write_self_signed(cert, key));

  soundings::hub::HubConfig config;
  config.tls_cert_file = cert;
  config.tls_key_file = key;
  hubtest::ServedHub served(config);

  httplib::SSLClient client("127.0.0.1", served.port());
  client.set_ca_cert_path(cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(5, 0);
  const auto health = client.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["service"] == "soundings-hub");

  // Plain HTTP to the HTTPS port gets no hub answer.
  auto plain = served.client();
  const auto refused = plain.Get("/api/v1/health");
  CHECK((!refused || refused->status != 200));
}

TEST_CASE("a missing or mismatched TLS file is refused when the hub starts serving", "[hub]") {
  hubtest::TempDir dir;
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  soundings::test::use_test_database(config);
  config.tls_cert_file = (dir.path() / "missing.crt").string();
  config.tls_key_file = (dir.path() / "missing.key").string();
  auto hub = soundings::hub::Hub::open(config);
  REQUIRE(hub);
  const auto bound = (*hub)->listen("127.0.0.1", 0);
  REQUIRE_FALSE(bound);
  CHECK(bound.error().message.find("missing.crt") != std::string::npos);

  soundings::hub::HubConfig half;
  half.data_dir = (dir.path() / "other").string();
  soundings::test::use_test_database(half);
  half.tls_cert_file = config.tls_cert_file;
  auto other = soundings::hub::Hub::open(half);
  REQUIRE(other);
  const auto refused = (*other)->listen("127.0.0.1", 0);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("--tls-key") != std::string::npos);
}
