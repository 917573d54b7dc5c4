// The connection gate: one epoll thread that accepts, reads each request whole under deadlines
// (TLS terminated here), forwards it to the internal httplib server and relays the answer.
#include "hub_gate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <vector>

namespace soundings::hub::detail {

namespace {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

enum class Phase { Handshake, Head, Body, Forward, Answer, Closing };

struct Connection {
  uint64_t id = 0;
  int fd = -1;
  SSL* tls = nullptr;
  std::string peer;
  Phase phase = Phase::Head;
  SteadyTime deadline;
  // The SSL call last made wants the other direction of the socket.
  bool tls_wants_read = false;
  bool tls_wants_write = false;
  uint32_t client_events = 0;

  std::string in;               // bytes from the client not yet forwarded (after the head once it is taken)
  size_t held = 0;              // this request's body bytes counted in Loop::buffered
  size_t head_scanned = 0;       // how far `in` has been searched for the end of the head
  RequestHead head;
  ChunkedBody chunks;
  SteadyTime body_started;

  int backend = -1;
  bool backend_connected = false;
  std::string to_backend;
  size_t to_backend_sent = 0;
  std::string from_backend;
  uint32_t backend_events = 0;

  std::string out;              // the answer to the client
  size_t out_sent = 0;
  bool close_after = false;
};

// epoll tags: connection ids shifted left, the low bit telling the backend side apart.
constexpr uint64_t kListenTag = 0;
constexpr uint64_t kWakeTag = 1;

enum class IoStatus { Done, WouldBlock, Closed };

struct Io {
  IoStatus status;
  size_t bytes;
};

}  // namespace

struct ConnectionGate::Loop {
  GateSettings settings;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  int port = 0;
  SSL_CTX* tls_context = nullptr;
  std::atomic<bool> stopping{false};
  uint64_t next_id = 1;
  std::map<uint64_t, std::unique_ptr<Connection>> connections;
  std::set<std::pair<SteadyTime, uint64_t>> deadlines;
  std::vector<uint64_t> revisit;  // connections that stopped reading to give others a turn
  size_t buffered = 0;            // sum of every connection's `held`, kept within settings.max_buffered_bytes

  ~Loop() {
    for (auto& [id, connection] : connections) release(*connection);
    connections.clear();
    if (listen_fd >= 0) ::close(listen_fd);
    if (wake_fd >= 0) ::close(wake_fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (tls_context) SSL_CTX_free(tls_context);
  }

  static void release(Connection& c) {
    if (c.tls) SSL_free(c.tls);
    if (c.fd >= 0) ::close(c.fd);
    if (c.backend >= 0) ::close(c.backend);
    c.tls = nullptr;
    c.fd = c.backend = -1;
  }

  std::chrono::milliseconds at_rate(size_t bytes) const {
    return std::chrono::milliseconds(static_cast<int64_t>(bytes * 1000 / settings.min_transfer_rate));
  }

  void set_deadline(Connection& c, SteadyTime when) {
    deadlines.erase({c.deadline, c.id});
    c.deadline = when;
    deadlines.insert({c.deadline, c.id});
  }

  void close_connection(Connection& c) {
    let_go(c);
    deadlines.erase({c.deadline, c.id});
    release(c);  // closing the descriptors also takes them out of the epoll set
    connections.erase(c.id);
  }

  void watch(int fd, uint64_t tag, uint32_t wanted, uint32_t& current) {
    if (wanted == current) return;
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = tag;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event);
    current = wanted;
  }

  void update_client_events(Connection& c) {
    uint32_t wanted = 0;
    switch (c.phase) {
      case Phase::Handshake: wanted = c.tls_wants_write ? EPOLLOUT : EPOLLIN; break;
      case Phase::Head:
      case Phase::Body:
      case Phase::Closing: wanted = c.tls_wants_write ? EPOLLOUT : EPOLLIN; break;
      case Phase::Answer: wanted = c.tls_wants_read ? EPOLLIN : EPOLLOUT; break;
      case Phase::Forward: wanted = 0; break;
    }
    watch(c.fd, c.id << 1, wanted, c.client_events);
  }

