// PostgreSQL behind the hub's database interface (libpq).
#include "soundings/database.h"

#include <libpq-fe.h>
#include <poll.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <vector>

namespace soundings::db {

namespace {

// Connection settings a URL may override (libpq: later values win, and the URL comes after these).
constexpr int kConnectTimeoutSeconds = 5;
// How much of a statement's SQL an error quotes to say which one failed to prepare.
constexpr size_t kQuotedSql = 48;

// The first line of libpq's or PostgreSQL's message, without "ERROR:  " and the trailing newline.
std::string first_line(const char* message) {
  std::string text = message ? message : "";
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.starts_with(prefix)) text.erase(0, std::char_traits<char>::length(prefix));
  }
  if (const auto end = text.find('\n'); end != std::string::npos) text.resize(end);
  return text.empty() ? "no reason given" : text;
}

// A reason an operator can act on for a server that is gone, going or full; nullopt for any other failure.
std::optional<std::string> unavailable_reason(const std::string& state, bool connection_lost) {
  if (connection_lost || state.starts_with("08")) return "the database server closed the connection";
  if (state == "57P01") return "the database server is shutting down or ended this connection";
  if (state == "57P02") return "the database server crashed";
  if (state == "57P03") return "the database server is starting up or shutting down and takes no connections now";
  if (state == "53300") return "the database server has too many connections";
  if (state == "53100") return "the database server's disk is full";
  if (state.starts_with("53")) return "the database server is out of resources";
  return std::nullopt;
}

// Every failure of a PostgreSQL call becomes an Error here, once: a uniqueness clash is Conflict,
// everything else Storage, with a plain reason when the server is unavailable.
Error error_from(PGconn* conn, const PGresult* result, std::string_view doing) {
  const char* state_field = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_field ? state_field : "";
  const char* raw = result && *PQresultErrorMessage(result) ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  const std::string detail = first_line(raw);
  const std::string prefix = "database error while " + std::string(doing) + ": ";
  if (state == "23505") return Error{ErrorCode::Conflict, prefix + detail};
  if (auto reason = unavailable_reason(state, PQstatus(conn) != CONNECTION_OK)) {
    return Error{ErrorCode::Storage, prefix + *reason + " (" + detail + ")"};
  }
  return Error{ErrorCode::Storage, prefix + detail};
}

// ?N placeholders become $N, outside string literals and quoted names.
std::string to_dollar_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: the same result
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

// PostgreSQL text cannot hold U+0000, and libpq sends a text value only up to its first NUL byte: a
// device's "town-square\0..." would be read as "town-square", found, and stored. Each NUL becomes
// U+FFFD instead, so the value is kept whole and never equals one without it (as on SQLite).
std::string without_nul(std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\0') {
      out += kReplacement;
    } else {
      out += c;
    }
  }
  return out;
}

struct PGresultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, PGresultDeleter>;

class PostgresConnection;

// One statement's parameters and, once run, its rows (fetched whole: a cursor never holds the connection).
class PostgresCursor final : public Cursor {
 public:
  // `name` is the prepared statement's, or empty for a statement run once with its SQL.
  PostgresCursor(PostgresConnection& connection, std::string name, std::string sql)
      : connection_(connection), name_(std::move(name)), sql_(std::move(sql)) {}
  void bind_text(int index, std::string_view text) override { set(index, without_nul(text), 0); }
  void bind_integer(int index, int64_t number) override { set(index, std::to_string(number), 0); }
  void bind_blob(int index, std::string_view bytes) override { set(index, std::string(bytes), 1); }
  void bind_null(int index) override { set(index, std::nullopt, 0); }
  Result<bool> step(std::string_view doing) override;
  bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  int64_t integer(int column) const override;
  std::string text(int column) const override;
  std::string blob(int column) const override;

 private:
  void set(int index, std::optional<std::string> value, int format) {
    if (index < 1) return;
    const auto slot = static_cast<size_t>(index - 1);
    if (values_.size() <= slot) {
      values_.resize(slot + 1);
      formats_.resize(slot + 1, 0);
    }
    values_[slot] = std::move(value);
    formats_[slot] = format;
  }

