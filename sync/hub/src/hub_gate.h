// The connection gate: reads each request whole, under deadlines, before the hub's workers see it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "gate_http.h"
#include "soundings/result.h"

namespace soundings::hub::detail {

struct GateSettings {
  std::string host;                 // the public address
  int port = 0;                     // 0: the system picks
  int backend_port = 0;             // the internal httplib server on 127.0.0.1
  std::string secret;               // value of kGateSecretHeader on every forwarded request
  std::chrono::milliseconds header_timeout{10'000};
  size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds body_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  size_t min_transfer_rate = 64 * 1024;
  std::chrono::milliseconds backend_timeout{120'000};  // the hub's own answer (a large batch under load)
  size_t max_body_bytes = 8 * 1024 * 1024;
  size_t max_answer_bytes = 256 * 1024 * 1024;         // an internal answer larger than this is a fault
  size_t max_connections = 1024;
  size_t max_buffered_bytes = 256 * 1024 * 1024;       // request bodies held across all connections
  std::string tls_cert_file;        // both set: TLS is terminated in the gate
  std::string tls_key_file;
};

class ConnectionGate {
 public:
  // Binds settings.host:settings.port and starts the gate's thread.
  static Result<std::unique_ptr<ConnectionGate>> start(GateSettings settings);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  int port() const;
  void stop();  // closes every connection and joins the thread

  struct Loop;

 private:
  explicit ConnectionGate(std::unique_ptr<Loop> loop);
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace soundings::hub::detail
