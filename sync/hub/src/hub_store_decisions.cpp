// The hub store: quarantine decisions, the reviewed corrections and records a release stores, what each
// device is told of them, and device clocks (hub_store.h, "quarantine decisions").
#include "hub_store.h"
#include "hub_store_rows.h"

namespace soundings::hub::detail {

namespace {

constexpr const char* kDecisionColumns =
    "seq, decision, decided_by, decided_at, reason, record_id, device_id FROM quarantine_decisions";

QuarantineDecision decision_from(const db::Statement& row) {
  return QuarantineDecision{row.integer(0), row.text(1), row.text(2), row.text(3),
                            row.text(4),    row.text(5), row.text(6)};
}

// The facet columns and free text of a response, replaced whole: a correction's answers take the place
// of the stored copy's in every count, search and export.
Status write_facets(db::Connection& db, const ReleaseWrite& release, const std::string& consultation_id) {
  const std::string& id = release.item.record_id;
  auto update = db.cached(
      "UPDATE responses SET language = ?2, channel = ?3, venue = ?4, device = ?5, choices = ?6, "
      "facets_version = ?7 WHERE id = ?1");
  if (!update) return update.error();
  if (auto done = update->bind(1, id)
                      .bind(2, release.language)
                      .bind(3, release.channel)
                      .bind(4, release.venue)
                      .bind(5, release.device)
                      .bind(6, release.choices)
                      .bind(7, int64_t{release.facets_version})
                      .run("counting the answers of response " + id);
      !done) {
    return done;
  }
  auto forget = db.cached("DELETE FROM response_texts WHERE response_id = ?1");
  if (!forget) return forget.error();
  if (auto done = forget->bind(1, id).run("replacing the free text of response " + id); !done) return done;
  for (const auto& [question_id, text] : release.texts) {
    auto insert = db.cached(
        "INSERT INTO response_texts (response_id, consultation_id, question_id, text) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.error();
    if (auto done = insert->bind(1, id)
                        .bind(2, consultation_id)
                        .bind(3, question_id)
                        .bind(4, text)
                        .run("keeping the free text of response " + id);
        !done) {
      return done;
    }
  }
  return Status::success();
}

}  // namespace

Result<std::optional<QuarantinedItem>> Store::quarantined_item(int64_t seq) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT seq, kind, response_id, consultation_id, reason, body, received_from, received_at, "
      "last_seen_at, times_seen, record_kind FROM quarantine WHERE seq = ?1");
  if (!query) return query.error();
  query->bind(1, seq);
  auto row = query->step("reading quarantined item " + std::to_string(seq));
  if (!row) return row.error();
  if (!*row) return std::optional<QuarantinedItem>();
  return std::optional<QuarantinedItem>(QuarantinedItem{
      query->integer(0), query->text(1), query->text(2), query->text(3), query->text(4), query->text(5),
      query->text(6), query->text(7), query->text(8), query->integer(9), query->text(10)});
}

Result<std::optional<QuarantineDecision>> Store::quarantine_decision(int64_t seq) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(std::string("SELECT ") + kDecisionColumns + " WHERE seq = ?1");
  if (!query) return query.error();
  query->bind(1, seq);
  auto row = query->step("reading the decision on quarantined item " + std::to_string(seq));
  if (!row) return row.error();
  if (!*row) return std::optional<QuarantineDecision>();
  return std::optional<QuarantineDecision>(decision_from(*query));
}

Result<std::vector<QuarantineDecision>> Store::quarantine_decisions() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(std::string("SELECT ") + kDecisionColumns + " ORDER BY seq");
  if (!query) return query.error();
  return collect<QuarantineDecision>(*query, "reading the quarantine decisions", decision_from);
}

