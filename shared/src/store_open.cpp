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

namespace store_detail {

Error sqlite_error(sqlite3* db, int rc, std::string_view doing) {
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = "database error while " + std::string(doing) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Error{ErrorCode::Corrupt, std::move(message)};
    case SQLITE_FULL: return Error{ErrorCode::Storage, std::move(message) + " (the disk is full)"};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorCode::Storage, std::move(message) + " (another program has this database open; only one "
                                                             "program may use a device's database at a time)"};
    default: return Error{ErrorCode::Storage, std::move(message)};
  }
}

Status exec(sqlite3* db, const char* sql, std::string_view doing) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, doing);
  return Status::success();
}

}  // namespace store_detail

using store_detail::exec;
using store_detail::sqlite_error;

namespace {

// "SNDG": marks a file as a Soundings device database (PRAGMA application_id).
constexpr int64_t kApplicationId = 0x534E4447;
constexpr int kBusyTimeoutMs = 5000;

// Forward migrations, applied in order inside one transaction at open. Never edit a shipped step:
// add a new one. Version 1 is the tables; version 2 the immutability triggers and the lookup indexes.
struct Migration {
  int version;
  const char* sql;
};

constexpr std::array<Migration, 2> kMigrations{{
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
}};

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

Result<int64_t> read_integer(sqlite3* db, const char* sql, std::string_view doing) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, doing);
  rc = sqlite3_step(stmt);
  const int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_error(db, rc, doing);
  return value;
}

// Every row of a one-column query, joined with "; " (for quick_check's list of problems).
Result<std::string> read_text_rows(sqlite3* db, const char* sql, std::string_view doing) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, doing);
  std::string joined;
  int rows = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (rows++ > 0) joined += "; ";
    if (rows > 5) {
      joined += "...";
      break;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    joined += text ? text : "";
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_error(db, rc, doing);
  return joined;
}

// Closes a connection to a refused file. A WAL that was already there (say, from a newer version that
// stopped) is kept as it was rather than checkpointed into the file; one SQLite made on reading is empty,
// and an ordinary close removes it again without writing to the database.
void close_untouched(sqlite3* db, bool wal_was_there) {
  if (wal_was_there) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_close_v2(db);
}

// Decides from what is already in the file whether it is ours, new, foreign, newer or damaged. Reads only.
// Returns the schema version found (0 for a new, empty database).
Result<int> inspect(sqlite3* db, const std::string& path) {
  auto application_id = read_integer(db, "PRAGMA application_id", "reading the database header");
  if (!application_id) {
    const Error& error = application_id.error();
    if (error.code == ErrorCode::Corrupt) {
      return untouched(ErrorCode::Corrupt, path, "is not a Soundings database or is damaged (" + error.message + ")");
    }
    return Error{error.code, path + ": " + error.message};
  }
  auto user_version = read_integer(db, "PRAGMA user_version", "reading the schema version");
  if (!user_version) return Error{user_version.error().code, path + ": " + user_version.error().message};
  auto objects = read_integer(db, "SELECT count(*) FROM sqlite_schema", "reading the schema");
  if (!objects) {
    return untouched(objects.error().code, path, "cannot be read (" + objects.error().message + ")");
  }

  const int current = Store::current_schema_version();
  if (*application_id == 0 && *user_version == 0 && *objects == 0) return 0;  // new, empty database
  if (*application_id != kApplicationId) {
    return untouched(ErrorCode::Corrupt, path, "is an SQLite database of another program, not a Soundings database");
  }
  if (*user_version > current) {
    return untouched(ErrorCode::TooNew, path,
                     "was written by a newer version of Soundings (schema version " + std::to_string(*user_version) +
                         "; this version reads up to " + std::to_string(current) +
                         "). Install the newer version to use it");
  }
  if (*user_version < 1) {
    return untouched(ErrorCode::Corrupt, path, "is marked as a Soundings database but has no schema version");
  }

  auto problems = read_text_rows(db, "PRAGMA quick_check", "checking the database");
  if (!problems) {
    return untouched(problems.error().code, path, "is damaged or truncated (" + problems.error().message + ")");
  }
  if (*problems != "ok") return untouched(ErrorCode::Corrupt, path, "is damaged or truncated (" + *problems + ")");
  return static_cast<int>(*user_version);
}

