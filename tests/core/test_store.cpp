// The device store's operations: saving responses, the outbox, the consultation cache and settings.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <thread>

#include "durability/store_test_support.h"
#include "soundings/store.h"
#include "large_outbox.h"
#include "must.h"

using soundings::testing::must;

using namespace soundings;
using namespace soundings::store_testing;

namespace {

std::unique_ptr<Store> open_memory() {
  auto store = Store::open(":memory:");
  REQUIRE(store.ok());
  return std::move(store.value());
}

std::vector<std::string> ids_of(const std::vector<OutboxItem>& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

}  // namespace

TEST_CASE("a saved response is found again after the store is reopened") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("device.db");
  const Response response = sample_response(1);
  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->save(response).ok());
  }
  auto store = Store::open(path);
  REQUIRE(store.ok());
  const auto found = must((*store)->find_response(response.id));
  REQUIRE(found.has_value());
  CHECK(response_to_json(*found) == response_to_json(response));
  CHECK(must((*store)->response_count()) == 1);
  CHECK_FALSE(must((*store)->find_response(make_uuid())).has_value());
}

TEST_CASE("a sample response is about a kilobyte, as the durability figures assume") {
  const size_t size = response_to_json(sample_response(12345)).dump().size();
  CHECK(size > 900);
  CHECK(size < 1300);  // format 2 adds how it was given and its quality flags
}

TEST_CASE("a second response with the same id is refused and nothing changes") {
  auto store = open_memory();
  const Response first = sample_response(1);
  REQUIRE(store->save(first).ok());

  Response again = sample_response(2);
  again.id = first.id;
  const Status refused = store->save(again);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::Conflict);
  CHECK(refused.error().message.find(first.id) != std::string::npos);

  CHECK(must(store->response_count()) == 1);
  CHECK(must(store->outbox_counts()).pending == 1);
  CHECK(response_to_json(*must(store->find_response(first.id))) == response_to_json(first));
  // The identical record again is still a second save, and refused the same way.
  CHECK(store->save(first).error().code == ErrorCode::Conflict);
}

TEST_CASE("a response whose personal or equality answers are not sealed is never written") {
  auto store = open_memory();
  Response response = sample_response(1);
  SECTION("contact details in plain text") { response.personal = {{"email", "someone@example.cymru"}}; }
  SECTION("equality answers in plain text") { response.special = {{"age", "35-44"}}; }
  REQUIRE_FALSE(response.is_sealed());
  const Status refused = store->save(response);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidInput);
  CHECK(refused.error().message.find("sealed") != std::string::npos);
  CHECK(must(store->response_count()) == 0);
  CHECK(must(store->outbox_counts()).pending == 0);
}

TEST_CASE("a response that would not read back is refused naming the field") {
  auto store = open_memory();
  Response response = sample_response(1);
  response.id = "not-a-uuid";
  const Status refused = store->save(response);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidInput);
  CHECK(refused.error().message.find("response.id") != std::string::npos);
  CHECK(must(store->response_count()) == 0);
}

TEST_CASE("a saved response waits in the outbox with the exact body that will be sent") {
  auto store = open_memory();
  const Response response = sample_response(1);
  REQUIRE(store->save(response).ok());
  const auto batch = must(store->pending_batch(10, 1 << 20));
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].id == response.id);
  CHECK(batch[0].body == response_to_json(response).dump());
  CHECK(batch[0].state == OutboxState::Pending);
  CHECK(batch[0].attempts == 0);
  CHECK(batch[0].created_at.size() == 20);
  const OutboxCounts counts = must(store->outbox_counts());
  CHECK(counts.pending == 1);
  CHECK(counts.oldest_pending_at == batch[0].created_at);
}

