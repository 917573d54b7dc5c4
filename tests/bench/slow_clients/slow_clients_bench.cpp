// bench-slow-clients-load: holds N connections that trickle bytes to a hub and probes its health meanwhile.
// Run by slow_clients.sh, which serves the hub and drains a device beside it; usable on its own too.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  int connections = 200;
  int with_body = 20;  // of which this many trickle a body instead of headers
  int seconds = 30;
  int probe_ms = 100;
};

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

// One slow client: its request, how far it has got, and when it sends next.
struct Trickler {
  int fd = -1;
  std::string text;
  size_t sent = 0;
  size_t chunk = 1;
  SteadyClock::time_point due;
  int reopened = 0;
};

std::string slow_request(bool with_body) {
  if (!with_body) return "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(4000, 'a');
  return "POST /api/v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: 1000000\r\n\r\n" + std::string(1000000, ' ');
}

// Keeps every trickler open and sending every 100-200 ms; one the hub closes is opened again at
// once, as an attacker would, so the hub always has `connections` slow ones to deal with.
void trickle(const Options& options, std::vector<Trickler>& tricklers, const std::atomic<bool>& stop,
             std::atomic<long>& reopens) {
  std::mt19937 random(11);
  std::uniform_int_distribution<int> pause(100, 200);
  while (!stop) {
    const auto now = SteadyClock::now();
    for (size_t i = 0; i < tricklers.size(); ++i) {
      Trickler& t = tricklers[i];
      if (now < t.due) continue;
      t.due = now + std::chrono::milliseconds(pause(random));
      char drain[4096];
      const ssize_t got = t.fd >= 0 ? ::recv(t.fd, drain, sizeof drain, 0) : 0;
      const bool closed = t.fd < 0 || got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
      if (closed || t.sent >= t.text.size()) {
        if (t.fd >= 0) ::close(t.fd);
        t.fd = connect_to(options.port);
        t.sent = 0;
        ++reopens;
        // A body trickler sends its head at once, so that the body is what is slow.
        if (t.chunk > 1 && t.fd >= 0) {
          const size_t head = t.text.find("\r\n\r\n") + 4;
          const ssize_t n = ::send(t.fd, t.text.data(), head, MSG_NOSIGNAL);
          if (n > 0) t.sent = static_cast<size_t>(n);
        }
        continue;
      }
      const ssize_t n = ::send(t.fd, t.text.data() + t.sent, std::min(t.chunk, t.text.size() - t.sent), MSG_NOSIGNAL);
      if (n > 0) t.sent += static_cast<size_t>(n);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool parse_int(const char* text, int minimum, int& out) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (!*text || *end || value < minimum || value > 1'000'000) return false;
  out = static_cast<int>(value);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    int* target = flag == "--port"          ? &options.port
                  : flag == "--connections" ? &options.connections
                  : flag == "--with-body"   ? &options.with_body
                  : flag == "--seconds"     ? &options.seconds
                  : flag == "--probe-ms"    ? &options.probe_ms
                                            : nullptr;
    if (!target || !parse_int(argv[i + 1], flag == "--with-body" ? 0 : 1, *target)) {
      std::fprintf(stderr, "bench-slow-clients-load: bad argument %s %s\n", argv[i], argv[i + 1]);
      return 64;
    }
  }
  if (options.port == 0) {
    std::fprintf(stderr,
                 "usage: bench-slow-clients-load --port PORT [--connections 200] [--with-body 20] [--seconds 30] "
                 "[--probe-ms 100]\n");
    return 64;
  }

  std::vector<Trickler> tricklers(static_cast<size_t>(options.connections));
  int opened = 0;
  for (size_t i = 0; i < tricklers.size(); ++i) {
    const bool body = static_cast<int>(i) < options.with_body;
    tricklers[i].text = slow_request(body);
    tricklers[i].chunk = body ? 16 : 1;
    tricklers[i].fd = -1;
    tricklers[i].sent = tricklers[i].text.size();  // opened by the first round
    tricklers[i].due = SteadyClock::now();
  }
  std::atomic<bool> stop{false};
  std::atomic<long> reopens{0};
  std::thread slow([&] { trickle(options, tricklers, stop, reopens); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const Trickler& t : tricklers) opened += t.fd >= 0;
  const long first_opens = reopens.load();

  long probes = 0;
  long in_time = 0;
  std::vector<double> took;
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::seconds(options.seconds);
  while (SteadyClock::now() < end) {
    const auto probe_start = SteadyClock::now();
    httplib::Client client("127.0.0.1", options.port);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(2, 0);
    const auto health = client.Get("/api/v1/health");
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - probe_start).count();
    ++probes;
    took.push_back(seconds);
    if (health && health->status == 200 && seconds < 2.0) ++in_time;
    std::this_thread::sleep_until(probe_start + std::chrono::milliseconds(options.probe_ms));
  }
  stop = true;
  slow.join();
  int still_open = 0;
  for (Trickler& t : tricklers) {
    if (t.fd < 0) continue;
    char byte;
    const ssize_t n = ::recv(t.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ++still_open;
    ::close(t.fd);
  }

  std::sort(took.begin(), took.end());
  const auto at = [&](double q) { return took.empty() ? 0.0 : took[static_cast<size_t>(q * (took.size() - 1))]; };
  const double percent = probes ? 100.0 * static_cast<double>(in_time) / static_cast<double>(probes) : 0.0;
  std::printf("slow connections: %d open after 0.5 s (%d with a body), %ld reopened after the hub closed them, "
              "%d open with no answer pending at the end\n",
              opened, options.with_body, reopens.load() - first_opens, still_open);
  std::printf("health probes:    %ld in %d s, %ld answered 200 within 2 s (%.1f%%)\n", probes, options.seconds,
              in_time, percent);
  std::printf("probe time:       p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", at(0.5) * 1000, at(0.99) * 1000,
              at(1.0) * 1000);
  return percent >= 90.0 ? 0 : 1;
}
