// The hub store: batch ingest in one transaction (group commit), published consultations and figures.
#include "hub_store.h"
#include "hub_store_rows.h"


#include <algorithm>

#include "soundings/response.h"

namespace soundings::hub::detail {

namespace {

// The first column of the first row as a number (0 when there is no row): for counts.
Result<int64_t> first_integer(db::Statement& query, std::string_view doing) {
  auto row = query.step(doing);
  if (!row) return row.error();
  return *row ? query.integer(0) : int64_t{0};
}

}  // namespace

const char* fate_name(Fate fate) {
  switch (fate) {
    case Fate::Stored: return "stored";
    case Fate::Duplicate: return "duplicate";
    case Fate::Conflict: return "conflict";
    case Fate::Rejected: return "rejected";
  }
  return "rejected";
}

// One request's batch waiting in the group-commit queue.
struct Store::PendingBatch {
  const std::string& device_id;
  const std::vector<BatchItem>& items;
  const std::string& now;
  const QuarantineAllowance& allowance;
  std::vector<ItemResult> results;
  std::optional<Error> error;
  bool done = false;
  bool over_allowance = false;
};

Result<BatchOutcome> Store::commit_batch(const std::string& device_id, const std::vector<BatchItem>& items,
                                         const std::string& now, const QuarantineAllowance& allowance) {
  PendingBatch mine{device_id, items, now, allowance, {}, std::nullopt, false, false};
  std::unique_lock lock(group_mutex_);
  group_queue_.push_back(&mine);
  // Leader and followers: whoever finds no commit under way takes every waiting batch
  // (its own included) into one transaction; the others wait for their batch to be done.
  while (!mine.done) {
    if (group_leader_busy_) {
      group_committed_.wait(lock);
      continue;
    }
    group_leader_busy_ = true;
    std::vector<PendingBatch*> group;
    group.swap(group_queue_);
    lock.unlock();
    commit_group(group);
    lock.lock();
    for (PendingBatch* batch : group) batch->done = true;
    group_leader_busy_ = false;
    group_committed_.notify_all();
  }
  if (mine.error) return *mine.error;
  if (mine.over_allowance) return BatchOutcome{{}, true};
  return BatchOutcome{std::move(mine.results), false};
}

void Store::commit_group(const std::vector<PendingBatch*>& group) {
  // Rolled back on any failure: no batch of the group may be told that anything was stored.
  const auto fail_all = [&group](const Error& error) {
    for (PendingBatch* batch : group) batch->error = error;
  };
  // In device order, and each batch starts by locking its device's row (apply_batch): two hub processes
  // on one database then take the locks of a group in the same order, so their transactions wait for
  // each other rather than deadlock, and one device's batches are applied one at a time whichever
  // hubs they reach (its quarantine allowance is counted after the other's commit).
  std::vector<PendingBatch*> ordered = group;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const PendingBatch* a, const PendingBatch* b) { return a->device_id < b->device_id; });
  std::vector<std::vector<ItemResult>> results;
  try {
    const std::lock_guard lock(write_mutex_);
    db::Transaction transaction(*writer_);
    if (auto begun = transaction.begin(); !begun) return fail_all(begun.error());
    for (PendingBatch* batch : ordered) {
      // Each batch in its own savepoint, so that one over its allowance leaves the others' work.
      db::Savepoint savepoint(*writer_, "batch");
      if (auto begun = savepoint.begin(); !begun) return fail_all(begun.error());
      auto applied = apply_batch(*batch);
      if (!applied) return fail_all(applied.error());
      auto ended = batch->over_allowance ? savepoint.rollback() : savepoint.release();
      if (!ended) return fail_all(ended.error());
      results.push_back(std::move(*applied));
    }
    if (auto committed = transaction.commit(); !committed) return fail_all(committed.error());
  } catch (const std::exception& error) {
    // Even out of memory, the followers must be woken with an answer, never left waiting.
    return fail_all(Error{ErrorCode::Internal, error.what()});
  }
  for (size_t i = 0; i < ordered.size(); ++i) ordered[i]->results = std::move(results[i]);
}

