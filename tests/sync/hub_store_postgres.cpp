// Hub tests on PostgreSQL: the hub store on it (its schema, two hubs on one database, every answer as on SQLite).
//
// They run only when SOUNDINGS_TEST_POSTGRES holds the URL of a throwaway cluster's `postgres` database
// (tests/support/postgres-cluster.sh start DIR prints one); each test makes its own database there and
// drops it at the end. Without it every test here passes with a warning saying it was skipped (Catch2 2.x
// has no SKIP).
#include <cstdlib>
#include <latch>
#include <set>
#include <thread>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "must.h"
#include "hub_fixture.h"
#include "hub_schema_postgres.h"
#include "hub_store.h"
#include "soundings/database.h"
#include "soundings/sqlite.h"
#include "soundings/response.h"
#include "postgres_scratch.h"
#include "test_database.h"

using soundings::ErrorCode;
using soundings::testing::must;
namespace db = soundings::db;

using soundings::test::ScratchDatabase;
using soundings::test::count;
using soundings::test::skipped_without_cluster;


namespace {

using soundings::RecordKind;
using soundings::hub::DeviceRole;
namespace detail = soundings::hub::detail;

constexpr const char* kNow = "2026-06-01T09:00:00Z";

detail::BatchItem response_item(const std::string& id, const std::string& body) {
  detail::BatchItem item;
  item.record_id = id;
  item.consultation_id = "town-square";
  item.consultation_version = 1;
  item.submitted_at = "2026-05-31T10:00:00Z";
  item.canonical = body;
  item.kept = body;
  item.hash = std::string("\x00hash\xff", 6) + body;
  item.acceptable = true;
  return item;
}

std::vector<detail::BatchItem> fresh_batch(int size) {
  std::vector<detail::BatchItem> items;
  for (int i = 0; i < size; ++i) {
    const std::string id = soundings::make_uuid();
    items.push_back(response_item(id, "{\"id\":\"" + id + "\"}"));
  }
  return items;
}

std::vector<std::string> table_names(db::Connection& connection) {
  auto query = must(connection.prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"));
  std::vector<std::string> names;
  while (must(query.step("listing tables"))) names.push_back(query.text(0));
  return names;
}

}  // namespace

TEST_CASE("several hubs opening a new database at once make its schema once (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  constexpr int kHubs = 6;
  std::vector<soundings::Result<std::unique_ptr<detail::Store>>> opened;
  for (int i = 0; i < kHubs; ++i) opened.emplace_back(soundings::Error{});
  {
    std::vector<std::thread> hubs;
    for (int i = 0; i < kHubs; ++i) {
      hubs.emplace_back([&, i] { opened[i] = detail::Store::open_postgres(scratch.url(), 2); });
    }
    for (auto& hub : hubs) hub.join();
  }
  for (auto& store : opened) {
    INFO((store.ok() ? std::string() : store.error().message));
    REQUIRE(store.ok());
    CHECK((*store)->hub_id() == (*opened[0])->hub_id());  // one head office, whichever hub answers
    CHECK((*store)->dialect() == db::Dialect::PostgreSQL);
  }
  auto connection = scratch.connect();
  CHECK(count(*connection, "SELECT count(*) FROM soundings_hub_schema") == 1);
  CHECK(count(*connection, "SELECT max(version) FROM soundings_hub_schema") == 5);
  CHECK(table_names(*connection).size() == 20);
  // A hub opening it later finds it ready and changes nothing.
  REQUIRE(detail::Store::open_postgres(scratch.url()).ok());
  CHECK(count(*connection, "SELECT count(*) FROM meta") == 1);
}

TEST_CASE("a command that must not make a hub finds none in a database holding only the hub's empty tables, "
          "and writes nothing (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  // What a migrate that failed leaves behind: the schema, no rows. `status` there must not make it a hub
  // (a hub id, a sealing key), or the next migrate is refused as "already holds a hub".
  ScratchDatabase scratch;
  REQUIRE(detail::prepare_postgres_schema(*scratch.connect()).ok());
  const auto opened = detail::Store::open_postgres(scratch.url(), 2, false);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::NotFound);
  CHECK_THAT(opened.error().message, Catch::Contains("no hub in this database"));
  CHECK(count(*scratch.connect(), "SELECT count(*) FROM meta") == 0);
}

