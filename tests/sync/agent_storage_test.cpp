// The agent and a device store that fails under it: a storage error to report and retry, never "nothing waiting".
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "agent_fixture.h"
#include "must.h"
#include "soundings/device_store.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::test;

TEST_CASE("an outbox the device cannot read is reported as a store failure, not as nothing waiting", "[agent]") {
  TestHub hub;
  TestDevice device;
  device.enrol(hub);
  device.close();
  const std::string path = (device.dir().path() / kDeviceStoreFile).string();
  {
    // About 6 MB waiting: far more than SQLite's page cache, so the oldest are read from the disk.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const int rc = sqlite3_exec(db, R"sql(
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body)
SELECT 'response-' || i, 'library-hours', 1, '2026-11-23T10:00:00Z', printf('{"n": %d, "pad": "%.1000c"}', i, 'x') FROM n;
INSERT INTO outbox (seq, created_at, updated_at) SELECT seq, submitted_at, submitted_at FROM responses;
COMMIT;
)sql",
                                nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
  }
  device.reopen();
  sync::SyncAgent agent(device.store(), fast_config());
  REQUIRE(agent.status().waiting == 6000);

  // Damage where the oldest responses live (past the header and the tables' root pages), keeping the size.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  REQUIRE(bytes.size() > 6'000'000);
  for (size_t i = 8 * 4096; i < bytes.size() / 5; ++i) bytes[i] = static_cast<char>(0xA5);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  const sync::OnceOutcome outcome = agent.run_once();
  INFO(outcome.error);
  CHECK(outcome.error.find("device store failed") != std::string::npos);
  CHECK(outcome.pushed == 0);
  const sync::SyncStatus status = agent.status();
  CHECK(status.last_error.find("device store failed") != std::string::npos);
  CHECK(status.waiting == 6000);  // still what was last known, never a cheerful 0
  CHECK(must(hub.hub().stored_count()) == 0);
}
