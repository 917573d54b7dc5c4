// Test support for the console suites: a browser's part played with httplib::Client — signing in, keeping
// the session cookie, reading the CSRF token from a page, posting forms from the console's own origin.
#pragma once

#include <httplib.h>

#include <regex>
#include <stdexcept>
#include <string>

#include "hub_fixture.h"

namespace consoletest {

// The Set-Cookie header that sets `name`, whole (with its flags); empty when none does.
inline std::string set_cookie(const httplib::Result& res, const std::string& name) {
  const size_t count = res->get_header_value_count("Set-Cookie");
  for (size_t i = 0; i < count; ++i) {
    const std::string header = res->get_header_value("Set-Cookie", i);
    if (header.rfind(name + "=", 0) == 0) return header;
  }
  return "";
}

// The value the Set-Cookie header gives `name`.
inline std::string cookie_from(const httplib::Result& res, const std::string& name) {
  const std::string header = set_cookie(res, name);
  if (header.empty()) return "";
  const auto start = name.size() + 1;
  return header.substr(start, header.find(';') - start);
}

inline std::string form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    out += (out.empty() ? "" : "&") + name + "=" + httplib::detail::encode_query_param(value);
  }
  return out;
}

// A browser on one hub of a console: its origin (what the hub must believe it is reached at), its cookie.
class Browser {
 public:
  Browser(int port, std::string origin) : port_(port), origin_(std::move(origin)) {}

  void use_hub(int port) { port_ = port; }
  const std::string& session() const { return session_; }
  void set_session(std::string token) { session_ = std::move(token); }
  const std::string& origin() const { return origin_; }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(60, 0);
    return client;
  }
  httplib::Headers headers(bool with_origin = true) const {
    httplib::Headers out;
    if (!session_.empty()) out.emplace("Cookie", "soundings_session=" + session_);
    if (with_origin) out.emplace("Origin", origin_);
    return out;
  }

  httplib::Result get(const std::string& path) { return client().Get(path.c_str(), headers(false)); }
  httplib::Result post(const std::string& path, const std::string& body) {
    return client().Post(path.c_str(), headers(), body, "application/x-www-form-urlencoded");
  }
  httplib::Result post_with(const std::string& path, const httplib::Headers& extra, const std::string& body) {
    return client().Post(path.c_str(), extra, body, "application/x-www-form-urlencoded");
  }

  // Signs in; keeps the cookie when the hub gives one. Returns the answer to the form post.
  httplib::Result sign_in(const std::string& email, const std::string& password) {
    auto res = post("/sign-in", form({{"email", email}, {"password", password}}));
    if (res) {
      const std::string token = cookie_from(res, "soundings_session");
      if (!token.empty()) session_ = token;
    }
    return res;
  }

  // The CSRF token of the signed-in session, from a page's forms.
  std::string csrf(const std::string& page = "/users") {
    auto res = get(page);
    if (!res) throw std::runtime_error("no answer from " + page);
    static const std::regex kField(R"re(name="csrf" value="([0-9a-f]{64})")re");
    std::smatch match;
    if (!std::regex_search(res->body, match, kField)) throw std::runtime_error("no csrf field on " + page);
    return match[1];
  }

 private:
  int port_;
  std::string origin_;
  std::string session_;
};

inline std::string origin_of(int port) { return "http://127.0.0.1:" + std::to_string(port); }

}  // namespace consoletest