TEST_CASE("a database of another program, or of a newer hub, is refused and left unchanged "
          "(skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto connection = scratch.connect();
  REQUIRE(connection->exec("CREATE TABLE invoices (n BIGINT); INSERT INTO invoices VALUES (42)", "filling").ok());

  const auto foreign = detail::Store::open_postgres(scratch.url());
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().code == ErrorCode::Corrupt);
  CHECK_THAT(foreign.error().message, Catch::Contains("another program") && Catch::Contains("invoices") &&
                                          Catch::Contains("left untouched") && Catch::Contains(scratch.url()));
  CHECK(table_names(*connection) == std::vector<std::string>{"invoices"});
  CHECK(count(*connection, "SELECT n FROM invoices") == 42);

  REQUIRE(connection->exec("DROP TABLE invoices", "emptying").ok());
  REQUIRE(detail::Store::open_postgres(scratch.url()).ok());
  REQUIRE(connection->exec("UPDATE soundings_hub_schema SET version = 99", "aging the schema").ok());
  const auto tables = table_names(*connection);
  const auto newer = detail::Store::open_postgres(scratch.url());
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().code == ErrorCode::TooNew);
  CHECK_THAT(newer.error().message, Catch::Contains("newer version") && Catch::Contains("99"));
  CHECK(count(*connection, "SELECT version FROM soundings_hub_schema") == 99);
  CHECK(table_names(*connection) == tables);
}

TEST_CASE("two hubs committing the same batch at the same moment store it exactly once "
          "(skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto first = must(detail::Store::open_postgres(scratch.url(), 2));
  auto second = must(detail::Store::open_postgres(scratch.url(), 2));
  constexpr int kRounds = 10;
  constexpr int kItems = 40;
  const detail::QuarantineAllowance allowance;
  for (int round = 0; round < kRounds; ++round) {
    const auto items = fresh_batch(kItems);
    std::latch start(2);
    soundings::Result<detail::BatchOutcome> outcomes[2] = {soundings::Error{}, soundings::Error{}};
    const auto send = [&](detail::Store& hub, int which) {
      start.arrive_and_wait();
      outcomes[which] = hub.commit_batch("kiosk-1", items, kNow, allowance);
    };
    std::thread a(send, std::ref(*first), 0);
    std::thread b(send, std::ref(*second), 1);
    a.join();
    b.join();
    for (auto& outcome : outcomes) {
      INFO((outcome.ok() ? std::string() : outcome.error().message));
      REQUIRE(outcome.ok());
      REQUIRE(outcome->results.size() == kItems);
    }
    for (int i = 0; i < kItems; ++i) {
      std::multiset<detail::Fate> fates{outcomes[0]->results[i].fate, outcomes[1]->results[i].fate};
      CHECK(fates == std::multiset<detail::Fate>{detail::Fate::Stored, detail::Fate::Duplicate});
    }
  }
  CHECK(must(first->stored_count("")) == kRounds * kItems);
  CHECK(must(second->quarantine_count("")) == 0);
}

namespace {

// Everything the store answers, written out, for a scenario touching every query: the same on both databases.
class Transcript {
 public:
  template <typename T>
  void add(const std::string& what, const soundings::Result<T>& result, auto&& show) {
    text_ += what + ": " + (result.ok() ? show(*result) : failure(result.error())) + "\n";
  }
  void add(const std::string& what, const soundings::Status& status) {
    text_ += what + ": " + (status.ok() ? std::string("ok") : failure(status.error())) + "\n";
  }
  const std::string& text() const { return text_; }

 private:
  // Only the kind of failure: the two databases word their messages differently.
  static std::string failure(const soundings::Error& error) { return "error " + std::to_string(static_cast<int>(error.code)); }
  std::string text_;
};

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += "[" + part + "]";
  return out;
}

const auto show_count = [](int64_t n) { return std::to_string(n); };
const auto show_bool = [](bool b) { return std::string(b ? "true" : "false"); };

