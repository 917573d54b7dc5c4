// Private to the store: the Store's state over the shared SQLite layer.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soundings/result.h"
#include "soundings/sqlite.h"
#include "soundings/store.h"

namespace soundings {

struct Store::Impl {
  Impl(std::string path_in, sqlite::Connection connection) : path(std::move(path_in)), db(std::move(connection)) {}
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::string path;
  sqlite::Connection db;
  // The file's identity in this process's table of open stores (empty for ":memory:").
  std::string open_key;
  std::mutex mutex;  // the kiosk's save worker and the sync thread share one Store

  // Queues a record saved in the same transaction (the caller's) for upload.
  // `created_at` defaults to now; a field response's is its day, so the device keeps no exact time of it.
  Status queue(RecordKind kind, const std::string& id, const std::string& hash, const std::string& created_at = "");
  // Runs an outbox UPDATE (?1 = now, then `extra`, then the record id) for each id in one transaction;
  // an id that is not on the device rolls the whole call back.
  // Deletes visits of walk lists no longer on the tablet once head office has confirmed them; true when
  // something was deleted.
  Result<bool> forget_visits_of_removed_lists();
  // Deletes the field responses among `record_ids` (just confirmed); true when something was deleted.
  Result<bool> forget_confirmed_field_responses(const std::vector<std::string>& record_ids);
  // The same for every confirmed field response, at start on a field tablet.
  Result<bool> forget_every_confirmed_field_response();
  Result<bool> forget_outbox_rows_of_removed_responses();
  // PRAGMA wal_checkpoint(TRUNCATE): nothing deleted stays readable in the WAL file.
  Status checkpoint_truncate();
  Status update_outbox(const std::vector<std::string>& record_ids, std::string_view sql,
                       const std::vector<std::string>& extra, std::string_view doing);
};

}  // namespace soundings
