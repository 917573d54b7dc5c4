// The store's operations: saving responses with their outbox rows, the outbox, the consultation cache, settings.
#include "soundings/store.h"

#include "soundings/clock.h"
#include "store_sqlite.h"

namespace soundings {

using sqlite::Statement;
using sqlite::Transaction;

const char* outbox_state_name(OutboxState state) {
  switch (state) {
    case OutboxState::Pending: return "pending";
    case OutboxState::Confirmed: return "confirmed";
    case OutboxState::NeedsReview: return "needs_review";
  }
  return "pending";
}

namespace {

OutboxState outbox_state_from(const std::string& name) {
  if (name == "confirmed") return OutboxState::Confirmed;
  if (name == "needs_review") return OutboxState::NeedsReview;
  return OutboxState::Pending;
}

std::string now_utc() { return format_iso8601_utc(Clock::now()); }

// Canonical form of a JSON document given as text, so that equal content compares equal whatever its layout.
Result<std::string> canonical_json(const std::string& text, const std::string& what) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return Error{ErrorCode::InvalidInput, what + " is not valid JSON"};
  if (!parsed.is_object()) return Error{ErrorCode::InvalidInput, what + " must be a JSON object"};
  return parsed.dump();
}

// Columns 0..7 of every outbox query: record id, body, state, attempts, last error, created at, kind, hash.
// A response's body is in responses, every other kind's in records.
constexpr const char* kOutboxColumns =
    "o.record_id, COALESCE(r.body, x.body), o.state, o.attempts, o.last_error, o.created_at, o.kind, o.hash "
    "FROM outbox o LEFT JOIN responses r ON o.kind = 'response' AND r.id = o.record_id "
    "LEFT JOIN records x ON o.kind <> 'response' AND x.id = o.record_id";

OutboxItem outbox_item_from(const Statement& row) {
  OutboxItem item;
  item.id = row.text(0);
  item.body = row.text(1);
  item.state = outbox_state_from(row.text(2));
  item.attempts = static_cast<int>(row.integer(3));
  item.last_error = row.text(4);
  item.created_at = row.text(5);
  item.kind = record_kind_from_name(row.text(6)).value_or(RecordKind::Response);
  item.hash = row.text(7);
  return item;
}

}  // namespace

