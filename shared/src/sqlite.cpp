// The one SQLite layer: every SQLite call of the device store and the hub goes through here.
#include "soundings/sqlite.h"

#include <sqlite3.h>

#include <utility>

namespace soundings::sqlite {

Error error_from(sqlite3* db, int rc, std::string_view doing) {
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = "database error while " + std::string(doing) + ": " + detail;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{ErrorCode::Conflict, std::move(message)};
  }
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Error{ErrorCode::Corrupt, std::move(message)};
    case SQLITE_FULL: return Error{ErrorCode::Storage, std::move(message) + " (the disk is full)"};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorCode::Storage, std::move(message) + " (another program has this database open and is "
                                                             "holding its lock; only one program may write to it "
                                                             "at a time)"};
    default: return Error{ErrorCode::Storage, std::move(message)};
  }
}

// Statement ------------------------------------------------------------------------------------

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), owned_(other.owned_), bind_error_(other.bind_error_) {}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind(int index, int64_t number) {
  const int rc = sqlite3_bind_int64(stmt_, index, number);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::step(std::string_view doing) {
  if (bind_error_ != 0) return error_from(nullptr, bind_error_, doing);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error_from(db_, rc, doing);
}

Status Statement::run(std::string_view doing) {
  while (true) {
    auto row = step(doing);
    if (!row) return row.error();
    if (!*row) return Status::success();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(data, static_cast<size_t>(size)) : std::string();
}

std::string Statement::blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(size)) : std::string();
}

// Connection -----------------------------------------------------------------------------------

Result<Connection> Connection::open(const std::string& path, const OpenOptions& options) {
  // Read-write even for a reader: a read-only connection cannot always set up a WAL file's shared memory.
  const int flags = SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = error_from(db, rc, "opening " + path);
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  Connection connection(db);
  if (options.query_only) {
    if (auto done = connection.exec("PRAGMA query_only = ON", "opening " + path + " for reading"); !done) {
      return done.error();
    }
  }
  return connection;
}

Connection::~Connection() { close(); }

void Connection::close() {
  for (auto& entry : statements_) sqlite3_finalize(entry.second);
  statements_.clear();
  if (db_ != nullptr) sqlite3_close_v2(db_);  // the last connection: SQLite checkpoints and removes the WAL
  db_ = nullptr;
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), statements_(std::move(other.statements_)) {
  other.statements_.clear();
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    statements_ = std::move(other.statements_);
    other.statements_.clear();
  }
  return *this;
}

Status Connection::exec(const std::string& sql, std::string_view doing) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error_from(db_, rc, doing);
  return Status::success();
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return error_from(db_, rc, "preparing \"" + std::string(sql.substr(0, 60)) + "\"");
  return Statement(db_, stmt, true);
}

Result<Statement> Connection::cached(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return error_from(db_, rc, "preparing \"" + std::string(sql.substr(0, 60)) + "\"");
    found = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, found->second, false);
}

Result<int64_t> Connection::integer(const std::string& sql, std::string_view doing) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  auto row = statement->step(doing);
  if (!row) return row.error();
  return *row ? statement->integer(0) : int64_t{0};
}

Result<std::string> Connection::text_rows(const std::string& sql, std::string_view doing) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  std::string joined;
  int rows = 0;
  while (true) {
    auto row = statement->step(doing);
    if (!row) return row.error();
    if (!*row) break;
    if (rows++ > 0) joined += "; ";
    if (rows > 5) {
      joined += "...";
      break;
    }
    joined += statement->text(0);
  }
  return joined;
}

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

void Connection::keep_wal_on_close() { sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr); }

// Transaction ----------------------------------------------------------------------------------