  Io client_read(Connection& c, char* buffer, size_t size) {
    c.tls_wants_read = c.tls_wants_write = false;
    if (c.tls && c.phase != Phase::Closing) {
      const int n = SSL_read(c.tls, buffer, static_cast<int>(size));
      if (n > 0) return {IoStatus::Done, static_cast<size_t>(n)};
      const int error = SSL_get_error(c.tls, n);
      if (error == SSL_ERROR_WANT_READ) c.tls_wants_read = true;
      if (error == SSL_ERROR_WANT_WRITE) c.tls_wants_write = true;
      ERR_clear_error();
      return {c.tls_wants_read || c.tls_wants_write ? IoStatus::WouldBlock : IoStatus::Closed, 0};
    }
    const ssize_t n = ::recv(c.fd, buffer, size, 0);
    if (n > 0) return {IoStatus::Done, static_cast<size_t>(n)};
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return {IoStatus::WouldBlock, 0};
    return {IoStatus::Closed, 0};
  }

  Io client_write(Connection& c, const char* data, size_t size) {
    c.tls_wants_read = c.tls_wants_write = false;
    if (c.tls) {
      const int n = SSL_write(c.tls, data, static_cast<int>(std::min<size_t>(size, 1 << 20)));
      if (n > 0) return {IoStatus::Done, static_cast<size_t>(n)};
      const int error = SSL_get_error(c.tls, n);
      if (error == SSL_ERROR_WANT_READ) c.tls_wants_read = true;
      if (error == SSL_ERROR_WANT_WRITE) c.tls_wants_write = true;
      ERR_clear_error();
      return {c.tls_wants_read || c.tls_wants_write ? IoStatus::WouldBlock : IoStatus::Closed, 0};
    }
    const ssize_t n = ::send(c.fd, data, size, MSG_NOSIGNAL);
    if (n > 0) return {IoStatus::Done, static_cast<size_t>(n)};
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return {IoStatus::WouldBlock, 0};
    return {IoStatus::Closed, 0};
  }

  // --- accepting -------------------------------------------------------------------------------

  void evict_nearest_deadline() {
    if (deadlines.empty()) return;
    const uint64_t id = deadlines.begin()->second;
    if (auto found = connections.find(id); found != connections.end()) close_connection(*found->second);
  }

  void accept_connections() {
    for (int accepted = 0; accepted < 64; ++accepted) {
      sockaddr_storage address{};
      socklen_t length = sizeof address;
      int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
        // Out of descriptors: the oldest-due connection makes room, as when the cap is reached.
        evict_nearest_deadline();
        fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      }
      if (fd < 0) return;
      if (connections.size() >= settings.max_connections) evict_nearest_deadline();
      const int on = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);

