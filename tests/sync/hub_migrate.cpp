// Hub tests: soundings-hub migrate copies a SQLite hub into an empty PostgreSQL database, checks the copy, and the
// hub on PostgreSQL carries on where the SQLite one stopped.
//
// The [postgres] tests run only when SOUNDINGS_TEST_POSTGRES holds the URL of a throwaway cluster's `postgres`
// database (tests/support/postgres-cluster.sh start DIR prints one); each makes its own database and drops it.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"
#include "soundings/database.h"
#include "soundings/device_store.h"
#include "soundings/store.h"
#include "soundings/sync_agent.h"
#include "soundings/field_records.h"
#include "soundings/sqlite.h"
#include "test_database.h"

using hubtest::ServedHub;
using nlohmann::json;
using soundings::testing::must;
namespace hub = soundings::hub;

namespace {

// An empty database of its own on the test cluster, dropped when it goes.
class TargetDatabase {
 public:
  TargetDatabase() : url_(soundings::test::make_empty_database(hint_)) {}
  ~TargetDatabase() { soundings::test::forget_test_database(hint_); }
  TargetDatabase(const TargetDatabase&) = delete;
  TargetDatabase& operator=(const TargetDatabase&) = delete;
  const std::string& url() const { return url_; }
  std::unique_ptr<soundings::db::Connection> connect() const { return must(soundings::db::open_postgres(url_)); }

 private:
  std::string hint_ = "migrate-" + soundings::make_uuid();
  std::string url_;
};

// True when the suite has a throwaway PostgreSQL cluster; otherwise the test is skipped with a warning.
bool have_postgres() {
  if (soundings::test::on_postgres()) return true;
  WARN("SKIPPED: set SOUNDINGS_TEST_POSTGRES to a throwaway PostgreSQL cluster's URL to run this test");
  return false;
}

const std::vector<std::string> kHubTables = {
    "meta",          "consultations",    "feedback",         "devices",
    "enrol_codes",   "responses",        "quarantine",       "records",
    "staff",         "walk_lists",       "walk_addresses",   "walk_assignments",
    "console_users", "console_sessions", "console_sign_in_failures", "audit_log",
    "quarantine_decisions", "response_corrections", "response_texts"};

const std::string kWalkList =
    "ward,uprn,address,street,postcode\r\n"
    "Gwersyllt,10001,\"Tŷ Gwyn, 1 Ffordd Llanfair\",Ffordd Llanfair,LL11 4AB\r\n"
    "Gwersyllt,10002,2 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB\r\n";

json post_one(httplib::Client& client, const std::string& token, const json& item) {
  int status = 0;
  const json answer = hubtest::post_batch(client, token, json{{"responses", {item}}}, &status);
  REQUIRE(status == 200);
  return answer.at("results").at(0);
}

json visit_at(const std::string& list_id, const std::string& uprn, const std::string& note) {
  soundings::Visit visit;
  visit.id = soundings::make_uuid();
  visit.list_id = list_id;
  visit.uprn = uprn;
  visit.outcome = soundings::VisitOutcome::Completed;
  visit.note = note;
  visit.staff_id = "officer-1";
  visit.device_id = "tablet-1";
  visit.visited_at = "2026-12-02T10:00:00Z";
  return soundings::visit_to_json(visit);
}

// A hub with something in every table: devices (one revoked), a spare enrolment code, responses, a conflict
// and a rejected item, feedback, an officer, walk lists (one closed) assigned to a tablet, and field records.
struct FilledHub {
  ServedHub served{{}, ServedHub::Storage::SqliteFile};
  std::string kiosk_token;
  std::vector<soundings::Response> responses;

