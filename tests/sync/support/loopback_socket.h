// Small POSIX socket helpers for the test servers and the fault proxy: 127.0.0.1 only.
#pragma once

#include <chrono>
#include <string>

namespace soundings::test {

// A listening socket on 127.0.0.1 with a port the system picks; -1 on failure.
int listen_loopback(int& port);
// A connected socket to 127.0.0.1:port; -1 on failure.
int connect_loopback(int port);
// Writes everything unless the peer goes away; false then.
bool write_all(int fd, const char* data, size_t size);
// Closes with a TCP reset (SO_LINGER 0), as a cut cable or a crashing middlebox does.
void close_with_reset(int fd);
// Waits up to `timeout` for `fd` to be readable; false on timeout.
bool wait_readable(int fd, std::chrono::milliseconds timeout);

// An owned file descriptor.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket();
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void close();
  void reset();  // close_with_reset

 private:
  int fd_ = -1;
};

}  // namespace soundings::test
