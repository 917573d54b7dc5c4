// The hub's store, on the embedded SQLite file or a PostgreSQL server (soundings/database.h): one
// writer connection behind a mutex, and a bounded pool of reader connections.
//
// Every method returns its storage failure as a value (Result or Status), reads included, so that
// a database that cannot be read never looks like an empty one; the API answers it with a 503.
// Nothing shared between hub processes lives in memory here: several hubs may use one PostgreSQL
// database, and exactly-once rests on its unique keys (see commit_batch).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hub_facets.h"
#include "soundings/hub.h"
#include "soundings/record.h"
#include "soundings/database.h"
#include "soundings/sqlite.h"

namespace soundings::hub::detail {

struct DeviceAuth {
  std::string device_id;
  bool revoked = false;
  DeviceRole role = DeviceRole::Kiosk;
};

struct PublishedConsultation {
  std::string id;
  int version = 0;
  std::string definition;  // canonical JSON
  std::string opens;
  std::string closes;
  std::string feedback;    // JSON from `publish_feedback`, or empty
};

struct Heartbeat {
  int64_t pending = 0;
  std::string oldest_pending_at;
  std::string app_version;
  std::string consultation_versions;  // "id@version, ..."
  int64_t free_disk_bytes = -1;
};

// One item of a batch, checked before the write lock is taken (see hub_ingest.h).
struct BatchItem {
  RecordKind kind = RecordKind::Response;
  std::string record_id;        // empty when the item carries no valid UUID
  std::string consultation_id;  // responses: empty when unknown
  int consultation_version = 0;
  std::string submitted_at;     // responses: submitted_at; other kinds: when the record says it happened
  std::string staff_id;         // other kinds: the officer
  std::string subject;          // visits: the walk list id
  std::string door;             // visits: the UPRN
  std::string canonical;        // nlohmann::json::dump() of the item as received
  std::string kept;             // what quarantine keeps of it: no unsealed personal part, bounded in size
  std::string hash;             // content_hash(canonical)
  bool acceptable = false;      // passed every check against its definition
  std::string reason;           // why not, when not
  Facets facets;                // responses, when acceptable: what results count (hub_facets.h)
};

enum class Fate { Stored, Duplicate, Conflict, Rejected };
const char* fate_name(Fate fate);  // "stored", "duplicate", "conflict", "rejected"

struct ItemResult {
  Fate fate = Fate::Rejected;
  std::string reason;
};

// How much quarantine one device may fill (HubConfig), counted from the database inside the commit.
struct QuarantineAllowance {
  int64_t items = 1000;
  int64_t bytes = 16 * 1024 * 1024;
};

// A batch's answer: every item's fate, or, when it would take the device past its quarantine
// allowance, nothing at all stored from it (`quarantine_full`, `results` empty).
struct BatchOutcome {
  std::vector<ItemResult> results;
  bool quarantine_full = false;
};

enum class EnrolRefusal { None, Unknown, Used, Expired };

// What redeeming a code did: refused it, or enrolled a device in the role the code was made for.
struct Redemption {
  EnrolRefusal refusal = EnrolRefusal::None;
  DeviceRole role = DeviceRole::Kiosk;
};

// A staff account with its PIN hash: only field tablets are sent the hash, staff listings never show it.
struct StoredStaff {
  StaffAccount account;
  std::string pin_hash;
};

struct StoredResponse {
  std::string id;
  int consultation_version = 0;
  std::string body;
};

// A door of a walk list with the line of the imported file it came from.
struct ImportedDoor {
  WalkAddress door;
  int64_t line = 0;
};

struct WalkListRow {
  std::string id;
  std::string name;
  std::string imported_at;
  std::string closed_at;  // empty while open
};

// An enrolled device as walk-list assignment checks it.
struct EnrolledDevice {
  std::string name;
  bool field = false;  // enrolled as a field tablet
  bool revoked = false;
};

// One row of the records table: a visit, check-in or sign-in event as the /records handler stored it.
struct StoredRecord {
  std::string id;
  std::string kind;      // record_kind_name()
  std::string staff_id;
  std::string subject;   // a visit's list id
  std::string door;      // a visit's UPRN
  std::string at;        // the record's own time (visited, checked in, signed in)
  std::string body;      // canonical JSON
  std::string received_from;
};

// Which responses a console page or export counts (console.h): every field empty matches all.
struct ResponseFilter {
  std::string from;      // YYYY-MM-DD: submitted on or after this day (UTC)
  std::string to;        // YYYY-MM-DD: submitted on or before this day (UTC)
  std::string channel;   // "kiosk" or "field"
  std::string venue;     // exact
  std::string language;  // "cy", "en"
  std::string device;    // the response's device_id
  bool empty() const { return from.empty() && to.empty() && channel.empty() && venue.empty() && language.empty() && device.empty(); }
};

// A response as results count it (responses' facet columns, hub_facets.h): no body, no sealed part.
struct FacetRow {
  std::string id;
  std::string submitted_at;
  std::string language;
  std::string channel;
  std::string venue;
  std::string device;
  std::string choices;  // encoded by hub_facets.h
};

// Responses of one day, channel and language (Store::facet_counts).
struct FacetCount {
  std::string day;  // YYYY-MM-DD of submitted_at (UTC)
  std::string channel;
  std::string language;
  int64_t count = 0;
};

// One free-text answer as the console shows it: when, and what was written; nothing else of its response.
struct TextRow {
  std::string response_id;
  std::string submitted_at;
  std::string text;
};

// ---- quarantine decisions (issue 12) ----
// Head office's decision on a quarantined item (hub_store_decisions.cpp, hub_decisions.h).
struct QuarantineDecision {
  int64_t seq = 0;
  std::string decision;    // "released" or "rejected"
  std::string decided_by;  // the console user's email
  std::string decided_at;
  std::string reason;
  std::string record_id;   // the item's record id; empty when it had no usable one
  std::string device_id;   // the device it came from
};

// What a release stores in the same transaction as its decision. A conflicting response's copy becomes a
// reviewed correction beside the stored response (whose body is never changed); a rejected record that now
// parses is stored as it would have been at ingest.
struct ReleaseWrite {
  enum class What { Nothing, Correction, Response, Record };
  What what = What::Nothing;
  BatchItem item;  // the record: kind, record_id, columns, canonical body and its hash
  std::string received_from;
  std::string received_at;
  // Responses and corrections: the facets results count (hub_facets.h), written over the response's.
  std::string language, channel, venue, device, choices;
  std::vector<std::pair<std::string, std::string>> texts;  // (question id, free text)
  int facets_version = 0;
};

// How writing a decision went: done, or refused with nothing changed.
enum class DecisionWrite { Done, AlreadyDecided, AlreadyCorrected, AlreadyStored };
// ---- end of quarantine decisions ----

// One published version of a consultation as the console's publish page lists it.
struct PublishedVersion {
  int version = 0;
  std::string opens;
  std::string closes;
  std::string published_at;
};

// What DATA_DIR/hub.sqlite must be (application id, migrations): for reading a hub file without the Store.
const sqlite::Schema& hub_sqlite_schema();

// At most this many reader connections at once; a read that finds them all busy waits for one.
constexpr size_t kDefaultReaderPool = 16;

// ---- console (issue 12) ----
// A console account with its Argon2id hash (console_users); listings never show the hash.
struct StoredConsoleUser {
  ConsoleAccount account;
  std::string password_hash;
};

// A console session (console_sessions) with its account as it is now.
struct StoredConsoleSession {
  std::string email;
  std::string role;
  std::string csrf_token;
  int64_t last_seen_epoch = 0;
  bool account_disabled = false;
};

// One entry of the audit log (audit_log).
struct AuditRow {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail;
  std::string prev_hash;
  std::string hash;
};
// ---- end console (issue 12) ----

class Store {
 public:
  // The SQLite file at `path`: creates the schema on first use; refuses a file that is not a hub database.
  [[nodiscard]] static Result<std::unique_ptr<Store>> open(const std::string& path,
                                                           size_t reader_pool = kDefaultReaderPool);
  // A PostgreSQL database (a libpq URL): creates or upgrades the schema, refuses a database that holds
  // tables of another program.
  // With `create` false, a database that holds no hub yet is refused (NotFound) and left as it is.
  [[nodiscard]] static Result<std::unique_ptr<Store>> open_postgres(const std::string& url,
                                                                    size_t reader_pool = kDefaultReaderPool,
                                                                    bool create = true);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  std::string hub_id() const { return hub_id_; }
  db::Dialect dialect() const { return writer_->dialect(); }
  // The writer connection of a SQLite store (online backup); null on PostgreSQL. Use under write_lock().
  sqlite::Connection* sqlite_writer() { return writer_->sqlite(); }
  std::unique_lock<std::mutex> write_lock() { return std::unique_lock(write_mutex_); }

