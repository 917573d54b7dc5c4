// The connection gate, reading: TLS handshakes, a request's head and body within their caps and deadlines,
// and the cap on request bodies held across all connections.
#include "hub_gate_loop.h"

namespace soundings::hub::detail {

using namespace gate;

void ConnectionGate::Loop::handshake(Connection& c) {
  c.tls_wants_read = c.tls_wants_write = false;
  const int result = SSL_do_handshake(c.tls);
  if (result == 1) {
    c.phase = Phase::Head;
    read_request(c);
    return;
  }
  const int error = SSL_get_error(c.tls, result);
  ERR_clear_error();
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    c.tls_wants_write = error == SSL_ERROR_WANT_WRITE;
    update_client_events(c);
    return;
  }
  close_connection(c);  // not TLS, or no cipher in common: there is no channel to answer on
}

bool ConnectionGate::Loop::hold(Connection& c, size_t bytes) {
  if (bytes <= c.held) return true;
  const size_t cap = settings.max_buffered_bytes;
  const size_t room = bytes <= kSmallBody ? cap : cap - cap / 8;
  const size_t others = buffered - c.held;
  if (bytes > room || others > room - bytes) return false;
  buffered = others + bytes;
  c.held = bytes;
  return true;
}

void ConnectionGate::Loop::let_go(Connection& c) {
  buffered -= c.held;
  c.held = 0;
}

Refusal ConnectionGate::Loop::busy() const {
  // Held bodies are gone within their body deadlines, so a retry after this many seconds
  // usually finds room.
  return Refusal{503, "hub_busy",
                 "the hub is holding as many request bodies as it can (" +
                     std::to_string(settings.max_buffered_bytes) +
                     " bytes in all); nothing from this request was stored, send it again later",
                 30};
}

void ConnectionGate::Loop::refuse(Connection& c, const Refusal& refusal) {
  // Nothing of a refused request is kept, and its body no longer counts against the cap.
  let_go(c);
  std::string().swap(c.in);
  c.chunks = ChunkedBody{};
  c.out = refusal_answer(refusal);
  c.out_sent = 0;
  c.close_after = true;
  start_answer(c);
}

Refusal ConnectionGate::Loop::too_large() const {
  return Refusal{413, "body_too_large",
                 "the request body is larger than the hub accepts (" + std::to_string(settings.max_body_bytes) +
                     " bytes); send fewer responses per batch"};
}

bool ConnectionGate::Loop::take_head(Connection& c, size_t end) {
  auto parsed = parse_request_head(std::string_view(c.in).substr(0, end), settings.max_body_bytes);
  if (auto* refusal = std::get_if<Refusal>(&parsed)) {
    refuse(c, *refusal);
    return false;
  }
  c.head = std::move(std::get<RequestHead>(parsed));
  // Judged before a byte of the body is asked for (100-continue) or read beyond the head's turn.
  if (!c.head.chunked && !hold(c, c.head.content_length)) {
    refuse(c, busy());
    return false;
  }
  c.in.erase(0, end);
  c.head_scanned = 0;
  c.chunks = ChunkedBody{};
  c.phase = Phase::Body;
  c.body_started = SteadyClock::now();
  set_deadline(c, c.body_started + settings.body_timeout + at_rate(c.head.content_length));
  if (c.head.expect_continue && (c.head.chunked || c.head.content_length > c.in.size())) {
    // The client waits for this before sending its body; the answer buffer is empty, so it fits.
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    client_write(c, kContinue, sizeof kContinue - 1);
  }
  return true;
}

void ConnectionGate::Loop::read_request(Connection& c) {
  char buffer[16 * 1024];
  // A fast client gets at most this much per turn, so one connection cannot hold the loop.
  size_t budget = 1024 * 1024;
  for (;;) {
    if (c.phase == Phase::Head && !c.tls && !c.in.empty() && c.in.front() == '\x16') {
      // A TLS handshake record sent to a hub serving plain HTTP: an https:// address for an http://
      // hub. Closing at once lets the device say so now, instead of after the header deadline.
      close_connection(c);
      return;
    }
    if (c.phase == Phase::Head) {
      const size_t end = head_end(c.in, c.head_scanned);
      c.head_scanned = c.in.size() < 3 ? 0 : c.in.size() - 3;
      if (end != std::string::npos && end <= settings.max_header_bytes) {
        if (!take_head(c, end)) return;
      } else if (c.in.size() > settings.max_header_bytes) {
        refuse(c, Refusal{431, "headers_too_large",
                          "the request line and headers are longer than the hub accepts (" +
                              std::to_string(settings.max_header_bytes) + " bytes)"});
        return;
      }
    }
    size_t wanted = sizeof buffer;
    if (c.phase == Phase::Body && c.head.chunked) {
      const ChunkedBody::State state = c.chunks.feed(c.in, settings.max_body_bytes);
      if (state == ChunkedBody::State::Bad) {
        refuse(c, Refusal{400, "bad_body", c.chunks.problem});
        return;
      }
      if (state == ChunkedBody::State::TooLarge) {
        refuse(c, too_large());
        return;
      }
      // No length to judge up front: what has arrived is counted as it grows.
      if (!hold(c, c.chunks.body.size() + c.in.size())) {
        refuse(c, busy());
        return;
      }
      if (state == ChunkedBody::State::Complete) {
        forward(c);
        return;
      }
      // No length to plan by: the deadline moves on with what has arrived, at the minimum rate.
      set_deadline(c, c.body_started + settings.body_timeout + at_rate(c.chunks.body.size()));
    } else if (c.phase == Phase::Body) {
      if (c.in.size() >= c.head.content_length) {
        forward(c);
        return;
      }
      // Never more than this request: what follows it stays in the socket until its turn.
      wanted = std::min(wanted, c.head.content_length - c.in.size());
    }
    if (budget == 0) {
      // The rest is read on the next turn; TLS may hold it decrypted already, where epoll
      // cannot see it, so the connection is revisited without waiting for an event.
      update_client_events(c);
      revisit.push_back(c.id);
      return;
    }
    const Io io = client_read(c, buffer, std::min(wanted, budget));
    if (io.status == IoStatus::Closed) {
      close_connection(c);
      return;
    }
    if (io.status == IoStatus::WouldBlock) {
      update_client_events(c);
      return;
    }
    c.in.append(buffer, io.bytes);
    budget -= io.bytes;
  }
}

}  // namespace soundings::hub::detail
