// soundings-hub migrate: copies a SQLite hub into an empty PostgreSQL database in one transaction, and proves it.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string_view>

#include "hub_credentials.h"
#include "hub_schema_postgres.h"
#include "hub_store.h"
#include "soundings/database.h"
#include "soundings/hub.h"
#include "soundings/json_bounded.h"
#include "soundings/sqlite.h"

namespace soundings::hub {

namespace {

// Every table of the hub, in an order that puts a referenced table before the tables that refer to it.
constexpr std::array<std::string_view, 19> kTables = {
    "meta",          "consultations",    "feedback",         "devices",
    "enrol_codes",   "responses",        "quarantine",       "records",
    "staff",         "walk_lists",       "walk_addresses",   "walk_assignments",
    "console_users", "console_sessions", "console_sign_in_failures", "audit_log",
    "quarantine_decisions", "response_corrections", "response_texts"};

// Parameters per INSERT statement: well under PostgreSQL's 65,535, and enough rows that a large hub
// costs a few hundred round trips rather than one per row.
constexpr size_t kParametersPerInsert = 6000;

constexpr const char* kKeyFile = "hub-keys.json";

enum class ColumnKind { Text, Integer, Blob };

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::Text;
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<size_t> key;  // the primary key's columns, in the key's order
};

// One value read from a row, as its column's kind says to read it.
struct Value {
  bool null = false;
  int64_t number = 0;
  std::string bytes;
};

std::string identifier(std::string_view name) { return "\"" + std::string(name) + "\""; }

Error refused(const std::string& message) { return Error{ErrorCode::InvalidInput, message}; }

// What a declared SQLite type holds; the hub's schema only uses these three.
Result<ColumnKind> kind_of(const std::string& table, const std::string& column, const std::string& declared) {
  if (declared == "TEXT") return ColumnKind::Text;
  if (declared == "INTEGER") return ColumnKind::Integer;
  if (declared == "BLOB") return ColumnKind::Blob;
  return Error{ErrorCode::Corrupt,
               table + "." + column + " has type \"" + declared + "\", which migrate does not know"};
}

// A table's columns and key as the source file declares them (so a column is never left out).
Result<Table> describe_table(db::Connection& source, std::string_view name) {
  Table table{std::string(name), {}, {}};
  auto info = source.prepare("SELECT name, upper(type), pk FROM pragma_table_info(?1) ORDER BY cid");
  if (!info) return info.error();
  info->bind(1, name);
  std::vector<std::pair<int64_t, size_t>> key;  // (position in the key, column)
  while (true) {
    auto row = info->step("reading the columns of " + table.name);
    if (!row) return row.error();
    if (!*row) break;
    auto kind = kind_of(table.name, info->text(0), info->text(1));
    if (!kind) return kind.error();
    if (info->integer(2) > 0) key.emplace_back(info->integer(2), table.columns.size());
    table.columns.push_back({info->text(0), *kind});
  }
  if (table.columns.empty()) return Error{ErrorCode::Corrupt, "the hub file has no table " + table.name};
  if (key.empty()) return Error{ErrorCode::Corrupt, table.name + " has no primary key"};
  std::sort(key.begin(), key.end());
  for (const auto& [position, column] : key) table.key.push_back(column);
  return table;
}

// The hub's tables as the source declares them; a table migrate does not know is refused, never skipped.
Result<std::vector<Table>> describe_tables(db::Connection& source) {
  auto names = source.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  if (!names) return names.error();
  while (true) {
    auto row = names->step("listing the hub's tables");
    if (!row) return row.error();
    if (!*row) break;
    const std::string name = names->text(0);
    if (std::find(kTables.begin(), kTables.end(), name) == kTables.end()) {
      return Error{ErrorCode::Corrupt,
                   "the hub file holds a table migrate does not know (" + name + "); nothing was copied"};
    }
  }
  std::vector<Table> tables;
  for (const std::string_view name : kTables) {
    auto table = describe_table(source, name);
    if (!table) return table.error();
    tables.push_back(std::move(*table));
  }
  return tables;
}

std::string column_list(const Table& table) {
  std::string out;
  for (const Column& column : table.columns) out += (out.empty() ? "" : ", ") + identifier(column.name);
  return out;
}

// Every row in primary-key order: byte order for text on both sides (PostgreSQL's "C" collation is
// SQLite's BINARY), so that both sides hash their rows in the same order.
std::string select_in_key_order(const Table& table, db::Dialect dialect) {
  std::string order;
  for (const size_t index : table.key) {
    const Column& column = table.columns[index];
    order += (order.empty() ? "" : ", ") + identifier(column.name);
    if (dialect == db::Dialect::PostgreSQL && column.kind == ColumnKind::Text) order += " COLLATE \"C\"";
  }
  return "SELECT " + column_list(table) + " FROM " + identifier(table.name) + " ORDER BY " + order;
}

// Rows of the table's type checks: a value stored in SQLite under another type than its column's
// (SQLite allows it) would change on the way, so the copy would not be lossless.
std::string mistyped_rows(const Table& table) {
  std::string condition;
  for (const Column& column : table.columns) {
    const char* type = column.kind == ColumnKind::Text      ? "text"
                       : column.kind == ColumnKind::Integer ? "integer"
                                                            : "blob";
    condition += std::string(condition.empty() ? "" : " OR ") + "typeof(" + identifier(column.name) +
                 ") NOT IN ('null', '" + type + "')";
  }
  return "SELECT count(*) FROM " + identifier(table.name) + " WHERE " + condition;
}

Value read_value(const db::Statement& row, int index, ColumnKind kind) {
  Value value;
  value.null = row.is_null(index);
  if (value.null) return value;
  if (kind == ColumnKind::Integer) {
    value.number = row.integer(index);
  } else {
    value.bytes = kind == ColumnKind::Text ? row.text(index) : row.blob(index);
  }
  return value;
}

std::string insert_sql(const Table& table, size_t rows) {
  // OVERRIDING SYSTEM VALUE: quarantine's seq values are copied as they are, whatever its identity column says.
  std::string sql =
      "INSERT INTO " + identifier(table.name) + " (" + column_list(table) + ") OVERRIDING SYSTEM VALUE VALUES ";
  int parameter = 1;
  for (size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (size_t column = 0; column < table.columns.size(); ++column) {
      sql += (column == 0 ? "?" : ", ?") + std::to_string(parameter++);
    }
    sql += ")";
  }
  return sql;
}

Status insert_rows(db::Connection& target, const Table& table, const std::vector<std::vector<Value>>& rows) {
  if (rows.empty()) return Status::success();
  auto insert = target.prepare(insert_sql(table, rows.size()));
  if (!insert) return insert.error();
  int parameter = 1;
  for (const auto& row : rows) {
    for (size_t column = 0; column < row.size(); ++column, ++parameter) {
      const Value& value = row[column];
      if (value.null) {
        insert->bind_null(parameter);
      } else if (table.columns[column].kind == ColumnKind::Integer) {
        insert->bind(parameter, value.number);
      } else if (table.columns[column].kind == ColumnKind::Text) {
        insert->bind(parameter, value.bytes);
      } else {
        insert->bind_blob(parameter, value.bytes);
      }
    }
  }
  return insert->run("copying " + table.name);
}

// "row seq = 12": the row by the first column of its key, as far as it can be shown.
std::string row_name(const Table& table, const std::vector<Value>& values) {
  if (table.key.empty() || table.key.front() >= values.size()) return "row";
  const Column& key = table.columns[table.key.front()];
  const Value& value = values[table.key.front()];
  if (value.null) return "row " + key.name + " = NULL";
  if (key.kind == ColumnKind::Integer) return "row " + key.name + " = " + std::to_string(value.number);
  if (key.kind == ColumnKind::Text && first_bad_utf8(value.bytes) == std::string::npos) {
    return "row " + key.name + " = \"" + utf8_prefix(value.bytes, 64) + "\"";
  }
  return "row";
}

// PostgreSQL text holds neither a NUL byte nor bytes that are not UTF-8 (an older hub could quarantine
// such a reason): the copy would fail with PostgreSQL's error, or differ from the file. Refused naming
// the row, before anything is committed.
Status unstorable_text(const Table& table, const std::vector<Value>& values, size_t column) {
  const Value& value = values[column];
  if (table.columns[column].kind != ColumnKind::Text || value.null) return Status::success();
  if (value.bytes.find('\0') == std::string::npos && first_bad_utf8(value.bytes) == std::string::npos) {
    return Status::success();
  }
  return Error{ErrorCode::Corrupt, table.name + " " + row_name(table, values) + " holds text in " +
                                       table.columns[column].name + " that PostgreSQL cannot store (a NUL byte, or "
                                       "bytes that are not UTF-8); nothing was copied"};
}

Status copy_table(db::Connection& source, db::Connection& target, const Table& table) {
  auto mistyped = source.integer(mistyped_rows(table), "checking the values of " + table.name);
  if (!mistyped) return mistyped.error();
  if (*mistyped > 0) {
    return Error{ErrorCode::Corrupt, table.name + " holds " + std::to_string(*mistyped) +
                                         " rows with a value not of its column's type; nothing was copied"};
  }
  auto read = source.prepare(select_in_key_order(table, db::Dialect::SQLite));
  if (!read) return read.error();
  const size_t rows_per_insert = std::max<size_t>(1, kParametersPerInsert / table.columns.size());
  std::vector<std::vector<Value>> batch;
  while (true) {
    auto row = read->step("reading " + table.name);
    if (!row) return row.error();
    if (!*row) break;
    std::vector<Value> values;
    values.reserve(table.columns.size());
    for (size_t column = 0; column < table.columns.size(); ++column) {
      values.push_back(read_value(*read, static_cast<int>(column), table.columns[column].kind));
      if (auto bad = unstorable_text(table, values, column); !bad) return bad;
    }
    batch.push_back(std::move(values));
    if (batch.size() == rows_per_insert) {
      if (auto done = insert_rows(target, table, batch); !done) return done;
      batch.clear();
    }
  }
  return insert_rows(target, table, batch);
}

// Refuses a target holding any hub row, naming what it found, so that migrate never mixes two hubs.
Status refuse_unless_empty(db::Connection& target, const std::vector<Table>& tables, const std::string& url) {
  std::string found;
  for (const Table& table : tables) {
    auto rows = target.integer("SELECT count(*) FROM " + identifier(table.name), "counting " + table.name);
    if (!rows) return rows.error();
    if (*rows == 0) continue;
    found += (found.empty() ? "" : ", ") + table.name + " " + std::to_string(*rows) + (*rows == 1 ? " row" : " rows");
  }
  if (found.empty()) return Status::success();
  return refused("migrate copies into an empty database only: " + db::redact_url(url) + " already holds a hub (" +
                 found + "); nothing was changed");
}

// The next quarantined item and the next audit entry must be numbered after the copied ones.
Status move_identity_past_copied_seq(db::Connection& target) {
  for (const std::string table : {"quarantine", "audit_log"}) {
    auto move = target.prepare("SELECT setval(pg_get_serial_sequence('" + table +
                               "', 'seq'), coalesce(max(seq), 1), max(seq) IS NOT NULL) FROM " + table);
    if (!move) return move.error();
    if (auto done = move->run("moving " + table + "'s numbering past the copied rows"); !done) return done;
  }
  return Status::success();
}

// Count and BLAKE2b of a table's rows in key order. Each value is tagged with its kind and, when it is
// text or bytes, its length, so that no two different rows can render the same.
Result<std::pair<int64_t, std::string>> digest_table(db::Connection& connection, const Table& table) {
  auto read = connection.prepare(select_in_key_order(table, connection.dialect()));
  if (!read) return read.error();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  const auto feed = [&state](std::string_view bytes) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  };
  const auto feed_number = [&feed](int64_t number) {
    std::array<char, 8> little_endian{};
    for (size_t i = 0; i < little_endian.size(); ++i) {
      little_endian[i] = static_cast<char>((static_cast<uint64_t>(number) >> (8 * i)) & 0xff);
    }
    feed(std::string_view(little_endian.data(), little_endian.size()));
  };
  int64_t rows = 0;
  while (true) {
    auto row = read->step("reading " + table.name + " to check it");
    if (!row) return row.error();
    if (!*row) break;
    ++rows;
    for (size_t column = 0; column < table.columns.size(); ++column) {
      const ColumnKind kind = table.columns[column].kind;
      const Value value = read_value(*read, static_cast<int>(column), kind);
      if (value.null) {
        feed("N");
      } else if (kind == ColumnKind::Integer) {
        feed("I");
        feed_number(value.number);
      } else {
        feed(kind == ColumnKind::Text ? "T" : "B");
        feed_number(static_cast<int64_t>(value.bytes.size()));
        feed(value.bytes);
      }
    }
  }
  std::array<unsigned char, crypto_generichash_BYTES> hash{};
  crypto_generichash_final(&state, hash.data(), hash.size());
  return std::pair<int64_t, std::string>{
      rows, detail::to_hex(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()))};
}