  // The public sealing key the database was first used with. Records `public_key` when none is recorded
  // yet, and returns what is recorded, so that a hub holding another key pair can refuse to start.
  [[nodiscard]] Result<std::string> claim_public_key(const std::string& public_key);
  // The recorded public key; empty when none is recorded yet.
  [[nodiscard]] Result<std::string> recorded_public_key();

  // Ingest: every item's outcome committed before returning. Batches that arrive while
  // another commit is under way are committed together in the next transaction (group
  // commit), so eight devices at once cost one disk sync per round, not one each.
  // A batch that would take the device past its quarantine allowance is rolled back whole
  // (its own savepoint) and answered with quarantine_full; the other batches of the group stand.
  [[nodiscard]] Result<BatchOutcome> commit_batch(const std::string& device_id, const std::vector<BatchItem>& items,
                                                  const std::string& now, const QuarantineAllowance& allowance);

  // Consultations (all versions stay: a device may still deliver responses to an older one).
  [[nodiscard]] Result<std::optional<int>> latest_version(const std::string& id);
  [[nodiscard]] Status add_consultation(const PublishedConsultation& consultation, const std::string& now);
  [[nodiscard]] Result<std::optional<std::string>> definition(const std::string& id, int version);
  [[nodiscard]] Result<std::vector<PublishedConsultation>> latest_consultations();
  [[nodiscard]] Result<std::vector<std::pair<int, std::string>>> all_versions(const std::string& id);  // newest first
  [[nodiscard]] Status set_feedback(const std::string& id, const std::string& feedback_json, const std::string& now);

