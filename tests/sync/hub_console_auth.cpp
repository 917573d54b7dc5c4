// Console tests: accounts, sign-in and its delays, sessions across hubs, CSRF and Origin, the page frame.
#include <chrono>
#include <memory>
#include <regex>
#include <thread>

#include <catch2/catch.hpp>

#include "console.h"
#include "console_state.h"
#include "hub_console_fixture.h"
#include "hub_fixture.h"
#include "must.h"
#include "soundings/field_records.h"
#include "soundings/response.h"
#include "test_database.h"

using consoletest::Browser;
using consoletest::form;
using hubtest::ServedHub;
using soundings::testing::must;
namespace console = soundings::hub::detail::console;

namespace {

constexpr const char* kPassword = "correct horse battery";
constexpr const char* kConsoleUrl = "http://console.test";

// A second hub on the first one's data folder and database, as a second hub behind nginx would be.
struct SecondHub {
  std::unique_ptr<soundings::hub::Hub> hub;
  int port = 0;
  SecondHub(const ServedHub& first, soundings::hub::HubConfig config) {
    config.data_dir = first.data_dir().string();
    soundings::test::use_test_database(config);
    hub = must(soundings::hub::Hub::open(config));
    port = must(hub->listen("127.0.0.1", 0));
  }
  ~SecondHub() { hub->stop(); }
};

soundings::hub::HubConfig behind(const std::string& public_url,
                                 std::shared_ptr<const soundings::TimeSource> clock = nullptr) {
  soundings::hub::HubConfig config;
  config.public_url = public_url;
  config.clock = std::move(clock);
  return config;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string disabled_at(soundings::hub::Hub& hub, const std::string& email) {
  for (const auto& account : must(hub.console_users())) {
    if (account.email == email) return account.disabled_at;
  }
  return "(no such account)";
}

}  // namespace

TEST_CASE("roles: an admin may do everything, an officer all but accounts, a viewer aggregate results only",
          "[console]") {
  using console::Permission;
  using console::Role;
  for (const Role role : {Role::Admin, Role::Officer, Role::Viewer}) {
    CHECK(console::role_from_name(console::role_name(role)) == role);
  }
  CHECK_FALSE(console::role_from_name("Admin"));
  CHECK_FALSE(console::role_from_name(""));
  for (const Permission permission :
       {Permission::ReadResults, Permission::ReadRows, Permission::Export, Permission::Publish, Permission::Feedback,
        Permission::Quarantine, Permission::Devices, Permission::FieldWork, Permission::Accounts}) {
    CHECK(console::allowed(Role::Admin, permission));
    CHECK(console::allowed(Role::Officer, permission) == (permission != Permission::Accounts));
    CHECK(console::allowed(Role::Viewer, permission) == (permission == Permission::ReadResults));
  }
}

TEST_CASE("sign-in delays grow from the third failure in a row and stop at fifteen minutes", "[console]") {
  CHECK(console::sign_in_delay_seconds(1) == 0);
  CHECK(console::sign_in_delay_seconds(2) == 0);
  CHECK(console::sign_in_delay_seconds(3) == 1);
  CHECK(console::sign_in_delay_seconds(4) == 2);
  CHECK(console::sign_in_delay_seconds(6) == 8);
  CHECK(console::sign_in_delay_seconds(13) == 900);
  CHECK(console::sign_in_delay_seconds(1000) == 900);
}

TEST_CASE("adding a console account refuses a bad email, an unknown role and a short password, naming each",
          "[console]") {
  ServedHub served;
  auto& hub = served.hub();
  const auto bad_email = hub.add_console_user("not an email", "admin", kPassword);
  REQUIRE_FALSE(bad_email);
  CHECK(bad_email.error().code == soundings::ErrorCode::InvalidInput);
  CHECK(has(bad_email.error().message, "email"));
  const auto bad_role = hub.add_console_user("ann@council.example", "superuser", kPassword);
  REQUIRE_FALSE(bad_role);
  CHECK(has(bad_role.error().message, "role"));
  const auto short_password = hub.add_console_user("ann@council.example", "admin", "eleven char");
  REQUIRE_FALSE(short_password);
  CHECK(has(short_password.error().message, "password"));
  CHECK(has(short_password.error().message, "12"));
  CHECK(must(hub.console_users()).empty());

  REQUIRE(hub.add_console_user("  Ann@Council.Example ", "admin", kPassword));
  const auto users = must(hub.console_users());
  REQUIRE(users.size() == 1);
  CHECK(users[0].email == "ann@council.example");
  CHECK(users[0].role == "admin");
  CHECK(users[0].disabled_at.empty());
  const auto again = hub.add_console_user("ann@council.example", "viewer", kPassword);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == soundings::ErrorCode::Conflict);
  // The stored hash is Argon2id, never the password.
  soundings::test::HubDatabase database(served.data_dir());
  auto query = must(database->prepare("SELECT password_hash FROM console_users"));
  REQUIRE(must(query.step()));
  CHECK(query.text(0).rfind("$argon2id$", 0) == 0);
  CHECK_FALSE(has(query.text(0), kPassword));
}