// The hub file, read only, at the current schema; anything else is refused before the target is touched.
Result<std::unique_ptr<db::Connection>> open_source(const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "hub.sqlite").string();
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    return Error{ErrorCode::NotFound, data_dir + ": no hub here (no hub.sqlite); check --data"};
  }
  auto opened = sqlite::Connection::open(path, {.create = false, .query_only = true, .busy_timeout_ms = 15000});
  if (!opened) return Error{opened.error().code, path + ": " + opened.error().message};
  // Nothing of the file changes, not even a checkpoint of its write-ahead log when this connection closes.
  opened->keep_wal_on_close();
  const sqlite::Schema& schema = detail::hub_sqlite_schema();
  auto version = sqlite::check_schema(*opened, path, schema);
  if (!version) return version.error();
  if (*version == 0) return Error{ErrorCode::Corrupt, path + " is empty, not a Soundings hub database"};
  if (*version < schema.current_version()) {
    return refused(path + " has the hub's schema version " + std::to_string(*version) + ", older than this hub's " +
                   std::to_string(schema.current_version()) + ": run the hub once on it to upgrade it first "
                   "(for example `soundings-hub status --data " + data_dir + "`), then migrate");
  }
  return db::wrap_sqlite(std::move(*opened));
}

// The copy itself: every table in one transaction, so that a failure half way leaves the target empty.
Status copy_hub(db::Connection& source, db::Connection& target, const std::vector<Table>& tables,
                const std::string& url, const MigrateOptions& options) {
  db::Transaction transaction(target);
  if (auto begun = transaction.begin(); !begun) return begun;
  if (auto empty = refuse_unless_empty(target, tables, url); !empty) return empty;
  for (const Table& table : tables) {
    if (auto copied = copy_table(source, target, table); !copied) {
      // A hub that started on the target meanwhile wrote its own id: the copy must not mix with it.
      if (copied.error().code == ErrorCode::Conflict && table.name == "meta") {
        return refused("migrate copies into an empty database only: something wrote a hub's id into " +
                       db::redact_url(url) + " while copying; nothing was kept");
      }
      return copied;
    }
  }
  if (auto moved = move_identity_past_copied_seq(target); !moved) return moved;
  if (options.before_commit) {
    if (auto done = options.before_commit(target); !done) return done;
  }
  return transaction.commit();
}