      auto c = std::make_unique<Connection>();
      c->id = next_id++;
      c->fd = fd;
      c->peer = describe_peer(address);
      if (tls_context) {
        c->tls = SSL_new(tls_context);
        if (!c->tls || SSL_set_fd(c->tls, fd) != 1) {
          release(*c);
          continue;
        }
        SSL_set_accept_state(c->tls);
        c->phase = Phase::Handshake;
      }
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = c->id << 1;
      c->client_events = EPOLLIN;
      if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
        release(*c);
        continue;
      }
      Connection& added = *c;
      connections.emplace(c->id, std::move(c));
      // The header deadline runs from the connection's start: a TLS handshake counts against it.
      set_deadline(added, SteadyClock::now() + settings.header_timeout);
    }
  }

  static std::string describe_peer(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
      const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
      inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
      return std::string(text) + ":" + std::to_string(ntohs(v4.sin_port));
    }
    if (address.ss_family == AF_INET6) {
      const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
      inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
      // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) about "[" + std::string(...).
      std::string peer(1, '[');
      peer.append(text).append("]:").append(std::to_string(ntohs(v6.sin6_port)));
      return peer;
    }
    return "";
  }

  // --- reading a request -----------------------------------------------------------------------

  void handshake(Connection& c) {
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

  // --- the cap on buffered bodies ---------------------------------------------------------------

  // A body up to this size may use the whole cap; a larger one must leave its last eighth free,
  // so a health check or a small batch is never turned away by large bodies filling the cap.
  static constexpr size_t kSmallBody = 64 * 1024;

  // Counts `bytes` of c's request body (its declared length, or what has arrived of a chunked
  // one) against the cap. False, with nothing counted, when they do not fit.
  bool hold(Connection& c, size_t bytes) {
    if (bytes <= c.held) return true;
    const size_t cap = settings.max_buffered_bytes;
    const size_t room = bytes <= kSmallBody ? cap : cap - cap / 8;
    const size_t others = buffered - c.held;
    if (bytes > room || others > room - bytes) return false;
    buffered = others + bytes;
    c.held = bytes;
    return true;
  }

  void let_go(Connection& c) {
    buffered -= c.held;
    c.held = 0;
  }

  Refusal busy() const {
    // Held bodies are gone within their body deadlines, so a retry after this many seconds
    // usually finds room.
    return Refusal{503, "hub_busy",
                   "the hub is holding as many request bodies as it can (" +
                       std::to_string(settings.max_buffered_bytes) +
                       " bytes in all); nothing from this request was stored, send it again later",
                   30};
  }

  void refuse(Connection& c, const Refusal& refusal) {
    // Nothing of a refused request is kept, and its body no longer counts against the cap.
    let_go(c);
    std::string().swap(c.in);
    c.chunks = ChunkedBody{};
    c.out = refusal_answer(refusal);
    c.out_sent = 0;
    c.close_after = true;
    start_answer(c);
  }

  Refusal too_large() const {
    return Refusal{413, "body_too_large",
                   "the request body is larger than the hub accepts (" + std::to_string(settings.max_body_bytes) +
                       " bytes); send fewer responses per batch"};
  }

  // Returns false when the connection was closed.
  bool take_head(Connection& c, size_t end) {
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

  void read_request(Connection& c) {
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

  // --- forwarding to the internal server -------------------------------------------------------

  void forward(Connection& c) {
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

  void backend_failed(Connection& c, const std::string& why) {
    if (c.backend >= 0) ::close(c.backend);
    c.backend = -1;
    refuse(c, Refusal{503, "hub_busy", why + "; nothing from this request was stored, send it again later"});
  }

  void on_backend(Connection& c, uint32_t events) {
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

  // The internal answer with the client's connection handling in place of the internal one.
  void relay_answer(Connection& c) {
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

  // --- answering -------------------------------------------------------------------------------

  void start_answer(Connection& c) {
    c.phase = Phase::Answer;
    set_deadline(c, SteadyClock::now() + settings.write_timeout + at_rate(c.out.size()));
    write_answer(c);
  }

  void write_answer(Connection& c) {
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

  // Ends the connection after an answer. Closing with the client's unread bytes in the socket
  // would reset it and could destroy the answer on the way, so the rest is read and dropped
  // for a moment after the FIN.
  void finish(Connection& c) {
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

  // --- deadlines -------------------------------------------------------------------------------

  void on_deadline(Connection& c) {
    switch (c.phase) {
      case Phase::Head:
        if (c.in.empty()) break;  // an idle keep-alive connection: nothing was asked, nothing to answer
        refuse(c, Refusal{408, "request_timeout",
                          "the request headers did not arrive within " +
                              std::to_string(settings.header_timeout.count()) + " ms"});
        return;
      case Phase::Body:
        refuse(c, Refusal{408, "request_timeout",
                          "the request body did not arrive in time (" +
                              (c.head.chunked ? std::to_string(c.chunks.body.size()) + " bytes of a chunked body"
                                              : std::to_string(c.in.size()) + " of " +
                                                    std::to_string(c.head.content_length) + " bytes") +
                              "); nothing was stored"});
        return;
      case Phase::Forward:
        backend_failed(c, "the hub took too long to answer");
        return;
      case Phase::Handshake:
      case Phase::Answer:
      case Phase::Closing:
        break;
    }
    close_connection(c);
  }

  void expire() {
    const SteadyTime now = SteadyClock::now();
    while (!deadlines.empty() && deadlines.begin()->first <= now) {
      const uint64_t id = deadlines.begin()->second;
      auto found = connections.find(id);
      if (found == connections.end()) {
        deadlines.erase(deadlines.begin());
        continue;
      }
      Connection& c = *found->second;
      const SteadyTime before = c.deadline;
      on_deadline(c);
      // A refusal sets a later deadline; anything else closed the connection.
      if (connections.count(id) && connections.at(id)->deadline == before) close_connection(*connections.at(id));
    }
  }

  int wait_ms() const {
    if (!revisit.empty()) return 0;
    if (deadlines.empty()) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadlines.begin()->first - SteadyClock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60'000));
  }

  void dispatch(uint64_t tag, uint32_t events) {
    auto found = connections.find(tag >> 1);
    if (found == connections.end()) return;  // closed earlier in this round
    Connection& c = *found->second;
    if (tag & 1) {
      if (c.phase == Phase::Forward && c.backend >= 0) on_backend(c, events);
      return;
    }
    switch (c.phase) {
      case Phase::Handshake: handshake(c); break;
      case Phase::Head:
      case Phase::Body: read_request(c); break;
      case Phase::Answer: write_answer(c); break;
      case Phase::Closing: finish(c); break;
      case Phase::Forward:
        if (events & (EPOLLHUP | EPOLLERR)) close_connection(c);
        break;
    }
  }

  void run() {
    // A write to a socket the client has reset raises SIGPIPE in the writing thread (OpenSSL
    // writes with write(2)); here it is an error code instead.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    std::vector<epoll_event> events(256);
    while (!stopping.load()) {
      const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), wait_ms());
      for (int i = 0; i < n; ++i) {
        const uint64_t tag = events[static_cast<size_t>(i)].data.u64;
        if (tag == kListenTag) {
          accept_connections();
        } else if (tag == kWakeTag) {
          uint64_t ignored = 0;
          [[maybe_unused]] const ssize_t read_bytes = ::read(wake_fd, &ignored, sizeof ignored);
        } else {
          dispatch(tag, events[static_cast<size_t>(i)].events);
        }
      }
      std::vector<uint64_t> again;
      again.swap(revisit);
      for (const uint64_t id : again) {
        auto found = connections.find(id);
        if (found == connections.end()) continue;
        if (found->second->phase == Phase::Head || found->second->phase == Phase::Body) read_request(*found->second);
      }
      expire();
    }
  }
};

namespace {

Result<SSL_CTX*> make_tls_context(const GateSettings& settings) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  const auto mismatch = [&] {
    SSL_CTX_free(context);
    ERR_clear_error();
    return Error{ErrorCode::Crypto, settings.tls_cert_file + " / " + settings.tls_key_file +
                                        ": not a matching PEM certificate and private key"};
  };
  if (!context) return mismatch();
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(context, settings.tls_cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, settings.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    return mismatch();
  }
  return context;
}

int bind_listener(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* entry = found; entry && fd < 0; entry = entry->ai_next) {
    fd = ::socket(entry->ai_family, entry->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, entry->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    const int off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (entry->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(fd, entry->ai_addr, entry->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

}  // namespace

ConnectionGate::ConnectionGate(std::unique_ptr<Loop> loop) : loop_(std::move(loop)) {}

ConnectionGate::~ConnectionGate() { stop(); }

int ConnectionGate::port() const { return loop_->port; }

Result<std::unique_ptr<ConnectionGate>> ConnectionGate::start(GateSettings settings) {
  auto loop = std::make_unique<Loop>();
  if (!settings.tls_cert_file.empty()) {
    auto context = make_tls_context(settings);
    if (!context) return context.error();
    loop->tls_context = context.value();
  }
  loop->listen_fd = bind_listener(settings.host, settings.port);
  if (loop->listen_fd < 0) {
    return Error{ErrorCode::InvalidInput, "cannot listen on " + settings.host + ":" + std::to_string(settings.port) +
                                              " (address in use, or not an address of this machine)"};
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(loop->listen_fd, reinterpret_cast<sockaddr*>(&bound), &length);
  loop->port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                                 : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  loop->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.u64 = kListenTag;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = kWakeTag;
  if (loop->epoll_fd < 0 || loop->wake_fd < 0 ||
      epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, loop->listen_fd, &listen_event) != 0 ||
      epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, loop->wake_fd, &wake_event) != 0) {
    return Error{ErrorCode::Internal, std::string("the connection gate could not start: ") + std::strerror(errno)};
  }
  loop->settings = std::move(settings);
  std::unique_ptr<ConnectionGate> gate(new ConnectionGate(std::move(loop)));
  Loop* raw = gate->loop_.get();
  gate->thread_ = std::thread([raw] { raw->run(); });
  return gate;
}

void ConnectionGate::stop() {
  if (!thread_.joinable()) return;
  loop_->stopping.store(true);
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(loop_->wake_fd, &one, sizeof one);
  thread_.join();
}

}  // namespace soundings::hub::detail