  // Devices and enrolment.
  [[nodiscard]] Status add_enrol_code(const std::string& code_hash, const std::string& name, const std::string& now,
                                      int64_t expires_epoch, DeviceRole role);
  [[nodiscard]] Result<Redemption> redeem_enrol_code(const std::string& code_hash, int64_t now_epoch,
                                                       const std::string& now, const std::string& device_id,
                                                       const std::string& token_hash,
                                                       const std::string& reported_name);
  [[nodiscard]] Result<std::optional<DeviceAuth>> device_for_token(const std::string& token_hash);
  [[nodiscard]] Status record_contact(const std::string& device_id, const std::string& now);
  [[nodiscard]] Status record_heartbeat(const std::string& device_id, const Heartbeat& heartbeat,
                                        const std::string& now);
  [[nodiscard]] Result<bool> revoke(const std::string& device_id, const std::string& now);  // false: no such device
  [[nodiscard]] Result<std::vector<DeviceInfo>> devices();

  // Staff accounts (hub_store_staff.cpp).
  [[nodiscard]] Result<bool> add_staff(const StoredStaff& staff);  // false: the id is already taken
  [[nodiscard]] Result<std::vector<StoredStaff>> staff();          // by id
  [[nodiscard]] Result<bool> disable_staff(const std::string& staff_id, const std::string& now);  // false: no such id