Result<std::vector<TableCheck>> check_copy(db::Connection& source, db::Connection& target,
                                           const std::vector<Table>& tables) {
  std::vector<TableCheck> checks;
  for (const Table& table : tables) {
    auto mine = digest_table(source, table);
    if (!mine) return mine.error();
    auto theirs = digest_table(target, table);
    if (!theirs) return Error{theirs.error().code, "checking the copy: " + theirs.error().message};
    checks.push_back({table.name, mine->first, theirs->first, mine->second, theirs->second});
  }
  return checks;
}

// A read transaction on the source for the whole run: the copy and its check see one state of the
// file. Whether another connection (a hub still running on it) committed meanwhile shows in SQLite's
// data_version once the snapshot ends.
class SourceSnapshot {
 public:
  explicit SourceSnapshot(db::Connection& source) : source_(source) {}
  ~SourceSnapshot() {
    if (open_) (void)source_.exec("COMMIT", "ending the read of the hub file");
  }
  SourceSnapshot(const SourceSnapshot&) = delete;
  SourceSnapshot& operator=(const SourceSnapshot&) = delete;

  [[nodiscard]] Status begin() {
    if (auto done = source_.exec("BEGIN", "starting to read the hub file"); !done) return done;
    open_ = true;
    // A read of the file starts the snapshot; data_version then stays as it was at that moment.
    auto version = source_.integer("PRAGMA data_version", "reading the hub file's version");
    if (!version) return version.error();
    version_ = *version;
    return Status::success();
  }
  // Ends the snapshot; true when the file has changed since it began.
  [[nodiscard]] Result<bool> end() {
    if (auto done = source_.exec("COMMIT", "ending the read of the hub file"); !done) return done.error();
    open_ = false;
    auto version = source_.integer("PRAGMA data_version", "reading the hub file's version");
    if (!version) return version.error();
    return *version != version_;
  }

