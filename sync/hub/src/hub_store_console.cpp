// The hub store's console state: accounts, sessions, sign-in failures and the hash-chained audit log.
// All of it lives in the database so that several hubs behind one address share it (issue 8).
#include "hub_store.h"

namespace soundings::hub::detail {

namespace {

// Any constant will do, as long as nothing else takes this advisory lock: "sndaudit" in ASCII.
constexpr const char* kAuditLockSql = "SELECT pg_advisory_xact_lock(7453468211180291188)";

StoredConsoleUser user_from(db::Statement& query) {
  return StoredConsoleUser{ConsoleAccount{query.text(0), query.text(1), query.text(2), query.text(3)}, query.text(4)};
}

AuditRow audit_from(db::Statement& query) {
  return AuditRow{query.integer(0), query.text(1), query.text(2), query.text(3),
                  query.text(4),    query.text(5), query.text(6), query.text(7)};
}

}  // namespace

Result<bool> Store::add_console_user(const StoredConsoleUser& user) {
  const std::lock_guard lock(write_mutex_);
  // An email is never reused, even after it is disabled: the audit log names it.
  auto insert = writer_->cached(
      "INSERT INTO console_users (email, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (email) DO NOTHING");
  if (!insert) return insert.error();
  auto done = insert->bind(1, user.account.email)
                  .bind(2, user.account.role)
                  .bind(3, user.password_hash)
                  .bind(4, user.account.created_at)
                  .run("adding console account " + user.account.email);
  if (!done) return done.error();
  return writer_->changes() > 0;
}

Result<std::vector<StoredConsoleUser>> Store::console_users() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT email, role, created_at, coalesce(disabled_at, ''), password_hash FROM console_users ORDER BY email");
  if (!query) return query.error();
  std::vector<StoredConsoleUser> out;
  while (true) {
    auto row = query->step("reading the console accounts");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(user_from(*query));
  }
}

Result<std::optional<StoredConsoleUser>> Store::console_user(const std::string& email) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT email, role, created_at, coalesce(disabled_at, ''), password_hash FROM console_users WHERE email = ?1");
  if (!query) return query.error();
  query->bind(1, email);
  auto row = query->step("reading a console account");
  if (!row) return row.error();
  if (!*row) return std::optional<StoredConsoleUser>();
  return std::optional<StoredConsoleUser>(user_from(*query));
}

Result<bool> Store::disable_console_user(const std::string& email, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun.error();
  bool found = false;
  {
    // Disabling twice keeps the first time: that is when the person lost access.
    auto update = writer_->cached("UPDATE console_users SET disabled_at = coalesce(disabled_at, ?2) WHERE email = ?1");
    if (!update) return update.error();
    if (auto done = update->bind(1, email).bind(2, now).run("disabling console account " + email); !done) {
      return done.error();
    }
    found = writer_->changes() > 0;
  }
  {
    auto end = writer_->cached("DELETE FROM console_sessions WHERE email = ?1");
    if (!end) return end.error();
    if (auto done = end->bind(1, email).run("ending the sessions of " + email); !done) return done.error();
  }
  if (auto committed = transaction.commit(); !committed) return committed.error();
  return found;
}

Status Store::add_console_session(const std::string& token_hash, const std::string& email,
                                  const std::string& csrf_token, int64_t now_epoch) {
  const std::lock_guard lock(write_mutex_);
  auto insert = writer_->cached(
      "INSERT INTO console_sessions (token_hash, email, csrf_token, created_epoch, last_seen_epoch) "
      "VALUES (?1, ?2, ?3, ?4, ?4)");
  if (!insert) return insert.error();
  return insert->bind_blob(1, token_hash)
      .bind(2, email)
      .bind(3, csrf_token)
      .bind(4, now_epoch)
      .run("starting a console session");
}

Result<std::optional<StoredConsoleSession>> Store::console_session(const std::string& token_hash) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT s.email, u.role, s.csrf_token, s.last_seen_epoch, CASE WHEN u.disabled_at IS NULL THEN 0 ELSE 1 END "
      "FROM console_sessions s JOIN console_users u ON u.email = s.email WHERE s.token_hash = ?1");
  if (!query) return query.error();
  query->bind_blob(1, token_hash);
  auto row = query->step("reading a console session");
  if (!row) return row.error();
  if (!*row) return std::optional<StoredConsoleSession>();
  return std::optional<StoredConsoleSession>(
      StoredConsoleSession{query->text(0), query->text(1), query->text(2), query->integer(3), query->integer(4) != 0});
}

Status Store::touch_console_session(const std::string& token_hash, int64_t now_epoch) {
  const std::lock_guard lock(write_mutex_);
  // Never moves last_seen back: another hub may have touched it later than this request's clock.
  auto update = writer_->cached(
      "UPDATE console_sessions SET last_seen_epoch = ?2 WHERE token_hash = ?1 AND last_seen_epoch < ?2");
  if (!update) return update.error();
  return update->bind_blob(1, token_hash).bind(2, now_epoch).run("noting a console session's use");
}

