// The hub's database interface: what both databases share, and SQLite behind it (the single SQLite layer).
#include "soundings/database.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <vector>

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

struct Span {
  size_t at;
  size_t size;
};

// scheme://user:password@host...: libpq takes everything before the '@' as user and password ('?' included)
// and ends its look at the first '/'; an '@' only past that '/' still marks a password a person meant, so
// the last '@' is taken then. The password runs from the first ':' to that '@'.
std::optional<Span> authority_password(std::string_view url) {
  const auto start = url.find("//");
  if (start == std::string_view::npos) return std::nullopt;
  const size_t from = start + 2;
  const auto slash = url.find('/', from);
  auto at = url.substr(0, slash).rfind('@');
  if (at == std::string_view::npos || at < from) at = url.rfind('@');
  if (at == std::string_view::npos || at < from) return std::nullopt;
  const auto colon = url.find(':', from);
  if (colon == std::string_view::npos || colon > at) return std::nullopt;
  return Span{colon + 1, at - colon - 1};
}

// Every password in a URL (or a libpq keyword string), in order: the authority's, and each "password="
// as a query parameter (?password=, &password=) or a keyword (at the start, after a space).
std::vector<Span> password_spans(std::string_view url) {
  std::vector<Span> spans;
  if (auto authority = authority_password(url)) spans.push_back(*authority);
  constexpr std::string_view kKey = "password=";
  for (size_t at = url.find(kKey); at != std::string_view::npos; at = url.find(kKey, at + 1)) {
    if (at != 0 && url[at - 1] != '?' && url[at - 1] != '&' && url[at - 1] != ' ') continue;
    const size_t value = at + kKey.size();
    if (!spans.empty() && value < spans.front().at + spans.front().size) continue;  // inside the authority's
    const size_t end = std::min(url.find_first_of("& ", value), url.size());
    spans.push_back(Span{value, end - value});
  }
  return spans;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string redacted(url);
  const auto spans = password_spans(url);
  for (auto span = spans.rbegin(); span != spans.rend(); ++span) redacted.replace(span->at, span->size, "***");
  return redacted;
}

std::string redact_passwords(std::string_view text, std::string_view url) {
  std::string redacted(text);
  for (const Span& span : password_spans(url)) {
    if (span.size > 0) redacted = replace_all(std::move(redacted), url.substr(span.at, span.size), "***");
  }
  return redacted;
}

}  // namespace soundings::db
