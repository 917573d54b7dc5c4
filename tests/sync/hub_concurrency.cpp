// Hub tests: many devices posting at once, with resends, end with every response stored exactly once.
#include <atomic>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"

using soundings::testing::must;

using hubtest::good_response;
using hubtest::ServedHub;
using nlohmann::json;

TEST_CASE("eight devices posting at once, with resends, have every response stored exactly once", "[hub]") {
  ServedHub served;
  constexpr int kDevices = 8;
  constexpr int kBatches = 6;
  constexpr int kPerBatch = 25;

  std::vector<std::string> tokens;
  for (int d = 0; d < kDevices; ++d) tokens.push_back(served.enrol("Kiosk " + std::to_string(d)));
  std::vector<std::vector<json>> batches(kDevices);
  std::set<std::string> expected;
  for (int d = 0; d < kDevices; ++d) {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<soundings::Response> responses;
      for (int i = 0; i < kPerBatch; ++i) {
        responses.push_back(good_response("kiosk-" + std::to_string(d)));
        expected.insert(responses.back().id);
      }
      batches[d].push_back(hubtest::batch_of(responses));
    }
  }

  std::atomic<int> stored{0};
  std::atomic<int> duplicates{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      auto client = served.client();
      // Each batch is sent twice, as a device does when an answer is lost on the way back.
      for (int round = 0; round < 2; ++round) {
        for (const json& batch : batches[d]) {
          int status = 0;
          const json answer = hubtest::post_batch(client, tokens[d], batch, &status);
          if (status != 200) {
            ++failures;
            continue;
          }
          for (const auto& result : answer["results"]) {
            if (result["status"] == "stored") ++stored;
            if (result["status"] == "duplicate") ++duplicates;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  const int total = kDevices * kBatches * kPerBatch;
  CHECK(failures == 0);
  CHECK(stored == total);
  CHECK(duplicates == total);
  CHECK(must(served.hub().stored_count()) == total);
  CHECK(must(served.hub().quarantine_count()) == 0);
  const auto ids = must(served.hub().stored_ids());
  CHECK(std::set<std::string>(ids.begin(), ids.end()) == expected);
  CHECK(ids.size() == expected.size());
}

TEST_CASE("two devices racing with the same response store it once", "[hub]") {
  ServedHub served;
  const std::string first = served.enrol("Kiosk A");
  const std::string second = served.enrol("Kiosk B");
  std::vector<soundings::Response> shared;
  for (int i = 0; i < 200; ++i) shared.push_back(good_response());
  const json batch = hubtest::batch_of(shared);
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  for (const std::string* token : {&first, &second}) {
    threads.emplace_back([&, token] {
      auto client = served.client();
      const json answer = hubtest::post_batch(client, *token, batch);
      for (const auto& result : answer["results"]) {
        if (result["status"] == "stored") ++stored;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(stored == 200);
  CHECK(must(served.hub().stored_count()) == 200);
}

TEST_CASE("the write-ahead log is copied into the database while devices keep sending", "[hub][sqlite]") {
  ServedHub served;
  const std::string token = served.enrol();
  auto client = served.client();
  // About 10 MB of log: well past the 1000 pages (4 MiB) at which the checkpointer is woken.
  for (int b = 0; b < 12; ++b) {
    std::vector<soundings::Response> responses;
    for (int i = 0; i < 200; ++i) {
      responses.push_back(good_response());
      responses.back().answers["comments"] = std::string(480, 'w');
      responses.back().page_seconds.assign(40, {"views", 3});
    }
    int status = 0;
    hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
    REQUIRE(status == 200);
  }
  const auto database = served.data_dir() / "hub.sqlite";
  std::uintmax_t size = 0;
  for (int i = 0; i < 100 && size < 1024 * 1024; ++i) {
    size = std::filesystem::file_size(database);
    if (size < 1024 * 1024) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(size >= 1024 * 1024);
  CHECK(must(served.hub().stored_count()) == 2400);
}
