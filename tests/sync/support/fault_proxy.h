// A TCP proxy on 127.0.0.1 that drops, cuts and delays exchanges with a seeded probability (netem is not available).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace soundings::test {

struct FaultPlan {
  double drop = 0;               // close the device's connection before its request reaches the hub
  double cut_after_request = 0;  // forward the request whole, close as the answer starts: the hub has
                                 // committed, the device never hears (a lost acknowledgement)
  double cut_mid_answer = 0;     // forward the answer's headers and part of its body, then reset
  double delay = 0;              // hold the request for `delay_for` before forwarding it
  std::chrono::milliseconds delay_for{150};
  uint64_t seed = 1;
  int max_faults = 1000000;      // after this many faults, forward everything faithfully
  std::string only_requests_to;  // non-empty: faults only for requests whose first line holds this
  int second_upstream_port = 0;  // non-zero: connections alternate between the two upstreams, as a load
                                 // balancer in front of two hubs would send them
};

struct FaultCounts {
  int connections = 0;
  int exchanges = 0;  // requests seen
  int dropped = 0;
  int cut_after_request = 0;
  int cut_mid_answer = 0;
  int delayed = 0;
  int to_second_upstream = 0;  // connections sent to FaultPlan::second_upstream_port
  int faults() const { return dropped + cut_after_request + cut_mid_answer; }
};

class FaultProxy {
 public:
  // Listens at once on 127.0.0.1 with a free port and forwards to 127.0.0.1:upstream_port.
  FaultProxy(int upstream_port, FaultPlan plan);
  ~FaultProxy();  // stops: closes every connection and joins its threads
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  FaultCounts counts() const;
  void stop();

 private:
  enum class Fault { None, Drop, CutAfterRequest, CutMidAnswer, Delay };
  Fault roll(const std::string& first_line);
  void accept_loop();
  void serve(int client_fd, int upstream_port);

  int upstream_port_;
  FaultPlan plan_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::mt19937_64 rng_;
  FaultCounts counts_;
  std::list<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace soundings::test
