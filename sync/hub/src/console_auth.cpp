// Console accounts (Argon2id), sessions, sign-in delays and the Origin check (console.h, console_state.h).
//
// Nothing here is kept in a hub's memory: a session made on one hub is good on every hub of the database,
// and a delay earned on one holds on all of them.
#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <array>
#include <cctype>
#include <regex>

#include "console_state.h"
#include "hub_credentials.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

constexpr int64_t kMaxSignInDelaySeconds = 15 * 60;
constexpr int64_t kFailuresBeforeDelay = 3;
constexpr int64_t kTouchEverySeconds = 60;
constexpr size_t kMaxEmailLength = 254;  // RFC 5321's limit for a path

int64_t epoch_seconds(const HubState& hub) {
  return std::chrono::duration_cast<std::chrono::seconds>(hub.now().time_since_epoch()).count();
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return to_hex(raw);
}

Result<std::string> hash_password(const std::string& password) {
  if (sodium_init() < 0) return Error{ErrorCode::Crypto, "libsodium could not be initialised"};
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Error{ErrorCode::Crypto, "the password could not be hashed (out of memory)"};
  }
  return std::string(out.data());
}

// A hash of a password nobody knows, checked against when the email is unknown so that an unknown email
// costs the same time as a wrong password and the two cannot be told apart.
const std::string& decoy_hash() {
  static const std::string hash = [] {
    auto made = hash_password(random_hex(16));
    return made ? *made : std::string();
  }();
  return hash;
}

bool password_matches(const std::string& hash, const std::string& password) {
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// Each password check takes 64 MiB and a tenth of a second of a core, so sign-ins with made-up emails could
// otherwise fill the hub's memory and workers (which serve the devices too). At most this many run at once;
// a sign-in that cannot get a turn soon is asked to try again, with nothing recorded.
constexpr int kConcurrentPasswordChecks = 2;
constexpr std::chrono::seconds kPasswordCheckWait{3};

class PasswordCheckTurn {
 public:
  PasswordCheckTurn() {
    std::unique_lock lock(mutex());
    got_ = freed().wait_for(lock, kPasswordCheckWait, [] { return running() < kConcurrentPasswordChecks; });
    if (got_) ++running();
  }
  ~PasswordCheckTurn() {
    if (!got_) return;
    {
      const std::lock_guard lock(mutex());
      --running();
    }
    freed().notify_one();
  }
  PasswordCheckTurn(const PasswordCheckTurn&) = delete;
  PasswordCheckTurn& operator=(const PasswordCheckTurn&) = delete;
  bool got() const { return got_; }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::condition_variable& freed() {
    static std::condition_variable c;
    return c;
  }
  static int& running() {
    static int n = 0;
    return n;
  }
  bool got_ = false;
};

// The origin (scheme://host[:port]) of a URL, lower case; empty when it has none.
std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const auto host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string origin(url.substr(0, host_end));
  std::transform(origin.begin(), origin.end(), origin.begin(), [](unsigned char c) { return std::tolower(c); });
  // The default port is left out of a browser's Origin header.
  const std::string default_port = origin.rfind("https://", 0) == 0 ? ":443" : ":80";
  if (origin.size() > default_port.size() &&
      origin.compare(origin.size() - default_port.size(), default_port.size(), default_port) == 0) {
    origin.resize(origin.size() - default_port.size());
  }
  return origin;
}

bool serves_tls(const HubState& hub) { return !hub.config.tls_cert_file.empty(); }

}  // namespace

// ---- Roles ---------------------------------------------------------------------------------------------