TEST_CASE("pending batches come oldest first within the count and size limits, at least one item") {
  auto store = open_memory();
  std::vector<std::string> saved;
  for (int i = 0; i < 10; ++i) {
    Response response = sample_response(i);
    response.channel = Channel::Kiosk;  // field responses go last, in an order of their own
    response.staff_id.clear();
    REQUIRE(store->save(response).ok());
    saved.push_back(response.id);
  }
  const size_t body_size = must(store->pending_batch(1, 0)).at(0).body.size();

  CHECK(ids_of(must(store->pending_batch(100, 1 << 20))) == saved);
  CHECK(ids_of(must(store->pending_batch(3, 1 << 20))) == std::vector<std::string>(saved.begin(), saved.begin() + 3));
  // Room for four bodies and a bit: four items, never a fifth that would overflow.
  CHECK(must(store->pending_batch(100, body_size * 4 + body_size / 2)).size() == 4);
  CHECK(must(store->pending_batch(100, 1)).size() == 1);
  CHECK(must(store->pending_batch(0, 1 << 20)).empty());

  REQUIRE(store->mark_confirmed({saved[0], saved[2]}).ok());
  const auto rest = ids_of(must(store->pending_batch(3, 1 << 20)));
  CHECK(rest == std::vector<std::string>{saved[1], saved[3], saved[4]});
}

TEST_CASE("outbox rows move from pending to confirmed or needs-review and are counted") {
  auto store = open_memory();
  const Response a = sample_response(1), b = sample_response(2), c = sample_response(3);
  for (const auto* response : {&a, &b, &c}) REQUIRE(store->save(*response).ok());

  REQUIRE(store->record_failed_attempt({a.id, b.id}, "could not reach the hub").ok());
  REQUIRE(store->record_failed_attempt({a.id}, "timed out").ok());
  auto batch = must(store->pending_batch(10, 1 << 20));
  REQUIRE(batch.size() == 3);
  CHECK(batch[0].attempts == 2);
  CHECK(batch[0].last_error == "timed out");
  CHECK(batch[1].attempts == 1);
  CHECK(batch[2].attempts == 0);

  REQUIRE(store->mark_confirmed({a.id}).ok());
  REQUIRE(store->mark_confirmed({a.id}).ok());  // a repeated confirmation changes nothing
  REQUIRE(store->mark_needs_review(b.id, "conflict: a different copy is already stored").ok());

  const OutboxCounts counts = must(store->outbox_counts());
  CHECK(counts.pending == 1);
  CHECK(counts.confirmed == 1);
  CHECK(counts.needs_review == 1);
  CHECK_FALSE(counts.oldest_pending_at.empty());

  const auto review = must(store->needs_review());
  REQUIRE(review.size() == 1);
  CHECK(review[0].id == b.id);
  CHECK(review[0].state == OutboxState::NeedsReview);
  CHECK(review[0].last_error == "conflict: a different copy is already stored");
  CHECK(ids_of(must(store->pending_batch(10, 1 << 20))) == std::vector<std::string>{c.id});

  // Head office's word is final: a confirmed response is never put aside, and a failed attempt
  // recorded late does not touch it.
  const Status refused = store->mark_needs_review(a.id, "late conflict");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::Conflict);
  REQUIRE(store->record_failed_attempt({a.id}, "late failure").ok());
  CHECK(must(store->outbox_counts()).confirmed == 1);

  // Confirmed responses stay on the device (nothing is deleted here).
  CHECK(must(store->find_response(a.id)).has_value());
  REQUIRE(store->mark_confirmed({c.id}).ok());
  CHECK(must(store->outbox_counts()).oldest_pending_at.empty());
}

TEST_CASE("an unknown response id in an outbox update changes nothing at all") {
  auto store = open_memory();
  const Response a = sample_response(1);
  REQUIRE(store->save(a).ok());
  const std::string stranger = make_uuid();

  const Status confirmed = store->mark_confirmed({a.id, stranger});
  REQUIRE_FALSE(confirmed.ok());
  CHECK(confirmed.error().code == ErrorCode::NotFound);
  CHECK(confirmed.error().message.find(stranger) != std::string::npos);
  CHECK(must(store->outbox_counts()).pending == 1);

  CHECK(store->record_failed_attempt({a.id, stranger}, "x").error().code == ErrorCode::NotFound);
  CHECK(must(store->pending_batch(1, 1 << 20)).at(0).attempts == 0);
  CHECK(store->mark_needs_review(stranger, "x").error().code == ErrorCode::NotFound);
}

