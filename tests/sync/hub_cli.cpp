// Hub tests: the soundings-hub command as staff and scripts use it — exit codes, messages, serve and stop.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/field_records.h"
#include "soundings/loader.h"
#include "soundings/sealing.h"
#include "test_database.h"

using hubtest::Run;
using hubtest::run_hub;
using nlohmann::json;

namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("soundings-hub publish refuses an invalid file with the loader's messages and publishes a valid one",
          "[hub][cli]") {
  hubtest::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  auto broken = json::parse(hubtest::town_square_json());
  broken["title"].erase("cy");
  broken["closes"] = "2027-13-45";
  const auto broken_path = dir.path() / "broken.json";
  std::ofstream(broken_path) << broken.dump(2);

  const Run refused = run_hub({"publish", "--data", data, broken_path.string()});
  CHECK(refused.exit_code == 1);
  const auto loaded = soundings::load_consultation_file(broken_path.string());
  REQUIRE(loaded.problems.size() >= 2);
  for (const auto& problem : loaded.problems) {
    INFO(refused.output);
    CHECK(refused.output.find(soundings::describe(problem)) != std::string::npos);
  }

  const std::string good = hubtest::data_file("town-square.json").string();
  const Run published = run_hub({"publish", "--data", data, good});
  CHECK(published.exit_code == 0);
  CHECK(published.output.find("published town-square version 1") != std::string::npos);

  const Run again = run_hub({"publish", "--data", data, good});
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("not higher than version 1") != std::string::npos);

  const Run empty_quarantine = run_hub({"quarantine", "--data", data});
  CHECK(empty_quarantine.exit_code == 0);
  CHECK(empty_quarantine.output.find("nothing in quarantine") != std::string::npos);

  const Run status = run_hub({"status", "--data", data});
  CHECK(status.exit_code == 0);
  CHECK(status.output.find("town-square") != std::string::npos);
  CHECK(status.output.find("open") != std::string::npos);
}

TEST_CASE("soundings-hub enrol-code prints on its last line a code that enrols one device", "[hub][cli]") {
  hubtest::ServedHub served;  // the command and the serving hub share the data folder
  const Run made = run_hub({"enrol-code", "--data", served.data_dir().string(), "--name", "Caffi'r Orsaf kiosk"});
  REQUIRE(made.exit_code == 0);
  const std::string code = made.last_line();
  CHECK(code.size() == 11);

  auto client = served.client();
  const auto first = client.Post("/api/v1/enrol", json{{"code", code}}.dump(), "application/json");
  REQUIRE(first);
  CHECK(first->status == 200);
  const auto second = client.Post("/api/v1/enrol", json{{"code", code}}.dump(), "application/json");
  REQUIRE(second);
  CHECK(second->status == 403);

  const Run devices = run_hub({"devices", "--data", served.data_dir().string()});
  CHECK(devices.exit_code == 0);
  CHECK(devices.output.find("Caffi'r Orsaf kiosk") != std::string::npos);
  const std::string device_id = json::parse(first->body)["device_id"];
  CHECK(devices.output.find(device_id) != std::string::npos);

  const Run revoked = run_hub({"revoke", "--data", served.data_dir().string(), device_id});
  CHECK(revoked.exit_code == 0);
  const auto refused = client.Get("/api/v1/consultations", hubtest::bearer(json::parse(first->body)["token"]));
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(run_hub({"revoke", "--data", served.data_dir().string(), "no-such-device"}).exit_code == 1);

  // A rejected item shows in the quarantine listing with its reason.
  const std::string other = served.enrol("Second kiosk");
  auto unknown = hubtest::good_response();
  unknown.consultation_id = "no-such-consultation";
  hubtest::post_batch(client, other, hubtest::batch_of({unknown}));
  const Run held = run_hub({"quarantine", "--data", served.data_dir().string(), "--bodies", "yes"});
  CHECK(held.exit_code == 0);
  CHECK(held.output.find("rejected") != std::string::npos);
  CHECK(held.output.find(unknown.id) != std::string::npos);
  CHECK(held.output.find("no consultation \"no-such-consultation\"") != std::string::npos);
}

