// Hub tests: officers' accounts through the soundings-hub command, and the staff list only field tablets receive.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"
#include "soundings/officer_secret.h"

using hubtest::bearer;
using hubtest::run_hub;
using hubtest::ServedHub;
using nlohmann::json;
using soundings::hub::DeviceRole;
using soundings::testing::must;

namespace {

// Argon2id at its moderate cost takes most of a second: these tests hash as few PINs as they can.
constexpr const char* kPassphrase = "Llanberis quarry 1987";

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file of the hub's folder (the database, its WAL), as one string to search.
std::string hub_files(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) all += file_bytes(entry.path());
  return all;
}

httplib::Result get_staff(const ServedHub& served, const std::string& token, const std::string& etag = "") {
  auto client = served.client();
  auto headers = bearer(token);
  if (!etag.empty()) headers.emplace("If-None-Match", etag);
  return client.Get("/api/v1/staff", headers);
}

}  // namespace

TEST_CASE("soundings-hub staff add keeps only a hash that verifies, refuses a second account with the same id, "
          "and disable shows in the list",
          "[hub][cli][staff]") {
  ServedHub served;
  const std::string data = served.data_dir().string();
  const auto added = run_hub({"staff", "add", "--data", data, "--id", "sian.jones", "--name", "Siân Jones"},
                             std::string(kPassphrase) + "\n");
  INFO(added.output);
  REQUIRE(added.exit_code == 0);

  const auto again = run_hub({"staff", "add", "--data", data, "--id", "sian.jones", "--name", "Someone Else"},
                             "another passphrase\n");
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("\"sian.jones\" already exists") != std::string::npos);

  const auto listed = run_hub({"staff", "list", "--data", data});
  CHECK(listed.exit_code == 0);
  CHECK(listed.output.find("sian.jones  Siân Jones  added ") != std::string::npos);
  CHECK(listed.output.find("enabled") != std::string::npos);
  CHECK(listed.output.find("Someone Else") == std::string::npos);

  const auto accounts = must(served.hub().staff());
  REQUIRE(accounts.size() == 1);
  const auto answer = get_staff(served, served.enrol("Tablet 1", DeviceRole::Field));
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  const std::string hash = json::parse(answer->body)["staff"][0]["pin_hash"];
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(soundings::verify_officer_secret(kPassphrase, hash));
  // The hash is never printed, and the passphrase itself is kept nowhere.
  for (const auto* run : {&added, &again, &listed}) CHECK(run->output.find("$argon2") == std::string::npos);
  CHECK(hub_files(served.data_dir()).find(kPassphrase) == std::string::npos);

  const auto disabled = run_hub({"staff", "disable", "--data", data, "sian.jones"});
  CHECK(disabled.exit_code == 0);
  CHECK(disabled.output.find("next sync") != std::string::npos);
  const auto after = run_hub({"staff", "list", "--data", data});
  CHECK(after.output.find("sian.jones  Siân Jones  added ") != std::string::npos);
  CHECK(after.output.find("  disabled 20") != std::string::npos);
  CHECK(after.output.find("enabled") == std::string::npos);
  CHECK(run_hub({"staff", "disable", "--data", data, "no.such.officer"}).exit_code == 1);
}

TEST_CASE("soundings-hub staff add refuses a short PIN, a bad id, a missing name and no PIN with status 2",
          "[hub][cli][staff]") {
  ServedHub served;
  const std::string data = served.data_dir().string();
  const auto short_pin = run_hub({"staff", "add", "--data", data, "--id", "rhys", "--name", "Rhys"}, "12345\n");
  CHECK(short_pin.exit_code == 2);
  CHECK(short_pin.output.find("at least 6 characters") != std::string::npos);
  const auto bad_id = run_hub({"staff", "add", "--data", data, "--id", "Rhys Evans", "--name", "Rhys"}, "123456\n");
  CHECK(bad_id.exit_code == 2);
  CHECK(bad_id.output.find("a staff id is 1 to 64 of a-z, 0-9") != std::string::npos);
  CHECK(run_hub({"staff", "add", "--data", data, "--id", std::string(65, 'a'), "--name", "Rhys"}, "123456\n")
            .exit_code == 2);
  CHECK(run_hub({"staff", "add", "--data", data, "--id", "rhys"}, "123456\n").exit_code == 2);
  const auto no_pin = run_hub({"staff", "add", "--data", data, "--id", "rhys", "--name", "Rhys"});
  CHECK(no_pin.exit_code == 2);
  CHECK(no_pin.output.find("no PIN or passphrase on standard input") != std::string::npos);
  CHECK(run_hub({"staff", "rename", "--data", data}).exit_code == 2);
  CHECK(must(served.hub().staff()).empty());
  const auto listed = run_hub({"staff", "list", "--data", data});
  CHECK(listed.exit_code == 0);
  CHECK(listed.output.find("no staff accounts") != std::string::npos);
}

