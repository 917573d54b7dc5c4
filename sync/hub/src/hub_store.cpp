// The hub store: schema, batch ingest in one transaction, published consultations and figures.
#include "hub_store.h"

#include <sqlite3.h>

#include "soundings/response.h"

namespace soundings::hub::detail {

namespace {

// "SnHb": marks the file as a hub database so that a device store or a stray file is refused.
constexpr int64_t kApplicationId = 0x536e4862;
constexpr int64_t kSchemaVersion = 1;
// WAL pages (4 KiB each) after which the checkpointer copies the WAL into the database.
constexpr int kCheckpointPages = 1000;
// WAL pages after which the writer itself completes the checkpoint (about 40 MiB).
constexpr int kWriterCheckpointPages = 10000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consultations (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  opens TEXT NOT NULL,
  closes TEXT NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS feedback (
  consultation_id TEXT PRIMARY KEY,
  feedback TEXT NOT NULL,
  published_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  reported_name TEXT NOT NULL DEFAULT '',
  token_hash BLOB NOT NULL UNIQUE,
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT,
  last_contact_at TEXT NOT NULL DEFAULT '',
  pending INTEGER NOT NULL DEFAULT 0,
  oldest_pending_at TEXT NOT NULL DEFAULT '',
  app_version TEXT NOT NULL DEFAULT '',
  consultation_versions TEXT NOT NULL DEFAULT '',
  free_disk_bytes INTEGER NOT NULL DEFAULT -1
);
CREATE TABLE IF NOT EXISTS enrol_codes (
  code_hash BLOB PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_epoch INTEGER NOT NULL,
  used_at TEXT,
  device_id TEXT
);
CREATE TABLE IF NOT EXISTS responses (
  id TEXT PRIMARY KEY,
  consultation_id TEXT NOT NULL,
  consultation_version INTEGER NOT NULL,
  submitted_at TEXT NOT NULL,
  body TEXT NOT NULL,
  body_hash BLOB NOT NULL,
  received_from TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_by_consultation ON responses (consultation_id, submitted_at, id);
CREATE TABLE IF NOT EXISTS quarantine (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('conflict', 'rejected')),
  response_id TEXT NOT NULL,
  consultation_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  body_hash BLOB NOT NULL UNIQUE,
  received_from TEXT NOT NULL,
  received_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  times_seen INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS quarantine_by_consultation ON quarantine (consultation_id);
CREATE INDEX IF NOT EXISTS quarantine_by_device ON quarantine (received_from);
)sql";

int64_t pragma_value(Connection& connection, const char* pragma) {
  Statement statement(connection, std::string("PRAGMA ") + pragma);
  return statement.step() ? statement.int64(0) : 0;
}

}  // namespace

const char* fate_name(Fate fate) {
  switch (fate) {
    case Fate::Stored: return "stored";
    case Fate::Duplicate: return "duplicate";
    case Fate::Conflict: return "conflict";
    case Fate::Rejected: return "rejected";
  }
  return "rejected";
}

// Ingest statements, prepared once: a batch of 1000 items must not re-parse SQL 3000 times.
struct Store::Statements {
  explicit Statements(const Connection& c)
      : find_response(c, "SELECT body_hash FROM responses WHERE id = ?1", true),
        insert_response(c,
                        "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body, "
                        "body_hash, received_from, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        true),
        quarantine(c,
                   "INSERT INTO quarantine (kind, response_id, consultation_id, reason, body, body_hash, "
                   "received_from, received_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
                   "ON CONFLICT (body_hash) DO UPDATE SET times_seen = times_seen + 1, "
                   "last_seen_at = excluded.last_seen_at",
                   true),
        contact(c, "UPDATE devices SET last_contact_at = ?2 WHERE device_id = ?1", true),
        quarantine_usage(c,
                         "SELECT count(*), coalesce(sum(length(CAST(body AS BLOB)) + length(CAST(reason AS BLOB))), 0) "
                         "FROM quarantine WHERE received_from = ?1",
                         true) {}

  Statement find_response;
  Statement insert_response;
  Statement quarantine;
  Statement contact;
  Statement quarantine_usage;
};

Store::Store(const std::string& path) : path_(path) {}

Store::~Store() {
  {
    const std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stopping_ = true;
  }
  checkpoint_wake_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  if (writer_) sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
}

int Store::on_wal_commit(void* self, sqlite3* db, const char*, int wal_pages) {
  // SQLite's own auto-checkpoint would copy the WAL into the database inside the commit
  // that crosses the threshold, holding up every waiting batch for two more disk syncs.
  // Here the checkpointer thread does it beside the writer instead. Under unbroken load
  // it can never reach the end of the log, so past a hard limit the writer finishes the
  // job itself (most pages are already copied by then), and the log can start over.
  if (wal_pages >= kWriterCheckpointPages) {
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (wal_pages >= kCheckpointPages) {
    auto* store = static_cast<Store*>(self);
    {
      const std::lock_guard lock(store->checkpoint_mutex_);
      store->checkpoint_wanted_ = true;
    }
    store->checkpoint_wake_.notify_one();
  }
  return SQLITE_OK;
}

void Store::run_checkpoints() {
  std::unique_lock lock(checkpoint_mutex_);
  while (!checkpoint_stopping_) {
    checkpoint_wake_.wait(lock, [this] { return checkpoint_wanted_ || checkpoint_stopping_; });
    if (checkpoint_stopping_) break;
    checkpoint_wanted_ = false;
    lock.unlock();
    // PASSIVE never blocks the writer or readers; whatever it cannot copy now waits for the next round.
    sqlite3_wal_checkpoint_v2(checkpoint_connection_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
  }
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  std::unique_ptr<Store> store(new Store(path));
  try {
    store->writer_ = std::make_unique<Connection>(path);
    Connection& db = *store->writer_;
    const int64_t application_id = pragma_value(db, "application_id");
    const int64_t tables = [&] {
      Statement count(db, "SELECT count(*) FROM sqlite_schema");
      return count.step() ? count.int64(0) : 0;
    }();
    if (application_id != kApplicationId && (application_id != 0 || tables != 0)) {
      return Error{ErrorCode::Corrupt, path + " is not a Soundings hub database; it was left unchanged"};
    }
    const int64_t schema = pragma_value(db, "user_version");
    if (schema > kSchemaVersion) {
      return Error{ErrorCode::TooNew, path + " was written by a newer Soundings hub (schema " +
                                          std::to_string(schema) + "; this one knows " +
                                          std::to_string(kSchemaVersion) + ")"};
    }
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    // Response ids are random UUIDs, so inserts touch index pages all over the file: with
    // SQLite's default 2 MB cache a large backlog kept re-reading pages from disk. 64 MiB
    // holds the indexes of a few million responses.
    db.exec("PRAGMA cache_size = -65536");
    // After the log starts over, its file is cut back to this size rather than kept at its peak.
    db.exec("PRAGMA journal_size_limit = 67108864");
    {
      Transaction transaction(db);
      db.exec(kSchema);
      db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
      db.exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
      Statement add_id(db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('hub_id', ?1)");
      add_id.bind(1, make_uuid()).run();
      transaction.commit();
    }
    Statement read_id(db, "SELECT value FROM meta WHERE key = 'hub_id'");
    if (read_id.step()) store->hub_id_ = read_id.text(0);
    store->statements_ = std::make_unique<Statements>(db);
    store->checkpoint_connection_ = std::make_unique<Connection>(path);
    // A connection checkpoints only once it has read the database and found it in WAL mode.
    store->checkpoint_connection_->exec("SELECT count(*) FROM meta");
    sqlite3_wal_hook(db.handle(), &Store::on_wal_commit, store.get());
    store->checkpointer_ = std::thread([raw = store.get()] { raw->run_checkpoints(); });
  } catch (const SqliteError& error) {
    const bool corrupt = (error.code() & 0xff) == SQLITE_NOTADB || (error.code() & 0xff) == SQLITE_CORRUPT;
    return Error{corrupt ? ErrorCode::Corrupt : ErrorCode::Storage, path + ": " + error.what()};
  }
  return store;
}

Store::ReaderLease Store::reader() {
  std::unique_ptr<Connection> connection;
  {
    const std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (!connection) {
    connection = std::make_unique<Connection>(path_);
    connection->exec("PRAGMA query_only = ON");
  }
  return ReaderLease(*this, std::move(connection));
}

// One request's batch waiting in the group-commit queue.
struct Store::PendingBatch {
  const std::string& device_id;
  const std::vector<BatchItem>& items;
  const std::string& now;
  const QuarantineAllowance& allowance;
  std::vector<ItemResult> results;
  std::optional<SqliteError> error;
  bool done = false;
  bool over_allowance = false;
};

BatchOutcome Store::commit_batch(const std::string& device_id, const std::vector<BatchItem>& items,
                                 const std::string& now, const QuarantineAllowance& allowance) {
  PendingBatch mine{device_id, items, now, allowance, {}, std::nullopt, false, false};
  std::unique_lock lock(group_mutex_);
  group_queue_.push_back(&mine);
  // Leader and followers: whoever finds no commit under way takes every waiting batch
  // (its own included) into one transaction; the others wait for their batch to be done.
  while (!mine.done) {
    if (group_leader_busy_) {
      group_committed_.wait(lock);
      continue;
    }
    group_leader_busy_ = true;
    std::vector<PendingBatch*> group;
    group.swap(group_queue_);
    lock.unlock();
    commit_group(group);
    lock.lock();
    for (PendingBatch* batch : group) batch->done = true;
    group_leader_busy_ = false;
    group_committed_.notify_all();
  }
  if (mine.error) throw *mine.error;
  if (mine.over_allowance) return BatchOutcome{{}, true};
  return BatchOutcome{std::move(mine.results), false};
}

void Store::commit_group(const std::vector<PendingBatch*>& group) {
  std::vector<std::vector<ItemResult>> results;
  try {
    const std::lock_guard lock(write_mutex_);
    Transaction transaction(*writer_);
    for (PendingBatch* batch : group) {
      // Each batch in its own savepoint, so that one over its allowance leaves the others' work.
      writer_->exec("SAVEPOINT batch");
      results.push_back(apply_batch(*batch));
      if (batch->over_allowance) writer_->exec("ROLLBACK TO batch");
      writer_->exec("RELEASE batch");
    }
    transaction.commit();
  } catch (const SqliteError& error) {
    // Rolled back: no batch of the group may be told that anything was stored.
    for (PendingBatch* batch : group) batch->error = error;
    return;
  } catch (const std::exception& error) {
    // Even out of memory, the followers must be woken with an answer, never left waiting.
    for (PendingBatch* batch : group) batch->error = SqliteError(SQLITE_ERROR, error.what());
    return;
  }
  for (size_t i = 0; i < group.size(); ++i) group[i]->results = std::move(results[i]);
}

std::vector<ItemResult> Store::apply_batch(PendingBatch& batch) {
  std::vector<ItemResult> results;
  results.reserve(batch.items.size());
  Statements& s = *statements_;
  // The device's quarantine, counted in the database (other hub processes may share it).
  const auto usage = [&] {
    s.quarantine_usage.reset();
    s.quarantine_usage.bind(1, batch.device_id);
    s.quarantine_usage.step();
    const std::pair<int64_t, int64_t> counted{s.quarantine_usage.int64(0), s.quarantine_usage.int64(1)};
    s.quarantine_usage.reset();
    return counted;
  };
  std::optional<std::pair<int64_t, int64_t>> usage_before;  // measured only once this batch quarantines
  const auto quarantine = [&](const BatchItem& item, const char* kind, const std::string& reason) {
    if (!usage_before) usage_before = usage();
    s.quarantine.reset();
    s.quarantine.bind(1, std::string_view(kind))
        .bind(2, item.response_id)
        .bind(3, item.consultation_id)
        .bind(4, reason)
        .bind(5, item.kept)
        .bind_blob(6, item.hash)
        .bind(7, batch.device_id)
        .bind(8, batch.now)
        .run();
  };
  for (const BatchItem& item : batch.items) {
    if (!item.response_id.empty()) {
      s.find_response.reset();
      s.find_response.bind(1, item.response_id);
      if (s.find_response.step()) {
        const bool same = s.find_response.blob(0) == item.hash;
        s.find_response.reset();
        if (same) {
          results.push_back({Fate::Duplicate, ""});
        } else {
          const std::string reason = "a different response with this id is already stored; kept aside for review";
          quarantine(item, "conflict", reason);
          results.push_back({Fate::Conflict, reason});
        }
        continue;
      }
      s.find_response.reset();
    }
    if (!item.acceptable) {
      quarantine(item, "rejected", item.reason);
      results.push_back({Fate::Rejected, item.reason});
      continue;
    }
    s.insert_response.reset();
    s.insert_response.bind(1, item.response_id)
        .bind(2, item.consultation_id)
        .bind(3, int64_t{item.consultation_version})
        .bind(4, item.submitted_at)
        .bind(5, item.canonical)
        .bind_blob(6, item.hash)
        .bind(7, batch.device_id)
        .bind(8, batch.now)
        .run();
    results.push_back({Fate::Stored, ""});
  }
  if (usage_before) {
    // Only growth counts against the allowance: resends that bump times_seen stay welcome.
    const auto [items, bytes] = usage();
    batch.over_allowance =
        items > usage_before->first && (items > batch.allowance.items || bytes > batch.allowance.bytes);
  }
  s.contact.reset();
  s.contact.bind(1, batch.device_id).bind(2, batch.now).run();
  return results;
}

std::optional<int> Store::latest_version(const std::string& id) {
  auto db = reader();
  Statement query(*db, "SELECT MAX(version) FROM consultations WHERE id = ?1");
  query.bind(1, id);
  if (!query.step() || query.is_null(0)) return std::nullopt;
  return static_cast<int>(query.int64(0));
}

void Store::add_consultation(const PublishedConsultation& consultation, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  Statement insert(*writer_,
                   "INSERT INTO consultations (id, version, definition, opens, closes, published_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, consultation.id)
      .bind(2, int64_t{consultation.version})
      .bind(3, consultation.definition)
      .bind(4, consultation.opens)
      .bind(5, consultation.closes)
      .bind(6, now)
      .run();
  transaction.commit();
}

std::optional<std::string> Store::definition(const std::string& id, int version) {
  auto db = reader();
  Statement query(*db, "SELECT definition FROM consultations WHERE id = ?1 AND version = ?2");
  query.bind(1, id).bind(2, int64_t{version});
  if (!query.step()) return std::nullopt;
  return query.text(0);
}

std::vector<PublishedConsultation> Store::latest_consultations() {
  auto db = reader();
  Statement query(*db,
                  "SELECT c.id, c.version, c.definition, c.opens, c.closes, f.feedback FROM consultations c "
                  "LEFT JOIN feedback f ON f.consultation_id = c.id "
                  "WHERE c.version = (SELECT MAX(version) FROM consultations WHERE id = c.id) ORDER BY c.id");
  std::vector<PublishedConsultation> out;
  while (query.step()) {
    out.push_back(PublishedConsultation{query.text(0), static_cast<int>(query.int64(1)), query.text(2),
                                        query.text(3), query.text(4), query.text(5)});
  }
  return out;
}

std::vector<std::pair<int, std::string>> Store::all_versions(const std::string& id) {
  auto db = reader();
  Statement query(*db, "SELECT version, definition FROM consultations WHERE id = ?1 ORDER BY version DESC");
  query.bind(1, id);
  std::vector<std::pair<int, std::string>> out;
  while (query.step()) out.emplace_back(static_cast<int>(query.int64(0)), query.text(1));
  return out;
}

void Store::set_feedback(const std::string& id, const std::string& feedback_json, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  Statement upsert(*writer_,
                   "INSERT INTO feedback (consultation_id, feedback, published_at) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (consultation_id) DO UPDATE SET feedback = excluded.feedback, "
                   "published_at = excluded.published_at");
  upsert.bind(1, id).bind(2, feedback_json).bind(3, now).run();
  transaction.commit();
}

int64_t Store::stored_count(const std::string& consultation_id) {
  auto db = reader();
  Statement query(*db, consultation_id.empty() ? "SELECT count(*) FROM responses"
                                               : "SELECT count(*) FROM responses WHERE consultation_id = ?1");
  if (!consultation_id.empty()) query.bind(1, consultation_id);
  return query.step() ? query.int64(0) : 0;
}

int64_t Store::quarantine_count(const std::string& consultation_id) {
  auto db = reader();
  Statement query(*db, consultation_id.empty() ? "SELECT count(*) FROM quarantine"
                                               : "SELECT count(*) FROM quarantine WHERE consultation_id = ?1");
  if (!consultation_id.empty()) query.bind(1, consultation_id);
  return query.step() ? query.int64(0) : 0;
}

std::vector<std::string> Store::stored_ids() {
  auto db = reader();
  Statement query(*db, "SELECT id FROM responses ORDER BY id");
  std::vector<std::string> out;
  while (query.step()) out.push_back(query.text(0));
  return out;
}

std::vector<StoredResponse> Store::responses_of(const std::string& consultation_id) {
  auto db = reader();
  Statement query(*db,
                  "SELECT id, consultation_version, body FROM responses WHERE consultation_id = ?1 "
                  "ORDER BY submitted_at, id");
  query.bind(1, consultation_id);
  std::vector<StoredResponse> out;
  while (query.step()) out.push_back({query.text(0), static_cast<int>(query.int64(1)), query.text(2)});
  return out;
}

}  // namespace soundings::hub::detail