Transaction::~Transaction() {
  // After some I/O errors SQLite has already rolled back: then there is nothing left to undo.
  if (begun_ && !committed_ && !sqlite3_get_autocommit(connection_.handle())) {
    sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status Transaction::begin() {
  if (auto done = connection_.exec("BEGIN IMMEDIATE", "starting a transaction"); !done) return done;
  begun_ = true;
  return Status::success();
}

Status Transaction::commit() {
  if (auto done = connection_.exec("COMMIT", "committing"); !done) return done;
  committed_ = true;
  return Status::success();
}

// Savepoint ------------------------------------------------------------------------------------

Savepoint::~Savepoint() {
  // Only inside a transaction still open: after some I/O errors SQLite has already rolled back.
  if (open_ && !sqlite3_get_autocommit(connection_.handle())) {
    const std::string undo = "ROLLBACK TO " + name_ + "; RELEASE " + name_;
    sqlite3_exec(connection_.handle(), undo.c_str(), nullptr, nullptr, nullptr);
  }
}

Status Savepoint::begin() {
  if (auto done = connection_.exec("SAVEPOINT " + name_, "starting a savepoint"); !done) return done;
  open_ = true;
  return Status::success();
}

Status Savepoint::release() {
  if (auto done = connection_.exec("RELEASE " + name_, "releasing a savepoint"); !done) return done;
  open_ = false;
  return Status::success();
}

Status Savepoint::rollback() {
  const std::string undo = "ROLLBACK TO " + name_ + "; RELEASE " + name_;
  if (auto done = connection_.exec(undo, "rolling back a savepoint"); !done) return done;
  open_ = false;
  return Status::success();
}

// Online backup ---------------------------------------------------------------------------------

Status copy_database(Connection& source, Connection& destination) {
  sqlite3_backup* backup = sqlite3_backup_init(destination.handle(), "main", source.handle(), "main");
  if (backup == nullptr) {
    return error_from(destination.handle(), sqlite3_errcode(destination.handle()), "starting the copy");
  }
  // Every page in one step (-1), under one read transaction: copied a few pages at a time, the copy
  // would start over after each write by another process, and under steady ingest might never end.
  // A lock the source cannot get at once is waited for by its busy timeout.
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) return error_from(nullptr, stepped, "copying the database");
  if (finished != SQLITE_OK) return error_from(destination.handle(), finished, "finishing the copy");
  return Status::success();
}

// Migrations -----------------------------------------------------------------------------------

namespace {

Error untouched(ErrorCode code, const std::string& path, const std::string& problem) {
  return Error{code, path + " " + problem + "; it has been left untouched"};
}

}  // namespace

Result<int> check_schema(Connection& connection, const std::string& path, const Schema& schema) {
  auto application_id = connection.integer("PRAGMA application_id", "reading the database header");
  if (!application_id) {
    const Error& error = application_id.error();
    if (error.code == ErrorCode::Corrupt) {
      return untouched(ErrorCode::Corrupt, path,
                       "is not " + std::string(schema.name) + " or is damaged (" + error.message + ")");
    }
    return Error{error.code, path + ": " + error.message};
  }
  auto user_version = connection.integer("PRAGMA user_version", "reading the schema version");
  if (!user_version) return Error{user_version.error().code, path + ": " + user_version.error().message};
  auto objects = connection.integer("SELECT count(*) FROM sqlite_schema", "reading the schema");
  if (!objects) {
    return untouched(objects.error().code, path, "cannot be read (" + objects.error().message + ")");
  }

  const int current = schema.current_version();
  if (*application_id == 0 && *user_version == 0 && *objects == 0) return 0;  // new, empty database
  if (*application_id != schema.application_id) {
    return untouched(ErrorCode::Corrupt, path,
                     "is an SQLite database of another program, not " + std::string(schema.name));
  }
  if (*user_version > current) {
    return untouched(ErrorCode::TooNew, path,
                     "was written by a newer version of " + std::string(schema.program) + " (schema version " +
                         std::to_string(*user_version) + "; this version reads up to " + std::to_string(current) +
                         "). Install the newer version to use it");
  }
  if (*user_version < 1) {
    return untouched(ErrorCode::Corrupt, path, "is marked as " + std::string(schema.name) + " but has no schema version");
  }

  auto problems = connection.text_rows("PRAGMA quick_check", "checking the database");
  if (!problems) {
    return untouched(problems.error().code, path, "is damaged or truncated (" + problems.error().message + ")");
  }
  if (*problems != "ok") return untouched(ErrorCode::Corrupt, path, "is damaged or truncated (" + *problems + ")");
  return static_cast<int>(*user_version);
}

Status apply_migrations(Connection& connection, const std::string& path, const Schema& schema, int found_version) {
  if (found_version >= schema.current_version()) return Status::success();
  const auto failed = [&path](const Error& error) { return Error{error.code, path + ": " + error.message}; };
  Transaction transaction(connection);
  if (auto begun = transaction.begin(); !begun) return failed(begun.error());
  for (const Migration& migration : schema.migrations) {
    if (migration.version <= found_version) continue;
    const std::string doing = "migrating the schema to version " + std::to_string(migration.version);
    if (auto done = connection.exec(migration.sql, doing); !done) return failed(done.error());
  }
  const std::string stamp = "PRAGMA application_id = " + std::to_string(schema.application_id) +
                            "; PRAGMA user_version = " + std::to_string(schema.current_version());
  if (auto done = connection.exec(stamp, "recording the schema version"); !done) return failed(done.error());
  if (auto committed = transaction.commit(); !committed) return failed(committed.error());
  return Status::success();
}

}  // namespace soundings::sqlite
