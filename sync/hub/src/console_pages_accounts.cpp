// Console pages for admins: the console's accounts (/users) and the audit log (/audit), with the text of
// the layout, sign-in and refusal pages that console.cpp draws.
#include <httplib.h>

#include "console.h"
#include "console_state.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

constexpr int64_t kAuditPageSize = 100;

Table users_table(const std::vector<ConsoleUser>& users, const Lang& lang) {
  Table table;
  table.id = "users";
  table.caption = tr("users.caption", lang);
  table.headers = {tr("users.email", lang), tr("users.role", lang), tr("users.created", lang),
                   tr("users.disabled", lang)};
  table.keys = {"email", "role", "created_at", "disabled_at"};
  for (const auto& user : users) {
    table.rows.push_back({Cell::of(user.email), Cell::of(role_name(user.role)), Cell::of(user.created_at),
                          Cell::of(user.disabled_at)});
  }
  return table;
}

std::string role_options(const Lang& lang) {
  std::string out;
  for (const Role role : {Role::Viewer, Role::Officer, Role::Admin}) {
    out += "<option value=\"" + std::string(role_name(role)) + "\">" +
           escape(tr(std::string("role.") + role_name(role), lang)) + "</option>";
  }
  return out;
}

std::string add_user_form(const PageRequest& request) {
  const Lang& lang = request.lang;
  std::string out = "<h2 id=\"add-user\">" + escape(tr("users.add_heading", lang)) + "</h2>\n";
  out += form_start(request, "/users");
  out += "<label for=\"new-email\">" + escape(tr("users.email", lang)) + "</label>\n"
         "<input id=\"new-email\" name=\"email\" type=\"email\" autocomplete=\"off\" required>\n";
  out += "<label for=\"new-role\">" + escape(tr("users.role", lang)) + "</label>\n<select id=\"new-role\" name=\"role\">" +
         role_options(lang) + "</select>\n";
  out += "<label for=\"new-password\">" + escape(tr("users.initial_password", lang)) + "</label>\n"
         "<input id=\"new-password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"12\" "
         "required>\n";
  out += "<p><button type=\"submit\">" + escape(tr("users.add", lang)) + "</button></p>\n</form>\n";
  return out;
}

std::string disable_forms(const PageRequest& request, const std::vector<ConsoleUser>& users) {
  const Lang& lang = request.lang;
  std::string out;
  for (const auto& user : users) {
    if (!user.disabled_at.empty() || user.email == request.session.email) continue;
    out += "<li>" + form_start(request, "/users/disable") + "<input type=\"hidden\" name=\"email\" value=\"" +
           escape(user.email) + "\"><button type=\"submit\" class=\"warning\">" +
           escape(tr("users.disable", lang, {{"email", user.email}})) + "</button></form></li>\n";
  }
  if (out.empty()) return "";
  return "<h2 id=\"disable-user\">" + escape(tr("users.disable_heading", lang)) + "</h2>\n<p>" +
         escape(tr("users.disable_hint", lang)) + "</p>\n<ul class=\"plain\">\n" + out + "</ul>\n";
}

PageResult users_page(PageRequest& request) {
  const Lang& lang = request.lang;
  auto users = list_users(request.hub);
  if (!users) return storage_failure(request, users.error());
  PageResult result;
  result.title = tr("users.title", lang);
  result.tables.push_back(users_table(*users, lang));
  if (request.format != Format::Html) return result;
  result.main = page_heading(result.title);
  if (const std::string added = request.param("added"); !added.empty()) {
    result.main += notice(tr("users.added", lang, {{"email", added}}));
  }
  if (const std::string disabled = request.param("disabled"); !disabled.empty()) {
    result.main += notice(tr("users.disabled_done", lang, {{"email", disabled}}));
  }
  result.main += table_html(result.tables.front(), lang) + "\n";
  result.main += "<p><a href=\"/users.csv\">" + escape(tr("users.download_csv", lang)) + "</a> · <a href=\"/users.json\">" +
                 escape(tr("users.download_json", lang)) + "</a></p>\n";
  result.main += add_user_form(request) + disable_forms(request, *users);
  return result;
}

