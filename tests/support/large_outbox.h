// A device store's outbox filled far past SQLite's page cache, written straight into the file: for tests
// that damage pages and need the oldest responses to be read from the disk.
#pragma once

#include <sqlite3.h>

#include <string>

namespace soundings::testing {

// About 6 MB: 6,000 unsent responses with 1 kB bodies, added to the store file at `path` (closed).
// Returns SQLite's result code (SQLITE_OK on success).
inline int fill_outbox_beyond_page_cache(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(path.c_str(), &db);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, R"sql(
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body)
SELECT 'response-' || i, 'library-hours', 1, '2026-11-23T10:00:00Z', printf('{"n": %d, "pad": "%.1000c"}', i, 'x') FROM n;
INSERT INTO outbox (kind, record_id, created_at, updated_at)
SELECT 'response', id, submitted_at, submitted_at FROM responses ORDER BY seq;
COMMIT;
)sql",
                      nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

}  // namespace soundings::testing