TEST_CASE("soundings-hub export writes the CSV to a file and refuses an unknown consultation", "[hub][cli]") {
  hubtest::ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  auto response = hubtest::good_response();
  response.answers["comments"] = "Gwych, diolch — ŵ ŷ";
  int status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of({response}), &status);
  REQUIRE(status == 200);

  const auto csv_path = served.data_dir() / "export.csv";
  const Run exported = run_hub({"export", "--data", served.data_dir().string(), "--consultation", "town-square",
                                "--format", "csv", "--output", csv_path.string()});
  CHECK(exported.exit_code == 0);
  const std::string csv = read_all(csv_path);
  CHECK(csv.rfind("\xEF\xBB\xBF" "id,", 0) == 0);
  CHECK(csv.find(response.id) != std::string::npos);
  CHECK(csv.find("Gwych, diolch — ŵ ŷ") != std::string::npos);

  const Run json_export = run_hub(
      {"export", "--data", served.data_dir().string(), "--consultation", "town-square", "--format", "json"});
  CHECK(json_export.exit_code == 0);
  CHECK(json::parse(json_export.output).at(0)["id"] == response.id);

  const Run unknown = run_hub(
      {"export", "--data", served.data_dir().string(), "--consultation", "nowhere", "--format", "csv"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("nowhere") != std::string::npos);
}

namespace {

// A lone-working record `minutes_ago` by the system clock, which the soundings-hub program reads.
nlohmann::json check_in_minutes_ago(const std::string& staff_id, soundings::CheckInStatus status, int minutes_ago) {
  const std::string at = soundings::format_iso8601_utc(soundings::Clock::now() - std::chrono::minutes(minutes_ago));
  return soundings::check_in_to_json({1, soundings::make_uuid(), staff_id, "tablet-1", status, at, at});
}

}  // namespace