Status apply_migrations(sqlite3* db, int from_version) {
  store_detail::Transaction transaction(db);
  if (auto begun = transaction.begin(); !begun) return begun;
  for (const auto& migration : kMigrations) {
    if (migration.version <= from_version) continue;
    const std::string doing = "migrating the schema to version " + std::to_string(migration.version);
    if (auto done = exec(db, migration.sql, doing); !done) return done;
  }
  const std::string stamp = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                            "; PRAGMA user_version = " + std::to_string(Store::current_schema_version());
  if (auto done = exec(db, stamp.c_str(), "recording the schema version"); !done) return done;
  return transaction.commit();
}

// Exclusive locking keeps every other connection out, which makes this one the only writer and
// checkpointer (SQLite 3.40 can corrupt a WAL database when two connections reset the WAL at once).
// It must be set before the first read so that the WAL index lives in this process's memory.
Status lock_exclusively(sqlite3* db, bool in_memory) {
  if (in_memory) return Status::success();
  return exec(db, "PRAGMA locking_mode = EXCLUSIVE", "setting the locking mode");
}

// Settings that write to the file (journal_mode rewrites the header): only for a file known to be ours.
Status apply_settings(sqlite3* db, bool in_memory) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, "switching to write-ahead logging");
  rc = sqlite3_step(stmt);
  std::string mode;
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    mode = text ? text : "";
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return sqlite_error(db, rc, "switching to write-ahead logging");
  if (mode != (in_memory ? "memory" : "wal")) {
    return Error{ErrorCode::Storage,
                 "the database would not switch to write-ahead logging (journal mode is " + mode + ")"};
  }
  if (auto done = exec(db, "PRAGMA synchronous = FULL", "setting synchronous=FULL"); !done) return done;
  return exec(db, "PRAGMA foreign_keys = ON", "turning on foreign keys");
}

}  // namespace

int Store::current_schema_version() { return kMigrations.back().version; }

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }

Store::Impl::~Impl() {
  for (auto& entry : statements) sqlite3_finalize(entry.second);
  if (db) sqlite3_close_v2(db);  // the last connection: SQLite checkpoints and removes the WAL
  if (!open_key.empty()) {
    const std::lock_guard lock(open_stores_mutex);
    open_stores.erase(open_key);
  }
}

Result<store_detail::Query> Store::Impl::query(std::string_view sql) {
  auto found = statements.find(sql);
  if (found == statements.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db, rc, "preparing a statement");
    found = statements.emplace(std::string(sql), stmt).first;
  }
  return store_detail::Query(db, found->second);
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
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  // Without CREATE for an existing file, so SQLite can never replace it.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (file_exists ? 0 : SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(db, rc, "opening " + path);
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  if (auto locked = lock_exclusively(db, in_memory); !locked) {
    close_untouched(db, wal_was_there);
    return Error{locked.error().code, path + ": " + locked.error().message};
  }
  auto found_version = inspect(db, path);
  if (!found_version) {
    close_untouched(db, wal_was_there);
    return found_version.error();
  }
  if (auto applied = apply_settings(db, in_memory); !applied) {
    sqlite3_close_v2(db);
    return Error{applied.error().code, path + ": " + applied.error().message};
  }
  if (*found_version < current_schema_version()) {
    if (auto migrated = apply_migrations(db, *found_version); !migrated) {
      sqlite3_close_v2(db);
      return Error{migrated.error().code, path + ": " + migrated.error().message};
    }
  }

  if (!in_memory) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      impl->open_key = file_key(info);
      open_stores.insert(impl->open_key);
    }
  }
  impl->db = db;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

StorePragmas Store::pragmas() {
  const std::lock_guard lock(impl_->mutex);
  sqlite3* db = impl_->db;
  const auto integer = [db](const char* sql) {
    auto value = read_integer(db, sql, "reading pragmas");
    return value ? *value : int64_t{-1};
  };
  const auto text = [db](const char* sql) {
    auto value = read_text_rows(db, sql, "reading pragmas");
    return value ? *value : std::string();
  };
  StorePragmas out;
  out.journal_mode = text("PRAGMA journal_mode");
  out.locking_mode = text("PRAGMA locking_mode");
  out.synchronous = static_cast<int>(integer("PRAGMA synchronous"));
  out.foreign_keys = integer("PRAGMA foreign_keys") == 1;
  out.busy_timeout_ms = static_cast<int>(integer("PRAGMA busy_timeout"));
  out.schema_version = static_cast<int>(integer("PRAGMA user_version"));
  out.application_id = integer("PRAGMA application_id");
  return out;
}

}  // namespace soundings
