// The hub store: schema, batch ingest in one transaction, published consultations and figures.
#include "hub_store.h"
#include "hub_store_rows.h"
#include "hub_schema_postgres.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>

#include "soundings/response.h"

namespace soundings::hub::detail {

namespace {

// "SnHb": marks the file as a hub database so that a device store or a stray file is refused.
constexpr int64_t kApplicationId = 0x536e4862;
// WAL pages (4 KiB each) after which the checkpointer copies the WAL into the database.
constexpr int kCheckpointPages = 1000;
// WAL pages after which the writer itself completes the checkpoint (about 40 MiB).
constexpr int kWriterCheckpointPages = 10000;

// Migration 1 is the schema as the hub first shipped it (with IF NOT EXISTS, as it was run then).
// Never edit a shipped step: add a new one.
constexpr std::array<sqlite::Migration, 3> kMigrations{{{1, R"sql(
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
)sql"},
    // Migration 2: a device's quarantine is counted at every commit that keeps something aside
    // (its allowance), so it needs an index by sender. IF NOT EXISTS: a hub that ran the index in
    // its first schema already has it.
    {2, R"sql(
CREATE INDEX IF NOT EXISTS quarantine_by_device ON quarantine (received_from);
)sql"},
    // Migration 3: records of every kind (sync/PROTOCOL.md, "Records"), and field work: staff accounts,
    // walk lists and their assignment to devices, devices enrolled as field tablets. Quarantine's
    // response_id column holds the id of a record of any kind; record_kind says which.
    {3, R"sql(
ALTER TABLE quarantine ADD COLUMN record_kind TEXT NOT NULL DEFAULT 'response';
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  door TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  body TEXT NOT NULL,
  body_hash BLOB NOT NULL,
  received_from TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX records_by_subject ON records (kind, subject, door, at);
CREATE INDEX records_by_staff ON records (kind, staff_id, at);
CREATE TABLE staff (
  staff_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT
);
CREATE TABLE walk_lists (
  list_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  imported_at TEXT NOT NULL,
  closed_at TEXT
);
CREATE TABLE walk_addresses (
  list_id TEXT NOT NULL REFERENCES walk_lists (list_id),
  uprn TEXT NOT NULL,
  address TEXT NOT NULL,
  street TEXT NOT NULL,
  postcode TEXT NOT NULL,
  ward TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (list_id, uprn)
);
CREATE TABLE walk_assignments (
  list_id TEXT NOT NULL REFERENCES walk_lists (list_id),
  device_id TEXT NOT NULL REFERENCES devices (device_id),
  assigned_at TEXT NOT NULL,
  PRIMARY KEY (list_id, device_id)
);
ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk' CHECK (role IN ('kiosk', 'field'));
ALTER TABLE enrol_codes ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk' CHECK (role IN ('kiosk', 'field'));
)sql"}}};

constexpr sqlite::Schema kSchema{kApplicationId, kMigrations, "a Soundings hub database", "the Soundings hub"};

// Another process (an admin command) may hold the write lock for a moment.
constexpr sqlite::OpenOptions kWriterOptions{.create = true, .query_only = false, .busy_timeout_ms = 15000};
constexpr sqlite::OpenOptions kReaderOptions{.create = false, .query_only = true, .busy_timeout_ms = 15000};

// The first column of the first row as a number (0 when there is no row): for counts.
Result<int64_t> first_integer(db::Statement& query, std::string_view doing) {
  auto row = query.step(doing);
  if (!row) return row.error();
  return *row ? query.integer(0) : int64_t{0};
}

}  // namespace

const sqlite::Schema& hub_sqlite_schema() { return kSchema; }

const char* fate_name(Fate fate) {
  switch (fate) {
    case Fate::Stored: return "stored";
    case Fate::Duplicate: return "duplicate";
    case Fate::Conflict: return "conflict";
    case Fate::Rejected: return "rejected";
  }
  return "rejected";
}

Store::Store(Opener open_reader, size_t reader_pool)
    : open_reader_(std::move(open_reader)), reader_pool_(std::max<size_t>(reader_pool, 1)) {}

Store::~Store() {
  {
    const std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stopping_ = true;
  }
  checkpoint_wake_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  if (writer_ && writer_->sqlite()) sqlite3_wal_hook(writer_->sqlite()->handle(), nullptr, nullptr);
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

namespace {

// Settings for a file known to be a hub database (or a new one); journal_mode rewrites the header.
Status apply_settings(sqlite::Connection& db) {
  const std::array<std::pair<const char*, const char*>, 5> settings{{
      {"PRAGMA journal_mode = WAL", "switching to write-ahead logging"},
      {"PRAGMA synchronous = FULL", "setting synchronous=FULL"},
      {"PRAGMA foreign_keys = ON", "turning on foreign keys"},
      // Response ids are random UUIDs, so inserts touch index pages all over the file: with
      // SQLite's default 2 MB cache a large backlog kept re-reading pages from disk. 64 MiB
      // holds the indexes of a few million responses.
      {"PRAGMA cache_size = -65536", "setting the cache size"},
      // After the log starts over, its file is cut back to this size rather than kept at its peak.
      {"PRAGMA journal_size_limit = 67108864", "setting the log size limit"},
  }};
  for (const auto& [sql, doing] : settings) {
    if (auto done = db.exec(sql, doing); !done) return done;
  }
  return Status::success();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path, size_t reader_pool) {
  const auto failed = [&path](const Error& error) {
    // The runner's refusals already name the file.
    if (error.message.rfind(path, 0) == 0) return error;
    return Error{error.code, path + ": " + error.message};
  };
  auto opener = [path]() -> Result<std::unique_ptr<db::Connection>> {
    auto opened = sqlite::Connection::open(path, kReaderOptions);
    if (!opened) return opened.error();
    return db::wrap_sqlite(std::move(*opened));
  };
  std::unique_ptr<Store> store(new Store(std::move(opener), reader_pool));
  auto writer = sqlite::Connection::open(path, kWriterOptions);
  if (!writer) return failed(writer.error());
  {
    sqlite::Connection& db = *writer;
    auto found_version = sqlite::check_schema(db, path, kSchema);
    if (!found_version) return found_version.error();
    if (auto done = apply_settings(db); !done) return failed(done.error());
    if (auto done = sqlite::apply_migrations(db, path, kSchema, *found_version); !done) return done.error();
  }
  store->writer_ = db::wrap_sqlite(std::move(*writer));
  if (auto done = store->read_hub_id(); !done) return failed(done.error());

  auto checkpointer = sqlite::Connection::open(path, kWriterOptions);
  if (!checkpointer) return failed(checkpointer.error());
  // A connection checkpoints only once it has read the database and found it in WAL mode.
  if (auto done = checkpointer->exec("SELECT count(*) FROM meta", "preparing the checkpointer"); !done) {
    return failed(done.error());
  }
  store->start_checkpointer(std::make_unique<sqlite::Connection>(std::move(*checkpointer)));
  return store;
}

Result<std::unique_ptr<Store>> Store::open_postgres(const std::string& url, size_t reader_pool, bool create) {
  const auto failed = [&url](const Error& error) { return Error{error.code, db::redact_url(url) + ": " + error.message}; };
  std::unique_ptr<Store> store(new Store([url] { return db::open_postgres(url); }, reader_pool));
  auto writer = db::open_postgres(url);
  if (!writer) return writer.error();  // names the server already
  if (!create) {
    auto tables = (*writer)->integer(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'meta'",
        "looking for a hub in the database");
    if (!tables) return failed(tables.error());
    if (*tables == 0) {
      return failed(Error{ErrorCode::NotFound, "no hub in this database; check --database, or start a hub on it "
                                               "with `soundings-hub serve` or `soundings-hub publish`"});
    }
  }
  if (auto done = prepare_postgres_schema(**writer); !done) return failed(done.error());
  store->writer_ = std::move(*writer);
  if (auto done = store->read_hub_id(); !done) return failed(done.error());
  return store;
}

Status Store::read_hub_id() {
  db::Connection& db = *writer_;
  // Every hub process on one database shares one id: it names head office, not a machine.
  auto add_id = db.prepare("INSERT INTO meta (key, value) VALUES ('hub_id', ?1) ON CONFLICT (key) DO NOTHING");
  if (!add_id) return add_id.error();
  if (auto done = add_id->bind(1, make_uuid()).run("recording the hub's id"); !done) return done;
  auto read_id = db.prepare("SELECT value FROM meta WHERE key = 'hub_id'");
  if (!read_id) return read_id.error();
  auto row = read_id->step("reading the hub's id");
  if (!row) return row.error();
  if (*row) hub_id_ = read_id->text(0);
  return Status::success();
}

Result<std::string> Store::claim_public_key(const std::string& public_key) {
  const std::lock_guard lock(write_mutex_);
  db::Connection& db = *writer_;
  auto add_key = db.cached(
      "INSERT INTO meta (key, value) VALUES ('sealing_public_key', ?1) ON CONFLICT (key) DO NOTHING");
  if (!add_key) return add_key.error();
  if (auto done = add_key->bind(1, public_key).run("recording the sealing key"); !done) return done.error();
  auto read_key = db.cached("SELECT value FROM meta WHERE key = 'sealing_public_key'");
  if (!read_key) return read_key.error();
  auto row = read_key->step("reading the sealing key");
  if (!row) return row.error();
  return *row ? read_key->text(0) : std::string();
}

Result<std::string> Store::recorded_public_key() {
  auto db = reader();
  if (!db) return db.error();
  auto read_key = (*db)->cached("SELECT value FROM meta WHERE key = 'sealing_public_key'");
  if (!read_key) return read_key.error();
  auto row = read_key->step("reading the sealing key");
  if (!row) return row.error();
  return *row ? read_key->text(0) : std::string();
}

void Store::start_checkpointer(std::unique_ptr<sqlite::Connection> connection) {
  checkpoint_connection_ = std::move(connection);
  sqlite3_wal_hook(writer_->sqlite()->handle(), &Store::on_wal_commit, this);
  checkpointer_ = std::thread([this] { run_checkpoints(); });
}

Result<Store::ReaderLease> Store::reader() {
  std::unique_lock lock(readers_mutex_);
  // A bounded pool: past the bound a read waits for a connection to come back, and a database so slow
  // that none does within the busy timeout is reported, never queued for ever.
  const bool free = reader_returned_.wait_for(lock, std::chrono::milliseconds(kWriterOptions.busy_timeout_ms), [this] {
    return !idle_readers_.empty() || readers_open_ < reader_pool_;
  });
  if (!free) {
    return Error{ErrorCode::Storage, "all " + std::to_string(reader_pool_) + " database connections are busy"};
  }
  if (!idle_readers_.empty()) {
    auto connection = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return ReaderLease(*this, std::move(connection));
  }
  ++readers_open_;
  lock.unlock();
  auto opened = open_reader_();
  if (!opened) {
    lock.lock();
    --readers_open_;
    lock.unlock();
    reader_returned_.notify_one();
    return opened.error();
  }
  return ReaderLease(*this, std::move(*opened));
}

// One request's batch waiting in the group-commit queue.
struct Store::PendingBatch {
  const std::string& device_id;
  const std::vector<BatchItem>& items;
  const std::string& now;
  const QuarantineAllowance& allowance;
  std::vector<ItemResult> results;
  std::optional<Error> error;
  bool done = false;
  bool over_allowance = false;
};

Result<BatchOutcome> Store::commit_batch(const std::string& device_id, const std::vector<BatchItem>& items,
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
  if (mine.error) return *mine.error;
  if (mine.over_allowance) return BatchOutcome{{}, true};
  return BatchOutcome{std::move(mine.results), false};
}

void Store::commit_group(const std::vector<PendingBatch*>& group) {
  // Rolled back on any failure: no batch of the group may be told that anything was stored.
  const auto fail_all = [&group](const Error& error) {
    for (PendingBatch* batch : group) batch->error = error;
  };
  // In device order, and each batch starts by locking its device's row (apply_batch): two hub processes
  // on one database then take the locks of a group in the same order, so their transactions wait for
  // each other rather than deadlock, and one device's batches are applied one at a time whichever
  // hubs they reach (its quarantine allowance is counted after the other's commit).
  std::vector<PendingBatch*> ordered = group;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const PendingBatch* a, const PendingBatch* b) { return a->device_id < b->device_id; });
  std::vector<std::vector<ItemResult>> results;
  try {
    const std::lock_guard lock(write_mutex_);
    db::Transaction transaction(*writer_);
    if (auto begun = transaction.begin(); !begun) return fail_all(begun.error());
    for (PendingBatch* batch : ordered) {
      // Each batch in its own savepoint, so that one over its allowance leaves the others' work.
      db::Savepoint savepoint(*writer_, "batch");
      if (auto begun = savepoint.begin(); !begun) return fail_all(begun.error());
      auto applied = apply_batch(*batch);
      if (!applied) return fail_all(applied.error());
      auto ended = batch->over_allowance ? savepoint.rollback() : savepoint.release();
      if (!ended) return fail_all(ended.error());
      results.push_back(std::move(*applied));
    }
    if (auto committed = transaction.commit(); !committed) return fail_all(committed.error());
  } catch (const std::exception& error) {
    // Even out of memory, the followers must be woken with an answer, never left waiting.
    return fail_all(Error{ErrorCode::Internal, error.what()});
  }
  for (size_t i = 0; i < ordered.size(); ++i) ordered[i]->results = std::move(results[i]);
}

Result<std::vector<ItemResult>> Store::apply_batch(PendingBatch& batch) {
  std::vector<ItemResult> results;
  results.reserve(batch.items.size());
  db::Connection& db = *writer_;
  // First, so that the device's row is locked for the rest of the transaction (see commit_group).
  auto contact = db.cached("UPDATE devices SET last_contact_at = ?2 WHERE device_id = ?1");
  if (!contact) return contact.error();
  if (auto done = contact->bind(1, batch.device_id).bind(2, batch.now).run("recording contact"); !done) {
    return done.error();
  }
  // The device's quarantine (items, bytes), counted in the database: other hub processes may share it.
  const auto usage = [&]() -> Result<std::pair<int64_t, int64_t>> {
    // Bytes, not characters: SQLite's length() of a blob, PostgreSQL's octet_length().
    auto query = db.cached(db.dialect() == db::Dialect::SQLite
                               ? "SELECT count(*), coalesce(sum(length(CAST(body AS BLOB)) + "
                                 "length(CAST(reason AS BLOB))), 0) FROM quarantine WHERE received_from = ?1"
                               : "SELECT count(*), coalesce(sum(octet_length(body) + octet_length(reason)), 0) "
                                 "FROM quarantine WHERE received_from = ?1");
    if (!query) return query.error();
    query->bind(1, batch.device_id);
    auto row = query->step("counting the device's quarantine");
    if (!row) return row.error();
    if (!*row) return std::pair<int64_t, int64_t>{0, 0};
    return std::pair<int64_t, int64_t>{query->integer(0), query->integer(1)};
  };
  std::optional<std::pair<int64_t, int64_t>> usage_before;  // measured only once this batch quarantines
  const auto quarantine = [&](const BatchItem& item, const char* kind, const std::string& reason) -> Status {
    if (!usage_before) {
      auto counted = usage();
      if (!counted) return counted.error();
      usage_before = *counted;
    }
    auto insert = db.cached(
        "INSERT INTO quarantine (kind, response_id, consultation_id, reason, body, body_hash, "
        "received_from, received_at, last_seen_at, record_kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9) "
        "ON CONFLICT (body_hash) DO UPDATE SET times_seen = quarantine.times_seen + 1, "
        "last_seen_at = excluded.last_seen_at");
    if (!insert) return insert.error();
    return insert->bind(9, record_kind_name(item.kind))
        .bind(1, std::string_view(kind))
        .bind(2, item.record_id)
        .bind(3, item.consultation_id)
        .bind(4, reason)
        .bind(5, item.kept)
        .bind_blob(6, item.hash)
        .bind(7, batch.device_id)
        .bind(8, batch.now)
        .run("keeping an item aside for review");
  };
  const auto stored_copy = [&](const BatchItem& item, std::optional<bool> known_same = std::nullopt) -> Status {
    // Already stored under its id: the same record again is a duplicate, another one a conflict.
    if (!known_same) {
      auto same = same_as_stored(item);
      if (!same) return same.error();
      if (!*same) {
        return Error{ErrorCode::Internal, std::string("no ") + record_kind_name(item.kind) + " " + item.record_id +
                                              " stored, yet its insert found one"};
      }
      known_same = **same;
    }
    if (*known_same) {
      results.push_back({Fate::Duplicate, ""});
      return Status::success();
    }
    const std::string reason = std::string("a different ") + record_kind_name(item.kind) +
                               " with this id is already stored; kept aside for review";
    if (auto kept = quarantine(item, "conflict", reason); !kept) return kept;
    results.push_back({Fate::Conflict, reason});
    return Status::success();
  };
  // Exactly-once rests on the unique id: an acceptable item is inserted with a conflict clause first,
  // and only an insert that did nothing looks at the stored copy. Two hub processes given the same
  // batch at once therefore store it once (the second insert waits for the first to commit, then does
  // nothing), never both after each read that it was missing. On PostgreSQL most of a batch's responses
  // are inserted that way in one statement first; the rest, one by one in the loop.
  auto prestored = store_responses_at_once(batch.items, batch.device_id, batch.now);
  if (!prestored) return prestored.error();
  for (const BatchItem& item : batch.items) {
    if (const auto done = item.acceptable ? prestored->find(item.record_id) : prestored->end();
        done != prestored->end()) {
      if (done->second.stored) {
        results.push_back({Fate::Stored, ""});
      } else if (auto copied = stored_copy(item, done->second.same); !copied) {
        return copied.error();
      }
      continue;
    }
    if (item.acceptable) {
      auto stored = store_item(item, batch.device_id, batch.now);
      if (!stored) return stored.error();
      if (*stored) {
        results.push_back({Fate::Stored, ""});
      } else if (auto done = stored_copy(item); !done) {
        return done.error();
      }
      continue;
    }
    if (!item.record_id.empty()) {
      auto same = same_as_stored(item);
      if (!same) return same.error();
      if (*same) {
        if (auto done = stored_copy(item); !done) return done.error();
        continue;
      }
    }
    if (auto kept = quarantine(item, "rejected", item.reason); !kept) return kept.error();
    results.push_back({Fate::Rejected, item.reason});
  }
  if (usage_before) {
    // Only growth counts against the allowance: resends that bump times_seen stay welcome.
    auto counted = usage();
    if (!counted) return counted.error();
    const auto [items, bytes] = *counted;
    batch.over_allowance =
        items > usage_before->first && (items > batch.allowance.items || bytes > batch.allowance.bytes);
  }
  return results;
}

Result<std::optional<bool>> Store::same_as_stored(const BatchItem& item) {
  // One id, one record, whatever its kind: a record of another kind under a stored id is a conflict.
  const bool response = item.kind == RecordKind::Response;
  auto find = writer_->cached(response ? "SELECT body_hash FROM responses WHERE id = ?1"
                                       : "SELECT body_hash FROM records WHERE id = ?1");
  if (!find) return find.error();
  find->bind(1, item.record_id);
  auto row = find->step(std::string("looking for ") + record_kind_name(item.kind) + " " + item.record_id);
  if (!row) return row.error();
  if (!*row) return std::optional<bool>();
  return std::optional<bool>(find->blob(0) == item.hash);
}

Result<bool> Store::store_item(const BatchItem& item, const std::string& device_id, const std::string& now) {
  if (item.kind == RecordKind::Response) {
    auto insert = writer_->cached(
        "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body, "
        "body_hash, received_from, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING");
    if (!insert) return insert.error();
    auto done = insert->bind(1, item.record_id)
                    .bind(2, item.consultation_id)
                    .bind(3, int64_t{item.consultation_version})
                    .bind(4, item.submitted_at)
                    .bind(5, item.canonical)
                    .bind_blob(6, item.hash)
                    .bind(7, device_id)
                    .bind(8, now)
                    .run("storing response " + item.record_id);
    if (!done) return done.error();
    return writer_->changes() > 0;
  }
  auto insert = writer_->cached(
      "INSERT INTO records (id, kind, staff_id, subject, door, at, body, body_hash, received_from, received_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING");
  if (!insert) return insert.error();
  auto done = insert->bind(1, item.record_id)
                  .bind(2, record_kind_name(item.kind))
                  .bind(3, item.staff_id)
                  .bind(4, item.subject)
                  .bind(5, item.door)
                  .bind(6, item.submitted_at)
                  .bind(7, item.canonical)
                  .bind_blob(8, item.hash)
                  .bind(9, device_id)
                  .bind(10, now)
                  .run(std::string("storing ") + record_kind_name(item.kind) + " " + item.record_id);
  if (!done) return done.error();
  return writer_->changes() > 0;
}

Result<bool> Store::staff_known(const std::string& staff_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT count(*) FROM staff WHERE staff_id = ?1");
  if (!query) return query.error();
  query->bind(1, staff_id);
  auto count = first_integer(*query, "looking for officer " + staff_id);
  if (!count) return count.error();
  return *count > 0;
}

Result<bool> Store::door_known(const std::string& list_id, const std::string& uprn) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT count(*) FROM walk_addresses WHERE list_id = ?1 AND uprn = ?2");
  if (!query) return query.error();
  query->bind(1, list_id).bind(2, uprn);
  auto count = first_integer(*query, "looking for a door of walk list " + list_id);
  if (!count) return count.error();
  return *count > 0;
}

Result<std::vector<std::pair<std::string, std::string>>> Store::records_of(RecordKind kind) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT id, body FROM records WHERE kind = ?1 ORDER BY at, id");
  if (!query) return query.error();
  query->bind(1, record_kind_name(kind));
  return collect<std::pair<std::string, std::string>>(*query, "reading records", [](db::Statement& row) {
    return std::pair<std::string, std::string>{row.text(0), row.text(1)};
  });
}

Result<std::optional<int>> Store::latest_version(const std::string& id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT MAX(version) FROM consultations WHERE id = ?1");
  if (!query) return query.error();
  query->bind(1, id);
  auto row = query->step("reading consultation " + id);
  if (!row) return row.error();
  if (!*row || query->is_null(0)) return std::optional<int>();
  return std::optional<int>(static_cast<int>(query->integer(0)));
}

Status Store::add_consultation(const PublishedConsultation& consultation, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto insert = writer_->cached(
        "INSERT INTO consultations (id, version, definition, opens, closes, published_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return insert.error();
    auto done = insert->bind(1, consultation.id)
                    .bind(2, int64_t{consultation.version})
                    .bind(3, consultation.definition)
                    .bind(4, consultation.opens)
                    .bind(5, consultation.closes)
                    .bind(6, now)
                    .run("publishing consultation " + consultation.id);
    if (!done) return done;
  }
  return transaction.commit();
}

Result<std::optional<std::string>> Store::definition(const std::string& id, int version) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT definition FROM consultations WHERE id = ?1 AND version = ?2");
  if (!query) return query.error();
  query->bind(1, id).bind(2, int64_t{version});
  auto row = query->step("reading consultation " + id);
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

Result<std::vector<PublishedConsultation>> Store::latest_consultations() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT c.id, c.version, c.definition, c.opens, c.closes, f.feedback FROM consultations c "
      "LEFT JOIN feedback f ON f.consultation_id = c.id "
      "WHERE c.version = (SELECT MAX(version) FROM consultations WHERE id = c.id) ORDER BY c.id");
  if (!query) return query.error();
  return collect<PublishedConsultation>(*query, "reading the published consultations", [](const auto& row) {
    return PublishedConsultation{row.text(0), static_cast<int>(row.integer(1)), row.text(2),
                                 row.text(3), row.text(4), row.text(5)};
  });
}

