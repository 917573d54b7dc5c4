// Console tests: the hash-chained audit log — appends from several hubs, tampering caught, the CLI's
// entries, `soundings-hub audit verify`, and the /audit page with its twins.
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub_console_fixture.h"
#include "hub_fixture.h"
#include "must.h"
#include "test_database.h"

using consoletest::Browser;
using hubtest::ServedHub;
using soundings::testing::must;

namespace {

constexpr const char* kPassword = "correct horse battery";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::unique_ptr<soundings::hub::Hub> another_hub_on(const std::filesystem::path& data_dir) {
  soundings::hub::HubConfig config;
  config.data_dir = data_dir.string();
  soundings::test::use_test_database(config);
  return must(soundings::hub::Hub::open(config));
}

}  // namespace

TEST_CASE("the audit log chains its entries and verification catches a changed, removed or reordered entry",
          "[console]") {
  ServedHub served;
  auto& hub = served.hub();
  const auto empty = must(hub.verify_audit());
  CHECK(empty.intact);
  CHECK(empty.entries == 0);
  for (int i = 1; i <= 5; ++i) REQUIRE(hub.audit("cli", "publish", "town-square", "version " + std::to_string(i)));
  auto check = must(hub.verify_audit());
  CHECK(check.intact);
  CHECK(check.entries == 5);

  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM audit_log WHERE prev_hash = '" + std::string(64, '0') + "'") == 1);

  SECTION("a changed detail") {
    database.exec("UPDATE audit_log SET detail = 'version 9' WHERE seq = 3");
    check = must(hub.verify_audit());
    CHECK_FALSE(check.intact);
    CHECK(check.first_bad_seq == 3);
    CHECK(has(check.problem, "hash"));
  }
  SECTION("a changed entry whose hash was made again: the next link breaks") {
    database.exec("UPDATE audit_log SET hash = '" + std::string(64, 'f') + "' WHERE seq = 2");
    check = must(hub.verify_audit());
    CHECK_FALSE(check.intact);
    CHECK(check.first_bad_seq == 2);
  }
  SECTION("a removed entry") {
    database.exec("DELETE FROM audit_log WHERE seq = 4");
    check = must(hub.verify_audit());
    CHECK_FALSE(check.intact);
    CHECK(check.first_bad_seq == 4);
    CHECK(has(check.problem, "missing"));
  }
  SECTION("two entries swapped") {
    database.exec("UPDATE audit_log SET seq = 100 WHERE seq = 2");
    database.exec("UPDATE audit_log SET seq = 2 WHERE seq = 3");
    database.exec("UPDATE audit_log SET seq = 3 WHERE seq = 100");
    check = must(hub.verify_audit());
    CHECK_FALSE(check.intact);
    CHECK(check.first_bad_seq == 2);
  }
}

TEST_CASE("two hubs on one database appending to the audit log at once make one intact chain", "[console]") {
  ServedHub served;
  auto second = another_hub_on(served.data_dir());
  constexpr int kEach = 40;
  auto append = [](soundings::hub::Hub* hub, const std::string& who) {
    for (int i = 0; i < kEach; ++i) {
      if (!hub->audit(who, "export", "town-square", "entry " + std::to_string(i))) FAIL_CHECK("append failed");
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(append, &served.hub(), "hub one a");
  threads.emplace_back(append, second.get(), "hub two a");
  threads.emplace_back(append, &served.hub(), "hub one b");
  threads.emplace_back(append, second.get(), "hub two b");
  for (auto& thread : threads) thread.join();
  const auto check = must(second->verify_audit());
  INFO(check.problem);
  CHECK(check.intact);
  CHECK(check.entries == 4 * kEach);
  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM audit_log") == 4 * kEach);
  CHECK(database.integer("SELECT max(seq) FROM audit_log") == 4 * kEach);
}

TEST_CASE("the admin commands write the audit log as \"cli\" and soundings-hub audit verify checks it",
          "[console][cli]") {
  hubtest::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  REQUIRE(hubtest::run_hub({"publish", "--data", data, hubtest::data_file("town-square.json").string()}).exit_code == 0);
  REQUIRE(hubtest::run_hub({"enrol-code", "--data", data, "--name", "Library kiosk"}).exit_code == 0);
  const auto verified = hubtest::run_hub({"audit", "verify", "--data", data});
  INFO(verified.output);
  CHECK(verified.exit_code == 0);
  CHECK(has(verified.output, "audit log intact: 2 entries"));

  {
    soundings::test::HubDatabase database(data);
    auto rows = must(database->prepare("SELECT actor, action, subject FROM audit_log ORDER BY seq"));
    REQUIRE(must(rows.step()));
    CHECK(rows.text(0) == "cli");
    CHECK(rows.text(1) == "publish");
    CHECK(rows.text(2) == "town-square");
    REQUIRE(must(rows.step()));
    CHECK(rows.text(1) == "enrol_code");
    CHECK(rows.text(2) == "Library kiosk");
    database.exec("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 1");
  }
  const auto broken = hubtest::run_hub({"audit", "verify", "--data", data});
  CHECK(broken.exit_code == 1);
  CHECK(has(broken.output, "broken at entry 1"));
}

TEST_CASE("the audit page shows the log newest first with the chain's check, and answers as .csv and .json",
          "[console]") {
  ServedHub served;
  auto& hub = served.hub();
  REQUIRE(hub.add_console_user("admin@council.example", "admin", kPassword));
  REQUIRE(hub.add_console_user("officer@council.example", "officer", kPassword));
  for (int i = 0; i < 120; ++i) REQUIRE(hub.audit("cli", "export", "town-square", "<b>n" + std::to_string(i) + "</b>"));
  Browser admin(served.port(), consoletest::origin_of(served.port()));
  REQUIRE(admin.sign_in("admin@council.example", kPassword)->status == 303);
  // Two accounts, 120 exports, one sign-in: 123 entries.
  auto page = admin.get("/audit");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(has(page->body, "123"));
  CHECK(has(page->body, "Signed in"));  // the action in words; the twins keep the code "sign_in"
  CHECK_FALSE(has(page->body, "<b>n119</b>"));
  CHECK(has(page->body, "&lt;b&gt;n119&lt;/b&gt;"));
  CHECK(has(page->body, "href=\"/audit?before=24\""));
  const auto newest = page->body.find("n119");
  const auto older = page->body.find("n118");
  CHECK(newest < older);

  auto json = admin.get("/audit.json?before=24");
  REQUIRE(json);
  CHECK(json->status == 200);
  const auto entries = nlohmann::json::parse(json->body);
  REQUIRE(entries.size() == 23);
  CHECK(entries.front()["seq"] == 23);
  CHECK(entries.back()["seq"] == 1);
  CHECK(entries.back()["action"] == "user_add");
  auto csv = admin.get("/audit.csv");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->body.find("seq,at,actor,action,subject,detail,hash") <= 3);  // after a BOM, if any

  auto bad = admin.get("/audit?before=x");
  REQUIRE(bad);
  CHECK(bad->status == 400);

  soundings::test::HubDatabase database(served.data_dir());
  database.exec("UPDATE audit_log SET actor = 'someone else' WHERE seq = 7");
  page = admin.get("/audit");
  REQUIRE(page);
  CHECK(has(page->body, "role=\"alert\""));
  CHECK(has(page->body, " 7: "));

  Browser officer(served.port(), consoletest::origin_of(served.port()));
  REQUIRE(officer.sign_in("officer@council.example", kPassword)->status == 303);
  CHECK(officer.get("/audit")->status == 403);
  CHECK(officer.get("/audit.json")->status == 403);
}
