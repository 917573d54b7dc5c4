// The console's state kept in the store, as the router and the account pages use it: accounts, sessions,
// sign-in delays, the Origin check, and reading the audit log (console_auth.cpp, console_audit.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console.h"
#include "soundings/hub.h"

namespace soundings::hub::detail::console {

inline constexpr const char* kSessionCookie = "soundings_session";
inline constexpr const char* kLangCookie = "lang";
inline constexpr size_t kMinPasswordLength = 12;

// ---- Accounts ----------------------------------------------------------------------------------------

// Lower case, surrounding spaces dropped: the account's id.
std::string normalise_email(std::string_view typed);
// Why `email` (normalised) cannot be an account's id; empty when it can.
std::string email_problem(const std::string& email);
// `actor` is who asked ("cli", or the signed-in admin's email); both are written to the audit log.
[[nodiscard]] Status add_user(HubState& hub, const std::string& actor, const std::string& email,
                              const std::string& role, const std::string& password);
[[nodiscard]] Status disable_user(HubState& hub, const std::string& actor, const std::string& email);
[[nodiscard]] Result<std::vector<ConsoleUser>> list_users(HubState& hub);

// ---- Sessions and sign-in ----------------------------------------------------------------------------

struct SignInAnswer {
  enum class Kind { SignedIn, Refused, Wait } kind = Kind::Refused;
  std::string token;         // SignedIn: the cookie's value
  Session session;           // SignedIn
  int64_t wait_seconds = 0;  // Wait: the password was not even checked
};

// Checks the password unless this email must still wait after earlier failures. The same answer for an
// unknown email and a wrong password; both count as failures of the typed email. Audited.
[[nodiscard]] Result<SignInAnswer> sign_in(HubState& hub, const std::string& typed_email, const std::string& password);
// The session a cookie's token stands for: nullopt when unknown, idle too long or its account disabled.
[[nodiscard]] Result<std::optional<Session>> session_for(HubState& hub, const std::string& token);
[[nodiscard]] Status sign_out(HubState& hub, const std::string& token, const std::string& email);

// The seconds to wait before the next attempt after `failures` failures in a row.
int64_t sign_in_delay_seconds(int64_t failures);

// ---- Where requests come from ------------------------------------------------------------------------

// The value of a cookie in the request, empty when absent.
std::string cookie_value(const httplib::Request& request, const std::string& name);
// "https://consult.example.gov.uk": public_url's origin, else the request's Host with the hub's scheme.
std::string own_origin(const HubState& hub, const httplib::Request& request);
// Why a form post must be refused for where it came from; empty when its Origin (or Referer) is ours.
std::string origin_problem(const HubState& hub, const httplib::Request& request);
// Whether cookies get the Secure flag: public_url is https, or the hub serves TLS itself.
bool secure_cookies(const HubState& hub);
// A Set-Cookie value with the console's flags.
std::string cookie_header(const HubState& hub, const std::string& name, const std::string& value,
                          bool http_only, int64_t max_age_seconds = -1);

// ---- The audit log, read -----------------------------------------------------------------------------

// Entries with seq below `before` (0: from the newest), newest first, at most `limit`.
[[nodiscard]] Result<std::vector<AuditEntry>> audit_entries(HubState& hub, int64_t before, int64_t limit);
[[nodiscard]] Result<AuditCheck> verify_audit_chain(HubState& hub);

}  // namespace soundings::hub::detail::console