TEST_CASE("soundings-hub user add, list and disable: the password from standard input, refusals named",
          "[console][cli]") {
  hubtest::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  REQUIRE(hubtest::run_hub({"publish", "--data", data, hubtest::data_file("town-square.json").string()}).exit_code == 0);

  const auto added = hubtest::run_hub(
      {"user", "add", "--data", data, "--email", "Officer@Council.Example", "--role", "officer"}, "a long passphrase\n");
  INFO(added.output);
  CHECK(added.exit_code == 0);
  const auto short_one = hubtest::run_hub(
      {"user", "add", "--data", data, "--email", "b@council.example", "--role", "viewer"}, "too short\n");
  CHECK(short_one.exit_code == 2);
  CHECK(has(short_one.output, "password"));
  const auto bad_role =
      hubtest::run_hub({"user", "add", "--data", data, "--email", "b@council.example", "--role", "boss"}, kPassword);
  CHECK(bad_role.exit_code == 2);
  CHECK(has(bad_role.output, "role"));
  const auto bad_email =
      hubtest::run_hub({"user", "add", "--data", data, "--email", "b@", "--role", "viewer"}, kPassword);
  CHECK(bad_email.exit_code == 2);
  CHECK(has(bad_email.output, "email"));

  auto listed = hubtest::run_hub({"user", "list", "--data", data});
  CHECK(listed.exit_code == 0);
  CHECK(has(listed.output, "officer@council.example"));
  CHECK(has(listed.output, "officer"));
  CHECK_FALSE(has(listed.output, "b@council.example"));

  CHECK(hubtest::run_hub({"user", "disable", "--data", data, "--email", "officer@council.example"}).exit_code == 0);
  CHECK(hubtest::run_hub({"user", "disable", "--data", data, "--email", "nobody@council.example"}).exit_code == 2);
  listed = hubtest::run_hub({"user", "list", "--data", data});
  const auto line_start = listed.output.find("officer@council.example");
  REQUIRE(line_start != std::string::npos);
  const std::string line = listed.output.substr(line_start, listed.output.find('\n', line_start) - line_start);
  INFO(line);
  CHECK(line.back() != '-');  // the disabled column has its time

  // serve refuses a public URL that is not one, and an idle timeout out of range, before starting.
  for (const auto& options : {std::vector<std::string>{"--public-url", "consult.example.gov.uk"},
                                                 {"--public-url", "https://"},
                                                 {"--console-idle-minutes", "0"},
                                                 {"--console-idle-minutes", "5000"}}) {
    std::vector<std::string> words = {"serve", "--data", data, "--listen", "127.0.0.1:0"};
    words.insert(words.end(), options.begin(), options.end());
    const auto refused = hubtest::run_hub(words);
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK(has(refused.output, options[0]));
  }

  const auto verified = hubtest::run_hub({"audit", "verify", "--data", data});
  INFO(verified.output);
  CHECK(verified.exit_code == 0);
  // publish, user_add, user_disable: the refused adds wrote nothing.
  CHECK(has(verified.output, "audit log intact: 3 entries"));
}