void consultations_and_feedback(detail::Store& store, Transcript& out) {
  for (const auto& [id, version] : std::vector<std::pair<std::string, int>>{{"town-square", 1}, {"town-square", 2},
                                                                              {"Bus-lanes", 1}, {"town-square", 2}}) {
    out.add("publish " + id, store.add_consultation({id, version, "{\"v\":" + std::to_string(version) + "}",
                                                     "2026-01-01", "2099-12-31", ""}, kNow));
  }
  out.add("latest", store.latest_version("town-square"), [](auto v) { return v ? std::to_string(*v) : "none"; });
  out.add("latest none", store.latest_version("nothing"), [](auto v) { return v ? std::to_string(*v) : "none"; });
  out.add("definition", store.definition("town-square", 1), [](auto d) { return d ? *d : "none"; });
  out.add("feedback", store.set_feedback("town-square", "{\"said\":1}", kNow));
  out.add("feedback again", store.set_feedback("town-square", "{\"said\":2}", kNow));
  out.add("consultations", store.latest_consultations(), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& c : list) parts.push_back(c.id + " " + std::to_string(c.version) + " " + c.definition + " " + c.feedback);
    return joined(parts);
  });
  out.add("versions", store.all_versions("town-square"), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& [version, definition] : list) parts.push_back(std::to_string(version) + definition);
    return joined(parts);
  });
}

void devices_and_enrolment(detail::Store& store, Transcript& out) {
  const std::string code("\x00\xff" "code", 6);
  out.add("code", store.add_enrol_code(code, "Library kiosk", kNow, 2000, DeviceRole::Kiosk));
  out.add("field code", store.add_enrol_code("field", "Tablet", kNow, 2000, DeviceRole::Field));
  out.add("old code", store.add_enrol_code("old", "Old", kNow, 10, DeviceRole::Kiosk));
  const auto show = [](const detail::Redemption& r) {
    return std::to_string(static_cast<int>(r.refusal)) + " " + soundings::hub::device_role_name(r.role);
  };
  out.add("redeem", store.redeem_enrol_code(code, 1000, kNow, "kiosk-1", std::string("\x00tok", 4), "lib"), show);
  out.add("redeem used", store.redeem_enrol_code(code, 1000, kNow, "kiosk-2", "tok2", "lib"), show);
  out.add("redeem old", store.redeem_enrol_code("old", 1000, kNow, "kiosk-3", "tok3", "old"), show);
  out.add("redeem unknown", store.redeem_enrol_code("nope", 1000, kNow, "kiosk-4", "tok4", "x"), show);
  out.add("redeem field", store.redeem_enrol_code("field", 1000, kNow, "tablet-1", "tok5", "t"), show);
  out.add("token", store.device_for_token(std::string("\x00tok", 4)), [](const auto& auth) {
    return auth ? auth->device_id + (auth->revoked ? " revoked " : " ") + soundings::hub::device_role_name(auth->role)
                : std::string("none");
  });
  out.add("contact", store.record_contact("kiosk-1", "2026-06-02T00:00:00Z"));
  out.add("heartbeat", store.record_heartbeat("kiosk-1", {7, "2026-05-30", "1.2.3", "town-square@2", 123456789012}, kNow));
  out.add("revoke", store.revoke("kiosk-1", kNow), show_bool);
  out.add("revoke none", store.revoke("nobody", kNow), show_bool);
  out.add("devices", store.devices(), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& d : list) {
      parts.push_back(d.device_id + " " + d.name + " " + d.enrolled_at + " " + d.last_contact_at + " " +
                      std::to_string(d.pending_on_device) + " " + d.oldest_pending_at + " " + d.app_version + " " +
                      d.consultation_versions + " " + std::to_string(d.free_disk_bytes) + " " +
                      (d.revoked ? "revoked " : "") + soundings::hub::device_role_name(d.role));
    }
    return joined(parts);
  });
}