Result<std::vector<std::pair<int, std::string>>> Store::all_versions(const std::string& id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT version, definition FROM consultations WHERE id = ?1 ORDER BY version DESC");
  if (!query) return query.error();
  query->bind(1, id);
  return collect<std::pair<int, std::string>>(*query, "reading consultation " + id, [](const auto& row) {
    return std::pair<int, std::string>(static_cast<int>(row.integer(0)), row.text(1));
  });
}

Status Store::set_feedback(const std::string& id, const std::string& feedback_json, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto upsert = writer_->cached(
        "INSERT INTO feedback (consultation_id, feedback, published_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (consultation_id) DO UPDATE SET feedback = excluded.feedback, "
        "published_at = excluded.published_at");
    if (!upsert) return upsert.error();
    auto done = upsert->bind(1, id).bind(2, feedback_json).bind(3, now).run("publishing feedback for " + id);
    if (!done) return done;
  }
  return transaction.commit();
}

Result<int64_t> Store::stored_count(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(consultation_id.empty() ? "SELECT count(*) FROM responses"
                                                     : "SELECT count(*) FROM responses WHERE consultation_id = ?1");
  if (!query) return query.error();
  if (!consultation_id.empty()) query->bind(1, consultation_id);
  return first_integer(*query, "counting responses");
}

Result<int64_t> Store::quarantine_count(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(consultation_id.empty() ? "SELECT count(*) FROM quarantine"
                                                     : "SELECT count(*) FROM quarantine WHERE consultation_id = ?1");
  if (!query) return query.error();
  if (!consultation_id.empty()) query->bind(1, consultation_id);
  return first_integer(*query, "counting the quarantine");
}

Result<std::vector<std::string>> Store::stored_ids() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT id FROM responses ORDER BY id");
  if (!query) return query.error();
  return collect<std::string>(*query, "listing responses", [](const auto& row) { return row.text(0); });
}

Result<std::vector<StoredResponse>> Store::responses_of(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT id, consultation_version, body FROM responses WHERE consultation_id = ?1 "
      "ORDER BY submitted_at, id");
  if (!query) return query.error();
  query->bind(1, consultation_id);
  return collect<StoredResponse>(*query, "reading the responses to " + consultation_id, [](const auto& row) {
    return StoredResponse{row.text(0), static_cast<int>(row.integer(1)), row.text(2)};
  });
}

}  // namespace soundings::hub::detail
