// Opening the device's database safely: file checks, refusal of foreign or newer files, pragmas, migrations.
//
// Order matters. Nothing is written until the file is known to be ours (or new) and sound:
// a header check on the raw bytes, then application_id / user_version, then quick_check.
// Only after that do WAL (which rewrites the header), synchronous=FULL and the migrations run.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <set>

#include "store_sqlite.h"

namespace soundings {

namespace {

// "SNDG": marks a file as a Soundings device database (PRAGMA application_id).
constexpr int64_t kApplicationId = 0x534E4447;
constexpr int kBusyTimeoutMs = 5000;

// Forward migrations, applied in order inside one transaction at open.
// Version 1 is the tables; version 2 the immutability triggers and the lookup indexes; version 3 records of
// every kind in one outbox, and what a field tablet holds (the staff list, its walk lists).
constexpr std::array<sqlite::Migration, 4> kMigrations{{
    {1, R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE consultations (
  id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  definition_json TEXT NOT NULL,
  cached_at TEXT NOT NULL,
  PRIMARY KEY (id, version)
);
-- Kept per consultation id, so a new version keeps its feedback and whether staff offer it here.
CREATE TABLE consultation_local (
  id TEXT PRIMARY KEY NOT NULL,
  feedback_json TEXT NOT NULL DEFAULT '',
  offered INTEGER NOT NULL DEFAULT 1 CHECK (offered IN (0, 1))
);
CREATE TABLE responses (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  consultation_id TEXT NOT NULL,
  consultation_version INTEGER NOT NULL,
  submitted_at TEXT NOT NULL,
  body TEXT NOT NULL
);
-- One row per response; seq follows the response's seq, so "oldest first" is rowid order.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY REFERENCES responses (seq),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'needs_review')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql"},
    {2, R"sql(
CREATE TRIGGER responses_never_change BEFORE UPDATE ON responses
BEGIN SELECT RAISE(ABORT, 'responses are immutable'); END;
CREATE TRIGGER responses_never_deleted BEFORE DELETE ON responses
BEGIN SELECT RAISE(ABORT, 'responses are never deleted on the device before head office confirms them'); END;
CREATE INDEX responses_by_submitted_at ON responses (submitted_at);
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
)sql"},
    {3, R"sql(
-- Records of the kinds other than responses. A visit names its walk list (subject) and door (the UPRN),
-- so that the tablet can show a list's progress and, once head office holds them, remove a list's
-- visits with the list.
CREATE TABLE records (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('visit', 'check_in', 'sign_in')),
  id TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL DEFAULT '',
  door TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TRIGGER records_never_change BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are immutable'); END;
CREATE INDEX records_by_door ON records (subject, door, at);
-- One outbox for every kind, in the order of saving. The body stays in its kind's table.
CREATE TABLE outbox_of_every_kind (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('response', 'visit', 'check_in', 'sign_in')),
  record_id TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'needs_review')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO outbox_of_every_kind (seq, kind, record_id, state, attempts, last_error, created_at, updated_at)
  SELECT o.seq, 'response', r.id, o.state, o.attempts, o.last_error, o.created_at, o.updated_at
  FROM outbox o JOIN responses r ON r.seq = o.seq ORDER BY o.seq;
DROP INDEX outbox_pending;
DROP TABLE outbox;
ALTER TABLE outbox_of_every_kind RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
-- Field tablets: the officers who may sign in (PINs as Argon2id hashes only), and the walk lists head
-- office assigned to this device. A list's rows go when it is unassigned or closed.
CREATE TABLE staff (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);
CREATE TABLE walk_lists (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL
);
CREATE TABLE walk_addresses (
  list_id TEXT NOT NULL REFERENCES walk_lists (id) ON DELETE CASCADE,
  uprn TEXT NOT NULL,
  address TEXT NOT NULL,
  street TEXT NOT NULL,
  postcode TEXT NOT NULL,
  ward TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (list_id, uprn)
);
)sql"},
    // Field responses leave the tablet once head office holds them: kept, their order beside the door log
    // would say which door each came from.
    {4, R"sql(
DROP TRIGGER responses_never_deleted;
CREATE TRIGGER responses_never_deleted BEFORE DELETE ON responses
WHEN NOT EXISTS (SELECT 1 FROM outbox WHERE kind = 'response' AND record_id = OLD.id AND state = 'confirmed')
BEGIN SELECT RAISE(ABORT, 'responses are never deleted on the device before head office confirms them'); END;
)sql"},
}};

constexpr sqlite::Schema kSchema{kApplicationId, kMigrations, "a Soundings database", "Soundings"};

// Files open in this process, by device and inode. A second connection would break the one-writer rule,
// and opening the file again (even just to read its header) would drop this process's POSIX locks on it.
std::mutex open_stores_mutex;
std::set<std::string> open_stores;

std::string file_key(const struct stat& info) {
  return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
}

Error untouched(ErrorCode code, const std::string& path, const std::string& problem) {
  return Error{code, path + " " + problem + "; it has been left untouched"};
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

uint32_t big_endian(const unsigned char* bytes, size_t count) {
  uint32_t value = 0;
  for (size_t i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

// Checks the raw bytes without SQLite, which would treat some damaged files as empty databases:
// the 16-byte magic, a sane page size and, when no journal or WAL is waiting to be replayed,
// a file as long as its header says. (With a WAL present, an interrupted checkpoint can
// legitimately leave the file short; SQLite's recovery and quick_check judge that case.)
Status check_header(const std::string& path, off_t file_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{ErrorCode::Storage, "cannot read " + path + ": " + std::strerror(errno)};
  std::array<unsigned char, 100> header{};
  size_t have = 0;
  while (have < header.size()) {
    const ssize_t got = ::read(fd, header.data() + have, header.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    have += static_cast<size_t>(got);
  }
  ::close(fd);

  static constexpr char kMagic[] = "SQLite format 3";  // 15 characters and the terminating zero: 16 bytes
  if (have < sizeof kMagic || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0) {
    return untouched(ErrorCode::Corrupt, path, "is not a Soundings database (not an SQLite file)");
  }
  if (have < header.size()) {
    return untouched(ErrorCode::Corrupt, path, "is truncated (" + std::to_string(file_size) + " bytes)");
  }
  uint32_t page_size = big_endian(&header[16], 2);
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
    return untouched(ErrorCode::Corrupt, path, "is damaged (its header gives an impossible page size)");
  }
  if (exists(path + "-wal") || exists(path + "-journal")) return Status::success();

  const auto size = static_cast<uint64_t>(file_size);
  if (size % page_size != 0) {
    return untouched(ErrorCode::Corrupt, path,
                     "is truncated (" + std::to_string(size) + " bytes is not a whole number of " +
                         std::to_string(page_size) + "-byte pages)");
  }
  // The page count in the header is only meaningful while its "valid for" stamp matches the change counter.
  const uint32_t pages = big_endian(&header[28], 4);
  const bool pages_valid = pages > 0 && big_endian(&header[92], 4) == big_endian(&header[24], 4);
  if (pages_valid && uint64_t{pages} * page_size > size) {
    return untouched(ErrorCode::Corrupt, path,
                     "is truncated (" + std::to_string(size) + " bytes, but its header records " +
                         std::to_string(uint64_t{pages} * page_size) + ")");
  }
  return Status::success();
}

// Exclusive locking keeps every other connection out, which makes this one the only writer and
// checkpointer (SQLite 3.40 can corrupt a WAL database when two connections reset the WAL at once).
// It must be set before the first read so that the WAL index lives in this process's memory.
Status lock_exclusively(sqlite::Connection& db, bool in_memory) {
  if (in_memory) return Status::success();
  return db.exec("PRAGMA locking_mode = EXCLUSIVE", "setting the locking mode");
}

// Settings that write to the file (journal_mode rewrites the header): only for a file known to be ours.
Status apply_settings(sqlite::Connection& db, bool in_memory) {
  auto mode = db.text_rows("PRAGMA journal_mode = WAL", "switching to write-ahead logging");
  if (!mode) return mode.error();
  if (*mode != (in_memory ? "memory" : "wal")) {
    return Error{ErrorCode::Storage,
                 "the database would not switch to write-ahead logging (journal mode is " + *mode + ")"};
  }
  if (auto done = db.exec("PRAGMA synchronous = FULL", "setting synchronous=FULL"); !done) return done;
  if (auto done = db.exec("PRAGMA foreign_keys = ON", "turning on foreign keys"); !done) return done;
  // Deleted rows (a walk list taken off the tablet) are overwritten, not left in free pages.
  return db.exec("PRAGMA secure_delete = ON", "turning on secure delete");
}

}  // namespace

int Store::current_schema_version() { return kSchema.current_version(); }

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }

Store::Impl::~Impl() {
  if (!open_key.empty()) {
    const std::lock_guard lock(open_stores_mutex);
    open_stores.erase(open_key);
  }
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  if (path.empty()) return Error{ErrorCode::InvalidInput, "no database path given"};
  const bool in_memory = path == ":memory:";
  // Held for the whole open, so two threads cannot both pass the "not open yet" check.
  const std::lock_guard registry_lock(open_stores_mutex);

  bool file_exists = false;
  if (!in_memory) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      if (!S_ISREG(info.st_mode)) return untouched(ErrorCode::InvalidInput, path, "is not a regular file");
      if (open_stores.count(file_key(info))) {
        return Error{ErrorCode::Storage, path + " is already open in this program (one Store per database)"};
      }
      file_exists = true;
      // A 0-byte file is what SQLite itself creates before the first write: treat it as new.
      if (info.st_size > 0) {
        if (auto header = check_header(path, info.st_size); !header) return header.error();
      }
    } else if (errno != ENOENT) {
      return Error{ErrorCode::Storage, "cannot use " + path + ": " + std::strerror(errno)};
    }
  }