Result<std::optional<std::string>> Store::stored_body(RecordKind kind, const std::string& id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(kind == RecordKind::Response ? "SELECT body FROM responses WHERE id = ?1"
                                                          : "SELECT body FROM records WHERE id = ?1");
  if (!query) return query.error();
  query->bind(1, id);
  auto row = query->step(std::string("reading ") + record_kind_name(kind) + " " + id);
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

Result<std::optional<std::pair<int64_t, std::string>>> Store::correction_of(const std::string& response_id) {
  using Found = std::optional<std::pair<int64_t, std::string>>;
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT quarantine_seq, body FROM response_corrections WHERE response_id = ?1");
  if (!query) return query.error();
  query->bind(1, response_id);
  auto row = query->step("reading the correction of response " + response_id);
  if (!row) return row.error();
  if (!*row) return Found();
  return Found(std::pair<int64_t, std::string>{query->integer(0), query->text(1)});
}

Result<DecisionWrite> Store::record_decision(const QuarantineDecision& decision, const ReleaseWrite& release) {
  const std::lock_guard lock(write_mutex_);
  db::Connection& db = *writer_;
  db::Transaction transaction(db);
  if (auto begun = transaction.begin(); !begun) return begun.error();
  const std::string doing = "recording the decision on quarantined item " + std::to_string(decision.seq);
  {
    // The key, not an earlier read, settles a race between two hubs: the second insert does nothing.
    auto insert = db.cached(
        "INSERT INTO quarantine_decisions (seq, decision, decided_by, decided_at, reason, record_id, device_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (seq) DO NOTHING");
    if (!insert) return insert.error();
    if (auto done = insert->bind(1, decision.seq)
                        .bind(2, decision.decision)
                        .bind(3, decision.decided_by)
                        .bind(4, decision.decided_at)
                        .bind(5, decision.reason)
                        .bind(6, decision.record_id)
                        .bind(7, decision.device_id)
                        .run(doing);
        !done) {
      return done.error();
    }
    if (db.changes() == 0) return DecisionWrite::AlreadyDecided;
  }
  const BatchItem& item = release.item;
  switch (release.what) {
    case ReleaseWrite::What::Nothing: break;
    case ReleaseWrite::What::Correction: {
      auto insert = db.cached(
          "INSERT INTO response_corrections (response_id, body, quarantine_seq, decided_by, decided_at, reason) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (response_id) DO NOTHING");
      if (!insert) return insert.error();
      if (auto done = insert->bind(1, item.record_id)
                          .bind(2, item.canonical)
                          .bind(3, decision.seq)
                          .bind(4, decision.decided_by)
                          .bind(5, decision.decided_at)
                          .bind(6, decision.reason)
                          .run("keeping the reviewed correction of response " + item.record_id);
          !done) {
        return done.error();
      }
      if (db.changes() == 0) return DecisionWrite::AlreadyCorrected;
      if (auto done = write_facets(db, release, item.consultation_id); !done) return done.error();
      break;
    }
    case ReleaseWrite::What::Response: {
      auto insert = db.cached(
          "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body, body_hash, "
          "received_from, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING");
      if (!insert) return insert.error();
      if (auto done = insert->bind(1, item.record_id)
                          .bind(2, item.consultation_id)
                          .bind(3, int64_t{item.consultation_version})
                          .bind(4, item.submitted_at)
                          .bind(5, item.canonical)
                          .bind_blob(6, item.hash)
                          .bind(7, release.received_from)
                          .bind(8, release.received_at)
                          .run("storing released response " + item.record_id);
          !done) {
        return done.error();
      }
      if (db.changes() == 0) return DecisionWrite::AlreadyStored;
      if (auto done = write_facets(db, release, item.consultation_id); !done) return done.error();
      break;
    }
    case ReleaseWrite::What::Record: {
      auto insert = db.cached(
          "INSERT INTO records (id, kind, staff_id, subject, door, at, body, body_hash, received_from, "
          "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING");
      if (!insert) return insert.error();
      if (auto done = insert->bind(1, item.record_id)
                          .bind(2, record_kind_name(item.kind))
                          .bind(3, item.staff_id)
                          .bind(4, item.subject)
                          .bind(5, item.door)
                          .bind(6, item.submitted_at)
                          .bind(7, item.canonical)
                          .bind_blob(8, item.hash)
                          .bind(9, release.received_from)
                          .bind(10, release.received_at)
                          .run(std::string("storing released ") + record_kind_name(item.kind) + " " +
                               item.record_id);
          !done) {
        return done.error();
      }
      if (db.changes() == 0) return DecisionWrite::AlreadyStored;
      break;
    }
  }
  if (auto committed = transaction.commit(); !committed) return committed.error();
  return DecisionWrite::Done;
}

Result<std::vector<QuarantineDecision>> Store::decisions_for_device(const std::string& device_id, int64_t limit) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(std::string("SELECT ") + kDecisionColumns +
                             " WHERE device_id = ?1 AND record_id != '' ORDER BY decided_at DESC, seq DESC LIMIT ?2");
  if (!query) return query.error();
  query->bind(1, device_id).bind(2, limit);
  return collect<QuarantineDecision>(*query, "reading the decisions for device " + device_id, decision_from);
}

Status Store::set_clock_offset(const std::string& device_id, int64_t offset_seconds) {
  const std::lock_guard lock(write_mutex_);
  auto update = writer_->cached("UPDATE devices SET clock_offset_seconds = ?2 WHERE device_id = ?1");
  if (!update) return update.error();
  return update->bind(1, device_id).bind(2, offset_seconds).run("recording the clock of device " + device_id);
}

Result<std::map<std::string, int64_t, std::less<>>> Store::clock_offsets() {
  auto db = reader();
  if (!db) return db.error();
  auto query =
      (*db)->cached("SELECT device_id, clock_offset_seconds FROM devices WHERE clock_offset_seconds IS NOT NULL");
  if (!query) return query.error();
  std::map<std::string, int64_t, std::less<>> out;
  while (true) {
    auto row = query->step("reading the devices' clocks");
    if (!row) return row.error();
    if (!*row) return out;
    out.emplace(query->text(0), query->integer(1));
  }
}

}  // namespace soundings::hub::detail
