// Hub tests: slow, silent and malformed connections cannot starve the hub's workers (the connection gate).
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "loopback_socket.h"
#include "must.h"
#include "self_signed.h"

using hubtest::good_response;
using hubtest::ServedHub;
using nlohmann::json;
using soundings::test::Socket;
using soundings::test::write_self_signed;
using SteadyClock = std::chrono::steady_clock;

namespace {

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Everything the hub sends on `fd` until it closes the connection or `limit` passes.
std::string read_until_closed(int fd, std::chrono::milliseconds limit, bool* closed = nullptr) {
  std::string text;
  const auto end = SteadyClock::now() + limit;
  if (closed) *closed = false;
  while (SteadyClock::now() < end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - SteadyClock::now());
    if (!soundings::test::wait_readable(fd, std::max(left, std::chrono::milliseconds(1)))) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      break;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

struct RawAnswer {
  int status = 0;
  std::string head;  // status line and headers
  json body;
  bool closed = false;
  double seconds = 0;
};

// Sends `request` as is on a fresh connection and reads the answer to the connection's end.
RawAnswer send_raw(int port, const std::string& request, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  RawAnswer answer;
  Socket socket(soundings::test::connect_loopback(port));
  REQUIRE(socket.valid());
  const auto start = SteadyClock::now();
  REQUIRE(soundings::test::write_all(socket.get(), request.data(), request.size()));
  const std::string text = read_until_closed(socket.get(), limit, &answer.closed);
  answer.seconds = seconds_since(start);
  if (text.rfind("HTTP/1.1 ", 0) == 0) answer.status = std::stoi(text.substr(9, 3));
  const size_t body = text.find("\r\n\r\n");
  answer.head = text.substr(0, body);
  if (body != std::string::npos) answer.body = json::parse(text.substr(body + 4), nullptr, false);
  return answer;
}

// Connections that each send a request a byte or a few at a time, every 100-200 ms, from one thread.
class Tricklers {
 public:
  Tricklers(int port, int count, int with_body) {
    const std::string head = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(400, 'a');
    // A body's head is sent whole at once, so that the body itself is what trickles.
    const std::string body_head =
        "POST /api/v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000\r\n\r\n";
    const std::string body = body_head + std::string(100000, ' ');
    for (int i = 0; i < count; ++i) {
      Socket socket(soundings::test::connect_loopback(port));
      if (!socket.valid()) break;
      const bool with_a_body = i < with_body;
      if (with_a_body && !soundings::test::write_all(socket.get(), body_head.data(), body_head.size())) break;
      ::fcntl(socket.get(), F_SETFL, O_NONBLOCK);
      streams_.push_back({std::move(socket), with_a_body ? body : head, with_a_body ? body_head.size() : 0});
    }
    thread_ = std::thread([this] { run(); });
  }
  ~Tricklers() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t opened() const { return streams_.size(); }
  // How many are still open as far as the client can tell (no end of stream, no reset).
  int still_open() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    int open = 0;
    for (auto& stream : streams_) {
      char byte;
      const ssize_t n = ::recv(stream.socket.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ++open;
    }
    return open;
  }

 private:
  struct Stream {
    Socket socket;
    std::string text;
    size_t sent;
  };
  void run() {
    std::mt19937 random(7);
    std::uniform_int_distribution<int> pause(100, 200);
    std::vector<SteadyClock::time_point> due(streams_.size(), SteadyClock::now());
    while (!stop_) {
      const auto now = SteadyClock::now();
      for (size_t i = 0; i < streams_.size(); ++i) {
        Stream& stream = streams_[i];
        if (now < due[i] || stream.sent >= stream.text.size()) continue;
        // Headers a byte at a time; a body a few bytes at a time, far below the minimum rate.
        const size_t chunk = stream.text.size() > 1000 ? 4 : 1;
        const ssize_t n = ::send(stream.socket.get(), stream.text.data() + stream.sent,
                                 std::min(chunk, stream.text.size() - stream.sent), MSG_NOSIGNAL);
        if (n > 0) stream.sent += static_cast<size_t>(n);
        due[i] = now + std::chrono::milliseconds(pause(random));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::vector<Stream> streams_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Ports this process listens on at 127.0.0.1, to find the hub's internal one. /proc/self/net/tcp
// lists the whole network namespace, so a socket counts only if one of this process's
// descriptors is it.
std::vector<int> loopback_listening_ports() {
  std::set<std::string> own_sockets;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const std::string target = std::filesystem::read_symlink(entry.path(), error).string();
    if (!error && target.rfind("socket:[", 0) == 0) own_sockets.insert(target.substr(8, target.size() - 9));
  }
  std::vector<int> ports;
  std::ifstream table("/proc/self/net/tcp");
  std::string line;
  std::getline(table, line);  // column titles
  while (std::getline(table, line)) {
    char local[64] = {};
    unsigned state = 0;
    unsigned long inode = 0;
    if (std::sscanf(line.c_str(), "%*d: %63s %*s %x %*s %*s %*s %*d %*d %lu", local, &state, &inode) != 3 ||
        state != 0x0A || !own_sockets.count(std::to_string(inode))) {
      continue;
    }
    const std::string address(local);
    if (address.rfind("0100007F:", 0) == 0) ports.push_back(std::stoi(address.substr(9), nullptr, 16));
  }
  return ports;
}

}  // namespace

TEST_CASE("the internal server behind the gate answers nothing that did not come through the gate", "[hub][gate]") {
  ServedHub served;
  std::vector<int> internal;
  for (const int port : loopback_listening_ports()) {
    if (port != served.port()) internal.push_back(port);
  }
  REQUIRE(internal.size() == 1);
  httplib::Client direct("127.0.0.1", internal.front());
  direct.set_connection_timeout(2, 0);
  direct.set_read_timeout(2, 0);
  for (const char* secret : {"", "guess", "0000000000000000000000000000000000000000000000000000000000000000"}) {
    httplib::Headers headers;
    if (*secret) headers.emplace("X-Soundings-Gate", secret);
    const auto answer = direct.Get("/api/v1/health", headers);
    REQUIRE(answer);
    CHECK(answer->status == 403);
    CHECK(json::parse(answer->body, nullptr, false).value("error", "") == "forbidden");
  }
  auto through_gate = served.client();
  const auto health = through_gate.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("200 connections trickling bytes leave health answering and a device's batch stored", "[hub][gate]") {
  ServedHub served;
  const std::string token = served.enrol();
  Tricklers tricklers(served.port(), 200, 20);
  REQUIRE(tricklers.opened() == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every one of them has begun its request

  std::atomic<bool> batch_done{false};
  int batch_status = 0;
  json batch_answer;
  std::thread device([&] {
    auto client = served.client();
    client.set_read_timeout(5, 0);
    batch_answer = hubtest::post_batch(client, token, hubtest::batch_of({good_response(), good_response()}),
                                       &batch_status);
    batch_done = true;
  });

  int probes = 0;
  int answered_in_time = 0;
  double slowest = 0;
  const auto start = SteadyClock::now();
  while (seconds_since(start) < 3.0) {
    httplib::Client client("127.0.0.1", served.port());
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(2, 0);
    const auto probe_start = SteadyClock::now();
    const auto health = client.Get("/api/v1/health");
    const double took = seconds_since(probe_start);
    ++probes;
    slowest = std::max(slowest, took);
    if (health && health->status == 200 && took < 2.0) ++answered_in_time;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  device.join();

  INFO("slowest health probe: " << slowest << " s");
  CHECK(answered_in_time == probes);
  CHECK(batch_status == 200);
  CHECK(soundings::testing::must(served.hub().stored_count()) == 2);
  // The slow connections were held, not dropped: their deadlines (10 s) are still ahead.
  CHECK(tricklers.still_open() == 200);
}

TEST_CASE("a Content-Length with a sign, past 2^63 or not a number is answered at once with the hub's JSON",
          "[hub][gate]") {
  ServedHub served;
  const std::string token = served.enrol();
  struct Case {
    const char* length;
    int status;
    const char* error;
  };
  for (const Case& bad : {Case{"-1", 400, "bad_request"}, Case{"9223372036854775808", 413, "body_too_large"},
                          Case{"18446744073709551616", 413, "body_too_large"}, Case{"12abc", 400, "bad_request"},
                          Case{"+5", 400, "bad_request"}, Case{"8388609", 413, "body_too_large"}}) {
    INFO("Content-Length: " << bad.length);
    const RawAnswer answer =
        send_raw(served.port(), "POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                                    "\r\nContent-Length: " + bad.length + "\r\n\r\n{\"responses\": []}");
    CHECK(answer.status == bad.status);
    CHECK(answer.body.value("error", "") == bad.error);
    CHECK(!answer.body.value("message", "").empty());
    CHECK(answer.closed);
    CHECK(answer.seconds < 0.5);
  }
  const RawAnswer twice = send_raw(served.port(),
                                   "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                   "Content-Length: 20\r\n\r\n{}");
  CHECK(twice.status == 400);
  CHECK(twice.body.value("message", "").find("more than once") != std::string::npos);
  // A chunked body is decoded by the gate and reaches the hub whole (here: refused for want of a token).
  const RawAnswer chunked = send_raw(served.port(),
                                     "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                     "Connection: close\r\n\r\n1\r\n{\r\n1;ext=1\r\n}\r\n0\r\n\r\n");
  CHECK(chunked.status == 401);
  const RawAnswer bad_chunk = send_raw(served.port(),
                                       "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                       "\r\n-2\r\n{}\r\n0\r\n\r\n");
  CHECK(bad_chunk.status == 400);
  CHECK(bad_chunk.body.value("error", "") == "bad_body");
  const RawAnswer both = send_raw(served.port(),
                                  "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  CHECK(both.status == 400);
  // Chunk extensions are not a way to send unbounded bytes for a small body.
  std::string padded = "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string one = "1;" + std::string(4000, 'e') + "\r\n{\r\n";
  while (padded.size() < 17 * 1024 * 1024 + 100 * 1024) padded += one;
  const RawAnswer extended = send_raw(served.port(), padded, std::chrono::seconds(10));
  CHECK(extended.status == 413);
  const RawAnswer gzip = send_raw(served.port(),
                                  "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n");
  CHECK(gzip.status == 411);
  CHECK(gzip.body.value("error", "") == "length_required");
  const RawAnswer huge_head = send_raw(served.port(), "GET /api/v1/health HTTP/1.1\r\nX-Big: " +
                                                          std::string(20 * 1024, 'b') + "\r\n\r\n");
  CHECK(huge_head.status == 431);
  CHECK(huge_head.body.value("error", "") == "headers_too_large");
  CHECK(soundings::testing::must(served.hub().stored_count()) == 0);
}

TEST_CASE("header values and versions that are not UTF-8 are refused with the hub's JSON and the hub keeps serving",
          "[hub][gate]") {
  // The refusal quotes what was sent; bytes that are not UTF-8 could not be written as JSON, and the
  // exception ended the whole hub process.
  ServedHub served;
  for (const std::string request :
       {"POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 1\xc3\r\n\r\n{",
        "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \xff\xfe\r\n\r\n",
        "GET /api/v1/health HTTP/1.\xc3\r\nHost: x\r\n\r\n",
        "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\xc3\r\n{}\r\n0\r\n\r\n"}) {
    const RawAnswer answer = send_raw(served.port(), request);
    CHECK(answer.status >= 400);
    CHECK(answer.status < 500);
    CHECK(answer.body.is_object());
    CHECK(!answer.body.value("message", "").empty());
    auto client = served.client();
    const auto health = client.Get("/api/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
  }
}

TEST_CASE("a connection trickling its headers is answered 408 and closed at its header deadline", "[hub][gate]") {
  soundings::hub::HubConfig config;
  config.header_timeout = std::chrono::milliseconds(600);
  ServedHub served(config);
  Socket socket(soundings::test::connect_loopback(served.port()));
  REQUIRE(socket.valid());
  const std::string head = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(100, 'z');
  const auto start = SteadyClock::now();
  std::string answer;
  bool closed = false;
  for (size_t i = 0; i < head.size() && !closed; ++i) {
    if (!soundings::test::write_all(socket.get(), &head[i], 1)) break;
    answer += read_until_closed(socket.get(), std::chrono::milliseconds(100), &closed);
  }
  if (!closed) answer += read_until_closed(socket.get(), std::chrono::seconds(3), &closed);
  const double took = seconds_since(start);
  CHECK(closed);
  CHECK(took >= 0.5);
  CHECK(took < 2.0);
  CHECK(answer.rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK(answer.find("\"request_timeout\"") != std::string::npos);

  // A connection that never sends a byte is closed at the same deadline, without an answer.
  Socket silent(soundings::test::connect_loopback(served.port()));
  const auto silent_start = SteadyClock::now();
  bool silent_closed = false;
  CHECK(read_until_closed(silent.get(), std::chrono::seconds(3), &silent_closed).empty());
  CHECK(silent_closed);
  CHECK(seconds_since(silent_start) < 2.0);
}

TEST_CASE("a body slower than the minimum rate is answered 408 at its deadline and nothing is stored",
          "[hub][gate]") {
  soundings::hub::HubConfig config;
  config.body_timeout = std::chrono::milliseconds(500);
  ServedHub served(config);
  const std::string token = served.enrol();
  const std::string body = hubtest::batch_of({good_response()}).dump();
  Socket socket(soundings::test::connect_loopback(served.port()));
  const std::string head = "POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  REQUIRE(soundings::test::write_all(socket.get(), head.data(), head.size()));
  const auto start = SteadyClock::now();
  std::string answer;
  bool closed = false;
  for (size_t i = 0; i < body.size() && !closed; ++i) {
    if (!soundings::test::write_all(socket.get(), &body[i], 1)) break;
    answer += read_until_closed(socket.get(), std::chrono::milliseconds(50), &closed);
  }
  const double took = seconds_since(start);
  CHECK(closed);
  CHECK(took < 2.0);
  CHECK(answer.rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK(soundings::testing::must(served.hub().stored_count()) == 0);
}

TEST_CASE("pipelined requests on one kept-alive connection are each answered, in order", "[hub][gate]") {
  ServedHub served;
  Socket socket(soundings::test::connect_loopback(served.port()));
  const std::string two = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/nowhere HTTP/1.1\r\nHost: x\r\n"
                          "Connection: close\r\n\r\n";
  REQUIRE(soundings::test::write_all(socket.get(), two.data(), two.size()));
  bool closed = false;
  const std::string answers = read_until_closed(socket.get(), std::chrono::seconds(5), &closed);
  CHECK(closed);
  const size_t second = answers.find("HTTP/1.1 404 ");
  CHECK(answers.rfind("HTTP/1.1 200 ", 0) == 0);
  REQUIRE(second != std::string::npos);
  CHECK(answers.find("Connection: keep-alive") < second);
  CHECK(answers.find("\"not_found\"", second) != std::string::npos);
}

TEST_CASE("a client that expects 100-continue is told to go on by the gate, and its body reaches the hub",
          "[hub][gate]") {
  ServedHub served;
  Socket socket(soundings::test::connect_loopback(served.port()));
  const std::string head = "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Content-Length: 2\r\nConnection: close\r\n\r\n";
  REQUIRE(soundings::test::write_all(socket.get(), head.data(), head.size()));
  REQUIRE(soundings::test::wait_readable(socket.get(), std::chrono::seconds(2)));
  char buffer[64] = {};
  const ssize_t n = ::recv(socket.get(), buffer, sizeof buffer - 1, 0);
  CHECK(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0) == "HTTP/1.1 100 Continue\r\n\r\n");
  REQUIRE(soundings::test::write_all(socket.get(), "{}", 2));
  bool closed = false;
  const std::string answer = read_until_closed(socket.get(), std::chrono::seconds(5), &closed);
  CHECK(answer.rfind("HTTP/1.1 401 ", 0) == 0);  // the hub itself judged it: no token
  CHECK(answer.find("\"unauthorized\"") != std::string::npos);
}

TEST_CASE("a client's own gate header is replaced, so it neither passes nor blocks a request", "[hub][gate]") {
  ServedHub served;
  const RawAnswer answer = send_raw(served.port(),
                                    "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Soundings-Gate: guess\r\n"
                                    "Connection: close\r\n\r\n");
  CHECK(answer.status == 200);
  CHECK(answer.body.value("service", "") == "soundings-hub");
}

TEST_CASE("when the connection cap is reached, the connection nearest its deadline makes room", "[hub][gate]") {
  soundings::hub::HubConfig config;
  config.max_connections = 8;
  ServedHub served(config);
  std::vector<Socket> idle;
  for (int i = 0; i < 20; ++i) idle.emplace_back(soundings::test::connect_loopback(served.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto client = served.client();
  const auto health = client.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  // The first twelve were closed to make room for the later ones.
  bool first_closed = false;
  read_until_closed(idle.front().get(), std::chrono::milliseconds(500), &first_closed);
  CHECK(first_closed);
}

TEST_CASE("when held bodies fill the buffer cap, a further large body gets 503 hub_busy at once and nothing of it "
          "is stored",
          "[hub][gate]") {
  soundings::hub::HubConfig config;
  config.max_buffered_bytes = 1024 * 1024;
  ServedHub served(config);
  const std::string token = served.enrol();
  const std::string auth = "\r\nAuthorization: Bearer " + token;

  // Three uploads of 256 KiB that have sent a little and then pause: 768 KiB held of the 896 KiB
  // a large body may use (the cap less the eighth kept for small requests).
  const size_t held_size = 256 * 1024;
  std::vector<Socket> holders;
  for (int i = 0; i < 3; ++i) {
    holders.emplace_back(soundings::test::connect_loopback(served.port()));
    const std::string start = "POST /api/v1/responses HTTP/1.1\r\nHost: x" + auth +
                              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(held_size) +
                              "\r\n\r\n{\"responses\": [";
    REQUIRE(soundings::test::write_all(holders.back().get(), start.data(), start.size()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the gate has taken their heads

  // A whole batch of about 200 KiB would take the total past its share: refused before its body is read.
  json large = hubtest::batch_of({good_response()});
  large["padding"] = std::string(200 * 1024, 'p');
  const std::string large_body = large.dump();
  const RawAnswer refused = send_raw(served.port(), "POST /api/v1/responses HTTP/1.1\r\nHost: x" + auth +
                                                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                                                        std::to_string(large_body.size()) + "\r\n\r\n" + large_body);
  CHECK(refused.status == 503);
  CHECK(refused.body.value("error", "") == "hub_busy");
  CHECK(!refused.body.value("message", "").empty());
  CHECK(refused.head.find("\r\nRetry-After: ") != std::string::npos);
  CHECK(refused.closed);
  CHECK(refused.seconds < 1.0);
  // The same through a chunked body, which is counted as it arrives.
  const RawAnswer refused_chunked =
      send_raw(served.port(), "POST /api/v1/responses HTTP/1.1\r\nHost: x" + auth +
                                  "\r\nTransfer-Encoding: chunked\r\n\r\n" + [&] {
                                    std::ostringstream chunk;
                                    chunk << std::hex << large_body.size() << "\r\n" << large_body << "\r\n0\r\n\r\n";
                                    return chunk.str();
                                  }());
  CHECK(refused_chunked.status == 503);
  CHECK(refused_chunked.body.value("error", "") == "hub_busy");
  CHECK(soundings::testing::must(served.hub().stored_count()) == 0);

  // Health and a small batch still fit in what is left.
  auto client = served.client();
  const auto health = client.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  int small_status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of({good_response()}), &small_status);
  CHECK(small_status == 200);
  CHECK(soundings::testing::must(served.hub().stored_count()) == 1);

  // Once the held uploads are gone their bytes are free, and the large batch is stored.
  holders.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto again = served.client();
  const auto stored = again.Post("/api/v1/responses", hubtest::bearer(token), large_body, "application/json");
  REQUIRE(stored);
  CHECK(stored->status == 200);
  CHECK(soundings::testing::must(served.hub().stored_count()) == 2);
}

TEST_CASE("a TLS handshake that stalls is closed at the header deadline while HTTPS keeps answering",
          "[hub][gate][tls]") {
  hubtest::TempDir certs;
  const std::string cert = (certs.path() / "hub.crt").string();
  const std::string key = (certs.path() / "hub.key").string();
  REQUIRE(write_self_signed(cert, key));
  soundings::hub::HubConfig config;
  config.tls_cert_file = cert;
  config.tls_key_file = key;
  config.header_timeout = std::chrono::milliseconds(700);
  ServedHub served(config);

  // A body of several MiB arrives whole through TLS although the gate reads it in turns.
  const std::string big = json{{"responses", json::array()}, {"padding", std::string(3 * 1024 * 1024, 'p')}}.dump();
  {
    httplib::SSLClient uploader("127.0.0.1", served.port());
    uploader.set_ca_cert_path(cert.c_str());
    uploader.enable_server_certificate_verification(true);
    uploader.set_read_timeout(10, 0);
    uploader.set_write_timeout(10, 0);
    const auto code = served.hub().make_enrol_code("TLS tablet");
    REQUIRE(code);
    const auto enrolled = uploader.Post("/api/v1/enrol", json{{"code", *code}}.dump(), "application/json");
    REQUIRE(enrolled);
    REQUIRE(enrolled->status == 200);
    const std::string token = json::parse(enrolled->body).at("token").get<std::string>();
    const auto posted = uploader.Post("/api/v1/responses", hubtest::bearer(token), big, "application/json");
    REQUIRE(posted);
    CHECK(posted->status == 200);
    CHECK(json::parse(posted->body, nullptr, false)["results"] == json::array());
  }

  // The first bytes of a TLS record header, then nothing: a handshake that never completes.
  std::vector<Socket> stalled;
  for (int i = 0; i < 20; ++i) {
    stalled.emplace_back(soundings::test::connect_loopback(served.port()));
    REQUIRE(soundings::test::write_all(stalled.back().get(), "\x16\x03\x01", 3));
  }
  const auto start = SteadyClock::now();
  httplib::SSLClient client("127.0.0.1", served.port());
  client.set_ca_cert_path(cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(2, 0);
  const auto health = client.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(seconds_since(start) < 2.0);

  int closed_in_time = 0;
  for (auto& socket : stalled) {
    bool closed = false;
    const auto left = std::chrono::milliseconds(2500) -
                      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    read_until_closed(socket.get(), std::max(left, std::chrono::milliseconds(1)), &closed);
    if (closed) ++closed_in_time;
  }
  CHECK(closed_in_time == 20);
  CHECK(seconds_since(start) >= 0.6);
}

TEST_CASE("a gate limit of zero is refused when the hub opens, naming the setting", "[hub][gate]") {
  hubtest::TempDir dir;
  soundings::hub::HubConfig config;
  config.data_dir = dir.path().string();
  config.body_timeout = std::chrono::milliseconds(0);
  const auto refused = soundings::hub::Hub::open(config);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("body_timeout") != std::string::npos);
  config.body_timeout = std::chrono::seconds(1);
  config.max_connections = 0;
  const auto capped = soundings::hub::Hub::open(config);
  REQUIRE_FALSE(capped);
  CHECK(capped.error().message.find("max_connections") != std::string::npos);
  config.max_connections = 8;
  config.max_buffered_bytes = 0;
  const auto unbuffered = soundings::hub::Hub::open(config);
  REQUIRE_FALSE(unbuffered);
  CHECK(unbuffered.error().message.find("max_buffered_bytes") != std::string::npos);
}
