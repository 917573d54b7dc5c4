// The HTTP wire format the connection gate reads and answers itself (gate_http.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace soundings::hub::detail {

// Headers only the gate may set on the internal server; the gate drops any a client sends.
inline constexpr const char* kGateSecretHeader = "X-Soundings-Gate";
inline constexpr const char* kClientAddressHeader = "X-Soundings-Client-Address";

// A request head the gate accepts, ready to forward.
struct RequestHead {
  std::string forward;        // request line and the client's headers, minus hop-by-hop and gate-only ones
  size_t content_length = 0;
  bool chunked = false;       // Transfer-Encoding: chunked; decoded by the gate, forwarded with a length
  bool keep_alive = true;
  bool expect_continue = false;
};

// What the gate answers itself, in the hub's JSON error shape.
struct Refusal {
  int status = 400;
  std::string code;
  std::string message;
  int retry_after_seconds = 0;  // above 0: sent as Retry-After
};

// Judges a request head (up to and including its blank line). Pure, so it is tested on its own.
std::variant<RequestHead, Refusal> parse_request_head(std::string_view head, size_t max_body_bytes);

// A whole HTTP answer with the hub's error shape, ending the connection.
std::string refusal_answer(const Refusal& refusal);

// Where a request or answer head ends (just past its blank line), or npos while incomplete.
// `from` is where the previous search stopped, so a head trickled a byte at a time is scanned once.
size_t head_end(std::string_view buffer, size_t from = 0);

// ASCII case-insensitive comparison, as header names compare.
bool iequals(std::string_view a, std::string_view b);

// Decodes a chunked body as it arrives (RFC 9112 section 7.1), never holding more than the limit.
class ChunkedBody {
 public:
  enum class State { More, Complete, Bad, TooLarge };

  // Consumes what it can from the front of `input`.
  State feed(std::string& input, size_t limit);

  std::string body;
  std::string problem;

 private:
  enum class Part { Size, Data, DataEnd, Trailers };
  State fail(std::string why);
  Part part_ = Part::Size;
  size_t remaining_ = 0;
  size_t trailer_bytes_ = 0;
  size_t raw_ = 0;
};

}  // namespace soundings::hub::detail
