// Hub tests: every bad request gets the right 4xx with a JSON reason, stores nothing, and the hub stays healthy.
#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "must.h"

using soundings::testing::must;

using hubtest::bearer;
using hubtest::good_response;
using hubtest::ServedHub;
using nlohmann::json;

namespace {

struct BadRequest {
  const char* what;
  const char* path;
  std::string body;
  bool with_token;
  std::string token;  // used when with_token; empty means the enrolled one
  int status;
  const char* error;
};

// The answer is JSON {"error", "message"}, nothing new is stored, and health still answers.
void check_refused(ServedHub& served, const BadRequest& bad, const std::string& good_token) {
  INFO(bad.what);
  const int64_t stored = must(served.hub().stored_count());
  const int64_t quarantined = must(served.hub().quarantine_count());
  const size_t devices = must(served.hub().devices()).size();
  auto client = served.client();
  httplib::Headers headers;
  if (bad.with_token) headers = bearer(bad.token.empty() ? good_token : bad.token);
  const auto result = client.Post(bad.path, headers, bad.body, "application/json");
  REQUIRE(result);
  CHECK(result->status == bad.status);
  const auto body = json::parse(result->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["error"] == bad.error);
  REQUIRE(body["message"].is_string());
  CHECK(!body["message"].get<std::string>().empty());
  CHECK(must(served.hub().stored_count()) == stored);
  CHECK(must(served.hub().quarantine_count()) == quarantined);
  CHECK(must(served.hub().devices()).size() == devices);

  auto fresh = served.client();
  const auto health = fresh.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

}  // namespace

TEST_CASE("each bad request is answered with the right 4xx and a JSON reason, and nothing is stored", "[hub]") {
  ServedHub served;
  const std::string token = served.enrol();
  const std::string good_batch = hubtest::batch_of({good_response()}).dump();
  const std::string revoked_token = served.enrol("Stolen tablet");
  REQUIRE(served.hub().revoke(served.last_device_id()));

  json too_many = {{"responses", json::array()}};
  for (int i = 0; i < 1001; ++i) too_many["responses"].push_back(soundings::response_to_json(good_response()));

  const std::vector<BadRequest> cases = {
      {"malformed JSON", "/api/v1/responses", "{\"responses\": [{\"id\": ", true, "", 400, "bad_json"},
      {"not JSON at all", "/api/v1/responses", "<html>captive portal</html>", true, "", 400, "bad_json"},
      {"empty body", "/api/v1/responses", "", true, "", 400, "bad_json"},
      {"top level is a list", "/api/v1/responses", "[1, 2]", true, "", 400, "bad_request"},
      {"responses is not a list", "/api/v1/responses", "{\"responses\": {\"a\": 1}}", true, "", 400, "bad_request"},
      {"responses missing", "/api/v1/responses", "{\"items\": []}", true, "", 400, "bad_request"},
      {"too many items", "/api/v1/responses", too_many.dump(), true, "", 413, "batch_too_large"},
      {"missing token", "/api/v1/responses", good_batch, false, "", 401, "unauthorized"},
      {"unknown token", "/api/v1/responses", good_batch, true, "bm90LWEtcmVhbC10b2tlbg", 401, "unauthorized"},
      {"revoked token", "/api/v1/responses", good_batch, true, revoked_token, 401, "unauthorized"},
      {"heartbeat with wrong types", "/api/v1/heartbeat", "{\"pending\": \"lots\"}", true, "", 400, "bad_request"},
      {"heartbeat with negative count", "/api/v1/heartbeat", "{\"pending\": -3}", true, "", 400, "bad_request"},
      {"heartbeat with a time that is not a time", "/api/v1/heartbeat", "{\"oldest_pending_at\": \"yesterday\"}",
       true, "", 400, "bad_request"},
      {"heartbeat with malformed JSON", "/api/v1/heartbeat", "{pending: 3}", true, "", 400, "bad_json"},
      {"heartbeat without token", "/api/v1/heartbeat", "{\"pending\": 3}", false, "", 401, "unauthorized"},
      {"enrol with wrong types", "/api/v1/enrol", "{\"code\": 12345}", false, "", 400, "bad_request"},
      {"enrol with malformed JSON", "/api/v1/enrol", "{\"code\": ", false, "", 400, "bad_json"},
      {"enrol with an unknown code", "/api/v1/enrol", "{\"code\": \"ZZZZZ-ZZZZZ\"}", false, "", 403,
       "enrol_code_invalid"},
      {"no such endpoint", "/api/v1/upload", good_batch, true, "", 404, "not_found"},
  };
  for (const auto& bad : cases) check_refused(served, bad, token);
  CHECK(must(served.hub().stored_count()) == 0);
  CHECK(must(served.hub().quarantine_count()) == 0);
}

TEST_CASE("a 30 MB body is refused with 413 and a JSON reason, and the hub stays healthy", "[hub]") {
  ServedHub served;
  const std::string token = served.enrol();
  // Well-formed JSON, so that only its size can be the reason.
  json big = hubtest::batch_of({good_response()});
  big["padding"] = std::string(30 * 1024 * 1024, 'x');
  check_refused(served, {"30 MB body", "/api/v1/responses", big.dump(), true, "", 413, "body_too_large"}, token);

  // The same connection pool still works for an ordinary batch afterwards.
  auto client = served.client();
  int status = 0;
  const json answer = hubtest::post_batch(client, token, hubtest::batch_of({good_response()}), &status);
  CHECK(status == 200);
  CHECK(answer["results"][0]["status"] == "stored");
}

TEST_CASE("a chunked body over the limit is cut off with 413", "[hub]") {
  soundings::hub::HubConfig config;
  config.max_body_bytes = 64 * 1024;
  ServedHub served(config);
  const std::string token = served.enrol();
  auto client = served.client();
  const std::string chunk(16 * 1024, ' ');
  int sent = 0;
  // A content provider without a length makes httplib send Transfer-Encoding: chunked.
  const auto result = client.Post(
      "/api/v1/responses", hubtest::bearer(token),
      [&](size_t, httplib::DataSink& sink) {
        if (sent++ < 16) {
          sink.write(chunk.data(), chunk.size());
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  if (result) {
    CHECK(result->status == 413);
    CHECK(json::parse(result->body, nullptr, false)["error"] == "body_too_large");
  }
  // Either way nothing was stored and the hub still answers.
  CHECK(must(served.hub().stored_count()) == 0);
  auto fresh = served.client();
  const auto health = fresh.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("the consultations listing needs a valid token", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const auto missing = client.Get("/api/v1/consultations");
  REQUIRE(missing);
  CHECK(missing->status == 401);
  CHECK(json::parse(missing->body)["error"] == "unauthorized");
  const auto wrong = client.Get("/api/v1/consultations", bearer("wrong"));
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  const auto basic = client.Get("/api/v1/consultations", {{"Authorization", "Basic dXNlcjpwYXNz"}});
  REQUIRE(basic);
  CHECK(basic->status == 401);
}