Result<std::vector<ItemResult>> Store::apply_batch(PendingBatch& batch) {
  std::vector<ItemResult> results;
  results.reserve(batch.items.size());
  db::Connection& db = *writer_;
  // First, so that the device's row is locked for the rest of the transaction (see commit_group).
  auto contact = db.cached("UPDATE devices SET last_contact_at = ?2 WHERE device_id = ?1");
  if (!contact) return contact.error();
  if (auto done = contact->bind(1, batch.device_id).bind(2, batch.now).run("recording contact"); !done) {
    return done.error();
  }
  // The device's quarantine (items, bytes), counted in the database: other hub processes may share it.
  const auto usage = [&]() -> Result<std::pair<int64_t, int64_t>> {
    // Bytes, not characters: SQLite's length() of a blob, PostgreSQL's octet_length().
    auto query = db.cached(db.dialect() == db::Dialect::SQLite
                               ? "SELECT count(*), coalesce(sum(length(CAST(body AS BLOB)) + "
                                 "length(CAST(reason AS BLOB))), 0) FROM quarantine WHERE received_from = ?1"
                               : "SELECT count(*), coalesce(sum(octet_length(body) + octet_length(reason)), 0) "
                                 "FROM quarantine WHERE received_from = ?1");
    if (!query) return query.error();
    query->bind(1, batch.device_id);
    auto row = query->step("counting the device's quarantine");
    if (!row) return row.error();
    if (!*row) return std::pair<int64_t, int64_t>{0, 0};
    return std::pair<int64_t, int64_t>{query->integer(0), query->integer(1)};
  };
  std::optional<std::pair<int64_t, int64_t>> usage_before;  // measured only once this batch quarantines
  const auto quarantine = [&](const BatchItem& item, const char* kind, const std::string& reason) -> Status {
    if (!usage_before) {
      auto counted = usage();
      if (!counted) return counted.error();
      usage_before = *counted;
    }
    auto insert = db.cached(
        "INSERT INTO quarantine (kind, response_id, consultation_id, reason, body, body_hash, "
        "received_from, received_at, last_seen_at, record_kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9) "
        "ON CONFLICT (body_hash) DO UPDATE SET times_seen = quarantine.times_seen + 1, "
        "last_seen_at = excluded.last_seen_at");
    if (!insert) return insert.error();
    return insert->bind(9, record_kind_name(item.kind))
        .bind(1, std::string_view(kind))
        .bind(2, item.record_id)
        .bind(3, item.consultation_id)
        .bind(4, reason)
        .bind(5, item.kept)
        .bind_blob(6, item.hash)
        .bind(7, batch.device_id)
        .bind(8, batch.now)
        .run("keeping an item aside for review");
  };
  const auto stored_copy = [&](const BatchItem& item, std::optional<bool> known_same = std::nullopt) -> Status {
    // Already stored under its id: the same record again is a duplicate, another one a conflict.
    if (!known_same) {
      auto same = same_as_stored(item);
      if (!same) return same.error();
      if (!*same) {
        return Error{ErrorCode::Internal, std::string("no ") + record_kind_name(item.kind) + " " + item.record_id +
                                              " stored, yet its insert found one"};
      }
      known_same = **same;
    }
    if (*known_same) {
      results.push_back({Fate::Duplicate, ""});
      return Status::success();
    }
    const std::string reason = std::string("a different ") + record_kind_name(item.kind) +
                               " with this id is already stored; kept aside for review";
    if (auto kept = quarantine(item, "conflict", reason); !kept) return kept;
    results.push_back({Fate::Conflict, reason});
    return Status::success();
  };
  // Exactly-once rests on the unique id: an acceptable item is inserted with a conflict clause first,
  // and only an insert that did nothing looks at the stored copy. Two hub processes given the same
  // batch at once therefore store it once (the second insert waits for the first to commit, then does
  // nothing), never both after each read that it was missing. On PostgreSQL most of a batch's responses
  // are inserted that way in one statement first; the rest, one by one in the loop.
  auto prestored = store_responses_at_once(batch.items, batch.device_id, batch.now);
  if (!prestored) return prestored.error();
  for (const BatchItem& item : batch.items) {
    if (const auto done = item.acceptable ? prestored->find(item.record_id) : prestored->end();
        done != prestored->end()) {
      if (done->second.stored) {
        results.push_back({Fate::Stored, ""});
      } else if (auto copied = stored_copy(item, done->second.same); !copied) {
        return copied.error();
      }
      continue;
    }
    if (item.acceptable) {
      auto stored = store_item(item, batch.device_id, batch.now);
      if (!stored) return stored.error();
      if (*stored) {
        results.push_back({Fate::Stored, ""});
      } else if (auto done = stored_copy(item); !done) {
        return done.error();
      }
      continue;
    }
    if (!item.record_id.empty()) {
      auto same = same_as_stored(item);
      if (!same) return same.error();
      if (*same) {
        if (auto done = stored_copy(item); !done) return done.error();
        continue;
      }
    }
    if (auto kept = quarantine(item, "rejected", item.reason); !kept) return kept.error();
    results.push_back({Fate::Rejected, item.reason});
  }
  if (usage_before) {
    // Only growth counts against the allowance: resends that bump times_seen stay welcome.
    auto counted = usage();
    if (!counted) return counted.error();
    const auto [items, bytes] = *counted;
    batch.over_allowance =
        items > usage_before->first && (items > batch.allowance.items || bytes > batch.allowance.bytes);
  }
  return results;
}

