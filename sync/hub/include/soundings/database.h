// The hub's database: one interface over the embedded SQLite file and a PostgreSQL server.
//
// The hub store is written once against it. SQL uses ?1, ?2... placeholders (the PostgreSQL
// connection turns them into $1, $2...) and the subset both dialects share; where they differ the
// store asks `dialect()`. Every failure is a value, as in soundings/sqlite.h: a uniqueness clash is
// Conflict, a server that cannot be reached or a connection that broke is Storage (the API's 503),
// a database that is not a hub's is Corrupt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "soundings/result.h"

namespace soundings::sqlite {
class Connection;
}

namespace soundings::db {

enum class Dialect { SQLite, PostgreSQL };

// What a statement is behind Statement: a prepared SQLite statement, or a PostgreSQL one with its
// parameters and, once run, its rows.
class Cursor {
 public:
  virtual ~Cursor() = default;
  // PostgreSQL keeps a NUL byte (which its text cannot hold) as U+FFFD, never cutting the text short there.
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_integer(int index, int64_t number) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;
  virtual void bind_null(int index) = 0;
  // True while a row is ready, false when done. The first call runs the statement.
  [[nodiscard]] virtual Result<bool> step(std::string_view doing) = 0;
  virtual bool is_null(int column) const = 0;
  // A number; a PostgreSQL boolean is 1 or 0.
  virtual int64_t integer(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
};

// A statement of either database, used the same way as sqlite::Statement: binds chain, step reads.
// A cached statement is reset when the Statement goes, so it never holds a read open.
class Statement {
 public:
  explicit Statement(std::unique_ptr<Cursor> cursor) : cursor_(std::move(cursor)) {}

  Statement& bind(int index, std::string_view text) {
    cursor_->bind_text(index, text);
    return *this;
  }
  Statement& bind(int index, int64_t number) {
    cursor_->bind_integer(index, number);
    return *this;
  }
  Statement& bind_blob(int index, std::string_view bytes) {
    cursor_->bind_blob(index, bytes);
    return *this;
  }
  Statement& bind_null(int index) {
    cursor_->bind_null(index);
    return *this;
  }
  [[nodiscard]] Result<bool> step(std::string_view doing = "reading the database") { return cursor_->step(doing); }
  // Runs the statement to its end, ignoring any rows.
  [[nodiscard]] Status run(std::string_view doing);

  bool is_null(int column) const { return cursor_->is_null(column); }
  int64_t integer(int column) const { return cursor_->integer(column); }
  std::string text(int column) const { return cursor_->text(column); }
  std::string blob(int column) const { return cursor_->blob(column); }

 private:
  std::unique_ptr<Cursor> cursor_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs SQL that returns no rows and takes no values (schema, settings, BEGIN): never user values.
  [[nodiscard]] virtual Status exec(const std::string& sql, std::string_view doing) = 0;
  // A statement of its own.
  [[nodiscard]] virtual Result<Statement> prepare(std::string_view sql) = 0;
  // A statement prepared once and kept for the connection's life (the SQL is always a literal).
  [[nodiscard]] virtual Result<Statement> cached(std::string_view sql) = 0;
  // Rows changed by the last statement run on this connection.
  virtual int64_t changes() const = 0;
  // Inside a transaction (SQLite: not in autocommit; PostgreSQL: not idle, a failed one included).
  virtual bool in_transaction() const = 0;
  // The underlying SQLite connection (WAL hooks, checkpoints, online backup); null for PostgreSQL.
  virtual sqlite::Connection* sqlite() { return nullptr; }

  // The first column of the first row (0 when there is none): for counts.
  [[nodiscard]] Result<int64_t> integer(const std::string& sql, std::string_view doing);
};

// A write transaction that rolls back unless committed. On SQLite it takes the write lock up front
// (BEGIN IMMEDIATE); on PostgreSQL it is READ COMMITTED, and exactly-once rests on unique keys and
// conflict clauses, never on a read made earlier in the transaction.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] Status begin();
  // Returns once the database reports the commit durable.
  [[nodiscard]] Status commit();

 private:
  Connection& connection_;
  bool begun_ = false;
  bool committed_ = false;
};

// Part of a transaction that can be undone alone; undone unless released. `name` is a literal.
class Savepoint {
 public:
  Savepoint(Connection& connection, std::string_view name) : connection_(connection), name_(name) {}
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  [[nodiscard]] Status begin();
  [[nodiscard]] Status release();
  [[nodiscard]] Status rollback();

 private:
  Connection& connection_;
  std::string name_;
  bool open_ = false;
};

// The SQLite layer's connection behind this interface.
std::unique_ptr<Connection> wrap_sqlite(sqlite::Connection connection);

// True for "postgresql://..." and "postgres://..." (libpq's connection URIs).
bool is_postgres_url(std::string_view text);
// The URL with any password replaced by "***": for messages and logs.
std::string redact_url(std::string_view url);
// `text` (a message that may quote the URL, or a part of it) with every password the URL holds replaced by "***".
std::string redact_passwords(std::string_view text, std::string_view url);
// A connection to a PostgreSQL server (libpq). The error names the server (redacted) and the reason.
[[nodiscard]] Result<std::unique_ptr<Connection>> open_postgres(const std::string& url);

}  // namespace soundings::db