Status Store::save(const Response& response) {
  if (!response.is_sealed()) {
    return Error{ErrorCode::InvalidInput,
                 "response " + response.id +
                     ": contact or equality answers are not sealed; they must be sealed with head office's key "
                     "before the response is saved, and nothing was saved"};
  }
  // What is stored must read back: the same checks the hub and find_response apply.
  const nlohmann::json json = response_to_json(response);
  if (auto checked = response_from_json(json); !checked) {
    return Error{checked.error().code, checked.error().message + " (nothing was saved)"};
  }
  const std::string body = json.dump();

  const std::lock_guard lock(impl_->mutex);
  Transaction transaction(impl_->db);
  if (auto begun = transaction.begin(); !begun) return begun;

  auto insert = impl_->db.cached(
      "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body) VALUES (?, ?, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->bind(1, response.id)
      .bind(2, response.consultation_id)
      .bind(3, int64_t{response.consultation_version})
      .bind(4, response.submitted_at)
      .bind(5, body);
  if (auto inserted = insert->run("saving response " + response.id); !inserted) {
    if (inserted.error().code == ErrorCode::Conflict) {
      return Error{ErrorCode::Conflict,
                   "response " + response.id + " is already saved on this device; a response is saved once"};
    }
    return inserted;
  }
  // Nothing on the device may time a field response to the minute: its visit is timed, and would match.
  const std::string queued_at = response.channel == Channel::Field ? response.submitted_at : "";
  if (auto queued = impl_->queue(RecordKind::Response, response.id, record_hash_hex(body), queued_at); !queued) {
    return queued;
  }
  return transaction.commit();
}

Status Store::Impl::queue(RecordKind kind, const std::string& id, const std::string& hash,
                          const std::string& created_at) {
  auto outbox = db.cached("INSERT INTO outbox (kind, record_id, hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
  if (!outbox) return outbox.error();
  const std::string at = created_at.empty() ? now_utc() : created_at;
  outbox->bind(1, record_kind_name(kind)).bind(2, id).bind(3, hash).bind(4, at).bind(5, at);
  return outbox->run(std::string("queueing ") + record_kind_name(kind) + " " + id + " for upload");
}

Result<std::optional<Response>> Store::find_response(const std::string& response_id) {
  std::string body;
  {
    const std::lock_guard lock(impl_->mutex);
    auto select = impl_->db.cached("SELECT body FROM responses WHERE id = ?");
    if (!select) return select.error();
    select->bind(1, response_id);
    auto row = select->step("reading response " + response_id);
    if (!row) return row.error();
    if (!*row) return std::optional<Response>();
    body = select->text(0);
  }
  // Everything saved was checked to read back, so a body that does not is damage, not absence.
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return Error{ErrorCode::Corrupt, impl_->path + ": the stored body of response " + response_id + " is not JSON"};
  }
  auto response = response_from_json(parsed);
  if (!response) {
    return Error{ErrorCode::Corrupt, impl_->path + ": the stored body of response " + response_id +
                                         " does not read back: " + response.error().message};
  }
  return std::optional<Response>(std::move(response.value()));
}

namespace {

// A count(*) query's answer, with `bound` (if any) as its one parameter.
Result<int64_t> count_rows(sqlite::Connection& db, std::string_view sql, const std::string* bound,
                           std::string_view doing) {
  auto count = db.cached(sql);
  if (!count) return count.error();
  if (bound != nullptr) count->bind(1, *bound);
  auto row = count->step(doing);
  if (!row) return row.error();
  return *row ? count->integer(0) : int64_t{0};
}

}  // namespace

Result<int64_t> Store::response_count() {
  const std::lock_guard lock(impl_->mutex);
  return count_rows(impl_->db, "SELECT count(*) FROM responses", nullptr, "counting responses");
}

Result<int64_t> Store::responses_saved_since(const std::string& iso8601_utc) {
  const std::lock_guard lock(impl_->mutex);
  // By submission time (the moment of saving, on the device's clock); ISO 8601 UTC text sorts as time.
  return count_rows(impl_->db, "SELECT count(*) FROM responses WHERE submitted_at >= ?", &iso8601_utc,
                    "counting responses since " + iso8601_utc);
}

Status Store::put_consultation(const std::string& id, int version, const std::string& definition_json) {
  if (id.empty()) return Error{ErrorCode::InvalidInput, "a cached consultation needs an id"};
  if (version < 1) {
    return Error{ErrorCode::InvalidInput,
                 "consultation " + id + ": version must be 1 or more, not " + std::to_string(version)};
  }
  auto canonical = canonical_json(definition_json, "consultation " + id + " version " + std::to_string(version));
  if (!canonical) return canonical.error();

  const std::lock_guard lock(impl_->mutex);
  Transaction transaction(impl_->db);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto existing = impl_->db.cached("SELECT definition_json FROM consultations WHERE id = ? AND version = ?");
    if (!existing) return existing.error();
    existing->bind(1, id).bind(2, int64_t{version});
    auto row = existing->step("reading consultation " + id);
    if (!row) return row.error();
    if (*row) {
      if (existing->text(0) == *canonical) return Status::success();
      return Error{ErrorCode::Conflict, "consultation " + id + " version " + std::to_string(version) +
                                            " is already cached with different content; a published version "
                                            "never changes, so the cached copy was kept"};
    }
  }
  auto insert = impl_->db.cached("INSERT INTO consultations (id, version, definition_json, cached_at) VALUES (?, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->bind(1, id).bind(2, int64_t{version}).bind(3, *canonical).bind(4, now_utc());
  if (auto done = insert->run("caching consultation " + id); !done) return done;
  auto local = impl_->db.cached("INSERT OR IGNORE INTO consultation_local (id) VALUES (?)");
  if (!local) return local.error();
  local->bind(1, id);
  if (auto done = local->run("caching consultation " + id); !done) return done;
  return transaction.commit();
}

namespace {

// Updates one column of consultation_local for a consultation that is in the cache.
Status update_local(const sqlite::Connection& db, Statement& update, const std::string& id, std::string_view doing) {
  if (auto done = update.run(doing); !done) return done;
  if (db.changes() == 0) {
    return Error{ErrorCode::NotFound, "consultation " + id + " is not in this device's cache"};
  }
  return Status::success();
}

}  // namespace

Status Store::set_feedback(const std::string& id, const std::string& feedback_json) {
  std::string stored;
  if (!feedback_json.empty()) {
    auto canonical = canonical_json(feedback_json, "feedback for consultation " + id);
    if (!canonical) return canonical.error();
    stored = std::move(*canonical);
  }
  const std::lock_guard lock(impl_->mutex);
  auto update = impl_->db.cached("UPDATE consultation_local SET feedback_json = ? WHERE id = ?");
  if (!update) return update.error();
  update->bind(1, stored).bind(2, id);
  return update_local(impl_->db, *update, id, "storing feedback for consultation " + id);
}

Status Store::set_offered(const std::string& id, bool offered) {
  const std::lock_guard lock(impl_->mutex);
  auto update = impl_->db.cached("UPDATE consultation_local SET offered = ? WHERE id = ?");
  if (!update) return update.error();
  update->bind(1, int64_t{offered ? 1 : 0}).bind(2, id);
  return update_local(impl_->db, *update, id, "changing whether consultation " + id + " is offered");
}

namespace {

CachedConsultation cached_from(const Statement& row) {
  CachedConsultation out;
  out.id = row.text(0);
  out.version = static_cast<int>(row.integer(1));
  out.definition_json = row.text(2);
  out.feedback_json = row.text(3);
  out.offered = row.integer(4) != 0;
  return out;
}

}  // namespace

Result<std::vector<CachedConsultation>> Store::latest_consultations() {
  const std::lock_guard lock(impl_->mutex);
  std::vector<CachedConsultation> out;
  auto select = impl_->db.cached(
      "SELECT c.id, c.version, c.definition_json, coalesce(l.feedback_json, ''), coalesce(l.offered, 1) "
      "FROM consultations c LEFT JOIN consultation_local l ON l.id = c.id "
      "WHERE c.version = (SELECT max(version) FROM consultations WHERE id = c.id) ORDER BY c.id");
  if (!select) return select.error();
  while (true) {
    auto row = select->step("reading the cached consultations");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(cached_from(*select));
  }
}

Result<std::optional<CachedConsultation>> Store::consultation(const std::string& id, int version) {
  const std::lock_guard lock(impl_->mutex);
  auto select = impl_->db.cached(
      "SELECT c.id, c.version, c.definition_json, coalesce(l.feedback_json, ''), coalesce(l.offered, 1) "
      "FROM consultations c LEFT JOIN consultation_local l ON l.id = c.id WHERE c.id = ? AND c.version = ?");
  if (!select) return select.error();
  select->bind(1, id).bind(2, int64_t{version});
  auto row = select->step("reading consultation " + id);
  if (!row) return row.error();
  if (!*row) return std::optional<CachedConsultation>();
  return std::optional<CachedConsultation>(cached_from(*select));
}

// A field response is held until the day it carries has ended, then sent with the rest of that day's in the
// order of their random ids: sent as saved, it would reach head office beside its door's "completed" visit (same
// batch, same received time, same place in the order), re-making the link its anonymity breaks.
constexpr const char* kFieldResponse = "(o.kind = 'response' AND json_extract(r.body, '$.channel') = 'field')";

Result<std::vector<OutboxItem>> Store::pending_batch(size_t max_count, size_t max_bytes, TimePoint now) {
  const std::lock_guard lock(impl_->mutex);
  std::vector<OutboxItem> out;
  size_t bytes = 0;
  const std::string today = format_iso8601_utc(now).substr(0, 10) + "T00:00:00Z";
  const std::string others =
      std::string("SELECT ") + kOutboxColumns + " WHERE o.state = 'pending' AND NOT " + kFieldResponse +
      " ORDER BY o.seq LIMIT ?";
  const std::string field_days_past = std::string("SELECT ") + kOutboxColumns + " WHERE o.state = 'pending' AND " +
                                      kFieldResponse + " AND r.submitted_at < ? ORDER BY o.record_id LIMIT ?";
  for (const std::string* sql : {&others, &field_days_past}) {
    if (out.size() >= max_count) break;
    auto select = impl_->db.cached(*sql);
    if (!select) return select.error();
    const auto room = static_cast<int64_t>(std::min<size_t>(max_count - out.size(), INT64_MAX));
    if (sql == &others) {
      select->bind(1, room);
    } else {
      select->bind(1, today).bind(2, room);
    }
    while (true) {
      auto row = select->step("reading the outbox");
      if (!row) return row.error();
      if (!*row) break;
      OutboxItem item = outbox_item_from(*select);
      // Always at least one item, however large, so one big response cannot block the queue.
      if (!out.empty() && bytes + item.body.size() > max_bytes) return out;
      bytes += item.body.size();
      out.push_back(std::move(item));
    }
  }
  return out;
}

Status Store::Impl::update_outbox(const std::vector<std::string>& record_ids, std::string_view sql,
                                  const std::vector<std::string>& extra, std::string_view doing) {
  Transaction transaction(db);
  if (auto begun = transaction.begin(); !begun) return begun;
  const std::string now = now_utc();
  for (const auto& id : record_ids) {
    {
      auto known = db.cached("SELECT 1 FROM outbox WHERE record_id = ?");
      if (!known) return known.error();
      known->bind(1, id);
      auto row = known->step(doing);
      if (!row) return row.error();
      if (!*row) {
        return Error{ErrorCode::NotFound, "record " + id + " is not in this device's outbox; nothing was changed"};
      }
    }
    auto update = db.cached(sql);
    if (!update) return update.error();
    int index = 1;
    update->bind(index++, now);
    for (const auto& value : extra) update->bind(index++, value);
    update->bind(index, id);
    if (auto done = update->run(doing); !done) return done;
  }
  return transaction.commit();
}

Status Store::mark_confirmed(const std::vector<std::string>& record_ids) {
  const std::lock_guard lock(impl_->mutex);
  // Head office's confirmation is final whatever the row's state; confirming twice changes nothing.
  if (auto done = impl_->update_outbox(record_ids,
                                       "UPDATE outbox SET state = 'confirmed', last_error = '', updated_at = ?1 "
                                       "WHERE state != 'confirmed' AND record_id = ?2",
                                       {}, "marking records confirmed");
      !done) {
    return done;
  }
  // A visit to a walk list already taken off the tablet leaves once head office holds it.
  auto forgotten = impl_->forget_visits_of_removed_lists();
  if (!forgotten) return forgotten.error();
  auto sent = impl_->forget_confirmed_field_responses(record_ids);
  if (!sent) return sent.error();
  return *forgotten || *sent ? impl_->checkpoint_truncate() : Status::success();
}

Status Store::mark_needs_review(const std::string& record_id, const std::string& reason) {
  const std::lock_guard lock(impl_->mutex);
  {
    auto state = impl_->db.cached("SELECT state FROM outbox WHERE record_id = ?");
    if (!state) return state.error();
    state->bind(1, record_id);
    auto row = state->step("reading the outbox");
    if (!row) return row.error();
    if (*row && state->text(0) == "confirmed") {
      return Error{ErrorCode::Conflict, "record " + record_id +
                                            " is already confirmed by head office; it cannot be put aside for review"};
    }
  }
  return impl_->update_outbox({record_id},
                              "UPDATE outbox SET state = 'needs_review', last_error = ?2, updated_at = ?1 "
                              "WHERE record_id = ?3",
                              {reason}, "putting record " + record_id + " aside for review");
}

Status Store::record_failed_attempt(const std::vector<std::string>& record_ids, const std::string& error) {
  const std::lock_guard lock(impl_->mutex);
  return impl_->update_outbox(record_ids,
                              "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, updated_at = ?1 "
                              "WHERE state = 'pending' AND record_id = ?3",
                              {error}, "recording a failed upload");
}

Result<bool> Store::resolve_review(const std::string& record_id, bool released, const std::string& note) {
  const std::lock_guard lock(impl_->mutex);
  Transaction transaction(impl_->db);
  if (auto begun = transaction.begin(); !begun) return begun.error();
  auto update = impl_->db.cached(
      "UPDATE outbox SET state = 'confirmed', last_error = ?2, updated_at = ?1 "
      "WHERE state = 'needs_review' AND record_id = ?3");
  if (!update) return update.error();
  update->bind(1, now_utc()).bind(2, released ? std::string() : note).bind(3, record_id);
  if (auto done = update->run("settling record " + record_id + " as head office decided"); !done) return done.error();
  if (impl_->db.changes() == 0) return false;
  if (auto committed = transaction.commit(); !committed) return committed.error();
  auto forgotten = impl_->forget_visits_of_removed_lists();
  if (!forgotten) return forgotten.error();
  auto sent = impl_->forget_confirmed_field_responses({record_id});
  if (!sent) return sent.error();
  if (*forgotten || *sent) {
    if (auto truncated = impl_->checkpoint_truncate(); !truncated) return truncated.error();
  }
  return true;
}

Result<std::vector<OutboxItem>> Store::needs_review() {
  const std::lock_guard lock(impl_->mutex);
  std::vector<OutboxItem> out;
  auto select =
      impl_->db.cached(std::string("SELECT ") + kOutboxColumns + " WHERE o.state = 'needs_review' ORDER BY o.seq");
  if (!select) return select.error();
  while (true) {
    auto row = select->step("reading the outbox");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(outbox_item_from(*select));
  }
}

Result<OutboxCounts> Store::outbox_counts() {
  const std::lock_guard lock(impl_->mutex);
  OutboxCounts counts;
  {
    auto select = impl_->db.cached("SELECT state, count(*) FROM outbox GROUP BY state");
    if (!select) return select.error();
    while (true) {
      auto row = select->step("counting the outbox");
      if (!row) return row.error();
      if (!*row) break;
      switch (outbox_state_from(select->text(0))) {
        case OutboxState::Pending: counts.pending = select->integer(1); break;
        case OutboxState::Confirmed: counts.confirmed = select->integer(1); break;
        case OutboxState::NeedsReview: counts.needs_review = select->integer(1); break;
      }
    }
  }
  auto oldest = impl_->db.cached("SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 1");
  if (!oldest) return oldest.error();
  auto row = oldest->step("counting the outbox");
  if (!row) return row.error();
  if (*row) counts.oldest_pending_at = oldest->text(0);
  return counts;
}

Result<std::optional<std::string>> Store::setting(const std::string& key) {
  const std::lock_guard lock(impl_->mutex);
  auto select = impl_->db.cached("SELECT value FROM settings WHERE key = ?");
  if (!select) return select.error();
  select->bind(1, key);
  auto row = select->step("reading setting " + key);
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->text(0));
}

Status Store::set_setting(const std::string& key, const std::string& value) {
  if (key.empty()) return Error{ErrorCode::InvalidInput, "a device setting needs a name"};
  const std::lock_guard lock(impl_->mutex);
  auto upsert = impl_->db.cached(
      "INSERT INTO settings (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!upsert) return upsert.error();
  upsert->bind(1, key).bind(2, value);
  return upsert->run("storing setting " + key);
}

Result<bool> Store::integrity_ok() {
  const std::lock_guard lock(impl_->mutex);
  auto check = impl_->db.cached("PRAGMA integrity_check");
  if (!check) return check.error();
  auto row = check->step("checking the database");
  if (!row) {
    // A damaged file is the answer to the question, not a failure to ask it.
    if (row.error().code == ErrorCode::Corrupt) return false;
    return row.error();
  }
  return *row && check->text(0) == "ok";
}

}  // namespace soundings
