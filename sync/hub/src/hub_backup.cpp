// `soundings-hub backup`: an online, checked copy of a SQLite hub's database, taken while the hub serves.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "hub_credentials.h"
#include "hub_store.h"
#include "soundings/database.h"
#include "soundings/hub.h"
#include "soundings/sqlite.h"

namespace soundings::hub {

namespace {

namespace fs = std::filesystem;

// The hub is read while it serves: a reader waits this long for a lock a checkpoint holds for a moment.
constexpr sqlite::OpenOptions kSourceOptions{.create = false, .query_only = true, .busy_timeout_ms = 15000};
constexpr sqlite::OpenOptions kCopyOptions{.create = false, .query_only = false, .busy_timeout_ms = 15000};
constexpr sqlite::OpenOptions kCheckOptions{.create = false, .query_only = true, .busy_timeout_ms = 15000};

Error file_error(const std::string& path, const std::string& doing, int error_number) {
  return Error{ErrorCode::Storage, path + ": " + doing + " failed (" + std::strerror(error_number) + ")"};
}

// The copy while it is made: a file beside the backup, created new (mode 0600: the database holds
// personal data) and removed with SQLite's side files unless it was moved into place.
class PartialCopy {
 public:
  explicit PartialCopy(const std::string& output) : path_(output + ".partial-" + std::to_string(::getpid())) {}
  ~PartialCopy() {
    if (!created_ || kept_) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
  }
  PartialCopy(const PartialCopy&) = delete;
  PartialCopy& operator=(const PartialCopy&) = delete;

  const std::string& path() const { return path_; }
  [[nodiscard]] Status create() {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return file_error(path_, "creating the copy", errno);
    ::close(fd);
    created_ = true;
    return Status::success();
  }
  void keep() { kept_ = true; }

 private:
  std::string path_;
  bool created_ = false;
  bool kept_ = false;
};

// Copies the hub's database into `copy` from a read connection of its own: one snapshot, while
// ingest goes on. The copy ends as a single file in rollback-journal mode, with no log beside it.
Status copy_snapshot(const std::string& source, const std::string& copy) {
  auto from = sqlite::Connection::open(source, kSourceOptions);
  if (!from) return from.error();
  auto application_id = from->integer("PRAGMA application_id", "reading the database header");
  if (!application_id) return Error{application_id.error().code, source + ": " + application_id.error().message};
  if (*application_id != detail::hub_sqlite_schema().application_id) {
    return Error{ErrorCode::Corrupt, source + " is not " + std::string(detail::hub_sqlite_schema().name)};
  }
  auto to = sqlite::Connection::open(copy, kCopyOptions);
  if (!to) return to.error();
  // Nothing to protect while copying: a copy that fails is deleted, and the finished one is synced below.
  if (auto done = to->exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", "preparing the copy"); !done) {
    return done;
  }
  if (auto done = sqlite::copy_database(*from, *to); !done) {
    return Error{done.error().code, source + ": " + done.error().message};
  }
  // The copied header says WAL, like the hub's. As a rollback-journal file the backup is one file that
  // opens anywhere without a log beside it; a restored hub turns WAL on again when it opens.
  return to->exec("PRAGMA journal_mode = DELETE", "making the copy a single file");
}

Result<int64_t> count(sqlite::Connection& db, const std::string& sql) { return db.integer(sql, "counting"); }

// Checks the copy as a hub database (application id, a schema version this hub reads, quick_check)
// and counts what it holds, so that a restore can be checked against these figures.
Result<BackupSummary> check_copy(const std::string& copy) {
  auto db = sqlite::Connection::open(copy, kCheckOptions);
  if (!db) return db.error();
  auto version = sqlite::check_schema(*db, copy, detail::hub_sqlite_schema());
  if (!version) return version.error();
  if (*version == 0) return Error{ErrorCode::Corrupt, copy + " is empty: the hub's database was not copied"};
  BackupSummary summary;
  summary.schema_version = *version;
  const std::pair<int64_t*, const char*> figures[] = {
      {&summary.responses, "SELECT count(*) FROM responses"},
      {&summary.records, "SELECT count(*) FROM records"},
      {&summary.quarantined, "SELECT count(*) FROM quarantine"},
      {&summary.devices, "SELECT count(*) FROM devices"},
      {&summary.consultations, "SELECT count(DISTINCT id) FROM consultations"},
      {&summary.consultation_versions, "SELECT count(*) FROM consultations"},
  };
  for (const auto& [figure, sql] : figures) {
    auto counted = count(*db, sql);
    if (!counted) return Error{counted.error().code, copy + ": " + counted.error().message};
    *figure = *counted;
  }
  auto statement = db->prepare("SELECT value FROM meta WHERE key = 'hub_id'");
  if (!statement) return statement.error();
  auto row = statement->step("reading the hub's id");
  if (!row) return Error{row.error().code, copy + ": " + row.error().message};
  if (*row) summary.hub_id = statement->text(0);
  return summary;
}

Status sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return file_error(path, "opening to sync", errno);
  const int synced = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (synced != 0) return file_error(path, "syncing to disk", sync_errno);
  return Status::success();
}

// Moves the synced copy to `output` without ever replacing a file that appeared there meanwhile.
Status move_into_place(const std::string& copy, const std::string& output) {
  if (::renameat2(AT_FDCWD, copy.c_str(), AT_FDCWD, output.c_str(), RENAME_NOREPLACE) == 0) return Status::success();
  if (errno == EEXIST) {
    return Error{ErrorCode::InvalidInput, output + " appeared while the backup was made; it is left as it was"};
  }
  // A file system without an atomic "rename unless there" (some network shares): look, then rename.
  if (errno != EINVAL && errno != ENOSYS) return file_error(output, "moving the backup into place", errno);
  std::error_code error;
  if (fs::exists(fs::symlink_status(output, error))) {
    return Error{ErrorCode::InvalidInput, output + " appeared while the backup was made; it is left as it was"};
  }
  if (::rename(copy.c_str(), output.c_str()) != 0) return file_error(output, "moving the backup into place", errno);
  return Status::success();
}

std::string directory_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Why this backup cannot start; nothing has been touched when it says so.
Status refusal(const HubConfig& config, const std::string& source, const std::string& output) {
  if (db::is_postgres_url(config.database)) {
    return Error{
        ErrorCode::InvalidInput,
        db::redact_url(config.database) +
            " is a PostgreSQL hub: back it up with PostgreSQL's own tools "
            "(pg_dump -Fc; restore with pg_restore), as the README's \"Backups\" section shows. The key file " +
            detail::key_file_path(config.data_dir) + " is never in the database: back it up separately"};
  }
  if (output.empty()) return Error{ErrorCode::InvalidInput, "backup takes --output FILE"};
  std::error_code error;
  if (fs::exists(fs::symlink_status(output, error))) {
    return Error{ErrorCode::InvalidInput,
                 output + " already exists: a backup never replaces a file; give a new name or move the old one away"};
  }
  if (!fs::is_regular_file(source, error)) {
    return Error{ErrorCode::NotFound, config.data_dir + ": no hub here (no hub.sqlite); check --data"};
  }
  return Status::success();
}

}  // namespace