  const bool wal_was_there = !in_memory && exists(path + "-wal");
  // Without CREATE for an existing file, so SQLite can never replace it.
  auto opened = sqlite::Connection::open(path, {.create = !file_exists, .busy_timeout_ms = kBusyTimeoutMs});
  if (!opened) return opened.error();
  sqlite::Connection& db = *opened;

  // A refused file is closed as it was found. A WAL that was already there (say, from a newer version that
  // stopped) is kept as it was rather than checkpointed into the file; one SQLite made on reading is empty,
  // and an ordinary close removes it again without writing to the database.
  const auto refuse = [&](Error error) {
    if (wal_was_there) db.keep_wal_on_close();
    return error;
  };
  if (auto locked = lock_exclusively(db, in_memory); !locked) {
    return refuse(Error{locked.error().code, path + ": " + locked.error().message});
  }
  auto found_version = sqlite::check_schema(db, path, kSchema);
  if (!found_version) return refuse(found_version.error());
  if (auto applied = apply_settings(db, in_memory); !applied) {
    return Error{applied.error().code, path + ": " + applied.error().message};
  }
  if (auto migrated = sqlite::apply_migrations(db, path, kSchema, *found_version); !migrated) {
    return migrated.error();
  }

  auto impl = std::make_unique<Impl>(path, std::move(db));
  auto swept = impl->forget_every_confirmed_field_response();
  if (!swept) return Error{swept.error().code, path + ": " + swept.error().message};
  if (*swept) {
    if (auto done = impl->checkpoint_truncate(); !done) return Error{done.error().code, path + ": " + done.error().message};
  }
  if (!in_memory) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      impl->open_key = file_key(info);
      open_stores.insert(impl->open_key);
    }
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<StorePragmas> Store::pragmas() {
  const std::lock_guard lock(impl_->mutex);
  sqlite::Connection& db = impl_->db;
  StorePragmas out;
  auto journal_mode = db.text_rows("PRAGMA journal_mode", "reading pragmas");
  if (!journal_mode) return journal_mode.error();
  out.journal_mode = *journal_mode;
  auto locking_mode = db.text_rows("PRAGMA locking_mode", "reading pragmas");
  if (!locking_mode) return locking_mode.error();
  out.locking_mode = *locking_mode;
  int64_t numbers[5] = {};
  const char* const queries[5] = {"PRAGMA synchronous", "PRAGMA foreign_keys", "PRAGMA busy_timeout",
                                  "PRAGMA user_version", "PRAGMA application_id"};
  for (int i = 0; i < 5; ++i) {
    auto value = db.integer(queries[i], "reading pragmas");
    if (!value) return value.error();
    numbers[i] = *value;
  }
  out.synchronous = static_cast<int>(numbers[0]);
  out.foreign_keys = numbers[1] == 1;
  out.busy_timeout_ms = static_cast<int>(numbers[2]);
  out.schema_version = static_cast<int>(numbers[3]);
  out.application_id = numbers[4];
  return out;
}

}  // namespace soundings
