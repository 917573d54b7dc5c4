// The head-office hub: storage, admin operations and the HTTP API v1 (sync/PROTOCOL.md).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "soundings/clock.h"
#include "soundings/field_records.h"
#include "soundings/result.h"

namespace soundings::db {
class Connection;
}

namespace soundings::hub::detail {
struct HubState;
}

namespace soundings::hub {

struct HubConfig {
  std::string data_dir;                         // holds hub-keys.json, and hub.sqlite unless `database` is set
  // A PostgreSQL database ("postgresql://..."): the hub's data lives there instead of DATA_DIR/hub.sqlite,
  // and several hub processes may share it. Empty: the embedded SQLite file.
  std::string database;
  // False: refuse a database that holds no hub yet, rather than make one (every command but serve and publish).
  bool create = true;
  size_t max_database_connections = 16;         // reader connections at most (and one writer)
  size_t max_body_bytes = 8 * 1024 * 1024;      // larger requests get 413
  size_t max_batch_items = 1000;
  // Quarantine kept per device, counted from the database: past it a batch gets 429 quarantine_full.
  int64_t max_quarantine_items_per_device = 1000;
  int64_t max_quarantine_bytes_per_device = 16 * 1024 * 1024;
  int worker_threads = 8;
  // The connection gate (hub_gate.h) reads every request whole before a worker sees it, so a slow
  // or silent connection costs a socket and a buffer, never a worker thread.
  std::chrono::milliseconds header_timeout{10'000};  // connect (or previous answer) to a complete head, TLS handshake included
  size_t max_header_bytes = 16 * 1024;                 // request line and headers; more gets 431
  std::chrono::milliseconds body_timeout{10'000};    // for the body, plus its size at min_transfer_rate
  std::chrono::milliseconds write_timeout{10'000};   // for the answer, plus its size at min_transfer_rate
  size_t min_transfer_rate = 64 * 1024;              // bytes per second a client must at least manage
  size_t max_connections = 1024;                     // when full, the connection nearest its deadline is closed
  // Request bodies held by the gate across all connections; a body that would go past it gets
  // 503 hub_busy at once. The last eighth is kept for bodies of up to 64 KiB, so health and
  // small requests still get through while large ones fill the rest.
  size_t max_buffered_bytes = 256 * 1024 * 1024;
  std::string tls_cert_file;                    // both set: serve HTTPS directly
  std::string tls_key_file;
  std::shared_ptr<const TimeSource> clock;      // null: the system clock (tests pass a ManualTimeSource)
  // The console (sync/hub/src/console.h). `public_url`: where people reach the hub, behind nginx
  // ("https://consult.example.gov.uk"): its scheme decides the cookie's Secure flag and its origin is the
  // only one a form post is accepted from. Empty: the request's own Host; Secure when the hub serves TLS.
  std::string public_url;
  std::chrono::minutes console_idle_timeout{30};  // a console session unused this long is signed out
};

// A head-office console account as `soundings-hub user list` shows it: never the password hash.
struct ConsoleAccount {
  std::string email;
  std::string role;         // "admin", "officer" or "viewer"
  std::string created_at;
  std::string disabled_at;  // empty while enabled
};

// `soundings-hub audit verify`: the audit chain walked from its first entry.
struct AuditCheck {
  int64_t entries = 0;
  bool intact = true;
  int64_t first_bad_seq = 0;  // when not intact: the first entry whose hash or link does not hold
  std::string problem;        // what does not hold there
};

// What a device was enrolled as: a kiosk in a public place, or a field tablet carried by outreach
// officers (which alone receives the staff list and walk lists).
enum class DeviceRole { Kiosk, Field };
const char* device_role_name(DeviceRole role);  // "kiosk", "field" (setting::kRoleKiosk, kRoleField)

struct DeviceInfo {
  std::string device_id;
  std::string name;
  std::string enrolled_at;
  std::string last_contact_at;     // empty if never
  int64_t pending_on_device = 0;   // from the last heartbeat
  std::string oldest_pending_at;
  std::string app_version;
  std::string consultation_versions;  // "id@version, ..." from the last heartbeat
  int64_t free_disk_bytes = -1;
  bool revoked = false;
  DeviceRole role = DeviceRole::Kiosk;
};

// An outreach officer's account as head office sees it (`soundings-hub staff list`): never the PIN hash.
struct StaffAccount {
  std::string staff_id;
  std::string name;
  std::string created_at;
  std::string disabled_at;  // empty while the account is enabled
};

// One consultation as head-office staff see it (`soundings-hub status`).
struct ConsultationSummary {
  std::string id;
  int version = 0;            // newest published version
  std::string status;         // "upcoming", "open" or "closed" by its dates and today (UTC)
  std::string opens;
  std::string closes;
  bool has_feedback = false;
  int64_t stored = 0;         // responses stored, all versions
  int64_t quarantined = 0;    // conflicts and rejected items naming this consultation
};

// A conflicting or rejected item held for review (`soundings-hub quarantine`).
struct QuarantinedItem {
  int64_t seq = 0;
  std::string kind;              // "conflict" or "rejected"
  std::string response_id;       // the record's id (of any kind); empty when the item had no usable id
  std::string consultation_id;   // empty when the item named none
  std::string reason;
  std::string body;              // the item as received (canonical JSON)
  std::string received_from;     // device id
  std::string first_seen_at;
  std::string last_seen_at;
  int64_t times_seen = 1;
  std::string record_kind = "response";  // "response", "visit", "check_in" or "sign_in"
};

// One officer as `soundings-hub field` shows them (lone working, soundings/lone_working.h).
struct OfficerStatus {
  std::string staff_id;
  std::string name;
  bool disabled = false;
  std::string state;              // officer_state_name(): "fine", "OVERDUE", "signed out"...
  bool overdue = false;
  std::string since;              // the time the state runs from
  std::string reason;             // why overdue
  std::string device_id;          // the tablet of the latest check-in or sign-in event
  std::string last_check_in;      // "ok at T" or "missed (due T) at T"; empty: none received
  std::string last_sign_in;       // "signed_in at T", "timed_out at T"...; empty: none received
};

// How `Hub::reach_report` shows its counts.
struct ReachOptions {
  int64_t min_count = 5;         // a count from 1 to min_count - 1 is shown as "<min_count"
  std::string language = "en";   // "cy" or "en": question and answer wording
};

struct PublishOutcome {
  std::vector<Problem> problems;   // empty on success
  // The loader's warnings (issue 12: the console's publish page shows them): they do not stop publishing.
  std::vector<Problem> warnings;
  std::string id;
  int version = 0;
};

// A walk list's import (`soundings-hub walklist import`): on any problem nothing is imported.
struct WalkListImport {
  std::vector<std::string> problems;         // each names its line ("line 7: uprn is missing"); empty on success
  std::string id;                            // the list's stable id (a UUID), made at import
  int64_t doors = 0;
  std::vector<std::string> ignored_columns;  // columns of the file that are not kept
};

// One walk list as head office sees it (`soundings-hub walklist list`).
struct WalkListSummary {
  std::string id;
  std::string name;
  std::string imported_at;
  std::string closed_at;             // empty while open
  int64_t doors = 0;
  struct Device {
    std::string id;
    std::string name;
  };
  std::vector<Device> devices;  // the field tablets it is assigned to
};

// One street of a walk list's coverage: doors, not residents' answers. A door's outcome is its latest visit's.
struct StreetCoverage {
  std::string street;
  int64_t doors = 0;
  int64_t visited = 0;
  std::array<int64_t, std::size(kAllVisitOutcomes)> outcomes{};  // doors by outcome, in kAllVisitOutcomes order
};

struct CoverageReport {
  std::string list_id;
  std::string name;
  std::vector<StreetCoverage> streets;  // in the order the streets first appear in the imported file
};

// What a backup holds, counted in the copy itself, so that a restore can be checked against it.
struct BackupSummary {
  std::string source;             // DATA_DIR/hub.sqlite
  std::string output;             // the backup file
  std::string key_file;           // DATA_DIR/hub-keys.json: NOT in the backup
  std::string hub_id;
  int schema_version = 0;
  int64_t bytes = 0;
  int64_t responses = 0;
  int64_t records = 0;            // door visits, check-ins and sign-ins
  int64_t quarantined = 0;
  int64_t devices = 0;
  int64_t consultations = 0;
  int64_t consultation_versions = 0;
};

// `soundings-hub backup` (hub_backup.cpp): a copy of DATA_DIR/hub.sqlite in `output`, taken with SQLite's
// online backup from a read connection of its own, so it is one snapshot and a hub serving in another
// process goes on storing meanwhile. The copy is checked (a hub database this version reads,
// quick_check), synced and only then moved to `output`. Refuses an `output` that exists, a folder with
// no hub, and a PostgreSQL hub (backed up with pg_dump); a refusal or failure leaves no file behind.
// The key file is never copied.
[[nodiscard]] Result<BackupSummary> backup_database(const HubConfig& config, const std::string& output);
// The summary as the command prints it, with the reminder to keep the key file safe separately.
std::string describe(const BackupSummary& summary);

class Hub {
 public:
  // Opens (or creates) the hub's database (DATA_DIR/hub.sqlite, or config.database) and its key pair
  // (DATA_DIR/hub-keys.json). The database records the public key it was first used with: a hub
  // holding another key pair is refused, and a hub without a key file joining a database that has
  // one is told to copy the first hub's file rather than given a new pair.
  static Result<std::unique_ptr<Hub>> open(HubConfig config);
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Admin operations (the soundings-hub subcommands call these).
  PublishOutcome publish_json(const std::string& definition_json);
  PublishOutcome publish_file(const std::string& path);
  Status publish_feedback(const std::string& consultation_id, const std::string& feedback_json);
  Result<std::string> make_enrol_code(const std::string& device_name,
                                      std::chrono::seconds valid_for = std::chrono::hours(24),
                                      DeviceRole role = DeviceRole::Kiosk);
  Status revoke(const std::string& device_id);
  // Staff accounts (hub_staff.cpp). An id is 1 to 64 of a-z, 0-9, '.', '_', '-'; the secret is checked and
  // hashed with check/hash_officer_secret. An id already in use is refused (Conflict), even a disabled one.
  Status add_staff(const std::string& staff_id, const std::string& name, const std::string& secret);
  [[nodiscard]] Result<std::vector<StaffAccount>> staff();  // by id
  // Field tablets learn it at their next sync, and from then on refuse the officer's sign-in.
  Status disable_staff(const std::string& staff_id);
  [[nodiscard]] Result<std::vector<DeviceInfo>> devices();

  // Console accounts (console_auth.cpp). The email is the account's id (kept in lower case); the password
  // is hashed with Argon2id (libsodium's crypto_pwhash_str); a password under 12 characters is refused.
  // An email already in use is refused (Conflict), even a disabled one. Each is written to the audit log.
  Status add_console_user(const std::string& email, const std::string& role, const std::string& password);
  [[nodiscard]] Result<std::vector<ConsoleAccount>> console_users();  // by email
  Status disable_console_user(const std::string& email);  // also ends the account's sessions
  // Walks the audit log's hash chain (console_audit.cpp).
  [[nodiscard]] Result<AuditCheck> verify_audit();
  // ---- console (issue 12) ----
  // Appends an entry to the audit log (console_audit.cpp): the admin commands note what they did as "cli".
  Status audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail);
  Result<std::string> export_responses(const std::string& consultation_id, const std::string& format);  // "csv" | "json"
  // Reach by equality group (REQUIREMENTS C5): the sealed equality answers opened with the hub's
  // secret key and counted, small counts hidden. CSV of counts only, never a row per person.
  Result<std::string> reach_report(const std::string& consultation_id, const ReachOptions& options = {});

  // Walk lists, by name. Only field tablets may be assigned a list; a closed list goes off every tablet.
  // Problems with the name or the file come back in `problems`; a database that fails is an error.
  Result<WalkListImport> import_walk_list(const std::string& name, const std::string& csv_text);
  Status assign_walk_list(const std::string& name, const std::string& device_id);
  Status unassign_walk_list(const std::string& name, const std::string& device_id);
  Status close_walk_list(const std::string& name);
  [[nodiscard]] Result<std::vector<WalkListSummary>> walk_lists();
  // Per street of the list: doors, doors visited and doors by outcome, from the visits head office holds.
  [[nodiscard]] Result<CoverageReport> coverage(const std::string& list_name);
  // The same as CSV: street, doors, visited, not_visited, one column per outcome, then a "(all streets)" row.
  [[nodiscard]] Result<std::string> coverage_csv(const std::string& list_name);

  // Door visits for head office (`soundings-hub export --visits`): a row per visit with its list's name,
  // its note and its flags with the hub's own (many completions at one address). Notes are personal data:
  // only staff who plan or supervise field work may see this export. list_name empty: every list.
  Result<std::string> export_visits(const std::string& list_name, const std::string& format);  // "csv" | "json"
  // Lone working (`soundings-hub field`): every officer's last check-in and sign-in event received, and
  // whether they are overdue: silent for longer than `overdue_after` while on duty, or a check-in missed.
  [[nodiscard]] Result<std::vector<OfficerStatus>> field_overview(std::chrono::minutes overdue_after);

  // Figures for tests, benchmarks and the devices listing. A database that cannot be read is an
  // error, never an empty list or a zero.
  [[nodiscard]] Result<int64_t> stored_count(const std::string& consultation_id = "");
  [[nodiscard]] Result<int64_t> quarantine_count();
  [[nodiscard]] Result<std::vector<ConsultationSummary>> consultations();
  [[nodiscard]] Result<std::vector<QuarantinedItem>> quarantined(const std::string& consultation_id = "");  // oldest first
  std::string seal_public_key() const;
  [[nodiscard]] Result<std::vector<std::string>> stored_ids();
  std::string hub_id() const;

  // Serves the API on its own threads; port 0 picks a free port. Returns the bound port.
  Result<int> listen(const std::string& host, int port);
  void stop();  // stops serving and waits for the threads

  // ---- console tests (issue 12) ----
  // The hub's shared state, for tests and benchmarks that call the console's page handlers directly.
  detail::HubState& state_for_tests();

 private:
  struct Impl;
  explicit Hub(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Moving a SQLite hub to PostgreSQL (`soundings-hub migrate`, hub_migrate.cpp).

// One table of the copy as checked after it: its rows counted and hashed on both sides (BLAKE2b over every
// row in primary-key order, each value rendered the same way on both sides, blobs as bytes).
struct TableCheck {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;
  std::string source_hash;  // hex
  std::string target_hash;
  bool same() const { return source_rows == target_rows && source_hash == target_hash; }
};

struct MigrationReport {
  std::vector<TableCheck> tables;  // in the order they were copied
  bool key_file_found = false;     // DATA_DIR/hub-keys.json, which stays there and is never copied
  // Something (a hub still running on the file) committed to hub.sqlite while it was copied: the copy
  // and its check are of the file as it was when the copy began, so what arrived since is missing.
  bool source_changed = false;
  bool all_same() const;
  std::vector<std::string> differing() const;  // the tables whose copy differs
};

struct MigrateOptions {
  // Runs inside the copy's transaction just before it commits: for tests that must show the check can fail.
  std::function<Status(db::Connection& target)> before_commit;
};

// Copies DATA_DIR/hub.sqlite (read only, at the current schema) into the PostgreSQL database at `url`,
// every table in one transaction, then checks the committed copy table by table. Refuses, changing
// nothing, a database that already holds any hub row (InvalidInput), and a file that is not a hub
// database or has an older schema. A failure half way leaves the target as it was.
[[nodiscard]] Result<MigrationReport> migrate_to_postgres(const std::string& data_dir, const std::string& url,
                                                          const MigrateOptions& options = {});
// The command: runs migrate_to_postgres, prints the check table and where the key file must go to `out`,
// problems to `err`. Returns the exit status: 0 when every table is the same, 1 when the copy failed, differs
// or the hub file changed meanwhile, 2 when it was refused (a non-empty target, an old schema, no --to).
int run_migrate_command(const std::string& data_dir, const std::string& url, std::ostream& out, std::ostream& err,
                        const MigrateOptions& options = {});

}  // namespace soundings::hub
