// One store per device: a data folder left with an older kiosk's soundings.db beside device.sqlite is merged, losing nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "durability/store_test_support.h"
#include "soundings/device_store.h"

using namespace soundings;
using namespace soundings::store_testing;
namespace fs = std::filesystem;

namespace {

const char* kDefinition = R"({"id":"library-hours","version":2,"title":"Library hours"})";

// An older kiosk's store: three responses waiting (one set aside for review), one confirmed, its PIN and
// venue, a consultation staff hid, and feedback; returns the ids of the unsent responses.
std::vector<std::string> fill_legacy(const std::string& path) {
  auto legacy = Store::open(path);
  REQUIRE(legacy.ok());
  Store& store = **legacy;
  std::vector<std::string> unsent;
  for (int i = 1; i <= 4; ++i) {
    const Response response = sample_response(100 + i);
    REQUIRE(store.save(response).ok());
    if (i == 4) {
      REQUIRE(store.mark_confirmed({response.id}).ok());
    } else {
      unsent.push_back(response.id);
    }
  }
  REQUIRE(store.mark_needs_review(unsent[1], "conflict at head office").ok());
  REQUIRE(store.set_setting(setting::kStaffPinHash, "$argon2id$legacy-pin").ok());
  REQUIRE(store.set_setting(setting::kVenue, "Llyfrgell Wrecsam").ok());
  REQUIRE(store.put_consultation("library-hours", 2, kDefinition).ok());
  REQUIRE(store.set_offered("library-hours", false).ok());
  REQUIRE(store.set_feedback("library-hours", R"({"en":"We kept Saturday mornings"})").ok());
  return unsent;
}

// What soundings-sync --enrol leaves: the enrolment and one response of its own.
std::string fill_enrolled(const std::string& path) {
  auto device = Store::open(path);
  REQUIRE(device.ok());
  REQUIRE((*device)->set_setting(setting::kHubUrl, "https://hub.example.gov.uk").ok());
  REQUIRE((*device)->set_setting(setting::kDeviceToken, "token-from-hub").ok());
  REQUIRE((*device)->set_setting(setting::kDeviceId, "device-7").ok());
  const Response own = sample_response(1);
  REQUIRE((*device)->save(own).ok());
  return own.id;
}

bool legacy_renamed(const std::string& dir) {
  bool renamed = false;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("soundings.db.merged-", 0) == 0) renamed = true;
  }
  return renamed && !fs::exists(fs::path(dir) / "soundings.db");
}

}  // namespace

TEST_CASE("a data folder holding both store files is merged into device.sqlite, losing nothing", "[device-store]") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string data = dir.file("data");
  fs::create_directories(data);
  const std::vector<std::string> unsent = fill_legacy(data + "/soundings.db");
  const std::string own = fill_enrolled(data + "/device.sqlite");

  auto opened = open_device_store(data);
  REQUIRE(opened.ok());
  Store& store = **opened;
  CHECK(store.path() == device_store_path(data));
  CHECK(*store.response_count() == 4);  // its own, and the three the old kiosk had not sent
  for (const std::string& id : unsent) CHECK(store.find_response(id)->has_value());
  CHECK(store.find_response(own)->has_value());
  const OutboxCounts counts = *store.outbox_counts();
  CHECK(counts.pending == 3);
  CHECK(counts.needs_review == 1);
  const std::vector<OutboxItem> set_aside = *store.needs_review();
  REQUIRE(set_aside.size() == 1);
  CHECK(set_aside[0].id == unsent[1]);
  CHECK(set_aside[0].last_error == "conflict at head office");
  // Enrolment stays as soundings-sync made it; the kiosk's own settings come across.
  CHECK(*store.setting(setting::kDeviceToken) == std::optional<std::string>("token-from-hub"));
  CHECK(*store.setting(setting::kStaffPinHash) == std::optional<std::string>("$argon2id$legacy-pin"));
  CHECK(*store.setting(setting::kVenue) == std::optional<std::string>("Llyfrgell Wrecsam"));
  const auto cached = *store.consultation("library-hours", 2);
  REQUIRE(cached);
  CHECK_FALSE(cached->offered);
  CHECK(cached->feedback_json.find("Saturday") != std::string::npos);
  CHECK(legacy_renamed(data));
}

TEST_CASE("opening again after a merge changes nothing more", "[device-store]") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string data = dir.file("data");
  fs::create_directories(data);
  fill_legacy(data + "/soundings.db");
  REQUIRE(open_device_store(data).ok());
  auto again = open_device_store(data);
  REQUIRE(again.ok());
  CHECK(*(*again)->response_count() == 3);
}

TEST_CASE("a merge cut off half way by a power cut is finished on the next start, nothing doubled", "[device-store]") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string data = dir.file("data");
  fs::create_directories(data);
  const std::vector<std::string> unsent = fill_legacy(data + "/soundings.db");
  fill_enrolled(data + "/device.sqlite");

  // The child dies without any clean-up right after the first response is committed.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto into = Store::open(device_store_path(data));
    auto legacy = Store::open(data + "/soundings.db");
    if (!into || !legacy) ::_exit(2);
    (void)merge_legacy_store(**into, **legacy, [](int64_t copied) {
      if (copied == 1) ::_exit(0);
    });
    ::_exit(3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(fs::exists(fs::path(data) / "soundings.db"));

  auto opened = open_device_store(data);
  REQUIRE(opened.ok());
  CHECK(*(*opened)->response_count() == 4);
  for (const std::string& id : unsent) CHECK((*opened)->find_response(id)->has_value());
  CHECK((*opened)->outbox_counts()->pending + (*opened)->outbox_counts()->needs_review == 4);
  CHECK(legacy_renamed(data));
}

TEST_CASE("an old store file that cannot be read stops the start with a message naming it, changing nothing",
          "[device-store]") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string data = dir.file("data");
  fs::create_directories(data);
  write_bytes(data + "/soundings.db", std::string(4096, 'x'));
  auto opened = open_device_store(data);
  REQUIRE_FALSE(opened.ok());
  CHECK_THAT(opened.error().message, Catch::Contains("soundings.db") && Catch::Contains("older kiosk"));
  CHECK(read_bytes(data + "/soundings.db") == std::string(4096, 'x'));
}