  FilledHub() {
    auto client = served.client();
    kiosk_token = served.enrol("Llyfrgell Wrecsam");
    const std::string tablet_token = served.enrol("Tablet 1", hub::DeviceRole::Field);
    const std::string tablet_id = served.last_device_id();
    served.enrol("Lost kiosk");
    REQUIRE(served.hub().revoke(served.last_device_id()));
    REQUIRE(served.hub().make_enrol_code("Spare kiosk").ok());
    for (int i = 0; i < 5; ++i) responses.push_back(hubtest::good_response());
    REQUIRE(hubtest::post_batch(client, kiosk_token, hubtest::batch_of(responses))["results"].size() == 5);
    auto changed = responses[0];
    changed.answers["comments"] = "Newid meddwl";
    REQUIRE(post_one(client, kiosk_token, soundings::response_to_json(changed))["status"] == "conflict");
    auto unknown = hubtest::good_response();
    unknown.consultation_id = "no-such-consultation";
    REQUIRE(post_one(client, kiosk_token, soundings::response_to_json(unknown))["status"] == "rejected");
    REQUIRE(served.hub().publish_feedback("town-square", R"({"you_said": {"cy": "Mwy o goed", "en": "More trees"},
        "we_did": {"cy": "Deuddeg coeden", "en": "Twelve trees"}, "how_connected": {"cy": "Y Cabinet", "en": "Cabinet"},
        "published": "2026-03-01"})"));
    REQUIRE(served.hub().add_staff("officer-1", "Siân Hughes", "correct-horse-1"));
    const auto list = must(served.hub().import_walk_list("Gwersyllt north", kWalkList));
    REQUIRE(list.problems.empty());
    REQUIRE(must(served.hub().import_walk_list("Acton", kWalkList)).problems.empty());
    REQUIRE(served.hub().close_walk_list("Acton"));
    REQUIRE(served.hub().assign_walk_list("Gwersyllt north", tablet_id));
    hubtest::post_record(served, tablet_token, "visit", visit_at(list.id, "10001", "Ci yn yr ardd, \"gofal\""));
    hubtest::post_record(served, tablet_token, "check_in",
                         soundings::check_in_to_json({1, soundings::make_uuid(), "officer-1", "tablet-1",
                                                      soundings::CheckInStatus::Ok, "2026-12-02T10:05:00Z",
                                                      "2026-12-02T10:05:00Z"}));
    hubtest::post_record(served, tablet_token, "sign_in",
                         soundings::sign_in_to_json({1, soundings::make_uuid(), "officer-1", "tablet-1",
                                                     soundings::SignInEvent::SignedIn, "2026-12-02T09:00:00Z"}));
    // The console's tables (issue 12), as its sign-in, audit and quarantine decisions leave them.
    auto file = must(soundings::sqlite::Connection::open((served.data_dir() / "hub.sqlite").string(), {}));
    REQUIRE(file.exec(
        "INSERT INTO console_users VALUES ('siân@example.gov.uk', 'officer', '$argon2id$v=19$m=65536,t=2,p=1$x', "
        "'2026-12-01T09:00:00Z', NULL);"
        "INSERT INTO console_sessions VALUES (x'0102', 'siân@example.gov.uk', 'csrf-token', 1764666000, 1764666060);"
        "INSERT INTO console_sign_in_failures VALUES ('nobody@example.gov.uk', 2, 1764666000, 1764666002);"
        "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES "
        "('2026-12-01T09:00:00Z', 'siân@example.gov.uk', 'sign_in', '', '', '', 'aa'), "
        "('2026-12-01T09:01:00Z', 'siân@example.gov.uk', 'export', 'town-square', 'csv', 'aa', 'bb');"
        "INSERT INTO quarantine_decisions SELECT min(seq), 'released', 'siân@example.gov.uk', '2026-12-01T09:02:00Z', "
        "'Newid meddwl, wedi'' gadarnhau', response_id, received_from FROM quarantine WHERE kind = 'conflict';"
        "INSERT INTO response_corrections SELECT response_id, body, seq, 'siân@example.gov.uk', '2026-12-01T09:02:00Z', "
        "'Newid meddwl' FROM quarantine WHERE kind = 'conflict';",
        "planting the console's rows").ok());
  }
};

// A hub serving from the PostgreSQL database, with the SQLite hub's key file (its data folder).
std::unique_ptr<hub::Hub> hub_on(const std::filesystem::path& key_folder, const std::string& url,
                                 bool create = false) {
  hub::HubConfig config;
  config.data_dir = key_folder.string();
  config.database = url;
  config.create = create;
  return must(hub::Hub::open(config));
}

std::map<std::string, int64_t> row_counts(soundings::db::Connection& connection) {
  std::map<std::string, int64_t> counts;
  for (const auto& table : kHubTables) {
    counts[table] = must(connection.integer("SELECT count(*) FROM " + table, "counting " + table));
  }
  return counts;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string quarantine_text(hub::Hub& from) {
  std::string text;
  for (const auto& item : must(from.quarantined())) {
    text += std::to_string(item.seq) + " " + item.kind + " " + item.record_kind + " " + item.response_id + " " +
            item.consultation_id + " " + item.reason + " " + item.body + " " + item.received_from + " " +
            item.first_seen_at + " " + item.last_seen_at + " " + std::to_string(item.times_seen) + "\n";
  }
  return text;
}

std::string devices_text(hub::Hub& from) {
  std::string text;
  for (const auto& device : must(from.devices())) {
    text += device.device_id + " " + device.name + " " + device.enrolled_at + " " + device.last_contact_at + " " +
            (device.revoked ? "revoked " : "") + hub::device_role_name(device.role) + "\n";
  }
  return text;
}

std::string field_text(hub::Hub& from) {
  std::string text;
  for (const auto& account : must(from.staff())) {
    text += account.staff_id + " " + account.name + " " + account.created_at + "\n";
  }
  for (const auto& list : must(from.walk_lists())) {
    text += list.id + " " + list.name + " " + list.imported_at + " " + list.closed_at + " " +
            std::to_string(list.doors) + " " + std::to_string(list.devices.size()) + "\n";
  }
  for (const auto& consultation : must(from.consultations())) {
    text += consultation.id + " " + std::to_string(consultation.version) + " " +
            (consultation.has_feedback ? "feedback " : "") + std::to_string(consultation.stored) + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("migrate refuses a folder without a hub, a file that is not a hub's, and an old schema, changing nothing",
          "[hub][migrate]") {
  const std::string nowhere = "postgresql:///postgres?host=/nonexistent-soundings-socket-folder";
  hubtest::TempDir dir;
  const auto none = hubtest::run_hub({"migrate", "--data", dir.path().string(), "--to", nowhere});
  CHECK(none.exit_code == 1);  // as every command on a folder without a hub
  CHECK(none.output.find("no hub here") != std::string::npos);

  {
    auto foreign = must(soundings::sqlite::Connection::open((dir.path() / "hub.sqlite").string(), {}));
    REQUIRE(foreign.exec("CREATE TABLE shopping (item TEXT)", "making another program's file").ok());
  }
  const std::string before = read_file(dir.path() / "hub.sqlite");
  const auto foreign = hubtest::run_hub({"migrate", "--data", dir.path().string(), "--to", nowhere});
  CHECK(foreign.exit_code == 1);
  CHECK(foreign.output.find("not a Soundings hub database") != std::string::npos);
  CHECK(read_file(dir.path() / "hub.sqlite") == before);

  hubtest::TempDir old;
  {
    hub::HubConfig config;
    config.data_dir = old.path().string();
    REQUIRE(hub::Hub::open(config).ok());
  }
  {
    auto file = must(soundings::sqlite::Connection::open((old.path() / "hub.sqlite").string(), {}));
    REQUIRE(file.exec("PRAGMA user_version = 2", "pretending to be an older hub").ok());
  }
  const auto outdated = hubtest::run_hub({"migrate", "--data", old.path().string(), "--to", nowhere});
  CHECK(outdated.exit_code == 2);
  CHECK(outdated.output.find("run the hub once") != std::string::npos);
  CHECK(outdated.output.find("soundings-hub status --data") != std::string::npos);

  const auto no_target = hubtest::run_hub({"migrate", "--data", old.path().string()});
  CHECK(no_target.exit_code == 2);
  CHECK(no_target.output.find("--to postgresql://") != std::string::npos);
}

TEST_CASE("a hub with every kind of data migrates, and the hub on PostgreSQL exports the same bytes",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  FilledHub filled;
  TargetDatabase target;
  hub::Hub& before = filled.served.hub();

  const auto report = must(hub::migrate_to_postgres(filled.served.data_dir().string(), target.url()));
  REQUIRE(report.tables.size() == kHubTables.size());
  for (size_t i = 0; i < kHubTables.size(); ++i) {
    INFO(report.tables[i].table);
    CHECK(report.tables[i].table == kHubTables[i]);
    CHECK(report.tables[i].same());
    CHECK(report.tables[i].source_rows > 0);  // every table had something to copy
  }
  CHECK(report.all_same());
  CHECK(report.key_file_found);

  auto after = hub_on(filled.served.data_dir(), target.url());
  CHECK(after->hub_id() == before.hub_id());
  CHECK(after->seal_public_key() == before.seal_public_key());
  for (const std::string format : {"csv", "json"}) {
    INFO(format);
    CHECK(must(after->export_responses("town-square", format)) == must(before.export_responses("town-square", format)));
    CHECK(must(after->export_visits("", format)) == must(before.export_visits("", format)));
  }
  CHECK(must(after->coverage_csv("Gwersyllt north")) == must(before.coverage_csv("Gwersyllt north")));
  CHECK(must(after->reach_report("town-square")) == must(before.reach_report("town-square")));
  CHECK(quarantine_text(*after) == quarantine_text(before));
  CHECK(devices_text(*after) == devices_text(before));
  CHECK(field_text(*after) == field_text(before));
  CHECK(must(after->stored_ids()) == must(before.stored_ids()));
}

TEST_CASE("migrate into a database that holds a hub is refused, naming what it found, and changes nothing",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  FilledHub filled;
  const std::string data = filled.served.data_dir().string();

  TargetDatabase target;
  const auto first = hubtest::run_hub({"migrate", "--data", data, "--to", target.url()});
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK(first.output.find("responses") != std::string::npos);
  CHECK(first.output.find("DIFFERS") == std::string::npos);
  CHECK(first.output.find("copy it to the --data folder of every hub") != std::string::npos);
  auto look = target.connect();
  const auto counts = row_counts(*look);
  CHECK(counts.at("responses") == 5);
  const std::string exported = must(hub_on(data, target.url())->export_responses("town-square", "json"));

  const auto second = hubtest::run_hub({"migrate", "--data", data, "--to", target.url()});
  INFO(second.output);
  CHECK(second.exit_code == 2);
  CHECK(second.output.find("migrate copies into an empty database only") != std::string::npos);
  CHECK(second.output.find("responses 5 rows") != std::string::npos);
  CHECK(row_counts(*look) == counts);
  CHECK(must(hub_on(data, target.url())->export_responses("town-square", "json")) == exported);

  // A hub that has only started on a database has written its id: that is a hub too.
  TargetDatabase started;
  { auto fresh = hub_on(data, started.url(), true); }
  const auto onto_started = hubtest::run_hub({"migrate", "--data", data, "--to", started.url()});
  INFO(onto_started.output);
  CHECK(onto_started.exit_code == 2);
  CHECK(onto_started.output.find("already holds a hub (meta") != std::string::npos);
  CHECK(row_counts(*started.connect()).at("responses") == 0);
}

TEST_CASE("a device enrolled on the SQLite hub goes on syncing with its token to the hub on PostgreSQL",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  FilledHub filled;
  TargetDatabase target;
  const auto copied = must(filled.served.hub().quarantined());
  REQUIRE(must(hub::migrate_to_postgres(filled.served.data_dir().string(), target.url())).all_same());
  filled.served.hub().stop();

  auto moved = hub_on(filled.served.data_dir(), target.url());
  const int port = must(moved->listen("127.0.0.1", 0));
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  const auto health = client.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(json::parse(health->body)["hub_id"] == filled.served.hub().hub_id());

  // The same batch again is all duplicates; new responses are stored; a changed resend is a conflict.
  const json again = hubtest::post_batch(client, filled.kiosk_token, hubtest::batch_of(filled.responses));
  REQUIRE(again["results"].size() == 5);
  for (const auto& result : again["results"]) CHECK(result["status"] == "duplicate");
  const auto more = std::vector<soundings::Response>{hubtest::good_response(), hubtest::good_response()};
  for (const auto& result : hubtest::post_batch(client, filled.kiosk_token, hubtest::batch_of(more))["results"]) {
    CHECK(result["status"] == "stored");
  }
  auto changed = filled.responses[1];
  changed.answers["rating"] = 2;
  CHECK(post_one(client, filled.kiosk_token, soundings::response_to_json(changed))["status"] == "conflict");
  CHECK(must(moved->stored_count()) == 7);

  // The new quarantined item is numbered after the copied ones.
  const auto held = must(moved->quarantined());
  REQUIRE(held.size() == copied.size() + 1);
  CHECK(held.back().seq > copied.back().seq);
  moved->stop();
}

TEST_CASE("a kiosk's sync agent enrolled with the SQLite hub delivers to the hub on PostgreSQL as before",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  ServedHub served{{}, ServedHub::Storage::SqliteFile};
  hubtest::TempDir device_dir;
  auto device = must(soundings::Store::open((device_dir.path() / soundings::kDeviceStoreFile).string()));
  soundings::sync::AgentConfig config;
  config.connect_timeout = std::chrono::seconds(2);
  config.request_timeout = std::chrono::seconds(10);
  const std::string code = must(served.hub().make_enrol_code("Llyfrgell Wrecsam"));
  REQUIRE(soundings::sync::enrol(*device, "http://127.0.0.1:" + std::to_string(served.port()), code,
                                 "Llyfrgell Wrecsam", config));
  const std::string device_id = must(device->setting(soundings::setting::kDeviceId)).value_or("");
  REQUIRE(device->save(hubtest::good_response(device_id)));
  REQUIRE(soundings::sync::SyncAgent(*device, config).run_once().pushed == 1);

  TargetDatabase target;
  REQUIRE(must(hub::migrate_to_postgres(served.data_dir().string(), target.url())).all_same());
  served.hub().stop();
  auto moved = hub_on(served.data_dir(), target.url());
  const int port = must(moved->listen("127.0.0.1", 0));

  // The device keeps its token and the hub id it enrolled with; only the hub's address changed.
  REQUIRE(device->save(hubtest::good_response(device_id)));
  config.hub_url_override = "http://127.0.0.1:" + std::to_string(port);
  const auto outcome = soundings::sync::SyncAgent(*device, config).run_once();
  INFO(outcome.error);
  CHECK(outcome.error.empty());
  CHECK(outcome.reached_hub);
  CHECK(outcome.pushed == 1);
  CHECK(outcome.waiting == 0);
  CHECK(must(moved->stored_count()) == 2);
  moved->stop();
}

TEST_CASE("a copy that differs from the hub file is caught by the check, which names the table",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  FilledHub filled;
  TargetDatabase target;
  hub::MigrateOptions alter;
  alter.before_commit = [](soundings::db::Connection& copy) -> soundings::Status {
    auto changed = copy.prepare(
        "UPDATE responses SET body = replace(body, 'trees', 'roads') WHERE id = (SELECT min(id) FROM responses)");
    if (!changed) return changed.error();
    return changed->run("altering one copied response");
  };
  const auto report = must(hub::migrate_to_postgres(filled.served.data_dir().string(), target.url(), alter));
  CHECK_FALSE(report.all_same());
  CHECK(report.differing() == std::vector<std::string>{"responses"});
  for (const auto& check : report.tables) {
    if (check.table != "responses") continue;
    CHECK(check.source_rows == check.target_rows);
    CHECK(check.source_hash != check.target_hash);
  }

  // The command says so: exit 1, the table marked and named, and no word that the copy is good.
  TargetDatabase again;
  std::ostringstream out;
  std::ostringstream err;
  CHECK(hub::run_migrate_command(filled.served.data_dir().string(), again.url(), out, err, alter) == 1);
  INFO(out.str() + err.str());
  CHECK(out.str().find("DIFFERS") != std::string::npos);
  CHECK(err.str().find("differs from " + filled.served.data_dir().string() + "/hub.sqlite in: responses.") !=
        std::string::npos);
  CHECK(out.str().find("copied and checked") == std::string::npos);
}

TEST_CASE("a copy that fails half way leaves the target empty, and a later run copies it whole",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  FilledHub filled;
  TargetDatabase target;
  hub::MigrateOptions failing;
  failing.before_commit = [](soundings::db::Connection&) -> soundings::Status {
    return soundings::Error{soundings::ErrorCode::Storage, "the server went away"};
  };
  const auto failed = hub::migrate_to_postgres(filled.served.data_dir().string(), target.url(), failing);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message.find("the server went away") != std::string::npos);
  for (const auto& [table, rows] : row_counts(*target.connect())) {
    INFO(table);
    CHECK(rows == 0);
  }
  CHECK(must(hub::migrate_to_postgres(filled.served.data_dir().string(), target.url())).all_same());
}

TEST_CASE("text PostgreSQL cannot hold is refused naming its table, row and column, and the target stays empty",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  // An older hub quarantined reasons cut inside a character, and SQLite keeps a NUL byte in text.
  FilledHub filled;
  TargetDatabase target;
  {
    auto file = must(soundings::sqlite::Connection::open((filled.served.data_dir() / "hub.sqlite").string(), {}));
    REQUIRE(file.exec("UPDATE quarantine SET reason = reason || char(0) || 'x' WHERE seq = (SELECT max(seq) FROM quarantine)",
                      "planting a NUL").ok());
  }
  const auto seq = must(soundings::sqlite::Connection::open((filled.served.data_dir() / "hub.sqlite").string(), {}))
                       .integer("SELECT max(seq) FROM quarantine", "counting");
  REQUIRE(seq);
  const auto failed = hub::migrate_to_postgres(filled.served.data_dir().string(), target.url());
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error().message, Catch::Contains("quarantine row seq = " + std::to_string(*seq)) &&
                                         Catch::Contains("reason") && Catch::Contains("nothing was copied"));
  for (const auto& [table, rows] : row_counts(*target.connect())) {
    INFO(table);
    CHECK(rows == 0);
  }
}

TEST_CASE("a response that reaches the SQLite hub while it is being copied is reported, not lost silently",
          "[postgres][migrate]") {
  if (!have_postgres()) return;
  FilledHub filled;
  TargetDatabase target;
  hub::MigrateOptions meanwhile;
  meanwhile.before_commit = [&filled](soundings::db::Connection&) -> soundings::Status {
    auto client = filled.served.client();
    CHECK(post_one(client, filled.kiosk_token, soundings::response_to_json(hubtest::good_response()))["status"] ==
          "stored");
    return soundings::Status::success();
  };
  const auto report = must(hub::migrate_to_postgres(filled.served.data_dir().string(), target.url(), meanwhile));
  CHECK(report.source_changed);
  CHECK(report.all_same());  // the copy is of the file as it was when the copy began
  CHECK(must(filled.served.hub().stored_count()) == 6);
  CHECK(must(target.connect()->integer("SELECT count(*) FROM responses", "counting")) == 5);

  TargetDatabase quiet;
  CHECK_FALSE(must(hub::migrate_to_postgres(filled.served.data_dir().string(), quiet.url())).source_changed);
}