void batches(detail::Store& store, Transcript& out) {
  const auto show = [](const detail::BatchOutcome& outcome) {
    std::vector<std::string> parts;
    for (const auto& result : outcome.results) parts.push_back(std::string(detail::fate_name(result.fate)) + " " + result.reason);
    return joined(parts) + (outcome.quarantine_full ? " full" : "");
  };
  const std::string a = "00000000-0000-4000-8000-00000000000a";
  const std::string b = "00000000-0000-4000-8000-00000000000b";
  auto rejected = response_item("00000000-0000-4000-8000-00000000000c", "{\"bad\":true}");
  rejected.acceptable = false;
  rejected.reason = "no such question";
  auto visit = response_item("00000000-0000-4000-8000-00000000000d", "{\"visit\":1}");
  visit.kind = RecordKind::Visit;
  visit.staff_id = "adam";
  visit.subject = "list-1";
  visit.door = "100";
  const detail::QuarantineAllowance allowance;
  out.add("batch", store.commit_batch("kiosk-1", {response_item(a, "{\"a\":1}"), response_item(b, "{\"b\":1}"), rejected, visit},
                                      kNow, allowance), show);
  out.add("batch again", store.commit_batch("kiosk-1", {response_item(a, "{\"a\":1}"), response_item(b, "{\"b\":2}"), rejected},
                                            "2026-06-01T10:00:00Z", allowance), show);
  out.add("over allowance", store.commit_batch("kiosk-1", {response_item(b, "{\"b\":3}")}, kNow, {1, 1}), show);
  out.add("stored", store.stored_count(""), show_count);
  out.add("stored of", store.stored_count("town-square"), show_count);
  out.add("quarantine", store.quarantine_count(""), show_count);
  out.add("ids", store.stored_ids(), [](const auto& ids) { return joined(ids); });
  out.add("responses", store.responses_of("town-square"), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& r : list) parts.push_back(r.id + " " + std::to_string(r.consultation_version) + " " + r.body);
    return joined(parts);
  });
  out.add("quarantined", store.quarantined(""), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& q : list) {
      parts.push_back(std::to_string(q.seq) + " " + q.kind + " " + q.response_id + " " + q.consultation_id + " " + q.reason +
                      " " + q.body + " " + q.received_from + " " + q.first_seen_at + " " + q.last_seen_at + " " +
                      std::to_string(q.times_seen) + " " + q.record_kind);
    }
    return joined(parts);
  });
  out.add("records", store.records_of(RecordKind::Visit), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& [id, body] : list) parts.push_back(id + body);
    return joined(parts);
  });
}

void staff_and_walk_lists(detail::Store& store, Transcript& out) {
  // Ids that a locale would sort otherwise than bytes do.
  for (const std::string id : {"adam", "Zed", "_x", "\xc3\xa9mile", "a b", "ab"}) {
    out.add("staff " + id, store.add_staff({{id, "Name " + id, kNow, ""}, "pin"}), show_bool);
  }
  out.add("staff again", store.add_staff({{"adam", "Other", kNow, ""}, "pin"}), show_bool);
  out.add("disable", store.disable_staff("Zed", kNow), show_bool);
  out.add("staff", store.staff(), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& s : list) parts.push_back(s.account.staff_id + " " + s.account.name + " " + s.account.disabled_at + " " + s.pin_hash);
    return joined(parts);
  });
  out.add("known", store.staff_known("_x"), show_bool);
  const std::vector<detail::ImportedDoor> doors{{{"200", "2 High St", "High St", "AB1", "North"}, 2},
                                                {{"100", "1 High St", "High St", "AB1", "North"}, 3}};
  out.add("list", store.add_walk_list({"list-1", "North walk", kNow, ""}, doors));
  out.add("list again", store.add_walk_list({"list-2", "North walk", kNow, ""}, doors));
  out.add("list b", store.add_walk_list({"list-3", "a south walk", kNow, ""}, {}));
  out.add("named", store.walk_list_named("North walk"), [](const auto& l) { return l ? l->id + " " + l->closed_at : "none"; });
  out.add("device", store.enrolled_device("tablet-1"), [](const auto& d) {
    return d ? d->name + (d->field ? " field" : "") + (d->revoked ? " revoked" : "") : "none";
  });
  out.add("assign", store.assign_walk_list("list-1", "tablet-1", kNow), show_bool);
  out.add("assign again", store.assign_walk_list("list-1", "tablet-1", kNow), show_bool);
  out.add("assign b", store.assign_walk_list("list-3", "tablet-1", kNow), show_bool);
  out.add("door", store.door_known("list-1", "100"), show_bool);
  out.add("open lists", store.open_walk_lists_for("tablet-1"), [](const auto& lists) {
    std::vector<std::string> parts;
    for (const auto& l : lists) {
      parts.push_back(l.id + " " + l.name);
      for (const auto& a : l.addresses) parts.push_back(a.uprn + " " + a.address + " " + a.street + " " + a.postcode + " " + a.ward);
    }
    return joined(parts);
  });
  out.add("close", store.close_walk_list("list-3", kNow), show_bool);
  out.add("close again", store.close_walk_list("list-3", kNow), show_bool);
  out.add("unassign", store.unassign_walk_list("list-1", "tablet-1"), show_bool);
  out.add("summaries", store.walk_list_summaries(), [](const auto& lists) {
    std::vector<std::string> parts;
    for (const auto& l : lists) {
      parts.push_back(l.id + " " + l.name + " " + l.closed_at + " " + std::to_string(l.doors));
      for (const auto& d : l.devices) parts.push_back(d.id + " " + d.name);
    }
    return joined(parts);
  });
  out.add("names", store.walk_list_names(), [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& [id, name] : list) parts.push_back(id + " " + name);
    return joined(parts);
  });
  const auto show_records = [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& r : list) parts.push_back(r.id + " " + r.kind + " " + r.staff_id + " " + r.subject + " " + r.door + " " + r.at + " " + r.body + " " + r.received_from);
    return joined(parts);
  };
  out.add("by subject", store.records_by_subject(RecordKind::Visit, ""), show_records);
  out.add("by list", store.records_by_subject(RecordKind::Visit, "list-1"), show_records);
  out.add("latest per staff", store.latest_record_per_staff(RecordKind::Visit), show_records);
}