Status Store::end_console_session(const std::string& token_hash) {
  const std::lock_guard lock(write_mutex_);
  auto end = writer_->cached("DELETE FROM console_sessions WHERE token_hash = ?1");
  if (!end) return end.error();
  return end->bind_blob(1, token_hash).run("ending a console session");
}

Result<int64_t> Store::sign_in_allowed_from(const std::string& email) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT next_allowed_epoch FROM console_sign_in_failures WHERE email = ?1");
  if (!query) return query.error();
  query->bind(1, email);
  auto row = query->step("reading sign-in failures");
  if (!row) return row.error();
  return *row ? query->integer(0) : int64_t{0};
}

Result<int64_t> Store::note_sign_in_failure(const std::string& email, int64_t now_epoch,
                                            const std::function<int64_t(int64_t)>& delay) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun.error();
  int64_t failures = 0;
  {
    // One statement counts the failure, so two hubs failing the same email at once count two.
    auto count = writer_->cached(
        "INSERT INTO console_sign_in_failures (email, failures, last_failure_epoch, next_allowed_epoch) "
        "VALUES (?1, 1, ?2, 0) ON CONFLICT (email) DO UPDATE SET failures = console_sign_in_failures.failures + 1, "
        "last_failure_epoch = ?2 RETURNING failures");
    if (!count) return count.error();
    count->bind(1, email).bind(2, now_epoch);
    auto row = count->step("counting a sign-in failure");
    if (!row) return row.error();
    if (!*row) return Error{ErrorCode::Internal, "counting a sign-in failure returned no count"};
    failures = count->integer(0);
    if (auto rest = count->step("counting a sign-in failure"); !rest) return rest.error();
  }
  {
    auto next = writer_->cached("UPDATE console_sign_in_failures SET next_allowed_epoch = ?2 WHERE email = ?1");
    if (!next) return next.error();
    if (auto done = next->bind(1, email).bind(2, now_epoch + delay(failures)).run("delaying the next sign-in");
        !done) {
      return done.error();
    }
  }
  if (auto committed = transaction.commit(); !committed) return committed.error();
  return failures;
}

Status Store::clear_sign_in_failures(const std::string& email) {
  const std::lock_guard lock(write_mutex_);
  auto clear = writer_->cached("DELETE FROM console_sign_in_failures WHERE email = ?1");
  if (!clear) return clear.error();
  return clear->bind(1, email).run("clearing sign-in failures");
}

Result<AuditRow> Store::append_audit(AuditRow entry, const std::function<std::string(const AuditRow&)>& hash_of) {
  const std::lock_guard lock(write_mutex_);
  // SQLite: BEGIN IMMEDIATE takes the file's write lock, which every hub on the file shares. PostgreSQL:
  // READ COMMITTED alone would let two hubs read the same last entry, so the log has a lock of its own.
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun.error();
  if (writer_->dialect() == db::Dialect::PostgreSQL) {
    if (auto locked = writer_->exec(kAuditLockSql, "locking the audit log"); !locked) return locked.error();
  }
  {
    auto last = writer_->cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!last) return last.error();
    auto row = last->step("reading the audit log's last entry");
    if (!row) return row.error();
    entry.seq = *row ? last->integer(0) + 1 : 1;
    entry.prev_hash = *row ? last->text(1) : std::string(64, '0');
  }
  entry.hash = hash_of(entry);
  {
    auto insert = writer_->cached(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert) return insert.error();
    auto done = insert->bind(1, entry.seq)
                    .bind(2, entry.at)
                    .bind(3, entry.actor)
                    .bind(4, entry.action)
                    .bind(5, entry.subject)
                    .bind(6, entry.detail)
                    .bind(7, entry.prev_hash)
                    .bind(8, entry.hash)
                    .run("appending to the audit log");
    if (!done) return done.error();
  }
  if (auto committed = transaction.commit(); !committed) return committed.error();
  return entry;
}

Result<std::vector<AuditRow>> Store::audit_rows_before(int64_t before, int64_t limit) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log "
      "WHERE ?1 = 0 OR seq < ?1 ORDER BY seq DESC LIMIT ?2");
  if (!query) return query.error();
  query->bind(1, before).bind(2, limit);
  std::vector<AuditRow> out;
  while (true) {
    auto row = query->step("reading the audit log");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(audit_from(*query));
  }
}

Status Store::scan_audit(const std::function<bool(const AuditRow&)>& row) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->prepare(
      "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq");
  if (!query) return query.error();
  while (true) {
    auto more = query->step("reading the audit log");
    if (!more) return more.error();
    if (!*more || !row(audit_from(*query))) return Status::success();
  }
}

}  // namespace soundings::hub::detail
