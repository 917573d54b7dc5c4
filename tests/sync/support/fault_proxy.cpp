// The fault-injecting proxy: one thread per connection, decisions per request from one seeded generator.
#include "fault_proxy.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "loopback_socket.h"

namespace soundings::test {

namespace {

constexpr std::chrono::milliseconds kPollStep{50};
constexpr std::chrono::seconds kIdleLimit{30};  // a connection idle this long is closed: the proxy never hangs a test

}  // namespace

FaultProxy::FaultProxy(int upstream_port, FaultPlan plan)
    : upstream_port_(upstream_port), plan_(plan), rng_(plan.seed) {
  listen_fd_ = listen_loopback(port_);
  if (listen_fd_ >= 0) acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() { stop(); }

void FaultProxy::stop() {
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

FaultCounts FaultProxy::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

FaultProxy::Fault FaultProxy::roll(const std::string& first_line) {
  std::lock_guard lock(mutex_);
  ++counts_.exchanges;
  const double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  if (counts_.faults() >= plan_.max_faults) return Fault::None;
  if (!plan_.only_requests_to.empty() && first_line.find(plan_.only_requests_to) == std::string::npos) {
    return Fault::None;
  }
  double edge = plan_.drop;
  if (r < edge) return ++counts_.dropped, Fault::Drop;
  edge += plan_.cut_after_request;
  if (r < edge) return ++counts_.cut_after_request, Fault::CutAfterRequest;
  edge += plan_.cut_mid_answer;
  if (r < edge) return ++counts_.cut_mid_answer, Fault::CutMidAnswer;
  edge += plan_.delay;
  if (r < edge) return ++counts_.delayed, Fault::Delay;
  return Fault::None;
}

void FaultProxy::accept_loop() {
  while (!stopping_) {
    if (!wait_readable(listen_fd_, kPollStep)) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    ++counts_.connections;
    int upstream_port = upstream_port_;
    if (plan_.second_upstream_port != 0 && counts_.connections % 2 == 0) {
      upstream_port = plan_.second_upstream_port;
      ++counts_.to_second_upstream;
    }
    connections_.emplace_back([this, client, upstream_port] { serve(client, upstream_port); });
  }
}

void FaultProxy::serve(int client_fd, int upstream_port) {
  Socket client(client_fd);
  Socket upstream(connect_loopback(upstream_port));
  if (!upstream.valid()) return;

  Fault fault = Fault::None;
  bool in_request = false;   // the device has sent a request whose answer has not started
  bool cut_next_body = false;  // CutMidAnswer: headers went through whole, cut the next body bytes
  std::string head;          // the answer's bytes up to its blank line, while looking for it
  char buffer[64 * 1024];
  auto last_activity = std::chrono::steady_clock::now();

  while (!stopping_ && std::chrono::steady_clock::now() - last_activity < kIdleLimit) {
    pollfd fds[2] = {{client.get(), POLLIN, 0}, {upstream.get(), POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(kPollStep.count())) <= 0) continue;
    last_activity = std::chrono::steady_clock::now();

    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t got = ::recv(client.get(), buffer, sizeof buffer, 0);
      if (got <= 0) return;
      if (!in_request) {  // the first bytes of a new request
        in_request = true;
        head.clear();
        cut_next_body = false;
        const std::string start(buffer, static_cast<size_t>(got));
        fault = roll(start.substr(0, start.find("\r\n")));
        if (fault == Fault::Drop) return client.reset();
        if (fault == Fault::Delay) std::this_thread::sleep_for(plan_.delay_for);
      }
      if (!write_all(upstream.get(), buffer, static_cast<size_t>(got))) return;
    }

    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t got = ::recv(upstream.get(), buffer, sizeof buffer, 0);
      if (got <= 0) return;
      size_t forward = static_cast<size_t>(got);
      if (in_request) {  // the answer starts: the hub sends it only after committing
        in_request = false;
        if (fault == Fault::CutAfterRequest) return client.reset();
        if (fault == Fault::CutMidAnswer) cut_next_body = true, head.clear();
      }
      if (cut_next_body) {
        head.append(buffer, forward);
        const auto blank = head.find("\r\n\r\n");
        if (blank != std::string::npos) {
          const size_t body_here = head.size() - (blank + 4);
          if (body_here > 0) {
            // Everything up to the headers' end that arrived in this chunk, plus half of its body bytes.
            const size_t before_chunk = head.size() - forward;
            const size_t keep = blank + 4 + body_here / 2 - before_chunk;
            write_all(client.get(), buffer, keep);
            return client.reset();
          }
        }
      }
      if (!write_all(client.get(), buffer, forward)) return;
    }
  }
}

}  // namespace soundings::test