std::string exercise(detail::Store& store) {
  Transcript out;
  consultations_and_feedback(store, out);
  devices_and_enrolment(store, out);
  batches(store, out);
  staff_and_walk_lists(store, out);
  out.add("key", store.claim_public_key("key-1"), [](const std::string& key) { return key; });
  out.add("key again", store.claim_public_key("key-2"), [](const std::string& key) { return key; });
  return out.text();
}

}  // namespace

TEST_CASE("the hub store answers every question as it does on SQLite (skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  hubtest::TempDir dir;
  auto on_sqlite = must(detail::Store::open((dir.path() / "hub.sqlite").string()));
  ScratchDatabase scratch;
  auto on_postgres = must(detail::Store::open_postgres(scratch.url()));
  const std::string expected = exercise(*on_sqlite);
  CHECK_THAT(expected, Catch::Contains("error"));  // the scenario does include refusals
  CHECK(exercise(*on_postgres) == expected);
}

TEST_CASE("one enrolment code redeemed through two hubs at the same moment enrols one device "
          "(skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto first = must(detail::Store::open_postgres(scratch.url(), 2));
  auto second = must(detail::Store::open_postgres(scratch.url(), 2));
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string code = "code-" + std::to_string(round);
    REQUIRE(first->add_enrol_code(code, "Kiosk", kNow, 2000, DeviceRole::Kiosk).ok());
    std::latch start(2);
    soundings::Result<detail::Redemption> redeemed[2] = {soundings::Error{}, soundings::Error{}};
    const auto redeem = [&](detail::Store& hub, int which) {
      start.arrive_and_wait();
      const std::string device = "kiosk-" + std::to_string(round) + "-" + std::to_string(which);
      redeemed[which] = hub.redeem_enrol_code(code, 1000, kNow, device, "token-" + device, "Kiosk");
    };
    std::thread a(redeem, std::ref(*first), 0);
    std::thread b(redeem, std::ref(*second), 1);
    a.join();
    b.join();
    REQUIRE(redeemed[0].ok());
    REQUIRE(redeemed[1].ok());
    std::multiset<detail::EnrolRefusal> refusals{redeemed[0]->refusal, redeemed[1]->refusal};
    CHECK(refusals == std::multiset<detail::EnrolRefusal>{detail::EnrolRefusal::None, detail::EnrolRefusal::Used});
  }
  CHECK(must(first->devices()).size() == kRounds);
}