Result<std::optional<bool>> Store::same_as_stored(const BatchItem& item) {
  // One id, one record, whatever its kind: a record of another kind under a stored id is a conflict.
  const bool response = item.kind == RecordKind::Response;
  auto find = writer_->cached(response ? "SELECT body_hash FROM responses WHERE id = ?1"
                                       : "SELECT body_hash FROM records WHERE id = ?1");
  if (!find) return find.error();
  find->bind(1, item.record_id);
  auto row = find->step(std::string("looking for ") + record_kind_name(item.kind) + " " + item.record_id);
  if (!row) return row.error();
  if (!*row) return std::optional<bool>();
  return std::optional<bool>(find->blob(0) == item.hash);
}

Result<bool> Store::store_item(const BatchItem& item, const std::string& device_id, const std::string& now) {
  if (item.kind == RecordKind::Response) {
    auto insert = writer_->cached(
        "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body, "
        "body_hash, received_from, received_at, language, channel, venue, device, choices, facets_version) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (id) DO NOTHING");
    if (!insert) return insert.error();
    auto done = insert->bind(1, item.record_id)
                    .bind(2, item.consultation_id)
                    .bind(3, int64_t{item.consultation_version})
                    .bind(4, item.submitted_at)
                    .bind(5, item.canonical)
                    .bind_blob(6, item.hash)
                    .bind(7, device_id)
                    .bind(8, now)
                    .bind(9, item.facets.language)
                    .bind(10, item.facets.channel)
                    .bind(11, item.facets.venue)
                    .bind(12, item.facets.device)
                    .bind(13, item.facets.choices)
                    .bind(14, int64_t{kFacetsVersion})
                    .run("storing response " + item.record_id);
    if (!done) return done.error();
    if (writer_->changes() == 0) return false;
    if (auto texts = store_response_texts(*writer_, item.record_id, item.consultation_id, item.facets); !texts) {
      return texts.error();
    }
    return true;
  }
  auto insert = writer_->cached(
      "INSERT INTO records (id, kind, staff_id, subject, door, at, body, body_hash, received_from, received_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING");
  if (!insert) return insert.error();
  auto done = insert->bind(1, item.record_id)
                  .bind(2, record_kind_name(item.kind))
                  .bind(3, item.staff_id)
                  .bind(4, item.subject)
                  .bind(5, item.door)
                  .bind(6, item.submitted_at)
                  .bind(7, item.canonical)
                  .bind_blob(8, item.hash)
                  .bind(9, device_id)
                  .bind(10, now)
                  .run(std::string("storing ") + record_kind_name(item.kind) + " " + item.record_id);
  if (!done) return done.error();
  return writer_->changes() > 0;
}

Result<bool> Store::staff_known(const std::string& staff_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT count(*) FROM staff WHERE staff_id = ?1");
  if (!query) return query.error();
  query->bind(1, staff_id);
  auto count = first_integer(*query, "looking for officer " + staff_id);
  if (!count) return count.error();
  return *count > 0;
}

Result<bool> Store::door_known(const std::string& list_id, const std::string& uprn) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT count(*) FROM walk_addresses WHERE list_id = ?1 AND uprn = ?2");
  if (!query) return query.error();
  query->bind(1, list_id).bind(2, uprn);
  auto count = first_integer(*query, "looking for a door of walk list " + list_id);
  if (!count) return count.error();
  return *count > 0;
}

Result<std::vector<std::pair<std::string, std::string>>> Store::records_of(RecordKind kind) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT id, body FROM records WHERE kind = ?1 ORDER BY at, id");
  if (!query) return query.error();
  query->bind(1, record_kind_name(kind));
  return collect<std::pair<std::string, std::string>>(*query, "reading records", [](db::Statement& row) {
    return std::pair<std::string, std::string>{row.text(0), row.text(1)};
  });
}