  PostgresConnection& connection_;
  std::string name_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  ResultPtr result_;
  int row_ = -1;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::PostgreSQL; }
  Status exec(const std::string& sql, std::string_view doing) override;
  Result<Statement> prepare(std::string_view sql) override {
    return Statement(std::make_unique<PostgresCursor>(*this, "", to_dollar_placeholders(sql)));
  }
  Result<Statement> cached(std::string_view sql) override;
  int64_t changes() const override { return changes_; }
  bool in_transaction() const override;

  // Runs a statement (prepared under `name`, or its SQL once); the result, or the error.
  Result<ResultPtr> run(const std::string& name, const std::string& sql, const std::vector<std::optional<std::string>>& values,
                        const std::vector<int>& formats, std::string_view doing);

 private:
  Status ready(std::string_view doing);
  Result<ResultPtr> checked(PGresult* raw, bool was_in_transaction, std::string_view doing);

  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL -> statement name on the server
  uint64_t statements_made_ = 0;
  int64_t changes_ = 0;
  // The server went away inside a transaction: nothing more runs until the transaction is ended.
  bool lost_in_transaction_ = false;
};

bool PostgresConnection::in_transaction() const {
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE: return false;
    case PQTRANS_ACTIVE:
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR: return true;
    case PQTRANS_UNKNOWN: return lost_in_transaction_;
  }
  return lost_in_transaction_;
}

// An idle connection whose server stopped or restarted still reads CONNECTION_OK until it is used, but
// its socket is readable: the server's goodbye (a warning), then end of file. Reading all of it marks the
// connection bad, so it is reset before a request's first statement instead of failing that request, or
// the next one, after the server is back.
bool closed_while_idle(PGconn* conn) {
  constexpr int kReadsBeforeEndOfFile = 8;  // a goodbye is one or two messages; a live idle session sends few
  for (int read = 0; read < kReadsBeforeEndOfFile; ++read) {
    pollfd socket{PQsocket(conn), POLLIN, 0};
    if (socket.fd < 0) return true;
    if (poll(&socket, 1, 0) <= 0) return false;
    if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) return true;
  }
  return false;
}

// A connection whose server went away is reset at its next use outside a transaction, so a hub carries
// on by itself once PostgreSQL is back; inside one, the transaction is lost and must be ended first.
Status PostgresConnection::ready(std::string_view doing) {
  if (PQstatus(conn_) == CONNECTION_OK && (in_transaction() || !closed_while_idle(conn_))) return Status::success();
  if (lost_in_transaction_) {
    return Error{ErrorCode::Storage, "database error while " + std::string(doing) +
                                         ": the database server closed the connection during a transaction"};
  }
  prepared_.clear();  // the server forgot them with the session
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Error{ErrorCode::Storage, "database error while " + std::string(doing) +
                                         ": cannot reach the database server (" + first_line(PQerrorMessage(conn_)) + ")"};
  }
  return Status::success();
}

Result<ResultPtr> PostgresConnection::checked(PGresult* raw, bool was_in_transaction, std::string_view doing) {
  ResultPtr result(raw);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    changes_ = std::strtoll(PQcmdTuples(result.get()), nullptr, 10);
    return result;
  }
  if (PQstatus(conn_) != CONNECTION_OK && was_in_transaction) lost_in_transaction_ = true;
  return error_from(conn_, result.get(), doing);
}

Status PostgresConnection::exec(const std::string& sql, std::string_view doing) {
  if (lost_in_transaction_ && sql == "ROLLBACK") {
    // The server ended the transaction when the connection broke: there is nothing left to undo.
    lost_in_transaction_ = false;
    return Status::success();
  }
  if (auto ok = ready(doing); !ok) return ok;
  const bool was_in_transaction = in_transaction();
  auto done = checked(PQexec(conn_, sql.c_str()), was_in_transaction, doing);
  if (!done) return done.error();
  // PostgreSQL ends a failed transaction on COMMIT by rolling it back, and says so only in the command tag.
  if (sql == "COMMIT" && std::string_view(PQcmdStatus(done->get())) == "ROLLBACK") {
    return Error{ErrorCode::Storage, "database error while " + std::string(doing) +
                                         ": a statement of the transaction had failed, so it was rolled back"};
  }
  return Status::success();
}

