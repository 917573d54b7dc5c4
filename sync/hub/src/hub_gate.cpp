// The connection gate: one epoll thread that accepts, reads each request whole under deadlines
// (TLS terminated here), forwards it to the internal httplib server and relays the answer.
#include "hub_gate_loop.h"

namespace soundings::hub::detail {

using namespace gate;

ConnectionGate::Loop::~Loop() {
  for (auto& [id, connection] : connections) release(*connection);
  connections.clear();
  if (listen_fd >= 0) ::close(listen_fd);
  if (wake_fd >= 0) ::close(wake_fd);
  if (epoll_fd >= 0) ::close(epoll_fd);
  if (tls_context) SSL_CTX_free(tls_context);
}

void ConnectionGate::Loop::release(Connection& c) {
  if (c.tls) SSL_free(c.tls);
  if (c.fd >= 0) ::close(c.fd);
  if (c.backend >= 0) ::close(c.backend);
  c.tls = nullptr;
  c.fd = c.backend = -1;
}

std::chrono::milliseconds ConnectionGate::Loop::at_rate(size_t bytes) const {
  return std::chrono::milliseconds(static_cast<int64_t>(bytes * 1000 / settings.min_transfer_rate));
}

void ConnectionGate::Loop::set_deadline(Connection& c, SteadyTime when) {
  deadlines.erase({c.deadline, c.id});
  c.deadline = when;
  deadlines.insert({c.deadline, c.id});
}

void ConnectionGate::Loop::close_connection(Connection& c) {
  let_go(c);
  deadlines.erase({c.deadline, c.id});
  release(c);  // closing the descriptors also takes them out of the epoll set
  connections.erase(c.id);
}

void ConnectionGate::Loop::watch(int fd, uint64_t tag, uint32_t wanted, uint32_t& current) {
  if (wanted == current) return;
  epoll_event event{};
  event.events = wanted;
  event.data.u64 = tag;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event);
  current = wanted;
}

void ConnectionGate::Loop::update_client_events(Connection& c) {
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

Io ConnectionGate::Loop::client_read(Connection& c, char* buffer, size_t size) {
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

Io ConnectionGate::Loop::client_write(Connection& c, const char* data, size_t size) {
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

void ConnectionGate::Loop::evict_nearest_deadline() {
  if (deadlines.empty()) return;
  const uint64_t id = deadlines.begin()->second;
  if (auto found = connections.find(id); found != connections.end()) close_connection(*found->second);
}

void ConnectionGate::Loop::accept_connections() {
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

std::string ConnectionGate::Loop::describe_peer(const sockaddr_storage& address) {
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

void ConnectionGate::Loop::on_deadline(Connection& c) {
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

void ConnectionGate::Loop::expire() {
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

int ConnectionGate::Loop::wait_ms() const {
  if (!revisit.empty()) return 0;
  if (deadlines.empty()) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadlines.begin()->first - SteadyClock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60'000));
}

void ConnectionGate::Loop::dispatch(uint64_t tag, uint32_t events) {
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

void ConnectionGate::Loop::run() {
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