TEST_CASE("soundings-hub field exits 3 while an officer is overdue or missed a check-in, and 0 when all are fine",
          "[hub][cli][field]") {
  using soundings::CheckInStatus;
  hubtest::ServedHub served;
  const std::string data = served.data_dir().string();
  const std::string token = served.enrol("Field tablet");
  hubtest::insert_staff(served.data_dir(), "officer-1", "Siân Hughes");
  hubtest::post_record(served, token, "check_in", check_in_minutes_ago("officer-1", CheckInStatus::Ok, 10));
  const Run fine = run_hub({"field", "--data", data});
  CHECK(fine.exit_code == 0);
  CHECK(fine.output.find("Siân Hughes") != std::string::npos);
  CHECK(fine.output.find("fine since") != std::string::npos);

  // Ten minutes of silence is overdue against a five-minute allowance.
  const Run strict = run_hub({"field", "--data", data, "--overdue-after", "5"});
  CHECK(strict.exit_code == 3);
  CHECK(strict.output.find("OVERDUE") != std::string::npos);
  CHECK(strict.last_line() == "1 officer is OVERDUE: follow the lone-worker procedure now");

  hubtest::insert_staff(served.data_dir(), "officer-2", "Dafydd Rees");
  hubtest::post_record(served, token, "check_in", check_in_minutes_ago("officer-2", CheckInStatus::Missed, 1));
  const Run missed = run_hub({"field", "--data", data});
  CHECK(missed.exit_code == 3);
  CHECK(missed.output.find("missed the check-in") != std::string::npos);

  const Run bad = run_hub({"field", "--data", data, "--overdue-after", "0"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--overdue-after") != std::string::npos);
}

TEST_CASE("soundings-hub visits writes the door log as CSV to a file and refuses an unknown list", "[hub][cli][field]") {
  hubtest::ServedHub served;
  const std::string token = served.enrol("Field tablet");
  hubtest::insert_staff(served.data_dir(), "officer-1", "Siân Hughes");
  hubtest::insert_walk_list(served.data_dir(), "list-1", "Rhos North");
  hubtest::insert_walk_address(served.data_dir(), "list-1", "100023456789", "3 Ffordd Las");
  soundings::Visit visit;
  visit.id = soundings::make_uuid();
  visit.list_id = "list-1";
  visit.uprn = "100023456789";
  visit.outcome = soundings::VisitOutcome::CardLeft;
  visit.note = "Gadael cerdyn — ŵ";
  visit.staff_id = "officer-1";
  visit.device_id = "tablet-1";
  visit.visited_at = "2026-12-02T10:00:00Z";
  hubtest::post_record(served, token, "visit", soundings::visit_to_json(visit));

  const auto csv_path = served.data_dir() / "visits.csv";
  const Run written = run_hub({"visits", "--data", served.data_dir().string(), "--list", "Rhos North", "--output",
                               csv_path.string()});
  CHECK(written.exit_code == 0);
  const auto rows = hubtest::parse_csv(read_all(csv_path).substr(3));
  REQUIRE(rows.size() == 2);
  CHECK(rows[1] == std::vector<std::string>{"Rhos North", "100023456789", "card_left", "", "Gadael cerdyn — ŵ",
                                            "officer-1", "tablet-1", "2026-12-02T10:00:00Z", ""});
  const Run as_json = run_hub({"visits", "--data", served.data_dir().string(), "--format", "json"});
  CHECK(as_json.exit_code == 0);
  CHECK(json::parse(as_json.output).at(0)["uprn"] == "100023456789");

  const Run unknown = run_hub({"visits", "--data", served.data_dir().string(), "--list", "Nowhere"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("Nowhere") != std::string::npos);
}

TEST_CASE("soundings-hub reach writes counts of the sealed equality answers and refuses a bad threshold",
          "[hub][cli][reach]") {
  hubtest::ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 8; ++i) {  // 5 under 25, 1 over, 2 who did not say
    responses.push_back(hubtest::good_response());
    if (i >= 6) continue;
    responses.back().special = {{"age_band", {{"option", i < 5 ? "under_25" : "25_plus"}}}};
    REQUIRE(soundings::seal_response(responses.back(), served.hub().seal_public_key()));
  }
  int status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
  REQUIRE(status == 200);

  const auto csv_path = served.data_dir() / "reach.csv";
  const Run written = run_hub({"reach", "--data", served.data_dir().string(), "--consultation", "town-square",
                               "--output", csv_path.string()});
  CHECK(written.exit_code == 0);
  const std::string csv = read_all(csv_path);
  CHECK(csv.rfind("\xEF\xBB\xBF" "question_id,question,answer,responses\r\n", 0) == 0);
  CHECK(csv.find("age_band,What is your age?,Under 25,5\r\n") != std::string::npos);
  CHECK(csv.find("age_band,What is your age?,25 or over,<5\r\n") != std::string::npos);
  CHECK(csv.find("age_band,What is your age?,Not answered,<5\r\n") != std::string::npos);

  const Run welsh = run_hub({"reach", "--data", served.data_dir().string(), "--consultation", "town-square",
                             "--lang", "cy", "--min-count", "1"});
  CHECK(welsh.exit_code == 0);
  CHECK(welsh.output.find("age_band,Beth yw eich oedran?,25 neu hŷn,1\r\n") != std::string::npos);

  const Run zero = run_hub({"reach", "--data", served.data_dir().string(), "--consultation", "town-square",
                            "--min-count", "0"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.output.find("--min-count must be 1 or more") != std::string::npos);
  CHECK(run_hub({"reach", "--data", served.data_dir().string()}).exit_code == 2);
}

TEST_CASE("soundings-hub enrol-code takes --valid-hours from 1 to 8760 and refuses anything else", "[hub][cli]") {
  hubtest::TempDir dir;
  const std::string data = dir.path().string();
  {
    soundings::hub::HubConfig config;
    config.data_dir = data;
    soundings::test::use_test_database(config);
    REQUIRE(soundings::hub::Hub::open(config).ok());
  }
  for (const std::string hours : {"0", "-5", "8761", "99999999999999999999", "9223372036854775807", "12abc", "1e3"}) {
    INFO("--valid-hours " << hours);
    const Run refused = run_hub({"enrol-code", "--data", data, "--name", "Lobby", "--valid-hours", hours});
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("--valid-hours must be a whole number of hours from 1 to 8760") != std::string::npos);
  }
  CHECK(run_hub({"devices", "--data", data}).output.find("no devices enrolled") != std::string::npos);
  const Run year = run_hub({"enrol-code", "--data", data, "--name", "Lobby", "--valid-hours", "8760"});
  CHECK(year.exit_code == 0);
  CHECK(year.output.find("valid for 8760 hours") != std::string::npos);
  CHECK(year.last_line().size() == 11);
}

TEST_CASE("soundings-hub refuses bad usage with exit status 2 and says how to use it", "[hub][cli]") {
  hubtest::TempDir dir;
  const Run nothing = run_hub({});
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.output.find("usage:") != std::string::npos);
  CHECK(run_hub({"publish"}).exit_code == 2);
  CHECK(run_hub({"frobnicate", "--data", dir.path().string()}).exit_code == 2);
  CHECK(run_hub({"serve", "--data", dir.path().string(), "--listen", "nowhere"}).exit_code == 2);
  CHECK(run_hub({"help"}).exit_code == 0);
}

TEST_CASE("soundings-hub refuses an option its command does not take, naming it, and does nothing", "[hub][cli]") {
  hubtest::TempDir dir;
  const std::string data = dir.path().string();
  // A mistyped option must not run the command with its default (here: every officer, the default allowance).
  const Run mistyped = run_hub({"field", "--data", data, "--overdue", "30"});
  CHECK(mistyped.exit_code == 2);
  CHECK(mistyped.output.find("field takes no option --overdue") != std::string::npos);
  const Run misplaced = run_hub({"publish", "--data", data, "--consultation", "x", "file.json"});
  CHECK(misplaced.exit_code == 2);
  CHECK(misplaced.output.find("publish takes no option --consultation") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "hub.sqlite"));  // nothing was made
  const Run flag_elsewhere = run_hub({"devices", "--data", data, "--field"});
  CHECK(flag_elsewhere.exit_code == 2);
  CHECK(flag_elsewhere.output.find("devices takes no option --field") != std::string::npos);
}