Result<Statement> PostgresConnection::cached(std::string_view sql) {
  if (auto ok = ready("preparing a statement"); !ok) return ok.error();
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    // Names are never reused, so a statement made before a reset can never run another one's SQL.
    const std::string name = "s" + std::to_string(++statements_made_);
    const std::string converted = to_dollar_placeholders(sql);
    const bool was_in_transaction = in_transaction();
    auto done = checked(PQprepare(conn_, name.c_str(), converted.c_str(), 0, nullptr), was_in_transaction,
                        "preparing \"" + std::string(sql.substr(0, kQuotedSql)) + (sql.size() > kQuotedSql ? "...\"" : "\""));
    if (!done) return done.error();
    found = prepared_.emplace(std::string(sql), name).first;
  }
  return Statement(std::make_unique<PostgresCursor>(*this, found->second, ""));
}

Result<ResultPtr> PostgresConnection::run(const std::string& name, const std::string& sql,
                                          const std::vector<std::optional<std::string>>& values,
                                          const std::vector<int>& formats, std::string_view doing) {
  if (auto ok = ready(doing); !ok) return ok.error();
  std::vector<const char*> pointers(values.size(), nullptr);
  std::vector<int> lengths(values.size(), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    pointers[i] = values[i]->data();
    lengths[i] = static_cast<int>(values[i]->size());
  }
  const int count = static_cast<int>(values.size());
  const bool was_in_transaction = in_transaction();
  PGresult* raw = name.empty()
                      ? PQexecParams(conn_, sql.c_str(), count, nullptr, pointers.data(), lengths.data(), formats.data(), 0)
                      : PQexecPrepared(conn_, name.c_str(), count, pointers.data(), lengths.data(), formats.data(), 0);
  return checked(raw, was_in_transaction, doing);
}

Result<bool> PostgresCursor::step(std::string_view doing) {
  if (!result_) {
    // A cached statement prepared before a reset is gone from the server: this one is reported, the next is prepared again.
    auto ran = connection_.run(name_, sql_, values_, formats_, doing);
    if (!ran) return ran.error();
    result_ = std::move(*ran);
  }
  ++row_;
  return row_ < PQntuples(result_.get());
}

int64_t PostgresCursor::integer(int column) const {
  const char* value = PQgetvalue(result_.get(), row_, column);
  if (value[0] == 't' && value[1] == '\0') return 1;  // a boolean
  if (value[0] == 'f' && value[1] == '\0') return 0;
  return std::strtoll(value, nullptr, 10);
}

std::string PostgresCursor::text(int column) const {
  return std::string(PQgetvalue(result_.get(), row_, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
}

std::string PostgresCursor::blob(int column) const {
  size_t length = 0;
  unsigned char* bytes =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &length);
  if (!bytes) return {};
  std::string decoded(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return decoded;
}

void ignore_notice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  const std::string timeout = std::to_string(kConnectTimeoutSeconds);
  // Defaults first: the URL's own settings, expanded from "dbname", override them.
  // Over TCP, a database machine that vanishes without closing the connection (power lost, a network
  // cut) is noticed within about a minute (keepalives, and unacknowledged data given up after 60 s),
  // not after the system's two hours, so the hub answers 503 rather than holding its workers.
  const std::array<const char*, 9> keywords{"connect_timeout",   "application_name",    "keepalives_idle",
                                            "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                                            "dbname",            "client_encoding",     nullptr};
  const std::array<const char*, 9> values{timeout.c_str(), "soundings-hub", "30", "10", "3", "60000",
                                          url.c_str(),     "UTF8",          nullptr};
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (!conn) return Error{ErrorCode::Storage, redact_url(url) + ": cannot connect to PostgreSQL: out of memory"};
  if (PQstatus(conn) != CONNECTION_OK) {
    Error error{ErrorCode::Storage, redact_url(url) + ": cannot connect to PostgreSQL: " +
                                          redact_passwords(first_line(PQerrorMessage(conn)), url)};
    PQfinish(conn);
    return error;
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  return std::unique_ptr<Connection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace soundings::db