 private:
  db::Connection& source_;
  bool open_ = false;
  int64_t version_ = 0;
};

}  // namespace

bool MigrationReport::all_same() const { return differing().empty(); }

std::vector<std::string> MigrationReport::differing() const {
  std::vector<std::string> names;
  for (const TableCheck& check : tables) {
    if (!check.same()) names.push_back(check.table);
  }
  return names;
}

Result<MigrationReport> migrate_to_postgres(const std::string& data_dir, const std::string& url,
                                            const MigrateOptions& options) {
  if (!db::is_postgres_url(url)) {
    return refused("--to must be a postgresql:// URL, not \"" + db::redact_url(url) + "\"");
  }
  if (sodium_init() < 0) return Error{ErrorCode::Crypto, "libsodium could not start"};
  auto source = open_source(data_dir);
  if (!source) return source.error();
  SourceSnapshot snapshot(**source);
  if (auto begun = snapshot.begin(); !begun) return begun.error();
  auto tables = describe_tables(**source);
  if (!tables) return tables.error();
  {
    auto target = db::open_postgres(url);
    if (!target) return target.error();
    if (auto prepared = detail::prepare_postgres_schema(**target); !prepared) {
      return Error{prepared.error().code, db::redact_url(url) + ": " + prepared.error().message};
    }
    if (auto copied = copy_hub(**source, **target, *tables, url, options); !copied) return copied.error();
  }
  // Checked through a connection of its own: what is compared is what any hub will read.
  auto committed = db::open_postgres(url);
  if (!committed) return committed.error();
  auto checks = check_copy(**source, **committed, *tables);
  if (!checks) return checks.error();
  auto changed = snapshot.end();
  if (!changed) return changed.error();
  std::error_code ignored;
  const bool key_file = std::filesystem::exists(std::filesystem::path(data_dir) / kKeyFile, ignored);
  return MigrationReport{std::move(*checks), key_file, *changed};
}

