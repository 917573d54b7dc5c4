// The misbehaving loopback server: reads one request at a time, answers as told, then closes, resets or hangs.
#include "fake_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "loopback_socket.h"

namespace soundings::test {

namespace {

constexpr std::chrono::milliseconds kPollStep{50};
constexpr std::chrono::seconds kLifetime{60};  // no connection outlives this, whatever the reply says

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

size_t content_length(const std::string& head) {
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return static_cast<size_t>(std::strtoull(lower.c_str() + at + 17, nullptr, 10));
}

}  // namespace

FakeReply http_reply(int status, const std::string& content_type, const std::string& body,
                     const std::string& extra_headers) {
  FakeReply reply;
  reply.bytes = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  if (!content_type.empty()) reply.bytes += "Content-Type: " + content_type + "\r\n";
  reply.bytes += extra_headers;
  reply.bytes += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  return reply;
}

FakeReply captive_portal_page() {
  return http_reply(200, "text/html; charset=utf-8",
                    "<!DOCTYPE html><html><head><title>Library Wi-Fi</title></head>"
                    "<body><form action=\"/login\">Accept the terms to continue</form></body></html>");
}

FakeReply redirect_to_login() {
  return http_reply(302, "text/html", "<a href=\"http://portal.example/login\">login</a>",
                    "Location: http://portal.example/login\r\n");
}

FakeReply json_reply(int status, const std::string& json) { return http_reply(status, "application/json", json); }

FakeReply hang_forever() {
  FakeReply reply;
  reply.then = FakeReply::Then::Hang;
  return reply;
}

FakeReply reset_mid_body() {
  FakeReply reply;
  reply.bytes = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"results\": [";
  reply.bytes += std::string(87, ' ');
  reply.then = FakeReply::Then::Reset;
  return reply;
}

FakeReply health_of(const std::string& hub_id) {
  return json_reply(200, "{\"service\": \"soundings-hub\", \"api\": 1, \"hub_id\": \"" + hub_id +
                             "\", \"version\": \"0.1.0\"}");
}

FakeReply forward_to(int port, const FakeRequest& request) {
  Socket upstream(connect_loopback(port));
  // One exchange per connection, as the fake server does: the upstream closes when it has answered.
  const std::string sent = request.head + "\r\nConnection: close\r\n\r\n" + request.body;
  if (!upstream.valid() || !write_all(upstream.get(), sent.data(), sent.size())) {
    return http_reply(502, "text/plain", "the upstream server could not be reached");
  }
  FakeReply reply;
  char buffer[16 * 1024];
  const auto deadline = std::chrono::steady_clock::now() + kLifetime;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!wait_readable(upstream.get(), kPollStep)) continue;
    const ssize_t got = ::recv(upstream.get(), buffer, sizeof buffer, 0);
    if (got <= 0) break;
    reply.bytes.append(buffer, static_cast<size_t>(got));
  }
  return reply;
}

FakeServer::FakeServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = listen_loopback(port_);
  if (listen_fd_ >= 0) acceptor_ = std::thread([this] { accept_loop(); });
}

FakeServer::~FakeServer() { stop(); }

void FakeServer::stop() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(connections_);
  }
  for (auto& thread : threads) thread.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void FakeServer::accept_loop() {
  while (!stopping_) {
    if (!wait_readable(listen_fd_, kPollStep)) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeServer::serve(int fd) {
  Socket connection(fd);
  const auto deadline = std::chrono::steady_clock::now() + kLifetime;
  const auto alive = [&] { return !stopping_ && std::chrono::steady_clock::now() < deadline; };
  std::string received;
  char buffer[16 * 1024];
  // Reads the head and a Content-Length body: enough HTTP for one request per connection.
  size_t head_end = std::string::npos;
  while (alive()) {
    if (head_end != std::string::npos && received.size() >= head_end + 4 + content_length(received.substr(0, head_end + 2))) {
      break;
    }
    if (!wait_readable(fd, kPollStep)) continue;
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    received.append(buffer, static_cast<size_t>(got));
    if (head_end == std::string::npos) head_end = received.find("\r\n\r\n");
  }
  if (!alive()) return;
  ++requests_;
  FakeRequest request;
  request.head = received.substr(0, head_end);
  request.body = received.substr(head_end + 4);
  const auto space = request.head.find(' ');
  request.method = request.head.substr(0, space);
  const auto path_end = request.head.find(' ', space + 1);
  request.path = request.head.substr(space + 1, path_end - space - 1);

  const FakeReply reply = handler_(request);
  const auto send_at = std::chrono::steady_clock::now() + reply.delay;
  while (alive() && std::chrono::steady_clock::now() < send_at) std::this_thread::sleep_for(kPollStep);
  if (!alive()) return;
  if (!reply.bytes.empty()) write_all(fd, reply.bytes.data(), reply.bytes.size());
  switch (reply.then) {
    case FakeReply::Then::Close:
      ::shutdown(fd, SHUT_WR);
      // Let the client read everything before the socket goes.
      while (alive() && wait_readable(fd, kPollStep) && ::recv(fd, buffer, sizeof buffer, 0) > 0) {
      }
      return;
    case FakeReply::Then::Reset: return connection.reset();
    case FakeReply::Then::Hang:
      while (alive()) std::this_thread::sleep_for(kPollStep);
      return;
  }
}

}  // namespace soundings::test
