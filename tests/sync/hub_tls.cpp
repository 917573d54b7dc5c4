// Hub tests: serving HTTPS directly with a certificate and key (a self-signed pair made here).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>

#include <catch2/catch.hpp>

#include "hub_fixture.h"

using nlohmann::json;

namespace {

// Writes a self-signed P-256 certificate for 127.0.0.1, valid for a day, and its key.
bool write_self_signed(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key && cert;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    ok = X509_sign(cert, key, EVP_sha256()) > 0;
  }
  if (ok) {
    FILE* cert_file = std::fopen(cert_path.c_str(), "wb");
    FILE* key_file = std::fopen(key_path.c_str(), "wb");
    ok = cert_file && key_file && PEM_write_X509(cert_file, cert) == 1 &&
         PEM_write_PrivateKey(key_file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (cert_file) std::fclose(cert_file);
    if (key_file) std::fclose(key_file);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

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
  config.tls_cert_file = (dir.path() / "missing.crt").string();
  config.tls_key_file = (dir.path() / "missing.key").string();
  auto hub = soundings::hub::Hub::open(config);
  REQUIRE(hub);
  const auto bound = (*hub)->listen("127.0.0.1", 0);
  REQUIRE_FALSE(bound);
  CHECK(bound.error().message.find("missing.crt") != std::string::npos);

  soundings::hub::HubConfig half;
  half.data_dir = (dir.path() / "other").string();
  half.tls_cert_file = config.tls_cert_file;
  auto other = soundings::hub::Hub::open(half);
  REQUIRE(other);
  const auto refused = (*other)->listen("127.0.0.1", 0);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("--tls-key") != std::string::npos);
}