namespace {

void print_checks(const MigrationReport& report, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-18s %10s  %-64s  %s\n", "table", "rows", "BLAKE2b of every row, in key order",
                "check");
  out << line;
  for (const TableCheck& check : report.tables) {
    std::snprintf(line, sizeof line, "%-18s %10lld  %-64s  %s\n", check.table.c_str(),
                  static_cast<long long>(check.source_rows), check.source_hash.c_str(),
                  check.same() ? "same" : "DIFFERS");
    out << line;
    if (!check.same()) {
      std::snprintf(line, sizeof line, "%-18s %10lld  %-64s  (in PostgreSQL)\n", "",
                    static_cast<long long>(check.target_rows), check.target_hash.c_str());
      out << line;
    }
  }
}

}  // namespace

int run_migrate_command(const std::string& data_dir, const std::string& url, std::ostream& out, std::ostream& err,
                        const MigrateOptions& options) {
  if (url.empty()) {
    err << "soundings-hub: migrate takes --to postgresql://... (the database to copy the hub into)\n";
    return 2;
  }
  auto report = migrate_to_postgres(data_dir, url, options);
  if (!report) {
    err << "soundings-hub: " << report.error().message << "\n";
    return report.error().code == ErrorCode::InvalidInput ? 2 : 1;
  }
  print_checks(*report, out);
  if (report->source_changed) {
    err << "soundings-hub: " << data_dir << "/hub.sqlite changed while it was being copied (is a hub still "
        << "running on it?): what arrived after the copy began is not in " << db::redact_url(url)
        << ". Stop the hub, drop and recreate the database, then migrate again\n";
    return 1;
  }
  if (!report->all_same()) {
    std::string names;
    for (const std::string& name : report->differing()) names += (names.empty() ? "" : ", ") + name;
    err << "soundings-hub: the copy in " << db::redact_url(url) << " differs from " << data_dir
        << "/hub.sqlite in: " << names << ". Do not use it: drop and recreate the database, then migrate again\n";
    return 1;
  }
  out << "copied and checked: every table of " << data_dir << "/hub.sqlite is the same in " << db::redact_url(url)
      << "\n";
  out << "from now on run `soundings-hub serve` and every other command with --database " << db::redact_url(url)
      << " (or SOUNDINGS_DATABASE): without it they read " << data_dir
      << "/hub.sqlite, which no longer receives anything\n";
  if (report->key_file_found) {
    out << "the key file " << data_dir << "/" << kKeyFile << " is not in the database and never will be: keep it in "
        << "--data, and copy it to the --data folder of every hub that serves from this database\n";
  } else {
    out << "WARNING: no key file (" << kKeyFile << ") in " << data_dir << ": sealed personal data can only be "
        << "opened with the hub's original key file; find it and copy it to the --data folder of every hub\n";
  }
  return 0;
}

}  // namespace soundings::hub
