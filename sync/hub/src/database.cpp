// The hub's database interface: what both databases share, and SQLite behind it (the single SQLite layer).
#include "soundings/database.h"

#include <sqlite3.h>

#include "soundings/sqlite.h"

namespace soundings::db {

Status Statement::run(std::string_view doing) {
  while (true) {
    auto row = step(doing);
    if (!row) return row.error();
    if (!*row) return Status::success();
  }
}

Result<int64_t> Connection::integer(const std::string& sql, std::string_view doing) {
  auto query = prepare(sql);
  if (!query) return query.error();
  auto row = query->step(doing);
  if (!row) return row.error();
  return *row ? query->integer(0) : int64_t{0};
}

// Transaction ----------------------------------------------------------------------------------

Transaction::~Transaction() {
  // After some failures the database has already rolled back: then there is nothing left to undo.
  if (begun_ && !committed_ && connection_.in_transaction()) {
    (void)connection_.exec("ROLLBACK", "rolling back");
  }
}

Status Transaction::begin() {
  const char* sql = connection_.dialect() == Dialect::SQLite ? "BEGIN IMMEDIATE" : "BEGIN";
  if (auto done = connection_.exec(sql, "starting a transaction"); !done) return done;
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
  if (open_ && connection_.in_transaction()) {
    (void)connection_.exec("ROLLBACK TO SAVEPOINT " + name_ + "; RELEASE SAVEPOINT " + name_, "undoing a savepoint");
  }
}

Status Savepoint::begin() {
  if (auto done = connection_.exec("SAVEPOINT " + name_, "starting a savepoint"); !done) return done;
  open_ = true;
  return Status::success();
}

Status Savepoint::release() {
  if (auto done = connection_.exec("RELEASE SAVEPOINT " + name_, "releasing a savepoint"); !done) return done;
  open_ = false;
  return Status::success();
}

Status Savepoint::rollback() {
  const std::string undo = "ROLLBACK TO SAVEPOINT " + name_ + "; RELEASE SAVEPOINT " + name_;
  if (auto done = connection_.exec(undo, "rolling back a savepoint"); !done) return done;
  open_ = false;
  return Status::success();
}

// SQLite ---------------------------------------------------------------------------------------

namespace {

class SqliteCursor final : public Cursor {
 public:
  explicit SqliteCursor(sqlite::Statement statement) : statement_(std::move(statement)) {}
  void bind_text(int index, std::string_view text) override { statement_.bind(index, text); }
  void bind_integer(int index, int64_t number) override { statement_.bind(index, number); }
  void bind_blob(int index, std::string_view bytes) override { statement_.bind_blob(index, bytes); }
  void bind_null(int index) override { statement_.bind_null(index); }
  Result<bool> step(std::string_view doing) override { return statement_.step(doing); }
  bool is_null(int column) const override { return statement_.is_null(column); }
  int64_t integer(int column) const override { return statement_.integer(column); }
  std::string text(int column) const override { return statement_.text(column); }
  std::string blob(int column) const override { return statement_.blob(column); }

 private:
  sqlite::Statement statement_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite::Connection connection) : connection_(std::move(connection)) {}
  Dialect dialect() const override { return Dialect::SQLite; }
  Status exec(const std::string& sql, std::string_view doing) override { return connection_.exec(sql, doing); }
  Result<Statement> prepare(std::string_view sql) override { return wrap(connection_.prepare(sql)); }
  Result<Statement> cached(std::string_view sql) override { return wrap(connection_.cached(sql)); }
  int64_t changes() const override { return connection_.changes(); }
  bool in_transaction() const override { return sqlite3_get_autocommit(connection_.handle()) == 0; }
  sqlite::Connection* sqlite() override { return &connection_; }

 private:
  static Result<Statement> wrap(Result<sqlite::Statement> statement) {
    if (!statement) return statement.error();
    return Statement(std::make_unique<SqliteCursor>(std::move(*statement)));
  }
  sqlite::Connection connection_;
};

}  // namespace

std::unique_ptr<Connection> wrap_sqlite(sqlite::Connection connection) {
  return std::make_unique<SqliteConnection>(std::move(connection));
}

bool is_postgres_url(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

namespace {

// scheme://user:password@host...: everything between the first ':' after "//" and the last '@' before
// the path is the password.
std::string redact_authority(std::string_view url) {
  const auto start = url.find("//");
  if (start == std::string_view::npos) return std::string(url);
  const auto path = url.find_first_of("/?", start + 2);
  const auto authority = url.substr(start + 2, path == std::string_view::npos ? url.npos : path - start - 2);
  const auto at = authority.rfind('@');
  const auto colon = authority.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return std::string(url);
  std::string redacted(url.substr(0, start + 2 + colon + 1));
  redacted += "***";
  redacted += url.substr(start + 2 + at);
  return redacted;
}

// "password=secret" as a query parameter (?password=, &password=) or a libpq keyword (start, after a space).
std::string redact_password_parameters(std::string url) {
  constexpr std::string_view kKey = "password=";
  for (size_t at = url.find(kKey); at != std::string::npos; at = url.find(kKey, at + 1)) {
    if (at != 0 && url[at - 1] != '?' && url[at - 1] != '&' && url[at - 1] != ' ') continue;
    const size_t value = at + kKey.size();
    const size_t end = url.find_first_of("& ", value);
    url.replace(value, (end == std::string::npos ? url.size() : end) - value, "***");
  }
  return url;
}

}  // namespace

std::string redact_url(std::string_view url) { return redact_password_parameters(redact_authority(url)); }

}  // namespace soundings::db