TEST_CASE("soundings-hub serve answers health on the port it reports and stops on SIGTERM", "[hub][cli]") {
  hubtest::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::execl(SOUNDINGS_HUB_EXE, SOUNDINGS_HUB_EXE, "serve", "--data", data.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  // The first line names the address: "... serving API v1 on http://127.0.0.1:PORT (hub ...)".
  std::string line;
  char c = 0;
  while (line.find('\n') == std::string::npos && ::read(pipe_fds[0], &c, 1) == 1) line += c;
  const auto colon = line.find("127.0.0.1:");
  int port = 0;
  if (colon != std::string::npos) port = std::atoi(line.c_str() + colon + 10);
  INFO(line);
  CHECK(port > 0);

  if (port > 0) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5, 0);
    const auto health = client.Get("/api/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(json::parse(health->body)["service"] == "soundings-hub");
  }

  ::kill(pid, SIGTERM);
  int status = 0;
  pid_t ended = 0;
  for (int i = 0; i < 200 && ended == 0; ++i) {
    ended = ::waitpid(pid, &status, WNOHANG);
    if (ended == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (ended == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(pipe_fds[0]);
  CHECK(ended == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("soundings-hub commands other than serve and publish do not make a hub in a mistyped folder", "[hub][cli]") {
  hubtest::TempDir dir;
  const std::filesystem::path typo = dir.path() / "hubb";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"enrol-code", "--data", typo.string(), "--name", "Lobby"},
        {"status", "--data", typo.string()},
        {"export", "--data", typo.string(), "--consultation", "town-square", "--format", "csv"},
        {"devices", "--data", typo.string()}}) {
    INFO(args[0]);
    const Run refused = run_hub(args);
    CHECK(refused.exit_code == 1);
    // On PostgreSQL the folder's database exists (the test cluster made it) but holds no hub.
    const std::string expected =
        soundings::test::on_postgres() ? "no hub in this database" : typo.string() + ": no hub here";
    CHECK(refused.output.find(expected) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(typo / "hub.sqlite"));
    CHECK_FALSE(std::filesystem::exists(typo / "hub-keys.json"));
  }
}

TEST_CASE("soundings-hub walklist import lists bad lines and exits 2, then imports, assigns and reports coverage",
          "[hub][cli][walklists]") {
  hubtest::ServedHub served;
  const std::string data = served.data_dir().string();
  const auto bad = served.data_dir() / "bad.csv";
  std::ofstream(bad, std::ios::binary) << "uprn,address,street,postcode,ward\r\n"
                                          "1,\"1 Ffordd Llanfair, Gwersyllt\",Ffordd Llanfair,LL11 4AB,Gwersyllt\r\n"
                                          ",2 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB,Gwersyllt\r\n"
                                          "1,3 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB\r\n";
  const Run refused = run_hub({"walklist", "import", "--data", data, "--name", "Gwersyllt", bad.string()});
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("nothing from it was kept") != std::string::npos);
  CHECK(refused.output.find("line 3: uprn is missing") != std::string::npos);
  CHECK(refused.output.find("line 4: has 4 fields; the header has 5") != std::string::npos);
  CHECK(run_hub({"walklist", "list", "--data", data}).output.find("no walk lists") != std::string::npos);

  const auto good = served.data_dir() / "good.csv";
  std::ofstream(good, std::ios::binary) << "uprn,address,street,postcode,ward,notes\n"
                                           "1,\"Tŷ Gwyn, 1 Ffordd Llanfair\",Ffordd Llanfair,LL11 4AB,Gwersyllt,\n";
  const Run imported = run_hub({"walklist", "import", "--data", data, "--name", "Gwersyllt", good.string()});
  INFO(imported.output);
  CHECK(imported.exit_code == 0);
  CHECK(imported.output.find("imported walk list \"Gwersyllt\": 1 door,") != std::string::npos);
  CHECK(imported.output.find("columns not kept: notes") != std::string::npos);
  CHECK(run_hub({"walklist", "import", "--data", data, "--name", "Gwersyllt", good.string()}).exit_code == 2);

  served.enrol("Library kiosk");
  const Run kiosk = run_hub({"walklist", "assign", "--data", data, "--name", "Gwersyllt", "--device",
                             served.last_device_id()});
  CHECK(kiosk.exit_code == 2);
  CHECK(kiosk.output.find("is a kiosk") != std::string::npos);
  CHECK(run_hub({"walklist", "assign", "--data", data, "--name", "Gwersyllt"}).exit_code == 2);

  const auto report = served.data_dir() / "coverage.csv";
  const Run coverage = run_hub({"coverage", "--data", data, "--list", "Gwersyllt", "--output", report.string()});
  CHECK(coverage.exit_code == 0);
  const auto rows = hubtest::parse_csv(read_all(report).substr(3));
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][0] == "Ffordd Llanfair");
  CHECK(rows[1][1] == "1");
  CHECK(run_hub({"coverage", "--data", data, "--list", "Nowhere"}).exit_code == 1);

  const Run closed = run_hub({"walklist", "close", "--data", data, "--name", "Gwersyllt"});
  CHECK(closed.exit_code == 0);
  CHECK(run_hub({"walklist", "list", "--data", data}).output.find("closed") != std::string::npos);
}
