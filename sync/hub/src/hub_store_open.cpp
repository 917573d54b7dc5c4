// Opening the hub store: the SQLite file (schema, settings, its checkpointer) or a PostgreSQL database,
// what both record at start (the hub's id, the sealing public key), and the bounded reader pool.
#include "hub_store.h"
#include "hub_schema_postgres.h"
#include "soundings/response.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>

namespace soundings::hub::detail {

namespace {

// "SnHb": marks the file as a hub database so that a device store or a stray file is refused.
constexpr int64_t kApplicationId = 0x536e4862;
// WAL pages (4 KiB each) after which the checkpointer copies the WAL into the database.
constexpr int kCheckpointPages = 1000;
// WAL pages after which the writer itself completes the checkpoint (about 40 MiB).
constexpr int kWriterCheckpointPages = 10000;

// Migration 1 is the schema as the hub first shipped it (with IF NOT EXISTS, as it was run then).
// Never edit a shipped step: add a new one, here and in hub_schema_postgres.cpp (a test compares the two).
constexpr std::array<sqlite::Migration, 5> kMigrations{{{1, R"sql(
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
)sql"},
    // Migration 4: the head-office console (sync/hub/src/console.h). Console accounts, their sessions and
    // sign-in delays, and the hash-chained audit log live in the database so that several hubs share them;
    // quarantine decisions and the reviewed corrections they release; each response's filterable facts and
    // its choices and free text drawn out at ingest, so that results are counted without opening bodies;
    // the device clock's difference from the hub's at its last heartbeat.
    {4, R"sql(
CREATE TABLE console_users (
  email TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'viewer')),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT
);
CREATE TABLE console_sessions (
  token_hash BLOB PRIMARY KEY,
  email TEXT NOT NULL REFERENCES console_users (email),
  csrf_token TEXT NOT NULL,
  created_epoch INTEGER NOT NULL,
  last_seen_epoch INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_email ON console_sessions (email);
CREATE TABLE console_sign_in_failures (
  email TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_epoch INTEGER NOT NULL,
  next_allowed_epoch INTEGER NOT NULL
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE TABLE quarantine_decisions (
  seq INTEGER PRIMARY KEY REFERENCES quarantine (seq),
  decision TEXT NOT NULL CHECK (decision IN ('released', 'rejected')),
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  record_id TEXT NOT NULL,
  device_id TEXT NOT NULL
);
CREATE INDEX quarantine_decisions_by_device ON quarantine_decisions (device_id, decided_at);
CREATE TABLE response_corrections (
  response_id TEXT PRIMARY KEY REFERENCES responses (id),
  body TEXT NOT NULL,
  quarantine_seq INTEGER NOT NULL REFERENCES quarantine (seq),
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  reason TEXT NOT NULL
);
ALTER TABLE responses ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN venue TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN choices TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN facets_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE response_texts (
  response_id TEXT NOT NULL REFERENCES responses (id),
  consultation_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (response_id, question_id)
);
CREATE INDEX response_texts_by_question ON response_texts (consultation_id, question_id, response_id);
ALTER TABLE devices ADD COLUMN clock_offset_seconds INTEGER;
)sql"},
    // Migration 5: the console's results read every response of a consultation (Store::scan_facets); an index
    // holding the facet columns answers that from the index alone, never reading the rows with their bodies
    // (at 100,000 responses about 15 MB read instead of 130 MB). It starts with the columns of
    // responses_by_consultation, which it replaces.
    {5, R"sql(
CREATE INDEX responses_facets ON responses (consultation_id, submitted_at, id, language, channel, venue, device, choices);
DROP INDEX responses_by_consultation;
)sql"}}};

constexpr sqlite::Schema kSchema{kApplicationId, kMigrations, "a Soundings hub database", "the Soundings hub"};

// Another process (an admin command) may hold the write lock for a moment.
constexpr sqlite::OpenOptions kWriterOptions{.create = true, .query_only = false, .busy_timeout_ms = 15000};
constexpr sqlite::OpenOptions kReaderOptions{.create = false, .query_only = true, .busy_timeout_ms = 15000};

}  // namespace

const sqlite::Schema& hub_sqlite_schema() { return kSchema; }

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

namespace {

Error no_hub_here() {
  return Error{ErrorCode::NotFound, "no hub in this database; check --database, or start a hub on it with "
                                    "`soundings-hub serve` or `soundings-hub publish`"};
}

}  // namespace

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
    if (*tables == 0) return failed(no_hub_here());
  }
  if (auto done = prepare_postgres_schema(**writer); !done) return failed(done.error());
  if (!create) {
    // The tables alone (a migrate that failed) are no hub: making its id and key here would turn them into one.
    auto hubs = (*writer)->integer("SELECT count(*) FROM meta WHERE key = 'hub_id'", "looking for a hub's id");
    if (!hubs) return failed(hubs.error());
    if (*hubs == 0) return failed(no_hub_here());
  }
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

}  // namespace soundings::hub::detail
