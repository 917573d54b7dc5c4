// The device's durable store: one SQLite file holding cached consultations, responses and the outbox.
//
// One Store object is the device's only writing connection; it is safe to share
// between threads (calls are serialised inside). sqlite3.h stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soundings/clock.h"
#include "soundings/consultation.h"
#include "soundings/field_records.h"
#include "soundings/record.h"
#include "soundings/response.h"
#include "soundings/result.h"

namespace soundings {

enum class OutboxState { Pending, Confirmed, NeedsReview };
const char* outbox_state_name(OutboxState state);  // "pending", "confirmed", "needs_review"

struct OutboxItem {
  RecordKind kind = RecordKind::Response;
  std::string id;         // the record's id (a response's id for responses)
  std::string body;       // the record's JSON exactly as it will be sent
  std::string hash;       // record_hash_hex(body); empty for responses saved before envelopes
  OutboxState state = OutboxState::Pending;
  int attempts = 0;
  std::string last_error;
  std::string created_at;  // ISO 8601 UTC
};

struct OutboxCounts {
  int64_t pending = 0;
  int64_t confirmed = 0;
  int64_t needs_review = 0;
  std::string oldest_pending_at;  // empty when none pending
};

struct CachedConsultation {
  std::string id;
  int version = 0;
  std::string definition_json;  // canonical JSON (blocks expanded)
  std::string feedback_json;    // "you said, we did" from head office, or empty
  bool offered = true;          // staff can hide a consultation on this kiosk
};

// What the open connection runs with: for tests and the staff diagnostics screen.
struct StorePragmas {
  std::string journal_mode;   // "wal" ("memory" for ":memory:")
  std::string locking_mode;   // "exclusive": this connection is the only writer and checkpointer
  int synchronous = 0;        // 2 = FULL
  bool foreign_keys = false;
  int busy_timeout_ms = 0;
  int schema_version = 0;     // PRAGMA user_version
  int64_t application_id = 0;
};

class Store {
 public:
  // Opens or creates the database at `path`: WAL, synchronous=FULL, foreign keys,
  // busy timeout, migrations to the current schema. A file that is not a Soundings
  // database, is corrupt or truncated, or comes from a newer schema is refused with
  // a clear error and never modified.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static int current_schema_version();
  const std::string& path() const;

  // Commits the response and its pending outbox row in one transaction; returns
  // only after the commit. Refuses an unsealed response holding personal data,
  // and a second response with the same id.
  Status save(const Response& response);
  // Reads return a Result, so a read that fails is an error and never looks like "nothing there".
  // An empty optional means the database answered and the thing is not there.
  [[nodiscard]] Result<std::optional<Response>> find_response(const std::string& response_id);
  [[nodiscard]] Result<int64_t> response_count();
  [[nodiscard]] Result<int64_t> responses_saved_since(const std::string& iso8601_utc);  // staff counts "today"

  // Consultation cache (by id and version). Storing an existing id+version with
  // different content is refused; the same content is accepted and changes nothing.
  Status put_consultation(const std::string& id, int version, const std::string& definition_json);
  Status set_feedback(const std::string& id, const std::string& feedback_json);
  Status set_offered(const std::string& id, bool offered);
  // The newest version of each consultation.
  [[nodiscard]] Result<std::vector<CachedConsultation>> latest_consultations();
  [[nodiscard]] Result<std::optional<CachedConsultation>> consultation(const std::string& id, int version);

  // Records of the other kinds (visits, check-ins, sign-in events): committed with their outbox row in one
  // transaction, like a response. A second record with the same id is refused.
  Status save_visit(const Visit& visit);
  Status save_check_in(const CheckIn& check_in);
  Status save_sign_in(const SignIn& sign_in);
  // The visits recorded at this device for one walk list, oldest first (the list screen's progress).
  [[nodiscard]] Result<std::vector<Visit>> visits_for_list(const std::string& list_id);

  // Field tablets: what head office sent. Replacing the staff list is one transaction, after which the
  // write-ahead log is emptied so that no old PIN hash stays in it.
  Status replace_staff(const std::vector<StaffMember>& staff);
  [[nodiscard]] Result<std::vector<StaffMember>> staff();
  // Makes the tablet's walk lists exactly `lists`: a list no longer there loses its addresses, and its
  // visits once head office has confirmed them (later ones go when confirmed), overwritten on disk
  // (secure_delete) and checkpointed out of the WAL, so no file of the tablet keeps a trace of it.
  Status replace_walk_lists(const std::vector<WalkList>& lists);
  [[nodiscard]] Result<std::vector<WalkList>> walk_lists();

  // Outbox of every kind. Oldest first, at most max_count items and about max_bytes of bodies (always at least one).
  // A field response waits until the day it carries is over at `now`, then comes after the rest in random order.
  [[nodiscard]] Result<std::vector<OutboxItem>> pending_batch(size_t max_count, size_t max_bytes,
                                                              TimePoint now = Clock::now());
  Status mark_confirmed(const std::vector<std::string>& record_ids);
  Status mark_needs_review(const std::string& record_id, const std::string& reason);
  Status record_failed_attempt(const std::vector<std::string>& record_ids, const std::string& error);
  [[nodiscard]] Result<std::vector<OutboxItem>> needs_review();
  // Head office decided on a record put aside for review (sync/PROTOCOL.md, "Decisions"). Either way it no
  // longer needs review and leaves as a confirmed record does (a field response is forgotten): released, head
  // office counts it; rejected, it does not, and `note` (head office's reason) stays in last_error. False: the
  // record is not awaiting review on this device, and nothing changed.
  [[nodiscard]] Result<bool> resolve_review(const std::string& record_id, bool released, const std::string& note);
  [[nodiscard]] Result<OutboxCounts> outbox_counts();

  // Device settings (device id, hub URL, token, venue, staff PIN hash...).
  [[nodiscard]] Result<std::optional<std::string>> setting(const std::string& key);
  Status set_setting(const std::string& key, const std::string& value);

  // Whether PRAGMA integrity_check answers "ok"; an error when the check itself could not run.
  [[nodiscard]] Result<bool> integrity_ok();
  [[nodiscard]] Result<StorePragmas> pragmas();

 // Public so that the store's own source files can share helpers over it; defined in store_sqlite.h.
  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace soundings
