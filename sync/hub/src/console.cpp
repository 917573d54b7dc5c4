// Console: routing, the page layout, the language switch, the .csv/.json twins (console.h).
//
// Every console request goes through dispatch(): who is signed in (a session in the store), what their role
// may see, where a form post came from and whether it carries the session's CSRF token, all before a page's
// handler runs. Paths under /api/ are the API's and are never answered here.
#include <httplib.h>

#include <memory>
#include <regex>

#include "console.h"
#include "console_state.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

constexpr std::chrono::minutes kOverdueAfter{60};  // as `soundings-hub field` defaults

// One small stylesheet: readable at 320 px wide, high contrast, focus always visible.
constexpr const char* kStylesheet = R"css(*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#0b0c0c;background:#fff}
body{margin:0}
a{color:#1d3f8f;text-decoration:underline;text-underline-offset:.15em}
a:visited{color:#4c2c92}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
a:focus{background:#fd0;color:#0b0c0c}
.skip{position:absolute;left:-9999px;top:0;padding:.5rem 1rem;background:#fd0;color:#0b0c0c}
.skip:focus{left:0;z-index:10}
header{background:#0b0c0c;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
header a,header a:visited{color:#fff}
header a:focus{color:#0b0c0c}
.hub-name{font-weight:700;font-size:1.15rem;margin:0}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
.account{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin-left:auto}
.account form{margin:0}
main{padding:1rem;max-width:72rem}
h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0 1rem}
h2{font-size:1.35rem;margin:1.5rem 0 .5rem}
button,.button{font:inherit;padding:.4rem .9rem;border:2px solid #0b0c0c;background:#00703c;color:#fff;cursor:pointer;border-radius:0}
button.secondary{background:#f3f2f1;color:#0b0c0c}
button.warning{background:#d4351c}
header button{background:#fff;color:#0b0c0c;border-color:#fff}
label{display:block;font-weight:700;margin:.75rem 0 .25rem}
input,select,textarea{font:inherit;padding:.35rem;border:2px solid #0b0c0c;max-width:100%}
.field-hint{color:#505a5f;margin:0 0 .25rem}
.notice{border-left:6px solid #1d70b8;padding:.5rem 1rem;margin:1rem 0;background:#f3f2f1}
.notice.error{border-left-color:#d4351c}
.banner{background:#d4351c;color:#fff;padding:.5rem 1rem;font-weight:700}
.banner a,.banner a:visited{color:#fff}
.banner a:focus{color:#0b0c0c}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border-bottom:1px solid #b1b4b6;padding:.35rem .75rem .35rem 0;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{width:100%;max-width:40rem;height:auto;display:block;margin:.5rem 0 1rem}
.chart-bar{fill:#1d70b8}
.chart-hidden{fill:#fff;stroke:#0b0c0c;stroke-width:2;stroke-dasharray:3 2}
.chart-label,.chart-value{fill:#0b0c0c;font-size:14px}
ul.plain{list-style:none;padding:0}
ul.plain li{margin:.5rem 0}
@media (max-width:40rem){header{display:block}.account{margin:.5rem 0 0}main{padding:.75rem}}
)css";

struct CompiledRoute {
  Route route;
  std::regex regex;
};

struct Console {
  HubState& hub;
  std::vector<CompiledRoute> routes;
};

void page_headers(httplib::Response& res) {
  // No script at all, styles only from our own stylesheet, never framed.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
}

std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A path on this site ("/devices?x=1"), never another site's ("//evil", "https://...", "/\evil").
bool is_local_path(const std::string& target) {
  if (target.empty() || target.front() != '/' || target.size() > 2048) return false;
  if (target.size() > 1 && (target[1] == '/' || target[1] == '\\')) return false;
  for (const unsigned char c : target) {
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  }
  return true;
}

Lang lang_from(const std::string& value) { return value == "cy" ? "cy" : "en"; }

// ?lang=, then the cookie, then Accept-Language's first of cy/en, then English. ?lang= also sets the cookie.
Lang choose_lang(const HubState& hub, const httplib::Request& req, httplib::Response& res) {
  const std::string asked = req.get_param_value("lang");
  if (asked == "cy" || asked == "en") {
    res.set_header("Set-Cookie", cookie_header(hub, kLangCookie, asked, false, 365L * 24 * 3600));
    return asked;
  }
  const std::string cookie = cookie_value(req, kLangCookie);
  if (cookie == "cy" || cookie == "en") return cookie;
  const std::string accept = req.get_header_value("Accept-Language");
  size_t at = 0;
  while (at < accept.size()) {
    const size_t end = std::min(accept.find(',', at), accept.size());
    std::string tag = accept.substr(at, end - at);
    tag.erase(0, tag.find_first_not_of(' '));
    tag = tag.substr(0, tag.find_first_of(";-_ "));
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (tag == "cy" || tag == "en") return tag;
    at = end + 1;
  }
  return "en";
}

struct NavItem {
  const char* path;
  const char* key;
  Permission permission;
};
constexpr NavItem kNav[] = {
    {"/", "nav.consultations", Permission::ReadResults}, {"/quarantine", "nav.quarantine", Permission::Quarantine},
    {"/devices", "nav.devices", Permission::Devices},    {"/field", "nav.field", Permission::FieldWork},
    {"/publish", "nav.publish", Permission::Publish},    {"/users", "nav.users", Permission::Accounts},
    {"/audit", "nav.audit", Permission::Accounts},
};

bool nav_current(const std::string& item, const std::string& path) {
  if (item == "/") return path == "/" || path.rfind("/consultations", 0) == 0;
  return path == item || path.rfind(item + "/", 0) == 0;
}

// Officers overdue for a check-in, named, on every page: lone working is about someone's safety.
std::string overdue_banner(HubState& hub, const Session& session, const Lang& lang) {
  const auto officers = field_overview(hub, kOverdueAfter);
  if (!officers) {
    return "<div class=\"banner\" role=\"alert\"><p>" +
           escape(tr("overdue.unknown", lang, {{"problem", officers.error().message}})) + "</p></div>\n";
  }
  std::string names;
  for (const auto& officer : *officers) {
    if (!officer.overdue || officer.disabled) continue;
    names += (names.empty() ? "" : ", ") + officer.name;
  }
  if (names.empty()) return "";
  std::string out = "<div class=\"banner\" role=\"alert\"><p>" +
                    escape(tr("overdue.banner", lang, {{"names", names}}));
  if (allowed(session.role, Permission::FieldWork)) {
    out += " <a href=\"/field\">" + escape(tr("overdue.link", lang)) + "</a>";
  }
  return out + "</p></div>\n";
}

struct Layout {
  const Lang& lang;
  const std::string& title;
  const std::string& main;
  const httplib::Request& request;
  const Session* session = nullptr;  // null: signed out (sign-in page, errors before sign-in)
};

std::string render_layout(HubState& hub, const Layout& page) {
  const Lang other = page.lang == "cy" ? "en" : "cy";
  const std::string back = is_local_path(page.request.target) ? page.request.target : "/";
  std::string out;
  out.reserve(page.main.size() + 4096);
  out += "<!doctype html>\n<html lang=\"" + page.lang + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escape(page.title) + " – " + escape(tr("console.name", page.lang)) + "</title>\n";
  out += "<link rel=\"stylesheet\" href=\"/console.css\">\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#main\">" + escape(tr("nav.skip", page.lang)) + "</a>\n<header>\n";
  out += "<p class=\"hub-name\">" + escape(tr("console.name", page.lang)) + "</p>\n";
  if (page.session != nullptr) {
    out += "<nav aria-label=\"" + escape(tr("nav.label", page.lang)) + "\"><ul>";
    for (const NavItem& item : kNav) {
      if (!allowed(page.session->role, item.permission)) continue;
      out += "<li><a href=\"" + std::string(item.path) + "\"" +
             (nav_current(item.path, page.request.path) ? " aria-current=\"page\"" : "") + ">" +
             escape(tr(item.key, page.lang)) + "</a></li>";
    }
    out += "</ul></nav>\n";
  }
  out += "<div class=\"account\">";
  out += "<a href=\"/language?to=" + other + "&amp;back=" + escape(percent_encode(back)) + "\" hreflang=\"" + other +
         "\"><span lang=\"" + other + "\">" + escape(tr("language.switch", page.lang)) + "</span></a>";
  if (page.session != nullptr) {
    out += "<span>" +
           escape(tr("session.signed_in_as", page.lang,
                     {{"email", page.session->email},
                      {"role", tr(std::string("role.") + role_name(page.session->role), page.lang)}})) +
           "</span>";
    out += "<form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" name=\"csrf\" value=\"" +
           escape(page.session->csrf_token) + "\"><button type=\"submit\">" +
           escape(tr("session.sign_out", page.lang)) + "</button></form>";
  }
  out += "</div>\n</header>\n";
  if (page.session != nullptr) out += overdue_banner(hub, *page.session, page.lang);
  out += "<main id=\"main\" tabindex=\"-1\">\n" + page.main + "\n</main>\n</body>\n</html>\n";
  return out;
}

void send_page(HubState& hub, httplib::Response& res, int status, const Layout& page) {
  page_headers(res);
  res.status = status;
  res.set_content(render_layout(hub, page), "text/html; charset=utf-8");
}

// A page of its own for refusals and failures: a heading and a paragraph.
std::string message_main(const std::string& heading, const std::string& text, bool is_error = true) {
  return page_heading(heading) + notice(text, is_error);
}

void send_message(HubState& hub, httplib::Response& res, int status, const httplib::Request& req, const Lang& lang,
                  const Session* session, const std::string& title_key, const std::string& text) {
  const std::string title = tr(title_key, lang);
  const std::string main = message_main(title, text);
  send_page(hub, res, status, Layout{lang, title, main, req, session});
}

void send_plain(httplib::Response& res, int status, const std::string& text) {
  page_headers(res);
  res.status = status;
  res.set_content(text + "\n", "text/plain; charset=utf-8");
}

void redirect(httplib::Response& res, const std::string& to) {
  page_headers(res);
  res.status = 303;
  res.set_header("Location", to);
}

std::string sign_in_main(const Lang& lang, const std::string& next, const std::string& email,
                         const std::string& problem) {
  std::string out = page_heading(tr("auth.sign_in", lang));
  if (!problem.empty()) out += notice(problem, true);
  out += "<form method=\"post\" action=\"/sign-in\">\n";
  out += "<input type=\"hidden\" name=\"next\" value=\"" + escape(next) + "\">\n";
  out += "<label for=\"email\">" + escape(tr("auth.email", lang)) + "</label>\n";
  out += "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"" +
         escape(email) + "\">\n";
  out += "<label for=\"password\">" + escape(tr("auth.password", lang)) + "</label>\n";
  out += "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n";
  out += "<p><button type=\"submit\">" + escape(tr("auth.sign_in", lang)) + "</button></p>\n</form>\n";
  return out;
}

std::string next_from(const httplib::Request& req) {
  const std::string next = req.get_param_value("next");
  return is_local_path(next) && next.rfind("/sign-", 0) != 0 ? next : "/";
}

void sign_in_page(Console& console, const httplib::Request& req, httplib::Response& res, const Lang& lang) {
  const std::string title = tr("auth.sign_in", lang);
  std::string main = sign_in_main(lang, next_from(req), "", "");
  if (req.get_param_value("done") == "signed-out") main = notice(tr("auth.signed_out", lang)) + main;
  send_page(console.hub, res, 200, Layout{lang, title, main, req, nullptr});
}

void sign_in_post(Console& console, const httplib::Request& req, httplib::Response& res, const Lang& lang) {
  HubState& hub = console.hub;
  if (const std::string problem = origin_problem(hub, req); !problem.empty()) {
    return send_message(hub, res, 403, req, lang, nullptr, "error.form_refused_title",
                        tr("form.origin_refused", lang));
  }
  const std::string email = req.get_param_value("email");
  const auto answer = sign_in(hub, email, req.get_param_value("password"));
  if (!answer) {
    return send_message(hub, res, 503, req, lang, nullptr, "error.storage",
                        tr("error.storage_detail", lang, {{"problem", answer.error().message}}));
  }
  if (answer->kind == SignInAnswer::Kind::SignedIn) {
    res.set_header("Set-Cookie", cookie_header(hub, kSessionCookie, answer->token, true));
    return redirect(res, next_from(req));
  }
  const std::string problem =
      answer->kind == SignInAnswer::Kind::Wait
          ? tr(answer->wait_seconds == 1 ? "auth.wait_one" : "auth.wait", lang,
               {{"seconds", std::to_string(answer->wait_seconds)}})
          : tr("auth.refused", lang);
  const std::string title = tr("auth.sign_in", lang);
  const std::string main = sign_in_main(lang, next_from(req), email, problem);
  send_page(hub, res, answer->kind == SignInAnswer::Kind::Wait ? 429 : 401, Layout{lang, title, main, req, nullptr});
}

void language_switch(Console& console, const httplib::Request& req, httplib::Response& res) {
  const std::string to = lang_from(req.get_param_value("to"));
  res.set_header("Set-Cookie", cookie_header(console.hub, kLangCookie, to, false, 365L * 24 * 3600));
  const std::string back = req.get_param_value("back");
  redirect(res, is_local_path(back) ? back : "/");
}

// The route matching `path` for `method`, with its match; twins are looked for by the caller.
const CompiledRoute* find_route(const Console& console, const std::string& method, const std::string& path,
                                bool twins_only, std::smatch& match) {
  for (const auto& compiled : console.routes) {
    if (method != compiled.route.method) continue;
    if (twins_only && !compiled.route.twins) continue;
    if (std::regex_match(path, match, compiled.regex)) return &compiled;
  }
  return nullptr;
}

void send_twin(httplib::Response& res, const PageRequest& request, const PageResult& result, Format format) {
  if (result.status >= 400) return send_plain(res, result.status, result.title);
  const Table* chosen = result.tables.empty() ? nullptr : &result.tables.front();
  if (const std::string wanted = request.param("table"); !wanted.empty()) {
    chosen = nullptr;
    for (const auto& table : result.tables) {
      if (table.id == wanted) chosen = &table;
    }
  }
  if (chosen == nullptr) return send_plain(res, 404, "no such table on this page");
  page_headers(res);
  res.status = 200;
  if (format == Format::Csv) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + chosen->id + ".csv\"");
    res.set_content(table_csv(*chosen), "text/csv; charset=utf-8");
  } else {
    res.set_content(table_json(*chosen).dump(), "application/json; charset=utf-8");
  }
}

void send_result(Console& console, httplib::Response& res, PageRequest& request, const PageResult& result,
                 bool twin) {
  if (!result.redirect.empty()) return redirect(res, result.redirect);
  if (result.download) {
    page_headers(res);
    res.status = result.status;
    res.set_header("Content-Disposition", "attachment; filename=\"" + result.download->filename + "\"");
    res.set_content(result.download->body, result.download->content_type);
    return;
  }
  if (twin) return send_twin(res, request, result, request.format);
  send_page(console.hub, res, result.status,
            Layout{request.lang, result.title, result.main, request.http, &request.session});
}

Format format_of(const std::string& extension) {
  if (extension == ".csv") return Format::Csv;
  if (extension == ".json") return Format::Json;
  if (extension == ".xlsx") return Format::Xlsx;
  return Format::Html;
}

void dispatch(Console& console, const httplib::Request& req, httplib::Response& res) {
  HubState& hub = console.hub;
  const Lang lang = choose_lang(hub, req, res);
  const std::string& method = req.method;
  if (method == "GET" && req.path == "/console.css") {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "max-age=3600");
    return res.set_content(kStylesheet, "text/css; charset=utf-8");
  }
  if (req.path == "/language" && method == "GET") return language_switch(console, req, res);
  if (req.path == "/sign-in") {
    return method == "POST" ? sign_in_post(console, req, res, lang) : sign_in_page(console, req, res, lang);
  }

  // The path as routes see it, and whether it is a .csv/.json twin of a page.
  std::string path = req.path;
  std::smatch match;
  bool twin = false;
  const CompiledRoute* found = req.path == "/sign-out" ? nullptr : find_route(console, method, path, false, match);
  const auto dot = req.path.rfind('.');
  const std::string extension = dot == std::string::npos ? "" : req.path.substr(dot);
  if (found == nullptr && method == "GET" && (extension == ".csv" || extension == ".json")) {
    path = req.path.substr(0, dot);
    found = find_route(console, method, path, true, match);
    twin = found != nullptr;
  }

  auto session = session_for(hub, cookie_value(req, kSessionCookie));
  if (!session) {
    return send_message(hub, res, 503, req, lang, nullptr, "error.storage",
                        tr("error.storage_detail", lang, {{"problem", session.error().message}}));
  }
  const Session* signed_in = session->has_value() ? &**session : nullptr;
  if (signed_in == nullptr) {
    if (twin || extension == ".csv" || extension == ".json" || extension == ".xlsx") {
      return send_plain(res, 401, "sign in to the console first");
    }
    if (found == nullptr && req.path != "/sign-out") {
      return send_message(hub, res, 404, req, lang, nullptr, "error.not_found", tr("error.not_found_detail", lang));
    }
    const std::string next = method == "GET" && is_local_path(req.target) ? req.target : "/";
    return redirect(res, "/sign-in?next=" + percent_encode(next));
  }

  if (method == "POST") {
    // Nothing is changed by a post from another site, nor by one without this session's token.
    if (const std::string problem = origin_problem(hub, req); !problem.empty()) {
      return send_message(hub, res, 403, req, lang, signed_in, "error.form_refused_title",
                          tr("form.origin_refused", lang));
    }
    const PageRequest probe{req, hub, *signed_in, lang, Format::Html, {}};
    // The token travels in the form's body only: one in the address would be written to proxies' logs.
    const size_t query = req.target.find('?');
    const bool token_in_address = query != std::string::npos && req.target.find("csrf", query) != std::string::npos;
    if (token_in_address || probe.param("csrf") != signed_in->csrf_token) {
      return send_message(hub, res, 403, req, lang, signed_in, "error.form_refused_title", tr("form.csrf_refused", lang));
    }
    if (req.path == "/sign-out") {
      if (auto ended = sign_out(hub, cookie_value(req, kSessionCookie), signed_in->email); !ended) {
        return send_message(hub, res, 503, req, lang, signed_in, "error.storage",
                            tr("error.storage_detail", lang, {{"problem", ended.error().message}}));
      }
      res.set_header("Set-Cookie", cookie_header(hub, kSessionCookie, "", true, 0));
      return redirect(res, "/sign-in?done=signed-out");
    }
  }

  if (found == nullptr) {
    if (twin || extension == ".csv" || extension == ".json") return send_plain(res, 404, "no such table");
    return send_message(hub, res, 404, req, lang, signed_in, "error.not_found", tr("error.not_found_detail", lang));
  }
  if (!allowed(signed_in->role, found->route.permission)) {
    if (twin) return send_plain(res, 403, "your role may not see this");
    return send_message(
        hub, res, 403, req, lang, signed_in, "error.forbidden",
        tr("error.forbidden_detail", lang, {{"role", tr(std::string("role.") + role_name(signed_in->role), lang)}}));
  }
  PageRequest request{req, hub, *signed_in, lang, format_of(extension), match};
  try {
    const PageResult result = found->route.handler(request);
    send_result(console, res, request, result, twin);
  } catch (const std::exception&) {
    send_message(hub, res, 500, req, lang, signed_in, "error.internal_title", tr("error.internal", lang));
  }
}

}  // namespace

void install_console(httplib::Server& server, HubState& hub) {
  auto console = std::make_shared<Console>(Console{hub, {}});
  for (auto* routes : {consultation_routes, export_routes, quarantine_routes, device_routes, field_routes,
                       feedback_routes, publish_routes, account_routes}) {
    for (Route& route : routes()) {
      std::regex regex(route.pattern);
      console->routes.push_back(CompiledRoute{std::move(route), std::move(regex)});
    }
  }
  // Registered after the API's routes: everything not under /api/ is the console's.
  const char* kConsolePaths = R"(/(?!api/).*)";
  server.Get(kConsolePaths,
             [console](const httplib::Request& req, httplib::Response& res) { dispatch(*console, req, res); });
  server.Post(kConsolePaths,
              [console](const httplib::Request& req, httplib::Response& res) { dispatch(*console, req, res); });
}

}  // namespace soundings::hub::detail::console
