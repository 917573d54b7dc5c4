// The one SQLite layer of Soundings (device store and hub): connections, statements, transactions, migrations.
//
// Every failure is a value: SQLite result codes become an Error in one place (error_from), so a
// failing read can never look like "nothing there". sqlite3.h stays out: the handles are opaque.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "soundings/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace soundings::sqlite {

// Maps an SQLite result code to a Soundings error, once, for every call site: damaged or foreign
// files are Corrupt, a uniqueness clash is Conflict, everything else Storage (with a plain reason
// for a full disk and for a database another program is holding).
Error error_from(sqlite3* db, int rc, std::string_view doing);

// A prepared statement. Either owned (finalized when it goes) or borrowed from a connection's
// cache (reset and unbound when it goes, so a statement that returned early never holds a read
// transaction open).
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool owned) : db_(db), stmt_(stmt), owned_(owned) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // A bind can only fail on a programming error or out of memory; the first failure is kept and
  // reported by the next step, so binds chain.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t number);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  // True while a row is ready, false when done.
  [[nodiscard]] Result<bool> step(std::string_view doing = "reading the database");
  // Runs a statement to its end, ignoring any rows.
  [[nodiscard]] Status run(std::string_view doing);
  // Ready for new bindings.
  void reset();

  bool is_null(int column) const;
  int64_t integer(int column) const;
  std::string text(int column) const;
  std::string blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
  int bind_error_ = 0;
};

struct OpenOptions {
  bool create = true;          // false: an existing file only, so SQLite can never replace it
  bool query_only = false;     // a connection only for reading: even a mistaken write is refused
  int busy_timeout_ms = 5000;  // how long to wait for another connection's lock
};

// One connection with extended result codes and a busy timeout, and a cache of prepared statements.
class Connection {
 public:
  [[nodiscard]] static Result<Connection> open(const std::string& path, const OpenOptions& options);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // For what this layer does not wrap (WAL hooks, checkpoints).
  sqlite3* handle() const { return db_; }

  // Runs SQL that returns no rows (schema, pragmas); never for anything with user values.
  [[nodiscard]] Status exec(const std::string& sql, std::string_view doing);
  // A statement of its own, finalized when it goes.
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  // A cached statement (prepared once, kept for the connection's life): the SQL is always a
  // literal, so the cache stays small.
  [[nodiscard]] Result<Statement> cached(std::string_view sql);
  // The first column of the first row (0 when there is none): for pragmas and counts.
  [[nodiscard]] Result<int64_t> integer(const std::string& sql, std::string_view doing);
  // Every row of a one-column query joined with "; ", at most five and then "..." (quick_check's list).
  [[nodiscard]] Result<std::string> text_rows(const std::string& sql, std::string_view doing);

  int64_t changes() const;
  int64_t last_insert_rowid() const;
  // On closing, leave a write-ahead log as it is rather than checkpoint it into the file:
  // for a file that was refused and must stay untouched.
  void keep_wal_on_close();

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  void close();

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// A write transaction that rolls back unless committed (after SQLiteCpp's Transaction).
// BEGIN IMMEDIATE takes the write lock up front so a transaction never fails half way for a lock.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] Status begin();
  // Returns once SQLite reports the commit durable (WAL with synchronous=FULL syncs before returning).
  [[nodiscard]] Status commit();

 private:
  Connection& connection_;
  bool begun_ = false;
  bool committed_ = false;
};

// A savepoint inside a transaction: part of it that can be undone alone. Undone (ROLLBACK TO and
// RELEASE) unless released; `name` is a literal identifier, never a user value.
class Savepoint {
 public:
  Savepoint(Connection& connection, std::string_view name) : connection_(connection), name_(name) {}
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  [[nodiscard]] Status begin();
  // Keeps the work done since begin() as part of the enclosing transaction.
  [[nodiscard]] Status release();
  // Undoes the work done since begin() and ends the savepoint; the enclosing transaction goes on.
  [[nodiscard]] Status rollback();

 private:
  Connection& connection_;
  std::string name_;
  bool open_ = false;
};

// Copies the whole database of `source` into `destination` with SQLite's online backup, in one step:
// the copy is the snapshot of one read transaction on `source`, and in WAL mode writers to the source
// (in this process or another) go on meanwhile. `destination` is replaced whole.
[[nodiscard]] Status copy_database(Connection& source, Connection& destination);

// One numbered step of a schema. Never edit a shipped step: add a new one.
struct Migration {
  int version;
  const char* sql;
};

// What a database file must be to be opened as `name` ("a Soundings database", "a Soundings hub database").
struct Schema {
  int64_t application_id;
  std::span<const Migration> migrations;  // in order, numbered from 1
  std::string_view name;
  std::string_view program;  // for a file too new: "Soundings", "the Soundings hub"

  int current_version() const { return migrations.empty() ? 0 : migrations.back().version; }
};

// The one migration runner, in two halves so that settings which write to the file (WAL) can
// run in between, once the file is known to be ours.
//
// check_schema reads only. It refuses a file of another program (another application id, or none
// with tables in it), a file from a newer schema, and a damaged one (quick_check), with an error
// naming the file and saying it was left untouched. Returns the schema version found (0: new, empty).
[[nodiscard]] Result<int> check_schema(Connection& connection, const std::string& path, const Schema& schema);
// Applies the steps after `found_version` in one transaction, stamping application_id and user_version.
[[nodiscard]] Status apply_migrations(Connection& connection, const std::string& path, const Schema& schema,
                                      int found_version);

}  // namespace soundings::sqlite
