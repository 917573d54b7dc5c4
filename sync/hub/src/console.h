// The head-office console: served by `soundings-hub serve` at `/` on the API's port (the API stays under
// /api/v1). Every page is HTML rendered here, usable with JavaScript off, in Welsh and English; every list
// or table on a page also answers at the same path with `.csv` or `.json` added, with the same filters.
//
// Pieces, one file each:
//   console.cpp            routing, the page layout, the language switch, the .csv/.json twins
//   console_auth.cpp       accounts (Argon2id), sessions, sign-in delays, CSRF token and Origin check
//   console_audit.cpp      the hash-chained audit log and its verification
//   console_text.cpp       every interface string in cy and en
//   console_html.cpp       escaping, tables (HTML, CSV, JSON), forms, SVG charts
//   console_suppress.cpp   small-number suppression shared by every aggregate (and by reach)
//   console_pages_*.cpp    the pages, each exposing its routes
//
// Nothing of a console's state lives in a hub's memory: accounts, sessions, sign-in delays and the audit
// chain are in the store, so that several hubs behind one address share them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace soundings::hub::detail {
struct HubState;
}

namespace soundings::hub::detail::console {

// ---- Accounts and what each role may do -------------------------------------------------------------

enum class Role { Admin, Officer, Viewer };
const char* role_name(Role role);                          // "admin", "officer", "viewer"
std::optional<Role> role_from_name(std::string_view name);

// Admin: everything. Officer: publish, feedback, quarantine decisions, exports, row-level reading (free
// text), devices and field work. Viewer: aggregate results only (consultations, results, reach).
enum class Permission {
  ReadResults,   // consultations list, results charts and tables, reach: aggregates only
  ReadRows,      // free-text answers, quarantined items: what one person wrote
  Export,        // row-level downloads (CSV, .xlsx)
  Publish,       // consultation files
  Feedback,      // "you said, we did"
  Quarantine,    // release or reject with a reason
  Devices,       // list, enrolment codes, revocation
  FieldWork,     // staff, walk lists, coverage, visits
  Accounts,      // console users, audit log (admin only)
};
bool allowed(Role role, Permission permission);

struct ConsoleUser {
  std::string email;        // lower case; the account's id
  Role role = Role::Viewer;
  std::string created_at;
  std::string disabled_at;  // empty while enabled
};

// The signed-in person behind a request.
struct Session {
  std::string email;
  Role role = Role::Viewer;
  std::string csrf_token;   // put in every form as the hidden field "csrf"
};

// ---- Interface text ----------------------------------------------------------------------------------

// "cy" or "en"; anything else is "en". Chosen by ?lang= (which also sets the "lang" cookie), then the
// cookie, then the first of cy/en in Accept-Language, then "en".
using Lang = std::string;
// The string for `key` in `lang`, with {name} placeholders filled from `values`. Every key has both
// languages (a test walks the table); an unknown key is a programming error and returns "[key]".
std::string tr(std::string_view key, const Lang& lang,
               const std::vector<std::pair<std::string, std::string>>& values = {});
// Every key of the table, for the test that checks both languages are there and not empty.
std::vector<std::string> text_keys();

// The strings themselves: shared ones in console_text.cpp, and each page file's own beside its pages
// (console_text.cpp gathers them; a key appears once in all of them). Keys are "area.what".
struct TextEntry {
  const char* key;
  const char* en;
  const char* cy;
};
std::vector<TextEntry> shared_text();
std::vector<TextEntry> consultation_text();
std::vector<TextEntry> export_text();
std::vector<TextEntry> quarantine_text();
std::vector<TextEntry> device_text();
std::vector<TextEntry> field_text();
std::vector<TextEntry> feedback_text();
std::vector<TextEntry> publish_text();
std::vector<TextEntry> account_text();

// ---- HTML pieces -------------------------------------------------------------------------------------

std::string escape(std::string_view text);  // &, <, >, ", ' as entities; bytes that are not UTF-8 as U+FFFD

// A table cell: text for people, and for the .csv/.json twins either the number or the text. A suppressed
// count shows as tr("count.suppressed") ("fewer than 5") on the page, "<5" in CSV and null in JSON.
struct Cell {
  std::string text;
  std::optional<int64_t> number;  // set for counts (and suppressed counts: number unset, suppressed true)
  bool suppressed = false;
  std::string href;               // the page's cell is a link when set (twins give the text)
  std::string code;               // when set, the twins give this stable code instead of the text (words for people)
  static Cell of(std::string text) { return Cell{std::move(text), std::nullopt, false, {}, {}}; }
  static Cell count(int64_t n) { return Cell{std::to_string(n), n, false, {}, {}}; }
  static Cell hidden() { return Cell{{}, std::nullopt, true, {}, {}}; }
};

struct Table {
  std::string id;                    // stable, for ?table= on the twins and the HTML id
  std::string caption;               // visible caption (the page's language)
  std::vector<std::string> headers;  // column headings for people (the page's language)
  std::vector<std::string> keys;     // column names in CSV and JSON: stable, English, snake_case
  std::vector<std::vector<Cell>> rows;
  bool first_column_is_header = true;  // <th scope="row"> for each row's first cell
};

std::string table_html(const Table& table, const Lang& lang);
// CSV: a header row of keys, then the rows, as the CLI exports write it (hub_csv.h: RFC 4180, a byte order
// mark so that Excel reads UTF-8, a cell that starts like a formula prefixed with '); suppressed counts "<5".
std::string table_csv(const Table& table);
// JSON: [{key: value, ...}, ...]: numbers as numbers, suppressed counts as null, text as strings.
nlohmann::json table_json(const Table& table);

// A horizontal bar chart of labelled counts as an inline SVG with a <title> and role="img"; suppressed
// bars are drawn as a hatched stub labelled tr("count.suppressed"). The numbers are always also in a table.
struct Bar {
  std::string label;
  std::optional<int64_t> count;  // nullopt: suppressed
};
std::string bar_chart_svg(const std::string& title, const std::vector<Bar>& bars, const Lang& lang);
// "42.5%" of `whole`; empty when whole is 0.
std::string percent_text(int64_t part, int64_t whole);

// ---- Small numbers -----------------------------------------------------------------------------------

inline constexpr int64_t kMinShownCount = 5;       // a count from 1 to 4 is never shown
inline constexpr int64_t kMinBreakdownTotal = 10;  // a filtered set smaller than this shows no breakdown

// Hides every count from 1 to kMinShownCount - 1; when that hides exactly one count of the group (whose
// total is shown), the next smallest non-zero count is hidden too, so the hidden one cannot be worked out
// by subtraction. Zero is shown. The result lines up with `counts`; nullopt means hidden. `reach` may ask
// for a larger threshold (--min-count); nothing asks for a smaller one.
std::vector<std::optional<int64_t>> suppress(const std::vector<int64_t>& counts, int64_t min_count = kMinShownCount);
// A filtered view's counts beside the same counts over every response (`whole`, lined up): a count is also
// hidden when the whole's count less it is from 1 to min_count - 1, since subtracting the two views would give
// that small group away; then the secondary step as in suppress().
std::vector<std::optional<int64_t>> suppress_beside(const std::vector<int64_t>& counts, const std::vector<int64_t>& whole,
                                                    int64_t min_count = kMinShownCount);
// A single count standing alone (a total): hidden from 1 to min_count - 1.
std::optional<int64_t> suppress_one(int64_t count, int64_t min_count = kMinShownCount);

// ---- Pages -------------------------------------------------------------------------------------------

enum class Format { Html, Csv, Json, Xlsx };

struct PageRequest {
  const httplib::Request& http;
  HubState& hub;
  const Session& session;
  Lang lang;
  Format format = Format::Html;
  std::smatch match;  // the route's pattern matched against the path without its .csv/.json extension
  // A query or form parameter (a multipart form's fields included), empty when absent.
  std::string param(const std::string& name) const;
};

// What a page handler gives back. For HTML: `title` and `main` (the content inside <main>, which starts
// with the page's <h1>), wrapped by the layout with the navigation, the language switch and the overdue
// banner. For .csv/.json: `tables` (?table=ID picks one; the first by default). `download` replaces all
// of it with a file (exports). `redirect` answers 303 See Other (after a form post).
struct PageResult {
  int status = 200;
  std::string title;
  std::string main;
  std::vector<Table> tables;
  std::string redirect;
  struct Download {
    std::string body;
    std::string content_type;
    std::string filename;  // Content-Disposition: attachment
  };
  std::optional<Download> download;
};

using Handler = std::function<PageResult(PageRequest&)>;

struct Route {
  const char* method;        // "GET" or "POST"
  std::string pattern;       // regex over the path without extension, e.g. "/consultations/([a-z0-9-]+)"
  Permission permission;     // checked before the handler runs; a viewer gets 403 with a page saying why
  Handler handler;
  bool twins = false;        // GET: also answers PATH.csv and PATH.json
};

// A consultation id in a route (the loader's plain ids: letters, digits, '-', '_', '.', '+'), as one capture;
// never one ending in a twin's or a download's extension, which belongs to the twin.
inline constexpr const char* kConsultationIdPattern = "((?![^/]*\\.(?:csv|json|xlsx)$)[A-Za-z0-9_.+-]+)";

// Each page file adds its routes (console.cpp gathers them).
std::vector<Route> consultation_routes();  // /, /consultations..., results, free text, reach
std::vector<Route> export_routes();        // /consultations/ID/export.csv and .xlsx
std::vector<Route> quarantine_routes();    // /quarantine
std::vector<Route> device_routes();        // /devices
std::vector<Route> field_routes();         // /field
std::vector<Route> feedback_routes();      // /consultations/ID/feedback
std::vector<Route> publish_routes();       // /publish
std::vector<Route> account_routes();       // /users, /audit

// Pieces pages share.
std::string form_start(const PageRequest& request, const std::string& action, bool multipart = false);  // + CSRF field
std::string page_heading(const std::string& text);  // <h1>
std::string notice(const std::string& text, bool is_error = false);  // role="status" / role="alert" box
// A page's 400 for bad input: names the field and the problem, changes nothing.
PageResult bad_request(const PageRequest& request, const std::string& problem);
PageResult not_found(const PageRequest& request);
PageResult storage_failure(const PageRequest& request, const Error& error);  // 503

// ---- The audit log -----------------------------------------------------------------------------------

// Append-only and hash-chained: each entry's hash is BLAKE2b-256 over the previous entry's hash and this
// entry's fields; appends are serialised in the database (SQLite's write lock, an advisory lock on
// PostgreSQL), so several hubs make one chain.
struct AuditEntry {
  int64_t seq = 0;
  std::string at;
  std::string actor;    // the console user's email, "cli" for a command, or a device id
  std::string action;   // "sign_in", "sign_in_failed", "sign_out", "publish", "feedback", "quarantine_release",
                        // "quarantine_reject", "export", "enrol_code", "revoke", "user_add", "user_disable"
  std::string subject;  // what it was about: a consultation id, a device id, an email, a quarantine seq
  std::string detail;   // free text (a reason, a format and filters)
  std::string prev_hash;
  std::string hash;
};

[[nodiscard]] Status audit(HubState& hub, const std::string& actor, const std::string& action,
                           const std::string& subject, const std::string& detail);

// ---- Serving -----------------------------------------------------------------------------------------

// Registers the console on the hub's internal server. `public_url` (HubConfig) is where people reach the
// hub ("https://consult.example.gov.uk"): its scheme decides the Secure cookie and its origin is the only
// one form posts are accepted from; empty: the request's own Host, over plain HTTP unless the hub serves TLS.
void install_console(httplib::Server& server, HubState& hub);

}  // namespace soundings::hub::detail::console