// A refusal the person can mend (bad input, an email in use) is a 400 naming the field; a database that
// fails is a 503.
PageResult refused(PageRequest& request, const Error& error) {
  if (error.code == ErrorCode::InvalidInput || error.code == ErrorCode::Conflict || error.code == ErrorCode::NotFound) {
    return bad_request(request, error.message);
  }
  return storage_failure(request, error);
}

PageResult add_user_post(PageRequest& request) {
  const Lang& lang = request.lang;
  const std::string email = normalise_email(request.param("email"));
  // Checked here first so that the page names the problem in the reader's language; add_user checks again.
  if (!email_problem(email).empty()) return bad_request(request, tr("users.bad_email", lang, {{"email", email}}));
  if (!role_from_name(request.param("role"))) return bad_request(request, tr("users.bad_role", lang));
  if (request.param("password").size() < kMinPasswordLength) {
    return bad_request(request, tr("users.short_password", lang));
  }
  if (auto added = add_user(request.hub, request.session.email, email, request.param("role"), request.param("password"));
      !added) {
    if (added.error().code == ErrorCode::Conflict) return bad_request(request, tr("users.taken", lang, {{"email", email}}));
    return refused(request, added.error());
  }
  PageResult result;
  result.redirect = "/users?added=" + httplib::detail::encode_query_param(email);
  return result;
}

PageResult disable_user_post(PageRequest& request) {
  const std::string email = normalise_email(request.param("email"));
  if (email == request.session.email) {
    return bad_request(request, tr("users.not_yourself", request.lang));
  }
  if (auto disabled = disable_user(request.hub, request.session.email, email); !disabled) {
    if (disabled.error().code == ErrorCode::NotFound) {
      return bad_request(request, tr("users.no_such", request.lang, {{"email", email}}));
    }
    return refused(request, disabled.error());
  }
  PageResult result;
  result.redirect = "/users?disabled=" + httplib::detail::encode_query_param(email);
  return result;
}

// An action in words in the page's language; the .csv/.json twins keep its code, which scripts rely on.
Cell action_cell(const std::string& action, const Lang& lang) {
  const std::string key = "audit.action." + action;
  std::string words = tr(key, lang);
  if (words == "[" + key + "]") words = action;
  Cell cell = Cell::of(std::move(words));
  cell.code = action;
  return cell;
}

Table audit_table(const std::vector<AuditEntry>& entries, const Lang& lang) {
  Table table;
  table.id = "audit";
  table.caption = tr("audit.caption", lang);
  table.headers = {tr("audit.seq", lang),     tr("audit.at", lang),     tr("audit.actor", lang),
                   tr("audit.action", lang),  tr("audit.subject", lang), tr("audit.detail", lang),
                   tr("audit.hash", lang)};
  table.keys = {"seq", "at", "actor", "action", "subject", "detail", "hash"};
  for (const auto& entry : entries) {
    table.rows.push_back({Cell::count(entry.seq), Cell::of(entry.at),
                          Cell::of(entry.actor), action_cell(entry.action, lang), Cell::of(entry.subject),
                          Cell::of(entry.detail), Cell::of(entry.hash)});
  }
  return table;
}

PageResult audit_page(PageRequest& request) {
  const Lang& lang = request.lang;
  long long before = 0;
  if (const std::string text = request.param("before"); !text.empty()) {
    try {
      size_t used = 0;
      before = std::stoll(text, &used);
      if (used != text.size() || before < 1) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      return bad_request(request, tr("audit.bad_before", lang, {{"value", text}}));
    }
  }
  const auto entries = audit_entries(request.hub, before, kAuditPageSize);
  if (!entries) return storage_failure(request, entries.error());
  PageResult result;
  result.title = tr("audit.title", lang);
  result.tables.push_back(audit_table(*entries, lang));
  if (request.format != Format::Html) return result;
  const auto check = verify_audit_chain(request.hub);
  if (!check) return storage_failure(request, check.error());
  result.main = page_heading(result.title);
  result.main += check->intact ? notice(tr("audit.intact", lang, {{"count", std::to_string(check->entries)}}))
                               : notice(tr("audit.broken", lang, {{"seq", std::to_string(check->first_bad_seq)},
                                                                  {"problem", check->problem}}),
                                        true);
  result.main += table_html(result.tables.front(), lang) + "\n<p>";
  const std::string page_query = before > 0 ? "?before=" + std::to_string(before) : "";
  if (before > 0) result.main += "<a href=\"/audit\">" + escape(tr("audit.newest", lang)) + "</a> · ";
  if (static_cast<int64_t>(entries->size()) == kAuditPageSize && entries->back().seq > 1) {
    result.main += "<a href=\"/audit?before=" + std::to_string(entries->back().seq) + "\">" +
                   escape(tr("audit.older", lang)) + "</a> · ";
  }
  result.main += "<a href=\"/audit.csv" + page_query + "\">" + escape(tr("users.download_csv", lang)) +
                 "</a> · <a href=\"/audit.json" + page_query + "\">" + escape(tr("users.download_json", lang)) +
                 "</a></p>\n";
  return result;
}

}  // namespace

