// Private to the store: the Store's state and small RAII wrappers over the sqlite3 C API.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soundings/result.h"
#include "soundings/store.h"

namespace soundings::store_detail {

// Maps an SQLite result code to a Soundings error, once, for every call site.
Error sqlite_error(sqlite3* db, int rc, std::string_view doing);

// A prepared statement borrowed from the connection's cache; reset and unbound when it goes out of scope,
// so a statement that returned early never holds a read transaction open.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Query() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(Query&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Query& bind(int index, int64_t number) {
    sqlite3_bind_int64(stmt_, index, number);
    return *this;
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  // Runs a statement that returns no rows.
  Status run(std::string_view doing) {
    const int rc = step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::success();
    return sqlite_error(db_, rc, doing);
  }

  std::string text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const int size = sqlite3_column_bytes(stmt_, column);
    return data ? std::string(data, static_cast<size_t>(size)) : std::string();
  }
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// A write transaction that rolls back unless committed (after SQLiteCpp's Transaction).
// BEGIN IMMEDIATE takes the write lock up front so a transaction never fails half way for a lock.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (begun_ && !committed_ && !sqlite3_get_autocommit(db_)) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status begin() {
    const int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "starting a transaction");
    begun_ = true;
    return Status::success();
  }
  // Returns once SQLite reports the commit durable (WAL with synchronous=FULL syncs before returning).
  Status commit() {
    const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "committing");
    committed_ = true;
    return Status::success();
  }

 private:
  sqlite3* db_;
  bool begun_ = false;
  bool committed_ = false;
};

// Runs SQL that returns no rows (schema, pragmas); not for anything with user values.
Status exec(sqlite3* db, const char* sql, std::string_view doing);

}  // namespace soundings::store_detail

namespace soundings {

struct Store::Impl {
  std::string path;
  sqlite3* db = nullptr;
  // The file's identity in this process's table of open stores (empty for ":memory:").
  std::string open_key;
  std::mutex mutex;  // the kiosk's save worker and the sync thread share one Store
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;

  ~Impl();
  // A cached prepared statement; SQL text is always a literal, so the cache stays small.
  Result<store_detail::Query> query(std::string_view sql);
  // Runs an outbox UPDATE (?1 = now, then `extra`, then the response id) for each id in one transaction;
  // an id that is not on the device rolls the whole call back.
  Status update_outbox(const std::vector<std::string>& response_ids, std::string_view sql,
                       const std::vector<std::string>& extra, std::string_view doing);
};

}  // namespace soundings