Result<BackupSummary> backup_database(const HubConfig& config, const std::string& output) {
  const std::string source = (fs::path(config.data_dir) / "hub.sqlite").string();
  if (auto refused = refusal(config, source, output); !refused) return refused.error();
  PartialCopy copy(output);
  if (auto created = copy.create(); !created) return created.error();
  if (auto copied = copy_snapshot(source, copy.path()); !copied) return copied.error();
  auto summary = check_copy(copy.path());
  if (!summary) {
    return Error{summary.error().code, "the copy of " + source + " failed its check and was deleted, so " + output +
                                           " was not written: " + summary.error().message};
  }
  if (auto synced = sync_path(copy.path(), O_RDONLY); !synced) return synced.error();
  if (auto moved = move_into_place(copy.path(), output); !moved) return moved.error();
  copy.keep();
  if (auto synced = sync_path(directory_of(output), O_RDONLY | O_DIRECTORY); !synced) return synced.error();
  std::error_code error;
  summary->bytes = static_cast<int64_t>(fs::file_size(output, error));
  summary->source = source;
  summary->output = output;
  summary->key_file = detail::key_file_path(config.data_dir);
  return summary;
}

std::string describe(const BackupSummary& summary) {
  std::ostringstream out;
  out << "backed up " << summary.source << " to " << summary.output << " (" << summary.bytes / 1024 << " KiB, hub "
      << summary.hub_id << ", schema version " << summary.schema_version
      << "): one snapshot, checked (quick_check ok). It holds:\n"
      << "  responses      " << summary.responses << "\n"
      << "  records        " << summary.records << " (door visits, check-ins and sign-ins)\n"
      << "  quarantine     " << summary.quarantined << "\n"
      << "  devices        " << summary.devices << "\n"
      << "  consultations  " << summary.consultations << " (" << summary.consultation_versions
      << (summary.consultation_versions == 1 ? " published version)\n" : " published versions)\n")
      << "NOT in the backup: the key file " << summary.key_file
      << ". Keep a copy of it safe, separately: without it the sealed personal answers, in the hub and in every "
         "backup, can never be opened.\n";
  return out.str();
}

}  // namespace soundings::hub