TEST_CASE("only a field tablet receives the staff list; a kiosk is refused with 403 not_a_field_device",
          "[hub][staff]") {
  ServedHub served;
  REQUIRE(served.hub().add_staff("owain.p", "Owain Pritchard", "246810"));
  auto client = served.client();

  const auto kiosk_code = must(served.hub().make_enrol_code("Library kiosk"));
  const auto kiosk = client.Post("/api/v1/enrol", json{{"code", kiosk_code}}.dump(), "application/json");
  REQUIRE(kiosk);
  REQUIRE(kiosk->status == 200);
  CHECK(json::parse(kiosk->body)["role"] == "kiosk");
  const auto refused = get_staff(served, json::parse(kiosk->body)["token"]);
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(json::parse(refused->body)["error"] == "not_a_field_device");
  CHECK(refused->body.find("Owain") == std::string::npos);
  CHECK(refused->body.find("argon2") == std::string::npos);

  const auto made = run_hub({"enrol-code", "--data", served.data_dir().string(), "--name", "Tablet 7", "--field"});
  REQUIRE(made.exit_code == 0);
  CHECK(made.output.find("Enrolment code for field tablet \"Tablet 7\"") != std::string::npos);
  const auto field = client.Post("/api/v1/enrol", json{{"code", made.last_line()}}.dump(), "application/json");
  REQUIRE(field);
  REQUIRE(field->status == 200);
  CHECK(json::parse(field->body)["role"] == "field");
  const std::string token = json::parse(field->body)["token"];
  const auto listed = get_staff(served, token);
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  const auto staff = json::parse(listed->body)["staff"];
  REQUIRE(staff.size() == 1);
  CHECK(staff[0]["id"] == "owain.p");
  CHECK(staff[0]["name"] == "Owain Pritchard");
  CHECK(staff[0]["disabled"] == false);
  CHECK(staff[0]["pin_hash"].get<std::string>().rfind("$argon2id$", 0) == 0);
  CHECK(get_staff(served, "not-a-token")->status == 401);

  const auto devices = must(served.hub().devices());
  REQUIRE(devices.size() == 2);
  for (const auto& device : devices) {
    CHECK(device.role == (device.name == "Tablet 7" ? DeviceRole::Field : DeviceRole::Kiosk));
  }
  const auto shown = run_hub({"devices", "--data", served.data_dir().string()});
  CHECK(shown.output.find("Tablet 7  field tablet") != std::string::npos);
  CHECK(shown.output.find("Library kiosk  kiosk") != std::string::npos);
}

TEST_CASE("the staff list is answered 304 while unchanged, and a disabled account comes without its hash",
          "[hub][staff]") {
  ServedHub served;
  REQUIRE(served.hub().add_staff("owain.p", "Owain Pritchard", "246810"));
  const std::string token = served.enrol("Tablet 7", DeviceRole::Field);
  const auto first = get_staff(served, token);
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const std::string etag = first->get_header_value("ETag");
  CHECK(etag.size() == 34);
  const auto unchanged = get_staff(served, token, etag);
  REQUIRE(unchanged);
  CHECK(unchanged->status == 304);
  CHECK(unchanged->body.empty());

  REQUIRE(served.hub().disable_staff("owain.p"));
  const auto changed = get_staff(served, token, etag);
  REQUIRE(changed);
  REQUIRE(changed->status == 200);
  CHECK(changed->get_header_value("ETag") != etag);
  const auto staff = json::parse(changed->body)["staff"];
  REQUIRE(staff.size() == 1);
  CHECK(staff[0]["disabled"] == true);
  CHECK(staff[0]["pin_hash"] == "");
  CHECK(served.hub().disable_staff("nobody").error().code == soundings::ErrorCode::NotFound);
}
