// Sealing personal and special-category answers with head office's public key.
#include <catch2/catch.hpp>

#include "soundings/sealing.h"

using namespace soundings;

namespace {

Response response_with_personal_data() {
  Response response;
  response.id = make_uuid();
  response.consultation_id = "involvement-strategy";
  response.consultation_version = 3;
  response.language = "cy";
  response.started_at = "2026-11-23T16:01:30Z";
  response.submitted_at = "2026-11-23T16:05:00Z";
  response.answers = {{"transport", {{"option", "bus"}}}};
  response.personal = {{"contact", {{"name", "Gwenllian Ifans"}, {"email", "gwen@enghraifft.cymru"}}}};
  response.special = {{"religion", {{"option", "christian"}}}};
  return response;
}

}  // namespace

TEST_CASE("sealed parts open again with head office's key pair", "[sealing]") {
  const KeyPair keys = make_key_pair();
  Response response = response_with_personal_data();
  const nlohmann::json personal = response.personal;
  const nlohmann::json special = response.special;
  REQUIRE(seal_response(response, keys.public_key_b64).ok());
  CHECK(response.is_sealed());
  CHECK(response.personal.contains("sealed"));

  const auto opened_personal = open_sealed(response.personal, keys);
  REQUIRE(opened_personal.ok());
  CHECK(*opened_personal == personal);
  const auto opened_special = open_sealed(response.special, keys);
  REQUIRE(opened_special.ok());
  CHECK(*opened_special == special);
}

TEST_CASE("the sealed record does not contain the personal data in plain text", "[sealing]") {
  const KeyPair keys = make_key_pair();
  Response response = response_with_personal_data();
  REQUIRE(seal_response(response, keys.public_key_b64).ok());
  const std::string json = response_to_json(response).dump();
  CHECK(json.find("Gwenllian") == std::string::npos);
  CHECK(json.find("gwen@enghraifft.cymru") == std::string::npos);
  CHECK(json.find("christian") == std::string::npos);
  CHECK(json.find("\"bus\"") != std::string::npos);  // ordinary answers stay readable
  const auto back = response_from_json(response_to_json(response));
  REQUIRE(back.ok());
  CHECK(back->is_sealed());
}

TEST_CASE("another key pair cannot open a sealed part", "[sealing]") {
  const KeyPair head_office = make_key_pair();
  const KeyPair stranger = make_key_pair();
  Response response = response_with_personal_data();
  REQUIRE(seal_response(response, head_office.public_key_b64).ok());
  const auto opened = open_sealed(response.personal, stranger);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::Crypto);
}

TEST_CASE("a bad public key is refused and leaves the response unchanged", "[sealing]") {
  Response response = response_with_personal_data();
  const nlohmann::json before = response_to_json(response);
  for (const std::string key : {"", "not base64!", "c2hvcnQ="}) {
    const Status status = seal_response(response, key);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Crypto);
    CHECK(response_to_json(response) == before);
  }
}

TEST_CASE("empty parts stay empty and sealing twice changes nothing", "[sealing]") {
  const KeyPair keys = make_key_pair();
  Response response = response_with_personal_data();
  response.special = nlohmann::json::object();
  REQUIRE(seal_response(response, keys.public_key_b64).ok());
  CHECK(response.special.empty());
  const nlohmann::json once = response.personal;
  REQUIRE(seal_response(response, keys.public_key_b64).ok());
  CHECK(response.personal == once);
  CHECK(open_sealed(response.special, keys).ok());
}

TEST_CASE("a damaged sealed part is reported, not opened", "[sealing]") {
  const KeyPair keys = make_key_pair();
  Response response = response_with_personal_data();
  REQUIRE(seal_response(response, keys.public_key_b64).ok());
  std::string sealed = response.personal["sealed"];
  sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
  CHECK_FALSE(open_sealed(nlohmann::json{{"sealed", sealed}}, keys).ok());
  CHECK_FALSE(open_sealed(nlohmann::json{{"sealed", "%%%"}}, keys).ok());
  CHECK_FALSE(open_sealed(nlohmann::json{{"name", "plain"}}, keys).ok());
}

TEST_CASE("key pairs are standard base64 of libsodium box keys", "[sealing]") {
  const KeyPair keys = make_key_pair();
  CHECK(keys.public_key_b64.size() == 44);  // 32 bytes
  CHECK(keys.secret_key_b64.size() == 44);
  CHECK(keys.public_key_b64.back() == '=');
  CHECK(keys.public_key_b64 != make_key_pair().public_key_b64);
}