TEST_CASE("signed out: a page redirects to sign-in with where to come back, a .csv or .json twin answers 401, "
          "unknown paths 404, the API untouched",
          "[console]") {
  ServedHub served;
  Browser browser(served.port(), consoletest::origin_of(served.port()));
  auto page = browser.get("/users?x=1");
  REQUIRE(page);
  CHECK(page->status == 303);
  // (httplib hands back Location decoded; on the wire it is /sign-in?next=/users%3Fx%3D1.)
  CHECK(page->get_header_value("Location") == "/sign-in?next=/users?x=1");
  auto come_back = browser.get("/sign-in?next=/users%3Fx%3D1");
  REQUIRE(come_back);
  CHECK(has(come_back->body, "name=\"next\" value=\"/users?x=1\""));
  for (const char* twin : {"/users.csv", "/users.json", "/audit.json"}) {
    auto res = browser.get(twin);
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  auto missing = browser.get("/no-such-page");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(has(missing->body, "<html lang=\"en\">"));
  auto api = browser.get("/api/v1/no-such-endpoint");
  REQUIRE(api);
  CHECK(api->status == 404);
  CHECK(has(api->get_header_value("Content-Type"), "application/json"));
  auto health = browser.get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto sign_in = browser.get("/sign-in?next=/users");
  REQUIRE(sign_in);
  CHECK(sign_in->status == 200);
  CHECK(has(sign_in->body, "<label for=\"email\">"));
  CHECK(has(sign_in->body, "value=\"/users\""));
  auto welsh = browser.client().Get("/sign-in", {{"Accept-Language", "cy-GB, en;q=0.5"}});
  REQUIRE(welsh);
  CHECK(has(welsh->body, "<html lang=\"cy\">"));
  CHECK(has(welsh->body, "Mewngofnodi"));
  CHECK_FALSE(has(welsh->body, "[auth."));
}

TEST_CASE("every console page has the frame: language, skip link, navigation for the role, sign-out, and strict "
          "headers",
          "[console]") {
  ServedHub served;
  REQUIRE(served.hub().add_console_user("admin@council.example", "admin", kPassword));
  REQUIRE(served.hub().add_console_user("viewer@council.example", "viewer", kPassword));
  Browser admin(served.port(), consoletest::origin_of(served.port()));
  REQUIRE(admin.sign_in("admin@council.example", kPassword)->status == 303);
  auto page = admin.get("/users");
  REQUIRE(page);
  CHECK(page->status == 200);
  const std::string& html = page->body;
  CHECK(html.rfind("<!doctype html>\n<html lang=\"en\">", 0) == 0);
  CHECK(has(html, "class=\"skip\" href=\"#main\""));
  CHECK(has(html, "<main id=\"main\""));
  CHECK(has(html, "<header>"));
  for (const char* link : {"href=\"/\"", "href=\"/quarantine\"", "href=\"/devices\"", "href=\"/field\"",
                           "href=\"/publish\"", "href=\"/users\" aria-current=\"page\"", "href=\"/audit\""}) {
    CHECK(has(html, link));
  }
  CHECK(has(html, "admin@council.example"));
  CHECK(has(html, "action=\"/sign-out\""));
  CHECK(has(html, "<span lang=\"cy\">Cymraeg</span>"));
  CHECK(has(html, "/language?to=cy&amp;back=/users"));
  const std::string policy = page->get_header_value("Content-Security-Policy");
  CHECK(has(policy, "default-src 'self'"));
  CHECK(has(policy, "style-src 'self'"));
  CHECK(has(policy, "frame-ancestors 'none'"));
  CHECK_FALSE(has(policy, "unsafe-inline"));
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(page->get_header_value("Referrer-Policy") == "same-origin");
  CHECK(page->get_header_value("Cache-Control") == "no-store");
  CHECK_FALSE(has(html, "<script"));

  auto css = admin.get("/console.css");
  REQUIRE(css);
  CHECK(css->status == 200);
  CHECK(has(css->get_header_value("Content-Type"), "text/css"));
  CHECK(has(css->body, ":focus"));

  // Welsh on asking: the cookie is set, and the page comes back in Welsh.
  auto switched = admin.get("/language?to=cy&back=/users");
  REQUIRE(switched);
  CHECK(switched->status == 303);
  CHECK(switched->get_header_value("Location") == "/users");
  CHECK(consoletest::cookie_from(switched, "lang") == "cy");
  auto welsh = admin.client().Get("/users", {{"Cookie", "soundings_session=" + admin.session() + "; lang=cy"}});
  REQUIRE(welsh);
  CHECK(welsh->body.rfind("<!doctype html>\n<html lang=\"cy\">", 0) == 0);
  CHECK(has(welsh->body, "Defnyddwyr"));
  CHECK(has(welsh->body, "<span lang=\"en\">English</span>"));
  // No string is missing from the table in either language (tr gives "[key]" for those).
  static const std::regex kMissing(R"re(\[[a-z_]+\.[a-z_.]+\])re");
  CHECK_FALSE(std::regex_search(html, kMissing));
  CHECK_FALSE(std::regex_search(welsh->body, kMissing));
  for (const std::string& key : console::text_keys()) {
    INFO(key);
    CHECK_FALSE(console::tr(key, "en").empty());
    CHECK_FALSE(console::tr(key, "cy").empty());
  }
  // Never back to another site.
  for (const char* away : {"//evil.example/", "https://evil.example/", "/\\evil.example", "users"}) {
    auto res = admin.get(std::string("/language?to=en&back=") + httplib::detail::encode_query_param(away));
    REQUIRE(res);
    CHECK(res->get_header_value("Location") == "/");
  }

  // A viewer sees no link to pages it may not use, and is refused them with a page saying so.
  Browser viewer(served.port(), consoletest::origin_of(served.port()));
  REQUIRE(viewer.sign_in("viewer@council.example", kPassword)->status == 303);
  auto refused = viewer.get("/users");
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(has(refused->body, "<h1>"));
  CHECK(has(refused->body, "viewer"));
  CHECK_FALSE(has(refused->body, "href=\"/users\""));
  CHECK_FALSE(has(refused->body, "href=\"/quarantine\""));
  CHECK(has(refused->body, "href=\"/\""));
  auto refused_twin = viewer.get("/users.csv");
  REQUIRE(refused_twin);
  CHECK(refused_twin->status == 403);
  CHECK_FALSE(has(refused_twin->body, "admin@council.example"));
}

TEST_CASE("the session cookie is HttpOnly and SameSite=Strict, and Secure only when people reach the hub over "
          "https",
          "[console]") {
  for (const std::string url : {"", "http://console.test", "https://console.test"}) {
    ServedHub served(behind(url));
    REQUIRE(served.hub().add_console_user("admin@council.example", "admin", kPassword));
    Browser browser(served.port(), url.empty() ? consoletest::origin_of(served.port()) : url);
    auto res = browser.sign_in("admin@council.example", kPassword);
    REQUIRE(res);
    INFO(url << ": " << res->body);
    CHECK(res->status == 303);
    const std::string cookie = consoletest::set_cookie(res, "soundings_session");
    CHECK(has(cookie, "; HttpOnly"));
    CHECK(has(cookie, "; SameSite=Strict"));
    CHECK(has(cookie, "; Path=/"));
    CHECK(has(cookie, "; Secure") == (url.rfind("https", 0) == 0));
    // Only the token's hash is stored.
    soundings::test::HubDatabase database(served.data_dir());
    CHECK(database.integer("SELECT count(*) FROM console_sessions") == 1);
    CHECK(browser.session().size() == 64);
    CHECK(database.integer("SELECT length(token_hash) FROM console_sessions") == 32);
  }
}

TEST_CASE("sign in on one hub and act on another: the session, its CSRF token and sign-in delays are in the "
          "database",
          "[console]") {
  auto clock = std::make_shared<soundings::ManualTimeSource>();
  ServedHub first(behind(kConsoleUrl, clock));
  SecondHub second(first, behind(kConsoleUrl, clock));
  REQUIRE(first.hub().add_console_user("admin@council.example", "admin", kPassword));
  REQUIRE(first.hub().add_console_user("viewer@council.example", "viewer", kPassword));

  Browser browser(first.port(), kConsoleUrl);
  auto signed_in = browser.sign_in("admin@council.example", kPassword);
  REQUIRE(signed_in);
  REQUIRE(signed_in->status == 303);
  const std::string csrf = browser.csrf("/users");

  browser.use_hub(second.port);
  auto disabled = browser.post("/users/disable", form({{"csrf", csrf}, {"email", "viewer@council.example"}}));
  REQUIRE(disabled);
  INFO(disabled->body);
  CHECK(disabled->status == 303);
  CHECK(disabled->get_header_value("Location").rfind("/users?disabled=", 0) == 0);
  CHECK_FALSE(disabled_at(first.hub(), "viewer@council.example").empty());

  // Failures on one hub delay the next attempt on the other, for a known and an unknown email alike.
  for (const std::string email : {"admin@council.example", "nobody@council.example"}) {
    Browser guesser(first.port(), kConsoleUrl);
    std::string refused_page;
    for (int attempt = 0; attempt < 3; ++attempt) {
      guesser.use_hub(attempt % 2 == 0 ? first.port() : second.port);
      auto res = guesser.sign_in(email, "wrong password " + std::to_string(attempt));
      REQUIRE(res);
      CHECK(res->status == 401);
      refused_page = res->body;
    }
    guesser.use_hub(second.port);
    auto waiting = guesser.sign_in(email, kPassword);
    REQUIRE(waiting);
    CHECK(waiting->status == 429);
    CHECK(has(waiting->body, "Try again in 1 second."));
    CHECK(guesser.session().empty());
    clock->advance(std::chrono::seconds(2));
    if (email == "admin@council.example") {
      auto fine = guesser.sign_in(email, kPassword);
      REQUIRE(fine);
      CHECK(fine->status == 303);
    } else {
      // An unknown email gets exactly the answer a wrong password gets.
      auto res = guesser.sign_in(email, "wrong password again");
      REQUIRE(res);
      CHECK(res->status == 401);
    }
  }
  // The success cleared the admin's count: one more failure is not delayed.
  Browser again(second.port, kConsoleUrl);
  CHECK(again.sign_in("admin@council.example", "wrong")->status == 401);
  CHECK(again.sign_in("admin@council.example", kPassword)->status == 303);
}

TEST_CASE("a form post without the session's CSRF token, or from another origin, is refused and changes "
          "nothing",
          "[console]") {
  ServedHub served(behind(kConsoleUrl));
  REQUIRE(served.hub().add_console_user("admin@council.example", "admin", kPassword));
  REQUIRE(served.hub().add_console_user("viewer@council.example", "viewer", kPassword));
  Browser browser(served.port(), kConsoleUrl);
  REQUIRE(browser.sign_in("admin@council.example", kPassword)->status == 303);
  const std::string csrf = browser.csrf();
  const std::string target = form({{"email", "viewer@council.example"}});

  auto no_token = browser.post("/users/disable", target);
  REQUIRE(no_token);
  CHECK(no_token->status == 403);
  CHECK(has(no_token->body, "Nothing was changed"));
  auto wrong_token = browser.post("/users/disable", target + "&csrf=" + std::string(64, 'a'));
  REQUIRE(wrong_token);
  CHECK(wrong_token->status == 403);
  // The right token in the address rather than the form: refused (addresses end up in proxies' logs).
  auto token_in_address = browser.post("/users/disable?csrf=" + csrf, target);
  REQUIRE(token_in_address);
  CHECK(token_in_address->status == 403);

  auto cookie = httplib::Headers{{"Cookie", "soundings_session=" + browser.session()}};
  auto with = [&cookie](std::initializer_list<std::pair<std::string, std::string>> more) {
    httplib::Headers headers = cookie;
    for (const auto& [name, value] : more) headers.emplace(name, value);
    return headers;
  };
  const std::string body = target + "&csrf=" + csrf;
  for (const auto& headers : {with({{"Origin", "https://evil.example"}}), with({{"Origin", "null"}}),
                              with({{"Origin", "http://console.test.evil.example"}}),
                              with({{"Referer", "https://evil.example/console.test/users"}}), with({})}) {
    auto res = browser.post_with("/users/disable", headers, body);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(has(res->body, "sent from another site"));
  }
  CHECK(disabled_at(served.hub(), "viewer@council.example").empty());

  // From a page of the console itself (Referer when the browser sends no Origin), with the token: done.
  auto done = browser.post_with("/users/disable", with({{"Referer", std::string(kConsoleUrl) + "/users"}}), body);
  REQUIRE(done);
  CHECK(done->status == 303);
  CHECK_FALSE(disabled_at(served.hub(), "viewer@council.example").empty());

  // Sign-in itself is refused from another origin, before the password is looked at.
  Browser elsewhere(served.port(), "https://evil.example");
  auto res = elsewhere.sign_in("admin@council.example", kPassword);
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(elsewhere.session().empty());
}

TEST_CASE("a console session ends after the idle timeout, and sign-out and disabling end it at once", "[console]") {
  auto clock = std::make_shared<soundings::ManualTimeSource>();
  auto config = behind(kConsoleUrl, clock);
  config.console_idle_timeout = std::chrono::minutes(30);
  ServedHub served(config);
  REQUIRE(served.hub().add_console_user("admin@council.example", "admin", kPassword));
  REQUIRE(served.hub().add_console_user("officer@council.example", "officer", kPassword));
  Browser browser(served.port(), kConsoleUrl);
  REQUIRE(browser.sign_in("admin@council.example", kPassword)->status == 303);

  // Used every 20 minutes, it lives on.
  for (int i = 0; i < 3; ++i) {
    clock->advance(std::chrono::minutes(20));
    CHECK(browser.get("/users")->status == 200);
  }
  clock->advance(std::chrono::minutes(31));
  auto expired = browser.get("/users");
  REQUIRE(expired);
  CHECK(expired->status == 303);
  CHECK(expired->get_header_value("Location").rfind("/sign-in", 0) == 0);
  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM console_sessions") == 0);

  REQUIRE(browser.sign_in("admin@council.example", kPassword)->status == 303);
  const std::string csrf = browser.csrf();
  auto out = browser.post("/sign-out", form({{"csrf", csrf}}));
  REQUIRE(out);
  CHECK(out->status == 303);
  CHECK(has(consoletest::set_cookie(out, "soundings_session"), "Max-Age=0"));
  CHECK(browser.get("/users")->status == 303);

  Browser officer(served.port(), kConsoleUrl);
  REQUIRE(officer.sign_in("officer@council.example", kPassword)->status == 303);
  CHECK(officer.get("/users")->status == 403);
  REQUIRE(served.hub().disable_console_user("officer@council.example"));
  CHECK(officer.get("/users")->status == 303);
  CHECK(officer.sign_in("officer@council.example", kPassword)->status == 401);
}

TEST_CASE("an officer overdue for a check-in is flagged on every console page", "[console]") {
  soundings::TimePoint now;
  REQUIRE(soundings::parse_iso8601_utc("2026-12-02T12:00:00Z", now));
  auto config = behind("", std::make_shared<soundings::ManualTimeSource>(now));
  ServedHub served(config);
  REQUIRE(served.hub().add_console_user("viewer@council.example", "viewer", kPassword));
  Browser browser(served.port(), consoletest::origin_of(served.port()));
  REQUIRE(browser.sign_in("viewer@council.example", kPassword)->status == 303);
  CHECK_FALSE(has(browser.get("/no-such-page")->body, "class=\"banner\""));

  const std::string token = served.enrol("Field tablet", soundings::hub::DeviceRole::Field);
  hubtest::insert_staff(served.data_dir(), "late", "Dafydd Rees");
  hubtest::post_record(served, token, "sign_in",
                       soundings::sign_in_to_json({1, soundings::make_uuid(), "late", "tablet-late",
                                                   soundings::SignInEvent::SignedIn, "2026-12-02T09:00:00Z"}));
  hubtest::post_record(served, token, "check_in",
                       soundings::check_in_to_json({1, soundings::make_uuid(), "late", "tablet-late",
                                                    soundings::CheckInStatus::Ok, "2026-12-02T10:00:00Z",
                                                    "2026-12-02T10:00:00Z"}));
  for (const char* path : {"/no-such-page", "/users"}) {
    auto page = browser.get(path);
    REQUIRE(page);
    CHECK(has(page->body, "class=\"banner\" role=\"alert\""));
    CHECK(has(page->body, "Dafydd Rees"));
    // A viewer is not sent to the field page it may not see.
    CHECK_FALSE(has(page->body, "href=\"/field\""));
  }
}

TEST_CASE("an admin adds an account on /users, refusals name the field, and the list answers as .csv and .json",
          "[console]") {
  ServedHub served;
  REQUIRE(served.hub().add_console_user("admin@council.example", "admin", kPassword));
  Browser admin(served.port(), consoletest::origin_of(served.port()));
  REQUIRE(admin.sign_in("admin@council.example", kPassword)->status == 303);
  const std::string csrf = admin.csrf();

  auto short_password = admin.post(
      "/users", form({{"csrf", csrf}, {"email", "new@council.example"}, {"role", "officer"}, {"password", "short"}}));
  REQUIRE(short_password);
  CHECK(short_password->status == 400);
  CHECK(has(short_password->body, "12"));
  auto bad_email = admin.post(
      "/users", form({{"csrf", csrf}, {"email", "<script>"}, {"role", "officer"}, {"password", kPassword}}));
  REQUIRE(bad_email);
  CHECK(bad_email->status == 400);
  CHECK_FALSE(has(bad_email->body, "<script>"));
  CHECK(must(served.hub().console_users()).size() == 1);

  auto added = admin.post(
      "/users", form({{"csrf", csrf}, {"email", "New@Council.Example"}, {"role", "officer"}, {"password", kPassword}}));
  REQUIRE(added);
  CHECK(added->status == 303);
  auto page = admin.get(added->get_header_value("Location"));
  REQUIRE(page);
  CHECK(has(page->body, "new@council.example"));
  CHECK(has(page->body, "<caption id="));
  auto taken = admin.post(
      "/users", form({{"csrf", csrf}, {"email", "new@council.example"}, {"role", "viewer"}, {"password", kPassword}}));
  REQUIRE(taken);
  CHECK(taken->status == 400);

  auto csv = admin.get("/users.csv");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  const std::string bom = "\xEF\xBB\xBF";
  const auto rows = hubtest::parse_csv(csv->body.rfind(bom, 0) == 0 ? csv->body.substr(3) : csv->body);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"email", "role", "created_at", "disabled_at"});
  CHECK(rows[2][0] == "new@council.example");
  CHECK(rows[2][1] == "officer");
  auto json = admin.get("/users.json");
  REQUIRE(json);
  CHECK(nlohmann::json::parse(json->body).at(1).at("email") == "new@council.example");
  CHECK(admin.get("/users.json?table=nope")->status == 404);

  // The new officer signs in; the audit log names who added them.
  Browser officer(served.port(), consoletest::origin_of(served.port()));
  CHECK(officer.sign_in("new@council.example", kPassword)->status == 303);
  soundings::test::HubDatabase database(served.data_dir());
  CHECK(database.integer("SELECT count(*) FROM audit_log WHERE actor = 'admin@council.example' AND "
                         "action = 'user_add' AND subject = 'new@council.example'") == 1);
}