TEST_CASE("responses submitted since a moment are counted for the staff screen") {
  auto store = open_memory();
  for (const char* when : {"2026-11-22T23:59:59Z", "2026-11-23T00:00:00Z", "2026-11-23T16:06:12Z"}) {
    Response response = sample_response(1);
    response.started_at = when;  // a response cannot end before it starts
    response.submitted_at = when;
    REQUIRE(store->save(response).ok());
  }
  CHECK(must(store->responses_saved_since("2026-11-23T00:00:00Z")) == 2);
  CHECK(must(store->responses_saved_since("2026-11-24T00:00:00Z")) == 0);
  CHECK(must(store->responses_saved_since("2000-01-01T00:00:00Z")) == 3);
}

TEST_CASE("device settings are free-form names with values that can be replaced") {
  auto store = open_memory();
  CHECK_FALSE(must(store->setting("hub_url")).has_value());
  REQUIRE(store->set_setting("hub_url", "https://consult.example.gov.uk").ok());
  REQUIRE(store->set_setting("lleoliad / venue", "Llyfrgell Llandudno").ok());
  REQUIRE(store->set_setting("hub_url", "https://ymgynghori.example.cymru").ok());
  REQUIRE(store->set_setting("empty", "").ok());
  CHECK(must(store->setting("hub_url")) == std::optional<std::string>("https://ymgynghori.example.cymru"));
  CHECK(must(store->setting("lleoliad / venue")) == std::optional<std::string>("Llyfrgell Llandudno"));
  CHECK(must(store->setting("empty")) == std::optional<std::string>(""));
  CHECK(store->set_setting("", "x").error().code == ErrorCode::InvalidInput);
}

TEST_CASE("a cached consultation version never changes once stored") {
  auto store = open_memory();
  REQUIRE(store->put_consultation("library-hours", 1, R"({"id": "library-hours", "version": 1, "title": "A"})").ok());

  SECTION("the same content laid out differently is accepted and changes nothing") {
    REQUIRE(store->put_consultation("library-hours", 1, R"({"title":"A","version":1,"id":"library-hours"})").ok());
    CHECK(must(store->latest_consultations()).size() == 1);
  }
  SECTION("different content for the same version is refused and the cached copy kept") {
    const Status refused = store->put_consultation("library-hours", 1, R"({"id": "library-hours", "title": "B"})");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::Conflict);
    CHECK(nlohmann::json::parse(must(store->consultation("library-hours", 1))->definition_json)["title"] == "A");
  }
  SECTION("a definition that is not a JSON object is refused") {
    CHECK(store->put_consultation("parks", 1, "{not json").error().code == ErrorCode::InvalidInput);
    CHECK(store->put_consultation("parks", 1, "[1, 2]").error().code == ErrorCode::InvalidInput);
    CHECK(store->put_consultation("parks", 0, "{}").error().code == ErrorCode::InvalidInput);
    CHECK(store->put_consultation("", 1, "{}").error().code == ErrorCode::InvalidInput);
    CHECK_FALSE(must(store->consultation("parks", 1)).has_value());
  }
}

TEST_CASE("the newest version of each consultation is offered, keeping its feedback and offered flag") {
  auto store = open_memory();
  REQUIRE(store->put_consultation("parks", 1, R"({"v": 1})").ok());
  REQUIRE(store->put_consultation("library-hours", 2, R"({"v": 2})").ok());
  REQUIRE(store->put_consultation("library-hours", 1, R"({"v": 1})").ok());
  REQUIRE(store->set_feedback("library-hours", R"({"en": "You said evenings; we kept two late nights."})").ok());
  REQUIRE(store->set_offered("parks", false).ok());
  REQUIRE(store->put_consultation("parks", 3, R"({"v": 3})").ok());

  const auto latest = must(store->latest_consultations());
  REQUIRE(latest.size() == 2);
  CHECK(latest[0].id == "library-hours");
  CHECK(latest[0].version == 2);
  CHECK(nlohmann::json::parse(latest[0].feedback_json)["en"] == "You said evenings; we kept two late nights.");
  CHECK(latest[0].offered);
  CHECK(latest[1].id == "parks");
  CHECK(latest[1].version == 3);
  CHECK(latest[1].feedback_json.empty());
  CHECK_FALSE(latest[1].offered);

  REQUIRE(must(store->consultation("parks", 1)).has_value());
  CHECK(must(store->consultation("parks", 1))->definition_json == R"({"v":1})");
  CHECK_FALSE(must(store->consultation("parks", 2)).has_value());

  REQUIRE(store->set_feedback("library-hours", "").ok());
  CHECK(must(store->latest_consultations())[0].feedback_json.empty());
  CHECK(store->set_feedback("unknown", R"({})").error().code == ErrorCode::NotFound);
  CHECK(store->set_offered("unknown", true).error().code == ErrorCode::NotFound);
  CHECK(store->set_feedback("parks", "{oops").error().code == ErrorCode::InvalidInput);
}