std::vector<Route> account_routes() {
  return {
      Route{"GET", "/users", Permission::Accounts, users_page, true},
      Route{"POST", "/users", Permission::Accounts, add_user_post, false},
      Route{"POST", "/users/disable", Permission::Accounts, disable_user_post, false},
      Route{"GET", "/audit", Permission::Accounts, audit_page, true},
  };
}

}  // namespace soundings::hub::detail::console

namespace soundings::hub::detail::console {

// Sign-in's and the refusals' strings (console.cpp draws them), and the account pages'.
std::vector<TextEntry> account_text() {
  return {
      {"overdue.unknown", "Could not check whether field officers are overdue: {problem}",
       "Methwyd â gwirio a yw swyddogion maes yn hwyr: {problem}"},
      {"auth.sign_in", "Sign in", "Mewngofnodi"},
      {"auth.email", "Email address", "Cyfeiriad e-bost"},
      {"auth.password", "Password", "Cyfrinair"},
      {"auth.refused", "That email address and password do not match an account. Check them and try again.",
       "Nid yw'r cyfeiriad e-bost a'r cyfrinair hynny'n cyfateb i gyfrif. Gwiriwch nhw a rhowch gynnig arall arni."},
      {"auth.wait", "Too many attempts did not work. Try again in {seconds} seconds.",
       "Mae gormod o ymdrechion wedi methu. Rhowch gynnig arall arni ymhen {seconds} eiliad."},
      {"auth.wait_one", "Too many attempts did not work. Try again in 1 second.",
       "Mae gormod o ymdrechion wedi methu. Rhowch gynnig arall arni ymhen 1 eiliad."},
      {"auth.signed_out", "You have signed out.", "Rydych chi wedi allgofnodi."},
      {"error.form_refused_title", "Form refused", "Gwrthodwyd y ffurflen"},
      {"error.internal_title", "Something went wrong", "Aeth rhywbeth o'i le"},
      {"error.internal", "The hub failed unexpectedly while handling this page.",
       "Methodd yr hyb yn annisgwyl wrth drin y dudalen hon."},
      {"users.title", "Users", "Defnyddwyr"},
      {"users.caption", "Console accounts", "Cyfrifon y consol"},
      {"users.email", "Email address", "Cyfeiriad e-bost"},
      {"users.role", "Role", "Rôl"},
      {"users.created", "Created (UTC)", "Crëwyd (UTC)"},
      {"users.disabled", "Disabled (UTC)", "Analluogwyd (UTC)"},
      {"users.add_heading", "Add a user", "Ychwanegu defnyddiwr"},
      {"users.initial_password", "Initial password (at least 12 characters)",
       "Cyfrinair cychwynnol (o leiaf 12 nod)"},
      {"users.add", "Add user", "Ychwanegu defnyddiwr"},
      {"users.added", "Added {email}.", "Ychwanegwyd {email}."},
      {"users.disable_heading", "Disable an account", "Analluogi cyfrif"},
      {"users.disable_hint", "A disabled account cannot sign in, and its sessions end at once. Emails are never reused.",
       "Ni all cyfrif sydd wedi'i analluogi fewngofnodi, ac mae ei sesiynau'n dod i ben ar unwaith. Ni chaiff "
       "cyfeiriadau e-bost eu hailddefnyddio."},
      {"users.disable", "Disable {email}", "Analluogi {email}"},
      {"users.disabled_done", "Disabled {email} and ended their sessions.",
       "Analluogwyd {email} a daeth eu sesiynau i ben."},
      {"users.bad_email", "Email address: \"{email}\" is not an email address (like name@council.gov.uk).",
       "Cyfeiriad e-bost: nid yw \"{email}\" yn gyfeiriad e-bost (fel enw@cyngor.gov.uk)."},
      {"users.bad_role", "Role: choose administrator, officer or viewer.",
       "Rôl: dewiswch weinyddwr, swyddog neu wyliwr."},
      {"users.short_password", "Initial password: it must be at least 12 characters long.",
       "Cyfrinair cychwynnol: rhaid iddo fod o leiaf 12 nod o hyd."},
      {"users.taken", "Email address: {email} already has an account (emails are never reused, even once disabled).",
       "Cyfeiriad e-bost: mae gan {email} gyfrif yn barod (ni chaiff cyfeiriadau e-bost eu hailddefnyddio, hyd yn oed "
       "ar ôl eu hanalluogi)."},
      {"users.no_such", "Email address: there is no account for {email}.",
       "Cyfeiriad e-bost: does dim cyfrif ar gyfer {email}."},
      {"users.not_yourself", "Email address: you cannot disable your own account.",
       "Cyfeiriad e-bost: ni allwch analluogi eich cyfrif eich hun."},
      {"users.download_csv", "Download as CSV", "Llwytho i lawr fel CSV"},
      {"users.download_json", "Download as JSON", "Llwytho i lawr fel JSON"},
      {"audit.title", "Audit log", "Log archwilio"},
      {"audit.caption", "Audit log entries, newest first", "Cofnodion y log archwilio, y diweddaraf yn gyntaf"},
      {"audit.seq", "Entry", "Cofnod"},
      {"audit.at", "Time (UTC)", "Amser (UTC)"},
      {"audit.actor", "Who", "Pwy"},
      {"audit.action", "Action", "Gweithred"},
      {"audit.action.sign_in", "Signed in", "Mewngofnodi"},
      {"audit.action.sign_in_failed", "Sign-in failed", "Methodd mewngofnodi"},
      {"audit.action.sign_out", "Signed out", "Allgofnodi"},
      {"audit.action.publish", "Published a consultation", "Cyhoeddi ymgynghoriad"},
      {"audit.action.feedback", "Published \"you said, we did\"", "Cyhoeddi \"dywedoch chi, gwnaethom ni\""},
      {"audit.action.quarantine_release", "Released from quarantine", "Rhyddhau o gwarantîn"},
      {"audit.action.quarantine_reject", "Rejected in quarantine", "Gwrthod mewn cwarantîn"},
      {"audit.action.export", "Exported responses", "Allforio ymatebion"},
      {"audit.action.enrol_code", "Made an enrolment code", "Creu cod cofrestru"},
      {"audit.action.revoke", "Revoked a device", "Dirymu dyfais"},
      {"audit.action.user_add", "Added a console account", "Ychwanegu cyfrif consol"},
      {"audit.action.user_disable", "Disabled a console account", "Analluogi cyfrif consol"},
      {"audit.action.walklist_import", "Imported a walk list", "Mewnforio rhestr gerdded"},
      {"audit.action.walklist_assign", "Assigned a walk list", "Neilltuo rhestr gerdded"},
      {"audit.action.walklist_unassign", "Took a walk list off a tablet", "Tynnu rhestr gerdded oddi ar dabled"},
      {"audit.action.walklist_close", "Closed a walk list", "Cau rhestr gerdded"},
      {"audit.action.staff_disable", "Disabled an officer's account", "Analluogi cyfrif swyddog"},
      {"audit.subject", "About", "Ynghylch"},
      {"audit.detail", "Detail", "Manylion"},
      {"audit.hash", "Hash", "Stwnsh"},
      {"audit.intact", "Chain checked: all {count} entries are intact.",
       "Gwiriwyd y gadwyn: mae pob un o'r {count} cofnod yn gyfan."},
      {"audit.broken", "The chain is broken at entry {seq}: {problem}", "Mae'r gadwyn wedi torri wrth gofnod {seq}: {problem}"},
      {"audit.older", "Older entries", "Cofnodion hŷn"},
      {"audit.newest", "Newest entries", "Y cofnodion diweddaraf"},
      {"audit.bad_before", "before: must be an entry number of 1 or more, not \"{value}\"",
       "before: rhaid iddo fod yn rhif cofnod o 1 neu fwy, nid \"{value}\""},
  };
}

}  // namespace soundings::hub::detail::console
