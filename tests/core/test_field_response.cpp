// The anonymous form of a response taken at a door.
#include <catch2/catch.hpp>

#include "soundings/field_records.h"
#include "soundings/response.h"

using namespace soundings;
using namespace std::chrono_literals;

namespace {
TimePoint at(const char* iso) {
  TimePoint t;
  REQUIRE(parse_iso8601_utc(iso, t));
  return t;
}
}  // namespace

TEST_CASE("an anonymous field response has a new random id, no venue and times cut to the day", "[quality]") {
  Response r;
  r.id = make_time_ordered_uuid(at("2026-12-02T10:15:00Z"));
  r.venue = "12 Canary Street";
  r.staff_id = "officer-7";
  r.started_at = "2026-12-02T10:15:07Z";
  r.submitted_at = "2026-12-02T10:21:44Z";
  std::string before = r.id;
  make_field_response_anonymous(r);
  CHECK(r.id != before);
  REQUIRE(is_uuid(r.id));
  CHECK(r.id[14] == '4');  // version 4: random, not time-ordered
  CHECK(r.venue.empty());
  CHECK(r.staff_id == "officer-7");
  CHECK(r.started_at == "2026-12-02T00:00:00Z");
  CHECK(r.submitted_at == "2026-12-02T00:00:00Z");
}
