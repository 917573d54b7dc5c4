// The agent and a device store that fails under it: a storage error to report and retry, never "nothing waiting".
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "agent_fixture.h"
#include "large_outbox.h"
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
  // About 6 MB: far more than SQLite's page cache, so the oldest are read from the disk.
  REQUIRE(soundings::testing::fill_outbox_beyond_page_cache(path) == SQLITE_OK);
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
