// Parsing untrusted JSON within size and nesting limits, with reasons a person can act on.
#include "soundings/json_bounded.h"

#include <cmath>

namespace soundings {

namespace {

// Skips a JSON string whose opening quote is at `i`; returns the index after its closing quote.
size_t skip_string(std::string_view text, size_t i) {
  ++i;
  while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
  return i + 1;
}

// True when some number in the document is not finite (nlohmann turns 1e999 into infinity).
bool holds_non_finite(const nlohmann::json& value) {
  // Depth is already bounded, so recursion here is safe.
  switch (value.type()) {
    case nlohmann::json::value_t::number_float: return !std::isfinite(value.get<double>());
    case nlohmann::json::value_t::object:
    case nlohmann::json::value_t::array:
      for (const auto& child : value) {
        if (holds_non_finite(child)) return true;
      }
      return false;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::string:
    case nlohmann::json::value_t::boolean:
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: return false;
  }
  return false;
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value -
// invalid literal; last read: 'x'" without the parts that repeat raw bytes or library names.
std::string plain_reason(const std::string& what) {
  std::string reason = what;
  if (reason.rfind("[json.exception.", 0) == 0) {
    if (auto bracket = reason.find("] "); bracket != std::string::npos) reason = reason.substr(bracket + 2);
  }
  if (auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  if (auto dash = reason.find(" - "); dash != std::string::npos) reason = reason.substr(dash + 3);
  if (auto last = reason.find("; last read"); last != std::string::npos) reason.erase(last);
  return reason;
}

Error invalid(std::string_view what, const std::string& problem) {
  return Error{ErrorCode::InvalidInput, std::string(what) + ": " + problem};
}

}  // namespace

size_t first_too_deep(std::string_view text, int max_depth) {
  int depth = 0;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      i = skip_string(text, i);
      continue;
    }
    if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
    ++i;
  }
  return std::string_view::npos;
}

std::string utf8_prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

size_t first_bad_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
    const unsigned c = byte(i);
    size_t length = 0;
    unsigned low = 0x80;
    unsigned high = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) length = 1;
    else if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c == 0xE0) length = 3, low = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) length = 3;
    else if (c == 0xED) length = 3, high = 0x9F;
    else if (c >= 0xEE && c <= 0xEF) length = 3;
    else if (c == 0xF0) length = 4, low = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) length = 4;
    else if (c == 0xF4) length = 4, high = 0x8F;
    else return i;
    for (size_t k = 1; k < length; ++k) {
      const unsigned next = byte(i + k);
      const unsigned lo = k == 1 ? low : 0x80;
      const unsigned hi = k == 1 ? high : 0xBF;
      if (next < lo || next > hi) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

Result<nlohmann::json> parse_json_bounded(std::string_view text, std::string_view what, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return invalid(what, "is " + std::to_string(text.size()) + " bytes; at most " + std::to_string(limits.max_bytes) +
                             " are accepted");
  }
  if (const size_t bad = first_bad_utf8(text); bad != std::string_view::npos) {
    return invalid(what, "is not UTF-8 text (byte " + std::to_string(bad) + ")");
  }
  if (const size_t deep = first_too_deep(text, limits.max_depth); deep != std::string_view::npos) {
    return invalid(what, "is nested more than " + std::to_string(limits.max_depth) + " levels deep (at byte " +
                             std::to_string(deep) + ")");
  }
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    const size_t at = error.byte > 0 ? error.byte - 1 : 0;
    return invalid(what, "is not valid JSON at byte " + std::to_string(at) + ": " + plain_reason(error.what()));
  } catch (const nlohmann::json::out_of_range& error) {
    return invalid(what, "holds a number out of range: " + plain_reason(error.what()));
  } catch (const nlohmann::json::exception& error) {
    return invalid(what, "is not valid JSON: " + plain_reason(error.what()));
  } catch (const std::bad_alloc&) {
    return invalid(what, "is too large to read");
  }
  if (holds_non_finite(value)) return invalid(what, "holds a number too large to represent (such as 1e999)");
  return value;
}

}  // namespace soundings