Result<std::optional<int>> Store::latest_version(const std::string& id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT MAX(version) FROM consultations WHERE id = ?1");
  if (!query) return query.error();
  query->bind(1, id);
  auto row = query->step("reading consultation " + id);
  if (!row) return row.error();
  if (!*row || query->is_null(0)) return std::optional<int>();
  return std::optional<int>(static_cast<int>(query->integer(0)));
}

Status Store::add_consultation(const PublishedConsultation& consultation, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto insert = writer_->cached(
        "INSERT INTO consultations (id, version, definition, opens, closes, published_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return insert.error();
    auto done = insert->bind(1, consultation.id)
                    .bind(2, int64_t{consultation.version})
                    .bind(3, consultation.definition)
                    .bind(4, consultation.opens)
                    .bind(5, consultation.closes)
                    .bind(6, now)
                    .run("publishing consultation " + consultation.id);
    if (!done) return done;
  }
  return transaction.commit();
}

Result<std::optional<std::string>> Store::definition(const std::string& id, int version) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT definition FROM consultations WHERE id = ?1 AND version = ?2");
  if (!query) return query.error();
  query->bind(1, id).bind(2, int64_t{version});
  auto row = query->step("reading consultation " + id);
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

Result<std::vector<PublishedConsultation>> Store::latest_consultations() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT c.id, c.version, c.definition, c.opens, c.closes, f.feedback FROM consultations c "
      "LEFT JOIN feedback f ON f.consultation_id = c.id "
      "WHERE c.version = (SELECT MAX(version) FROM consultations WHERE id = c.id) ORDER BY c.id");
  if (!query) return query.error();
  return collect<PublishedConsultation>(*query, "reading the published consultations", [](const auto& row) {
    return PublishedConsultation{row.text(0), static_cast<int>(row.integer(1)), row.text(2),
                                 row.text(3), row.text(4), row.text(5)};
  });
}

Result<std::vector<std::pair<int, std::string>>> Store::all_versions(const std::string& id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT version, definition FROM consultations WHERE id = ?1 ORDER BY version DESC");
  if (!query) return query.error();
  query->bind(1, id);
  return collect<std::pair<int, std::string>>(*query, "reading consultation " + id, [](const auto& row) {
    return std::pair<int, std::string>(static_cast<int>(row.integer(0)), row.text(1));
  });
}

Status Store::set_feedback(const std::string& id, const std::string& feedback_json, const std::string& now) {
  const std::lock_guard lock(write_mutex_);
  db::Transaction transaction(*writer_);
  if (auto begun = transaction.begin(); !begun) return begun;
  {
    auto upsert = writer_->cached(
        "INSERT INTO feedback (consultation_id, feedback, published_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (consultation_id) DO UPDATE SET feedback = excluded.feedback, "
        "published_at = excluded.published_at");
    if (!upsert) return upsert.error();
    auto done = upsert->bind(1, id).bind(2, feedback_json).bind(3, now).run("publishing feedback for " + id);
    if (!done) return done;
  }
  return transaction.commit();
}

Result<int64_t> Store::stored_count(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(consultation_id.empty() ? "SELECT count(*) FROM responses"
                                                     : "SELECT count(*) FROM responses WHERE consultation_id = ?1");
  if (!query) return query.error();
  if (!consultation_id.empty()) query->bind(1, consultation_id);
  return first_integer(*query, "counting responses");
}

Result<int64_t> Store::quarantine_count(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(consultation_id.empty() ? "SELECT count(*) FROM quarantine"
                                                     : "SELECT count(*) FROM quarantine WHERE consultation_id = ?1");
  if (!query) return query.error();
  if (!consultation_id.empty()) query->bind(1, consultation_id);
  return first_integer(*query, "counting the quarantine");
}

Result<std::vector<std::string>> Store::stored_ids() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT id FROM responses ORDER BY id");
  if (!query) return query.error();
  return collect<std::string>(*query, "listing responses", [](const auto& row) { return row.text(0); });
}

Result<std::vector<StoredResponse>> Store::responses_of(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  // A response head office released a reviewed correction of is exported as the correction (issue 12).
  auto query = (*db)->cached(
      "SELECT r.id, r.consultation_version, coalesce(c.body, r.body) FROM responses r "
      "LEFT JOIN response_corrections c ON c.response_id = r.id WHERE r.consultation_id = ?1 "
      "ORDER BY r.submitted_at, r.id");
  if (!query) return query.error();
  query->bind(1, consultation_id);
  return collect<StoredResponse>(*query, "reading the responses to " + consultation_id, [](const auto& row) {
    return StoredResponse{row.text(0), static_cast<int>(row.integer(1)), row.text(2)};
  });
}

}  // namespace soundings::hub::detail
