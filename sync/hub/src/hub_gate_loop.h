// The connection gate's loop, shared by its files: hub_gate.cpp (connections, accepting, deadlines,
// the loop itself and start-up), hub_gate_read.cpp (TLS handshakes, reading a request within its
// caps) and hub_gate_answer.cpp (forwarding to the hub's workers and relaying their answer).
#pragma once

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

#include "hub_gate.h"

namespace soundings::hub::detail {

namespace gate {

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

}  // namespace gate

struct ConnectionGate::Loop {
  using Connection = gate::Connection;
  using Io = gate::Io;
  using SteadyTime = gate::SteadyTime;
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

  ~Loop();
  static void release(Connection& c);
  std::chrono::milliseconds at_rate(size_t bytes) const;
  void set_deadline(Connection& c, SteadyTime when);
  void close_connection(Connection& c);
  void watch(int fd, uint64_t tag, uint32_t wanted, uint32_t& current);
  void update_client_events(Connection& c);
  Io client_read(Connection& c, char* buffer, size_t size);
  Io client_write(Connection& c, const char* data, size_t size);

  // --- accepting -------------------------------------------------------------------------------

  void evict_nearest_deadline();
  void accept_connections();
  static std::string describe_peer(const sockaddr_storage& address);

  // --- reading a request -----------------------------------------------------------------------

  void handshake(Connection& c);

  // --- the cap on buffered bodies ---------------------------------------------------------------

  // A body up to this size may use the whole cap; a larger one must leave its last eighth free,
  // so a health check or a small batch is never turned away by large bodies filling the cap.
  static constexpr size_t kSmallBody = 64 * 1024;

  // Counts `bytes` of c's request body (its declared length, or what has arrived of a chunked
  // one) against the cap. False, with nothing counted, when they do not fit.
  bool hold(Connection& c, size_t bytes);
  void let_go(Connection& c);
  Refusal busy() const;
  void refuse(Connection& c, const Refusal& refusal);
  Refusal too_large() const;

  // Returns false when the connection was closed.
  bool take_head(Connection& c, size_t end);
  void read_request(Connection& c);

  // --- forwarding to the internal server -------------------------------------------------------

  void forward(Connection& c);
  void backend_failed(Connection& c, const std::string& why);
  void on_backend(Connection& c, uint32_t events);

  // The internal answer with the client's connection handling in place of the internal one.
  void relay_answer(Connection& c);

  // --- answering -------------------------------------------------------------------------------

  void start_answer(Connection& c);
  void write_answer(Connection& c);

  // Ends the connection after an answer. Closing with the client's unread bytes in the socket
  // would reset it and could destroy the answer on the way, so the rest is read and dropped
  // for a moment after the FIN.
  void finish(Connection& c);

  // --- deadlines -------------------------------------------------------------------------------

  void on_deadline(Connection& c);
  void expire();
  int wait_ms() const;
  void dispatch(uint64_t tag, uint32_t events);
  void run();
};

}  // namespace soundings::hub::detail