const char* role_name(Role role) {
  switch (role) {
    case Role::Admin:
      return "admin";
    case Role::Officer:
      return "officer";
    case Role::Viewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> role_from_name(std::string_view name) {
  for (const Role role : {Role::Admin, Role::Officer, Role::Viewer}) {
    if (name == role_name(role)) return role;
  }
  return std::nullopt;
}

bool allowed(Role role, Permission permission) {
  switch (role) {
    case Role::Admin:
      return true;
    case Role::Officer:
      return permission != Permission::Accounts;
    case Role::Viewer:
      return permission == Permission::ReadResults;
  }
  return false;
}

// ---- Accounts ------------------------------------------------------------------------------------------

std::string normalise_email(std::string_view typed) {
  const auto first = typed.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = typed.find_last_not_of(" \t\r\n");
  std::string email(typed.substr(first, last - first + 1));
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  return email;
}

std::string email_problem(const std::string& email) {
  if (email.empty()) return "the email is empty";
  if (email.size() > kMaxEmailLength) return "the email is longer than 254 characters";
  static const std::regex kShape(R"([a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)");
  if (!std::regex_match(email, kShape)) {
    return "\"" + email + "\" is not an email address (like name@council.gov.uk)";
  }
  return "";
}

Status add_user(HubState& hub, const std::string& actor, const std::string& typed_email, const std::string& role,
                const std::string& password) {
  const std::string email = normalise_email(typed_email);
  if (const std::string problem = email_problem(email); !problem.empty()) {
    return Error{ErrorCode::InvalidInput, "email: " + problem};
  }
  if (!role_from_name(role)) {
    return Error{ErrorCode::InvalidInput, "role: must be admin, officer or viewer, not \"" + role + "\""};
  }
  if (password.size() < kMinPasswordLength) {
    return Error{ErrorCode::InvalidInput, "password: must be at least " + std::to_string(kMinPasswordLength) +
                                              " characters (this one has " + std::to_string(password.size()) + ")"};
  }
  auto hash = hash_password(password);
  if (!hash) return hash.error();
  const auto added = hub.store->add_console_user(StoredConsoleUser{{email, role, hub.now_text(), ""}, *hash});
  if (!added) return storage_error(added.error());
  if (!*added) {
    return Error{ErrorCode::Conflict, "email: an account for " + email +
                                          " already exists (emails are never reused, even once disabled)"};
  }
  return audit(hub, actor, "user_add", email, "role " + role);
}

Status disable_user(HubState& hub, const std::string& actor, const std::string& typed_email) {
  const std::string email = normalise_email(typed_email);
  const auto disabled = hub.store->disable_console_user(email, hub.now_text());
  if (!disabled) return storage_error(disabled.error());
  if (!*disabled) return Error{ErrorCode::NotFound, "email: no console account " + email};
  return audit(hub, actor, "user_disable", email, "");
}

Result<std::vector<ConsoleUser>> list_users(HubState& hub) {
  auto stored = hub.store->console_users();
  if (!stored) return storage_error(stored.error());
  std::vector<ConsoleUser> out;
  for (const auto& user : *stored) {
    out.push_back(ConsoleUser{user.account.email, role_from_name(user.account.role).value_or(Role::Viewer),
                              user.account.created_at, user.account.disabled_at});
  }
  return out;
}

// ---- Sign-in and sessions ------------------------------------------------------------------------------

int64_t sign_in_delay_seconds(int64_t failures) {
  if (failures < kFailuresBeforeDelay) return 0;
  const int64_t doublings = failures - kFailuresBeforeDelay;
  if (doublings >= 10) return kMaxSignInDelaySeconds;  // 2^10 s is already past the cap
  return std::min<int64_t>(int64_t{1} << doublings, kMaxSignInDelaySeconds);
}

Result<SignInAnswer> sign_in(HubState& hub, const std::string& typed_email, const std::string& password) {
  const std::string email = normalise_email(typed_email);
  const int64_t now = epoch_seconds(hub);
  if (email.size() > kMaxEmailLength) {
    // No account has such an email; not kept either, so that junk cannot fill the failures table.
    return SignInAnswer{SignInAnswer::Kind::Refused, {}, {}, 0};
  }
  const auto allowed_from = hub.store->sign_in_allowed_from(email);
  if (!allowed_from) return storage_error(allowed_from.error());
  SignInAnswer answer;
  if (*allowed_from > now) {
    // Not even checked: a guess made during the delay learns nothing, so guessing stays slow.
    // Not audited either: the refusal changes nothing, and a flood of them would bury real entries.
    answer.kind = SignInAnswer::Kind::Wait;
    answer.wait_seconds = *allowed_from - now;
    return answer;
  }
  const auto user = hub.store->console_user(email);
  if (!user) return storage_error(user.error());
  const bool usable = user->has_value() && (*user)->account.disabled_at.empty();
  const PasswordCheckTurn turn;
  if (!turn.got()) {
    answer.kind = SignInAnswer::Kind::Wait;
    answer.wait_seconds = 5;
    return answer;
  }
  const bool matches = password_matches(usable ? (*user)->password_hash : decoy_hash(), password);
  if (!usable || !matches) {
    const auto failures = hub.store->note_sign_in_failure(email, now, sign_in_delay_seconds);
    if (!failures) return storage_error(failures.error());
    answer.kind = SignInAnswer::Kind::Refused;
    answer.wait_seconds = sign_in_delay_seconds(*failures);
    if (auto logged = audit(hub, email, "sign_in_failed", email, std::to_string(*failures) + " failures in a row");
        !logged) {
      return logged.error();
    }
    return answer;
  }
  if (auto cleared = hub.store->clear_sign_in_failures(email); !cleared) return storage_error(cleared.error());
  answer.kind = SignInAnswer::Kind::SignedIn;
  answer.token = random_hex(32);
  answer.session = Session{email, role_from_name((*user)->account.role).value_or(Role::Viewer), random_hex(32)};
  if (auto started = hub.store->add_console_session(content_hash(answer.token), email, answer.session.csrf_token, now);
      !started) {
    return storage_error(started.error());
  }
  if (auto logged = audit(hub, email, "sign_in", email, role_name(answer.session.role)); !logged) return logged.error();
  return answer;
}

Result<std::optional<Session>> session_for(HubState& hub, const std::string& token) {
  if (token.size() != 64) return std::optional<Session>();
  const std::string token_hash = content_hash(token);
  const auto stored = hub.store->console_session(token_hash);
  if (!stored) return storage_error(stored.error());
  if (!stored->has_value() || (*stored)->account_disabled) return std::optional<Session>();
  const auto& session = **stored;
  const int64_t now = epoch_seconds(hub);
  const int64_t idle_limit =
      std::chrono::duration_cast<std::chrono::seconds>(hub.config.console_idle_timeout).count();
  if (now - session.last_seen_epoch >= idle_limit) {
    if (auto ended = hub.store->end_console_session(token_hash); !ended) return storage_error(ended.error());
    return std::optional<Session>();
  }
  // At most a write a minute per session: a page's every request must not cost a disk sync.
  if (now - session.last_seen_epoch >= kTouchEverySeconds) {
    if (auto touched = hub.store->touch_console_session(token_hash, now); !touched) {
      return storage_error(touched.error());
    }
  }
  return std::optional<Session>(
      Session{session.email, role_from_name(session.role).value_or(Role::Viewer), session.csrf_token});
}

Status sign_out(HubState& hub, const std::string& token, const std::string& email) {
  if (auto ended = hub.store->end_console_session(content_hash(token)); !ended) return storage_error(ended.error());
  return audit(hub, email, "sign_out", email, "");
}

// ---- Where requests come from --------------------------------------------------------------------------

std::string cookie_value(const httplib::Request& request, const std::string& name) {
  const size_t headers = request.get_header_value_count("Cookie");
  for (size_t h = 0; h < headers; ++h) {
    const std::string line = request.get_header_value("Cookie", h);
    size_t at = 0;
    while (at < line.size()) {
      const size_t end = std::min(line.find(';', at), line.size());
      std::string_view part(line.data() + at, end - at);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (const auto equals = part.find('='); equals != std::string_view::npos && part.substr(0, equals) == name) {
        return std::string(part.substr(equals + 1));
      }
      at = end + 1;
    }
  }
  return "";
}

std::string own_origin(const HubState& hub, const httplib::Request& request) {
  if (!hub.config.public_url.empty()) return origin_of(hub.config.public_url);
  return origin_of((serves_tls(hub) ? "https://" : "http://") + request.get_header_value("Host"));
}

std::string origin_problem(const HubState& hub, const httplib::Request& request) {
  const std::string own = own_origin(hub, request);
  if (request.has_header("Origin")) {
    const std::string given = request.get_header_value("Origin");
    if (origin_of(given) == own && !own.empty()) return "";
    return "the form was sent from " + (given.empty() ? std::string("an unnamed page") : given) + ", not from " + own;
  }
  if (request.has_header("Referer")) {
    const std::string given = request.get_header_value("Referer");
    if (origin_of(given) == own && !own.empty()) return "";
    return "the form was sent from a page of " + origin_of(given) + ", not of " + own;
  }
  return "the browser did not say which page sent the form (no Origin or Referer header)";
}

bool secure_cookies(const HubState& hub) {
  if (!hub.config.public_url.empty()) return origin_of(hub.config.public_url).rfind("https://", 0) == 0;
  return serves_tls(hub);
}

std::string cookie_header(const HubState& hub, const std::string& name, const std::string& value, bool http_only,
                          int64_t max_age_seconds) {
  std::string header = name + "=" + value + "; Path=/; SameSite=Strict";
  if (http_only) header += "; HttpOnly";
  if (secure_cookies(hub)) header += "; Secure";
  if (max_age_seconds >= 0) header += "; Max-Age=" + std::to_string(max_age_seconds);
  return header;
}

}  // namespace soundings::hub::detail::console

namespace soundings::hub {

Status Hub::add_console_user(const std::string& email, const std::string& role, const std::string& password) {
  return detail::console::add_user(*impl_, "cli", email, role, password);
}

Result<std::vector<ConsoleAccount>> Hub::console_users() {
  auto users = detail::console::list_users(*impl_);
  if (!users) return users.error();
  std::vector<ConsoleAccount> out;
  for (const auto& user : *users) {
    out.push_back(ConsoleAccount{user.email, detail::console::role_name(user.role), user.created_at, user.disabled_at});
  }
  return out;
}

Status Hub::disable_console_user(const std::string& email) {
  return detail::console::disable_user(*impl_, "cli", email);
}

}  // namespace soundings::hub
