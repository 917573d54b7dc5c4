// A loopback HTTP server that misbehaves on purpose: captive portals, redirects, 5xx, hangs, resets, impostors.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace soundings::test {

struct FakeRequest {
  std::string method;
  std::string path;
  std::string head;  // request line and headers
  std::string body;
};

struct FakeReply {
  std::string bytes;                  // sent as is (status line, headers, body)
  std::chrono::milliseconds delay{0};  // before sending
  enum class Then { Close, Reset, Hang } then = Then::Close;
};

// Canned replies.
FakeReply http_reply(int status, const std::string& content_type, const std::string& body,
                     const std::string& extra_headers = "");
FakeReply captive_portal_page();                     // 200 text/html login page
FakeReply redirect_to_login();                       // 302 to a login page
FakeReply json_reply(int status, const std::string& json);
FakeReply hang_forever();                            // reads the request, never answers
FakeReply reset_mid_body();                          // promises 4000 bytes of JSON, sends 100, resets
FakeReply health_of(const std::string& hub_id);      // a health answer naming `hub_id`
// Passes the request to a server on 127.0.0.1:port (a real hub) and hands back its whole answer:
// a middlebox that lets some requests through. A 502 text page when the server cannot be reached.
FakeReply forward_to(int port, const FakeRequest& request);

class FakeServer {
 public:
  using Handler = std::function<FakeReply(const FakeRequest&)>;
  explicit FakeServer(Handler handler);
  ~FakeServer();  // stops: hanging connections are closed
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }
  void stop();

 private:
  void accept_loop();
  void serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::list<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace soundings::test