TEST_CASE("the save worker and the sync thread can share one store") {
  TempDir dir;
  auto opened = Store::open(dir.file("device.db"));
  REQUIRE(opened.ok());
  Store& store = **opened;
  constexpr int kResponses = 150;

  std::thread saver([&store] {
    for (int i = 0; i < kResponses; ++i) {
      Response response = sample_response(i);
      response.channel = Channel::Kiosk;  // a confirmed field response leaves the device
      response.staff_id.clear();
      if (!store.save(response).ok()) return;
    }
  });
  int64_t confirmed = 0;
  for (int round = 0; round < 10000 && confirmed < kResponses; ++round) {
    const auto batch = must(store.pending_batch(7, 1 << 20));
    std::vector<std::string> ids = ids_of(batch);
    if (!ids.empty() && store.mark_confirmed(ids).ok()) confirmed += static_cast<int64_t>(ids.size());
    if (ids.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  saver.join();
  const OutboxCounts counts = must(store.outbox_counts());
  CHECK(must(store.response_count()) == kResponses);
  CHECK(counts.confirmed == confirmed);
  CHECK(counts.pending + counts.confirmed == kResponses);
  CHECK(must(store.integrity_ok()));
}

TEST_CASE("a stored response that no longer reads back is reported as damage, not as missing") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("device.db");
  const Response response = sample_response(1);
  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->save(response).ok());
  }
  {
    // Damage of the kind no check at open can see: the row is sound SQLite, its body is not a response.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const int rc = sqlite3_exec(db,
                                "DROP TRIGGER responses_never_change; UPDATE responses SET body = '{\"id\": 5}'; "
                                "CREATE TRIGGER responses_never_change BEFORE UPDATE ON responses "
                                "BEGIN SELECT RAISE(ABORT, 'responses are immutable'); END;",
                                nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
  }
  auto store = Store::open(path);
  REQUIRE(store.ok());
  const auto found = (*store)->find_response(response.id);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().code == ErrorCode::Corrupt);
  CHECK(found.error().message.find(response.id) != std::string::npos);
  CHECK(found.error().message.find(path) != std::string::npos);
}

TEST_CASE("an outbox read that meets a damaged page is an error, never an empty outbox") {
  TempDir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("device.db");
  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
  }
  // About 6 MB: far more than SQLite's page cache, so the oldest are read from the disk.
  REQUIRE(soundings::testing::fill_outbox_beyond_page_cache(path) == SQLITE_OK);
  auto store = Store::open(path);
  REQUIRE(store.ok());
  REQUIRE(must((*store)->response_count()) == 6000);

  // Damage where the oldest responses live (past the header and the tables' root pages), keeping the size.
  std::string bytes = read_bytes(path);
  REQUIRE(bytes.size() > 6'000'000);
  for (size_t i = 8 * 4096; i < bytes.size() / 5; ++i) bytes[i] = static_cast<char>(0xA5);
  write_bytes(path, bytes);

  const auto batch = (*store)->pending_batch(10, 1 << 20);
  REQUIRE_FALSE(batch.ok());
  CHECK(batch.error().code == ErrorCode::Corrupt);
  CHECK(batch.error().message.find("outbox") != std::string::npos);
}

TEST_CASE("a kiosk whose clock lost its time still keeps a resident's response") {
  // Head office names the wrong clock when it sees the times; the device's job is to lose nothing.
  auto store = open_memory();
  Response response = sample_response(7);
  response.started_at = "1970-01-01T00:03:00Z";
  response.submitted_at = "1970-01-01T00:09:00Z";
  REQUIRE(store->save(response).ok());
  CHECK(must(store->response_count()) == 1);
}
