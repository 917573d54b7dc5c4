// JSON from outside the process (a request body, a hub's answer) parsed within limits, or refused with a reason.
//
// nlohmann's parser does not recurse, but printing, comparing and most code that walks a document
// does: a body nested 100,000 levels deep would overflow the stack there. The nesting is measured on
// the raw text before anything is built, and numbers too large for a double are refused (nlohmann
// would make them infinity, which prints as null and so changes the document).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "soundings/result.h"

namespace soundings {

struct JsonLimits {
  size_t max_bytes = 16u * 1024u * 1024u;
  int max_depth = 32;  // a response nests about five levels, a consultation about eight
};

// Offset of the first '{' or '[' nested deeper than `max_depth`, or npos. Strings are skipped, so
// brackets inside them do not count. Works on text that is not valid JSON.
size_t first_too_deep(std::string_view text, int max_depth);

// Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or npos.
size_t first_bad_utf8(std::string_view text);

// At most `max_bytes` of `text`, never cut inside a character: a refused value quoted back in a reason
// must stay UTF-8 (the answer is JSON, and PostgreSQL's text refuses anything else).
std::string utf8_prefix(std::string_view text, size_t max_bytes);

// The document, or InvalidInput naming `what` and the problem (too large, too deep, not UTF-8,
// not JSON with its byte offset, a number out of range). Never throws.
Result<nlohmann::json> parse_json_bounded(std::string_view text, std::string_view what, const JsonLimits& limits = {});

}  // namespace soundings
