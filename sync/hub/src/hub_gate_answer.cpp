// The connection gate, answering: forwarding a whole request to the hub's workers, relaying their answer
// under the write deadline, and ending a connection without losing the answer.
#include "hub_gate_loop.h"

namespace soundings::hub::detail {

using namespace gate;

void ConnectionGate::Loop::forward(Connection& c) {
  const size_t body_size = c.head.chunked ? c.chunks.body.size() : c.head.content_length;
  c.to_backend.reserve(c.head.forward.size() + 256 + settings.secret.size() + body_size);
  c.to_backend = c.head.forward;
  c.to_backend += "Connection: close\r\n";
  c.to_backend += std::string(kGateSecretHeader) + ": " + settings.secret + "\r\n";
  c.to_backend += std::string(kClientAddressHeader) + ": " + c.peer + "\r\n";
  if (c.head.chunked) {
    c.to_backend += "Content-Length: " + std::to_string(c.chunks.body.size()) + "\r\n\r\n";
    c.to_backend += c.chunks.body;
    c.chunks = ChunkedBody{};
  } else {
    c.to_backend += "Content-Length: " + std::to_string(c.head.content_length) + "\r\n\r\n";
    c.to_backend.append(c.in, 0, c.head.content_length);
    c.in.erase(0, c.head.content_length);
  }
  // A kept-alive connection should not hold a batch-sized buffer while it idles.
  if (c.in.empty()) std::string().swap(c.in);
  c.to_backend_sent = 0;
  c.from_backend.clear();
  c.backend_connected = false;
  c.phase = Phase::Forward;
  set_deadline(c, SteadyClock::now() + settings.backend_timeout);
  update_client_events(c);

  c.backend = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(settings.backend_port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int on = 1;
  if (c.backend >= 0) setsockopt(c.backend, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (c.backend < 0 || (::connect(c.backend, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
                        errno != EINPROGRESS)) {
    backend_failed(c, "the hub could not take this request just now");
    return;
  }
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.u64 = (c.id << 1) | 1;
  c.backend_events = event.events;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.backend, &event);
}

void ConnectionGate::Loop::backend_failed(Connection& c, const std::string& why) {
  if (c.backend >= 0) ::close(c.backend);
  c.backend = -1;
  refuse(c, Refusal{503, "hub_busy", why + "; nothing from this request was stored, send it again later"});
}

void ConnectionGate::Loop::on_backend(Connection& c, uint32_t events) {
  if (!c.backend_connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(c.backend, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      backend_failed(c, "the hub could not take this request just now");
      return;
    }
    c.backend_connected = true;
  }
  while (c.backend_connected && c.to_backend_sent < c.to_backend.size()) {
    const ssize_t n = ::send(c.backend, c.to_backend.data() + c.to_backend_sent,
                             c.to_backend.size() - c.to_backend_sent, MSG_NOSIGNAL);
    if (n > 0) {
      c.to_backend_sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      break;
    } else {
      // The server answered early and stopped reading; its answer is still to be read.
      c.to_backend_sent = c.to_backend.size();
    }
  }
  if (c.to_backend_sent == c.to_backend.size()) {
    std::string().swap(c.to_backend);
    c.to_backend_sent = 0;
    let_go(c);  // the body is the internal server's now
    watch(c.backend, (c.id << 1) | 1, EPOLLIN, c.backend_events);
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::recv(c.backend, buffer, sizeof buffer, 0);
    if (n > 0) {
      c.from_backend.append(buffer, static_cast<size_t>(n));
      if (c.from_backend.size() > settings.max_answer_bytes) {
        backend_failed(c, "the hub's answer was larger than the gate relays");
        return;
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    break;  // end of the answer (the internal server closes after each one), or a reset
  }
  ::close(c.backend);
  c.backend = -1;
  relay_answer(c);
}

void ConnectionGate::Loop::relay_answer(Connection& c) {
  const size_t end = head_end(c.from_backend);
  if (end == std::string::npos || c.from_backend.rfind("HTTP/1.", 0) != 0) {
    backend_failed(c, "the hub ended its answer early");
    return;
  }
  std::string out;
  out.reserve(c.from_backend.size() + 64);
  bool has_length = false;
  bool chunked = false;
  size_t start = 0;
  for (size_t line_end = c.from_backend.find('\n'); start < end; line_end = c.from_backend.find('\n', start)) {
    std::string_view line(c.from_backend.data() + start, line_end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = line_end + 1;
    if (line.empty()) break;
    const std::string_view name = line.substr(0, line.find(':'));
    if (iequals(name, "Connection") || iequals(name, "Keep-Alive")) continue;
    if (iequals(name, "Content-Length")) has_length = true;
    if (iequals(name, "Transfer-Encoding")) chunked = true;
    out.append(line).append("\r\n");
  }
  const size_t body_size = c.from_backend.size() - end;
  if (!has_length && !chunked) out += "Content-Length: " + std::to_string(body_size) + "\r\n";
  // A chunked answer runs to the connection's end here, so the client cannot keep it.
  c.close_after = !c.head.keep_alive || chunked;
  out += c.close_after ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
  out.append(c.from_backend, end, body_size);
  std::string().swap(c.from_backend);
  c.out = std::move(out);
  c.out_sent = 0;
  start_answer(c);
}

void ConnectionGate::Loop::start_answer(Connection& c) {
  c.phase = Phase::Answer;
  set_deadline(c, SteadyClock::now() + settings.write_timeout + at_rate(c.out.size()));
  write_answer(c);
}

void ConnectionGate::Loop::write_answer(Connection& c) {
  while (c.out_sent < c.out.size()) {
    const Io io = client_write(c, c.out.data() + c.out_sent, c.out.size() - c.out_sent);
    if (io.status == IoStatus::Closed) {
      close_connection(c);
      return;
    }
    if (io.status == IoStatus::WouldBlock) {
      update_client_events(c);
      return;
    }
    c.out_sent += io.bytes;
  }
  std::string().swap(c.out);
  c.out_sent = 0;
  if (c.close_after) {
    finish(c);
    return;
  }
  // Keep-alive: the next request gets a fresh header deadline, and may already be buffered.
  c.phase = Phase::Head;
  c.head = RequestHead{};
  set_deadline(c, SteadyClock::now() + settings.header_timeout);
  read_request(c);
}

void ConnectionGate::Loop::finish(Connection& c) {
  if (c.tls) SSL_shutdown(c.tls);
  ERR_clear_error();
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Phase::Closing;
  set_deadline(c, SteadyClock::now() + std::chrono::seconds(2));
  char buffer[16 * 1024];
  for (int turn = 0; turn < 4; ++turn) {
    const Io io = client_read(c, buffer, sizeof buffer);
    if (io.status == IoStatus::Closed) {
      close_connection(c);
      return;
    }
    if (io.status == IoStatus::WouldBlock) break;
  }
  update_client_events(c);
}

}  // namespace soundings::hub::detail