namespace {

// Each "table.column", and each index, of a hub database: from SQLite's catalogue or PostgreSQL's.
std::set<std::string> rows_of(db::Connection& connection, const std::string& sql) {
  auto query = must(connection.prepare(sql));
  std::set<std::string> rows;
  while (must(query.step("reading the catalogue"))) rows.insert(query.text(0));
  return rows;
}

}  // namespace

TEST_CASE("the hub's tables, columns and indexes are the SQLite file's, every text compared bytewise "
          "(skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  hubtest::TempDir dir;
  const std::string path = (dir.path() / "hub.sqlite").string();
  REQUIRE(detail::Store::open(path).ok());
  auto file = db::wrap_sqlite(must(soundings::sqlite::Connection::open(path, {.create = false})));
  ScratchDatabase scratch;
  REQUIRE(detail::Store::open_postgres(scratch.url()).ok());
  auto server = scratch.connect();

  const auto sqlite_columns = rows_of(*file,
      "SELECT t.name || '.' || c.name FROM sqlite_schema t, pragma_table_info(t.name) c WHERE t.type = 'table'");
  auto postgres_columns = rows_of(*server,
      "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name <> 'soundings_hub_schema'");
  CHECK(postgres_columns == sqlite_columns);
  const auto sqlite_indexes = rows_of(*file,
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'");
  const auto postgres_indexes = rows_of(*server,
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' "
      "AND indexname NOT LIKE '%_key'");
  CHECK(postgres_indexes == sqlite_indexes);
  // Unique keys, "table(columns)": SQLite keeps quarantine's INTEGER PRIMARY KEY as the rowid, with no index.
  auto sqlite_keys = rows_of(*file,
      "SELECT m.name || '(' || (SELECT group_concat(i.name, ',') FROM pragma_index_info(l.name) i) || ')' "
      "FROM sqlite_schema m, pragma_index_list(m.name) l WHERE m.type = 'table' AND l.\"unique\" = 1");
  sqlite_keys.insert("quarantine(seq)");
  sqlite_keys.insert("audit_log(seq)");
  sqlite_keys.insert("quarantine_decisions(seq)");
  const auto postgres_keys = rows_of(*server,
      "SELECT c.conrelid::regclass::text || '(' || string_agg(a.attname, ',' ORDER BY k.n) || ')' "
      "FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, n) "
      "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
      "WHERE c.contype IN ('p', 'u') AND c.connamespace = current_schema()::regnamespace GROUP BY c.oid, c.conrelid");
  CHECK(postgres_keys == sqlite_keys);
  CHECK(count(*server, "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid::regclass::text IN "
                       "('quarantine', 'devices', 'enrol_codes')") == 3);
  CHECK(count(*server, "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
                       "AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'") == 0);
}

TEST_CASE("a hub whose database connections were all ended carries on at its next request, exactly "
          "(skipped without a cluster)",
          "[postgres]") {
  if (skipped_without_cluster()) return;
  ScratchDatabase scratch;
  auto store = must(detail::Store::open_postgres(scratch.url(), 2));
  const detail::QuarantineAllowance allowance;
  REQUIRE(store->commit_batch("kiosk-1", fresh_batch(10), kNow, allowance).ok());
  REQUIRE(must(store->stored_count("")) == 10);

  // As when PostgreSQL restarts: every connection of the hub is ended by the server.
  auto admin = scratch.connect();
  REQUIRE(admin->exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()", "ending the hub's connections").ok());
  // Idle connections the server ended are reset before use: the next request is served, not answered 503.
  const auto batch = fresh_batch(10);
  const auto stored = must(store->commit_batch("kiosk-1", batch, kNow, allowance));
  for (const auto& result : stored.results) CHECK(result.fate == detail::Fate::Stored);
  CHECK(must(store->stored_count("")) == 20);

  // A device that did not hear the answer sends the batch again: stored once.
  const auto resent = must(store->commit_batch("kiosk-1", batch, kNow, allowance));
  for (const auto& result : resent.results) CHECK(result.fate == detail::Fate::Duplicate);
  CHECK(must(store->stored_count("")) == 20);
}