  // Figures.
  [[nodiscard]] Result<int64_t> stored_count(const std::string& consultation_id);  // empty: all
  [[nodiscard]] Result<int64_t> quarantine_count(const std::string& consultation_id);
  [[nodiscard]] Result<std::vector<std::string>> stored_ids();
  [[nodiscard]] Result<std::vector<StoredResponse>> responses_of(const std::string& consultation_id);  // by submitted_at, id
  [[nodiscard]] Result<std::vector<QuarantinedItem>> quarantined(const std::string& consultation_id);  // empty: all

  // Field work, for checking records as they arrive: an officer head office knows (disabled or not: a
  // visit made before an account was disabled still counts), and a door of a walk list.
  [[nodiscard]] Result<bool> staff_known(const std::string& staff_id);
  [[nodiscard]] Result<bool> door_known(const std::string& list_id, const std::string& uprn);
  // Records of the kinds other than responses, by kind: (id, body), oldest first.
  [[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> records_of(RecordKind kind);

  // Walk lists (hub_store_walklists.cpp). A name already used is refused with Conflict.
  [[nodiscard]] Status add_walk_list(const WalkListRow& list, const std::vector<ImportedDoor>& doors);
  [[nodiscard]] Result<std::optional<WalkListRow>> walk_list_named(const std::string& name);
  [[nodiscard]] Result<std::optional<EnrolledDevice>> enrolled_device(const std::string& device_id);
  [[nodiscard]] Result<bool> assign_walk_list(const std::string& list_id, const std::string& device_id,
                                              const std::string& now);  // false: it already was
  [[nodiscard]] Result<bool> unassign_walk_list(const std::string& list_id, const std::string& device_id);
  [[nodiscard]] Result<bool> close_walk_list(const std::string& list_id, const std::string& now);  // false: already
  [[nodiscard]] Result<std::vector<WalkListSummary>> walk_list_summaries();
  // The open lists assigned to a device, each door in the order of the imported file.
  [[nodiscard]] Result<std::vector<WalkList>> open_walk_lists_for(const std::string& device_id);
  [[nodiscard]] Result<std::vector<WalkAddress>> walk_addresses(const std::string& list_id);

  // Field work, read for head office (hub_store_field.cpp).
  // Records of one kind about one subject (a visit's walk list), by subject, door, at and id; subject
  // empty: every subject.
  [[nodiscard]] Result<std::vector<StoredRecord>> records_by_subject(RecordKind kind, const std::string& subject);
  // Each officer's latest record of one kind (by at, then id).
  [[nodiscard]] Result<std::vector<StoredRecord>> latest_record_per_staff(RecordKind kind);
  // Every walk list's (id, name), by name.
  [[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> walk_list_names();

  // ---- results (issue 12) ----
  // The responses of a consultation that match `filter`, by submitted_at and id; where head office released
  // a reviewed correction of a response, its body is the correction's (hub_store_results.cpp).
  [[nodiscard]] Result<std::vector<StoredResponse>> responses_of(const std::string& consultation_id,
                                                                 const ResponseFilter& filter);
  // Calls `row` for each matching response's facets, streaming, in no particular order.
  [[nodiscard]] Status scan_facets(const std::string& consultation_id, const ResponseFilter& filter,
                                   const std::function<void(const FacetRow&)>& row);
  // Responses per (day, channel, language) of a consultation, counted in the database: the consultations
  // list shows them for every consultation without reading a row each.
  [[nodiscard]] Result<std::vector<FacetCount>> facet_counts(const std::string& consultation_id);
  // Free-text answers to one question of the responses matching `filter` whose text holds `search`
  // (case-insensitive for ASCII letters; empty: all), by submitted_at and id; `offset` and `limit` pick a
  // page and `total` is set to how many match in all.
  [[nodiscard]] Result<std::vector<TextRow>> texts_of(const std::string& consultation_id, const std::string& question_id,
                                                      const ResponseFilter& filter, const std::string& search,
                                                      int64_t offset, int64_t limit, int64_t& total);
  // Draws the facets of every response stored before this version drew them (facets_version below
  // kFacetsVersion), a batch per transaction; recorded in meta as done, so later opens cost one read.
  [[nodiscard]] Status backfill_facets();

  // ---- console (issue 12) ----
  // Accounts, sessions, sign-in failures and the audit log (hub_store_console.cpp). Sessions are found by
  // the hash of their token (raw bytes), never by the token itself.
  [[nodiscard]] Result<bool> add_console_user(const StoredConsoleUser& user);  // false: the email is taken
  [[nodiscard]] Result<std::vector<StoredConsoleUser>> console_users();       // by email
  [[nodiscard]] Result<std::optional<StoredConsoleUser>> console_user(const std::string& email);
  // Also ends the account's sessions. False: no such account.
  [[nodiscard]] Result<bool> disable_console_user(const std::string& email, const std::string& now);
  [[nodiscard]] Status add_console_session(const std::string& token_hash, const std::string& email,
                                           const std::string& csrf_token, int64_t now_epoch);
  [[nodiscard]] Result<std::optional<StoredConsoleSession>> console_session(const std::string& token_hash);
  [[nodiscard]] Status touch_console_session(const std::string& token_hash, int64_t now_epoch);
  [[nodiscard]] Status end_console_session(const std::string& token_hash);
  // When the next sign-in attempt for `email` may be checked (epoch seconds; 0: now).
  [[nodiscard]] Result<int64_t> sign_in_allowed_from(const std::string& email);
  // Counts one more failure in a row (atomically, so hubs sharing the database count every one) and sets
  // the next allowed attempt to now + delay(failures). Returns the failures in a row.
  [[nodiscard]] Result<int64_t> note_sign_in_failure(const std::string& email, int64_t now_epoch,
                                                     const std::function<int64_t(int64_t)>& delay);
  [[nodiscard]] Status clear_sign_in_failures(const std::string& email);
  // Appends one entry in a transaction that holds the database's own lock for the log (SQLite's write
  // lock, an advisory lock on PostgreSQL), so appends from several hubs make one chain. `hash_of` gets the
  // entry with seq and prev_hash filled and returns its hash.
  [[nodiscard]] Result<AuditRow> append_audit(AuditRow entry, const std::function<std::string(const AuditRow&)>& hash_of);
  // Entries with seq below `before` (0: all), newest first, at most `limit`.
  [[nodiscard]] Result<std::vector<AuditRow>> audit_rows_before(int64_t before, int64_t limit);
  // Every entry from the first, oldest first, streamed; `row` returns false to stop.
  [[nodiscard]] Status scan_audit(const std::function<bool(const AuditRow&)>& row);

  // ---- quarantine decisions (issue 12) ----
  // hub_store_decisions.cpp. Decisions live in the store, so every hub sharing it sees them.
  [[nodiscard]] Result<std::optional<QuarantinedItem>> quarantined_item(int64_t seq);
  [[nodiscard]] Result<std::optional<QuarantineDecision>> quarantine_decision(int64_t seq);
  [[nodiscard]] Result<std::vector<QuarantineDecision>> quarantine_decisions();  // by seq
  // The stored copy of a record of `kind` with this id (a response's body as first stored); nullopt: none.
  [[nodiscard]] Result<std::optional<std::string>> stored_body(RecordKind kind, const std::string& id);
  // A response's reviewed correction: (quarantine seq, body); nullopt: none.
  [[nodiscard]] Result<std::optional<std::pair<int64_t, std::string>>> correction_of(const std::string& response_id);
  // The decision and what its release stores, in one transaction; a second decision on an item is refused
  // by the database's key (two hubs deciding at once: one wins), and so is a second correction or a record
  // whose id is taken meanwhile.
  [[nodiscard]] Result<DecisionWrite> record_decision(const QuarantineDecision& decision, const ReleaseWrite& release);
  // The decisions on items received from one device, newest first, at most `limit`.
  [[nodiscard]] Result<std::vector<QuarantineDecision>> decisions_for_device(const std::string& device_id,
                                                                             int64_t limit);
  // The device clock's difference from the hub's at its last heartbeat that said (device - hub, seconds).
  [[nodiscard]] Status set_clock_offset(const std::string& device_id, int64_t offset_seconds);
  [[nodiscard]] Result<std::map<std::string, int64_t, std::less<>>> clock_offsets();  // devices that said
  // ---- end of quarantine decisions ----
  // ---- publish (issue 12) ----
  // Every published version of a consultation with when it was published, newest first (hub_store_publish.cpp).
  [[nodiscard]] Result<std::vector<PublishedVersion>> version_history(const std::string& id);

 private:
  struct PendingBatch;
  class ReaderLease;
  using Opener = std::function<Result<std::unique_ptr<db::Connection>>()>;
  Store(Opener open_reader, size_t reader_pool);
  [[nodiscard]] Status read_hub_id();
  void start_checkpointer(std::unique_ptr<sqlite::Connection> connection);
  Result<ReaderLease> reader();
  void commit_group(const std::vector<PendingBatch*>& group);
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int wal_pages);
  void run_checkpoints();
  Result<std::vector<ItemResult>> apply_batch(PendingBatch& batch);
  // nullopt: no record of the item's kind with its id; otherwise whether the stored copy is identical.
  Result<std::optional<bool>> same_as_stored(const BatchItem& item);
  // True: stored; false: a record of its kind with its id was already there (the insert did nothing).
  Result<bool> store_item(const BatchItem& item, const std::string& device_id, const std::string& now);
  // What became of a response inserted with the rest of its batch: stored, or already there (identical or not).
  struct Prestored {
    bool stored = false;
    bool same = false;
  };
  // PostgreSQL: the batch's acceptable responses that share their id with no other item, inserted in one
  // statement (one round trip for the lot), by id; on SQLite (where a statement costs no round trip) none.
  Result<std::map<std::string, Prestored, std::less<>>> store_responses_at_once(const std::vector<BatchItem>& items,
                                                                                const std::string& device_id,
                                                                                const std::string& now);
  [[nodiscard]] Status compare_with_stored(const std::vector<const BatchItem*>& lone,
                                           std::map<std::string, Prestored, std::less<>>& fates);

  Opener open_reader_;
  std::string hub_id_;
  std::mutex write_mutex_;
  std::unique_ptr<db::Connection> writer_;  // its cached statements are used under write_mutex_
  std::mutex group_mutex_;  // guards the queue of batches waiting for the next commit
  std::condition_variable group_committed_;
  std::vector<PendingBatch*> group_queue_;
  bool group_leader_busy_ = false;
  std::unique_ptr<sqlite::Connection> checkpoint_connection_;  // SQLite only
  std::thread checkpointer_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stopping_ = false;
  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<db::Connection>> idle_readers_;
  size_t reader_pool_;       // the bound
  size_t readers_open_ = 0;  // idle and leased
};

// A reader connection borrowed from the pool and given back when the lease ends.
class Store::ReaderLease {
 public:
  ReaderLease(Store& store, std::unique_ptr<db::Connection> connection)
      : store_(store), connection_(std::move(connection)) {}
  ~ReaderLease() {
    if (!connection_) return;
    {
      const std::lock_guard lock(store_.readers_mutex_);
      store_.idle_readers_.push_back(std::move(connection_));
    }
    store_.reader_returned_.notify_one();
  }
  ReaderLease(ReaderLease&& other) noexcept = default;
  ReaderLease& operator=(ReaderLease&&) = delete;
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  db::Connection& operator*() { return *connection_; }
  db::Connection* operator->() { return connection_.get(); }

 private:
  Store& store_;
  std::unique_ptr<db::Connection> connection_;
};

}  // namespace soundings::hub::detail
