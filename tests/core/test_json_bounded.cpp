// Untrusted JSON parsed within limits: deep nesting, bad UTF-8 and huge numbers refused with a reason.
#include <catch2/catch.hpp>

#include "soundings/json_bounded.h"

using namespace soundings;

TEST_CASE("a body nested far deeper than the limit is refused before anything recurses", "[json]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto parsed = parse_json_bounded(deep, "the request body");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::InvalidInput);
  CHECK_THAT(parsed.error().message, Catch::Contains("nested more than 32 levels"));
  CHECK_THAT(parsed.error().message, Catch::StartsWith("the request body"));
}

TEST_CASE("nesting at the limit is accepted and brackets inside strings do not count", "[json]") {
  const std::string at_limit = std::string(32, '[') + std::string(32, ']');
  CHECK(parse_json_bounded(at_limit, "x").ok());
  CHECK_FALSE(parse_json_bounded("[" + at_limit + "]", "x").ok());
  const std::string quoted = "{\"a\": \"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"}";
  auto parsed = parse_json_bounded(quoted, "x");
  REQUIRE(parsed.ok());
  CHECK(parsed->at("a").get<std::string>().size() == 201);
}

TEST_CASE("bytes that are not UTF-8 are refused, Welsh letters are not", "[json]") {
  CHECK(parse_json_bounded("{\"a\": \"caniat\xC3\xA1u \xC5\xB5\"}", "x").ok());
  auto parsed = parse_json_bounded("{\"a\": \"\xC3\x28\"}", "x");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, Catch::Contains("not UTF-8") && Catch::Contains("byte 7"));
  CHECK_FALSE(parse_json_bounded("{\"a\": \"\xED\xA0\x80\"}", "x").ok());  // an encoded surrogate
}

TEST_CASE("numbers too large for a double are refused instead of turning into null", "[json]") {
  for (const char* text : {"{\"n\": 1e999}", "[-1e400]", "{\"n\": 1E+999}"}) {
    auto parsed = parse_json_bounded(text, "x");
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error().message, Catch::Contains("number"));
    CHECK_THAT(parsed.error().message, !Catch::Contains("json.exception"));  // the reason, not the library's name
  }
  CHECK(parse_json_bounded("{\"n\": 1e300, \"m\": 18446744073709551615}", "x").ok());
}

TEST_CASE("too many bytes and invalid JSON are named with the place", "[json]") {
  JsonLimits small;
  small.max_bytes = 10;
  CHECK_THAT(parse_json_bounded("[1,2,3,4,5,6]", "x", small).error().message, Catch::Contains("at most 10"));
  auto parsed = parse_json_bounded("{\"a\": tru}", "x");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, Catch::Contains("not valid JSON at byte"));
}
