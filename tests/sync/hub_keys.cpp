// The sealing key pair and the database that records it: one pair per head office, never a second one.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hub_fixture.h"
#include "soundings/sealing.h"
#include "test_database.h"

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

soundings::hub::HubConfig config_for(const std::filesystem::path& data_dir) {
  soundings::hub::HubConfig config;
  config.data_dir = data_dir.string();
  soundings::test::use_test_database(config);
  return config;
}

}  // namespace

TEST_CASE("a hub holding a different key pair from the one its database records refuses to start", "[hub][keys]") {
  hubtest::TempDir dir;
  std::string first_key;
  std::string first_file;
  {
    auto first = soundings::hub::Hub::open(config_for(dir.path()));
    REQUIRE(first);
    first_key = (*first)->seal_public_key();
    first_file = read_text(dir.path() / "hub-keys.json");
  }
  // Someone copies the wrong key file into the folder (another hub's, or a fresh one).
  const soundings::KeyPair other = soundings::make_key_pair();
  const auto key_file = dir.path() / "hub-keys.json";
  std::filesystem::remove(key_file);
  std::ofstream(key_file) << nlohmann::json{{"public_key", other.public_key_b64}, {"secret_key", other.secret_key_b64}}.dump();
  const std::string wrong_file = read_text(key_file);

  const auto refused = soundings::hub::Hub::open(config_for(dir.path()));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("hub-keys.json holds a different key pair") != std::string::npos);
  CHECK(refused.error().message.find(first_key) != std::string::npos);  // which key the database expects
  CHECK(read_text(key_file) == wrong_file);                              // nothing changed

  // With the right file back, the hub starts as before.
  std::ofstream(key_file, std::ios::trunc) << first_file;
  const auto again = soundings::hub::Hub::open(config_for(dir.path()));
  INFO((again ? std::string() : again.error().message));
  REQUIRE(again);
  CHECK((*again)->seal_public_key() == first_key);
}

TEST_CASE("a hub without a key file on a database that has one is told to copy the first hub's file", "[hub][keys]") {
  hubtest::TempDir dir;
  std::string saved_keys;
  {
    auto first = soundings::hub::Hub::open(config_for(dir.path()));
    REQUIRE(first);
    saved_keys = read_text(dir.path() / "hub-keys.json");
  }
  std::filesystem::remove(dir.path() / "hub-keys.json");
  const auto refused = soundings::hub::Hub::open(config_for(dir.path()));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("copy hub-keys.json from the first hub") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "hub-keys.json"));  // no new pair was made

  std::ofstream(dir.path() / "hub-keys.json") << saved_keys;
  std::filesystem::permissions(dir.path() / "hub-keys.json", std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write);
  const auto again = soundings::hub::Hub::open(config_for(dir.path()));
  INFO((again ? std::string() : again.error().message));
  CHECK(again);
}
