// The HTTP wire format the connection gate reads and answers itself: request heads, Content-Length,
// chunked bodies and refusals in the hub's JSON error shape. No sockets here, so it is tested on its own.
#include "gate_http.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <nlohmann/json.hpp>

namespace soundings::hub::detail {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

size_t head_end(std::string_view buffer, size_t from) {
  for (size_t i = buffer.find('\n', from); i != std::string_view::npos; i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

Refusal bad_request(std::string message) { return {400, "bad_request", std::move(message)}; }

// Content-Length exactly as RFC 9110 has it: digits only, no sign, no spaces inside, within the limit.
std::variant<size_t, Refusal> parse_content_length(std::string_view value, size_t max_body_bytes) {
  const std::string limit = std::to_string(max_body_bytes);
  if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad_request("Content-Length must be a whole number of bytes written in digits only, not \"" +
                       std::string(value.substr(0, 40)) + "\"");
  }
  size_t length = 0;
  for (const char c : value) {
    const size_t digit = static_cast<size_t>(c - '0');
    if (length > (max_body_bytes - digit) / 10) {
      return Refusal{413, "body_too_large",
                     "the request body is larger than the hub accepts (" + limit +
                         " bytes); send fewer responses per batch"};
    }
    length = length * 10 + digit;
  }
  return length;
}

std::string json_error(const Refusal& refusal) {
  // A refusal may quote bytes of the request that are not UTF-8: they are written as U+FFFD, since a
  // strict dump would throw on the gate's thread and end the hub.
  return nlohmann::json{{"error", refusal.code}, {"message", refusal.message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}


}  // namespace

std::variant<RequestHead, Refusal> parse_request_head(std::string_view head, size_t max_body_bytes) {
  RequestHead result;
  size_t line_end = head.find('\n');
  const std::string_view request_line = trim(head.substr(0, line_end));
  const size_t first_space = request_line.find(' ');
  const size_t last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space || first_space == 0) {
    return bad_request("the request line must be \"METHOD /path HTTP/1.1\"");
  }
  const std::string_view method = request_line.substr(0, first_space);
  const std::string_view version = request_line.substr(last_space + 1);
  if (!std::all_of(method.begin(), method.end(), is_token_char)) return bad_request("the request method is not a word");
  if (version == "HTTP/1.0") {
    result.keep_alive = false;
  } else if (version != "HTTP/1.1") {
    return bad_request("only HTTP/1.1 and HTTP/1.0 are served, not \"" + std::string(version.substr(0, 20)) + "\"");
  }
  result.forward.append(request_line).append("\r\n");

  bool has_length = false;
  bool has_encoding = false;
  size_t line_number = 1;
  for (size_t start = line_end + 1; start < head.size(); start = line_end + 1, ++line_number) {
    line_end = head.find('\n', start);
    if (line_end == std::string_view::npos) line_end = head.size();
    std::string_view line = head.substr(start, line_end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    const std::string where = "header line " + std::to_string(line_number);
    if (line.front() == ' ' || line.front() == '\t') {
      return bad_request(where + " continues the previous one (obsolete line folding is not accepted)");
    }
    const size_t colon = line.find(':');
    const std::string_view name = colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
      return bad_request(where + " is not \"Name: value\"");
    }
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Length")) {
      if (has_length) return bad_request("Content-Length is given more than once");
      has_length = true;
      auto length = parse_content_length(value, max_body_bytes);
      if (auto* refusal = std::get_if<Refusal>(&length)) return std::move(*refusal);
      result.content_length = std::get<size_t>(length);
    } else if (iequals(name, "Transfer-Encoding")) {
      if (has_encoding || !iequals(value, "chunked")) {
        return Refusal{411, "length_required",
                       "send the body with a Content-Length (or Transfer-Encoding: chunked alone), not \"" +
                           std::string(value.substr(0, 40)) + "\""};
      }
      has_encoding = true;
      result.chunked = true;
    } else if (iequals(name, "Connection")) {
      if (has_token(value, "close")) result.keep_alive = false;
      if (has_token(value, "keep-alive") && version == "HTTP/1.0") result.keep_alive = true;
    } else if (iequals(name, "Expect")) {
      if (!iequals(value, "100-continue")) {
        return Refusal{417, "expectation_failed", "only \"Expect: 100-continue\" is understood"};
      }
      result.expect_continue = true;
    } else if (!iequals(name, "Keep-Alive") && !iequals(name, "Upgrade") && !iequals(name, kGateSecretHeader) &&
               !iequals(name, kClientAddressHeader)) {
      result.forward.append(line).append("\r\n");
    }
  }
  if (has_length && has_encoding) {
    // Two framings for one body is how requests are smuggled past a front end: never guess.
    return bad_request("a request may give Content-Length or Transfer-Encoding, not both");
  }
  return result;
}

std::string refusal_answer(const Refusal& refusal) {
  const std::string body = json_error(refusal);
  const std::string retry_after =
      refusal.retry_after_seconds > 0 ? "\r\nRetry-After: " + std::to_string(refusal.retry_after_seconds) : "";
  return "HTTP/1.1 " + std::to_string(refusal.status) + " " + reason_phrase(refusal.status) +
         "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
         retry_after + "\r\nConnection: close\r\n\r\n" + body;
}


ChunkedBody::State ChunkedBody::feed(std::string& input, size_t limit) {
  size_t pos = 0;
  State state = State::More;
  while (state == State::More) {
    if (part_ == Part::Size || part_ == Part::Trailers) {
      const size_t newline = input.find('\n', pos);
      if (newline == std::string::npos) {
        if (input.size() - pos > 4096) state = fail("a chunk-size or trailer line is longer than 4096 bytes");
        break;
      }
      std::string_view line(input.data() + pos, newline - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = newline + 1;
      if (part_ == Part::Trailers) {
        trailer_bytes_ += line.size();
        if (line.empty()) state = State::Complete;
        else if (trailer_bytes_ > 16 * 1024) state = fail("the trailers after the last chunk are too long");
        continue;
      }
      const std::string_view hex = trim(line.substr(0, line.find(';')));
      if (hex.empty() || hex.size() > 15 ||
          !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
        state = fail("chunk size \"" + std::string(hex.substr(0, 20)) + "\" is not a hexadecimal number");
        continue;
      }
      const size_t size = std::stoull(std::string(hex), nullptr, 16);
      if (size == 0) {
        part_ = Part::Trailers;
      } else if (size > limit - body.size()) {
        state = State::TooLarge;
      } else {
        remaining_ = size;
        part_ = Part::Data;
      }
    } else if (part_ == Part::Data) {
      const size_t take = std::min(remaining_, input.size() - pos);
      body.append(input, pos, take);
      pos += take;
      remaining_ -= take;
      if (remaining_ > 0) break;
      part_ = Part::DataEnd;
    } else {
      if (pos >= input.size() || (input[pos] == '\r' && pos + 1 >= input.size())) break;
      if (input.compare(pos, 2, "\r\n") == 0) {
        pos += 2;
      } else if (input[pos] == '\n') {
        pos += 1;
      } else {
        state = fail("a chunk is longer than its size says");
        continue;
      }
      part_ = Part::Size;
    }
  }
  input.erase(0, pos);
  // Chunk headers and extensions are overhead beyond the body limit: bound them too.
  raw_ += pos;
  if (state == State::More && raw_ > 2 * limit + 64 * 1024) state = State::TooLarge;
  return state;
}

ChunkedBody::State ChunkedBody::fail(std::string why) {
  problem = std::move(why);
  return State::Bad;
}

}  // namespace soundings::hub::detail
