// Console pages: field work (console.h). Officers and whether any is overdue, walk lists with their tablets,
// coverage per street, and a page of recent visits; forms to import, assign, unassign and close walk lists
// and to disable a staff account. Each runs what the soundings-hub commands run (the detail:: operations).
//
// Staff accounts are listed and disabled here but added with `soundings-hub staff add`: the PIN is the
// officer's own secret, typed on standard input, and a web form would put it through a browser's history
// and autofill on a shared office machine.
//
// Visits carry addresses and notes (personal data), so the whole page is for FieldWork roles only.
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <regex>

#include <nlohmann/json.hpp>

#include "console.h"
#include "hub_impl.h"
#include "soundings/field_records.h"
#include "soundings/lone_working.h"

namespace soundings::hub::detail::console {

namespace {


using nlohmann::json;

constexpr int64_t kVisitsPerPage = 25;

// Percent-encodes a walk list's name for a link: names are free text.
std::string url_encode(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string list_href(const std::string& name) { return "/field/lists/" + url_encode(name); }

// "ok at T", "missed (due D) at T", "signed_in at T": the hub's wording turned into the page's language.
std::string check_in_text(const std::string& text, const Lang& lang) {
  static const std::regex ok("ok at (.+)");
  static const std::regex missed("missed \\(due (.+)\\) at (.+)");
  std::smatch parts;
  if (text.empty()) return tr("field.none_received", lang);
  if (std::regex_match(text, parts, ok)) return tr("field.check_in.ok", lang, {{"at", parts[1].str()}});
  if (std::regex_match(text, parts, missed)) {
    return tr("field.check_in.missed", lang, {{"due", parts[1].str()}, {"at", parts[2].str()}});
  }
  return text;
}

std::string sign_in_text(const std::string& text, const Lang& lang) {
  static const std::regex event("(signed_in|signed_out|timed_out|locked_out) at (.+)");
  std::smatch parts;
  if (text.empty()) return tr("field.none_received", lang);
  if (!std::regex_match(text, parts, event)) return text;
  return tr("field.sign_in." + parts[1].str(), lang, {{"at", parts[2].str()}});
}

std::string state_key(std::string state) {
  std::transform(state.begin(), state.end(), state.begin(), [](unsigned char c) {
    return c == ' ' ? '_' : static_cast<char>(std::tolower(c));
  });
  return "field.state." + state;
}

Result<Table> officers_table(PageRequest& request) {
  const Lang& lang = request.lang;
  auto officers = field_overview(request.hub, kDefaultOverdueAfter);
  if (!officers) return officers.error();
  Table table;
  table.id = "officers";
  table.caption = tr("field.officers.caption", lang, {{"minutes", std::to_string(kDefaultOverdueAfter.count())}});
  table.headers = {tr("field.col.staff_id", lang),     tr("field.col.name", lang),    tr("field.col.state", lang),
                   tr("field.col.since", lang),        tr("field.col.reason", lang),  tr("field.col.last_check_in", lang),
                   tr("field.col.last_sign_in", lang), tr("field.col.account", lang)};
  table.keys = {"staff_id", "name", "state", "since", "reason", "last_check_in", "last_sign_in", "account"};
  for (const OfficerStatus& officer : *officers) {
    // Overdue is said in words (and capitals), never by colour alone.
    table.rows.push_back({Cell::of(officer.staff_id), Cell::of(officer.name),
                          Cell::of(tr(state_key(officer.state), lang)), Cell::of(officer.since),
                          Cell::of(officer.reason), Cell::of(check_in_text(officer.last_check_in, lang)),
                          Cell::of(sign_in_text(officer.last_sign_in, lang)),
                          Cell::of(tr(officer.disabled ? "field.account.disabled" : "field.account.enabled", lang))});
  }
  return table;
}

// Door counts are doors of a council's list, not residents' answers: small-number suppression is for
// counts of responses, and a walk list's size is known to whoever made it, so these are shown as they are.
Result<Table> walk_lists_table(PageRequest& request, const std::vector<WalkListSummary>& lists) {
  const Lang& lang = request.lang;
  Table table;
  table.id = "walk_lists";
  table.caption = tr("field.lists.caption", lang);
  table.headers = {tr("field.col.list", lang), tr("field.col.doors", lang), tr("field.col.tablets", lang),
                   tr("field.col.list_state", lang), tr("field.col.imported", lang)};
  table.keys = {"name", "doors", "tablets", "state", "imported_at"};
  for (const WalkListSummary& list : lists) {
    Cell name = Cell::of(list.name);
    name.href = list_href(list.name);
    std::string tablets;
    for (const auto& device : list.devices) tablets += (tablets.empty() ? "" : ", ") + device.name + " (" + device.id + ")";
    const std::string state = list.closed_at.empty() ? tr("field.list.open", lang)
                                                     : tr("field.list.closed", lang, {{"at", list.closed_at}});
    table.rows.push_back({name, Cell::count(list.doors), Cell::of(tablets.empty() ? tr("field.none", lang) : tablets),
                          Cell::of(state), Cell::of(list.imported_at)});
  }
  return table;
}

Result<Table> coverage_table(PageRequest& request, const std::string& list_name) {
  const Lang& lang = request.lang;
  auto report = coverage(request.hub, list_name);
  if (!report) return report.error();
  Table table;
  table.id = "coverage";
  table.caption = tr("field.coverage.caption", lang, {{"list", report->name}});
  table.headers = {tr("field.col.street", lang), tr("field.col.doors", lang), tr("field.col.visited", lang),
                   tr("field.col.not_visited", lang)};
  table.keys = {"street", "doors", "visited", "not_visited"};
  for (const VisitOutcome outcome : kAllVisitOutcomes) {
    table.headers.push_back(tr(std::string("field.outcome.") + visit_outcome_name(outcome), lang));
    table.keys.emplace_back(visit_outcome_name(outcome));
  }
  // Doors, not residents (see walk_lists_table): no suppression, and the totals row adds up.
  StreetCoverage total{tr("field.coverage.all_streets", lang), 0, 0, {}};
  const auto add_row = [&table](const StreetCoverage& row) {
    std::vector<Cell> cells = {Cell::of(row.street), Cell::count(row.doors), Cell::count(row.visited),
                               Cell::count(row.doors - row.visited)};
    for (const int64_t count : row.outcomes) cells.push_back(Cell::count(count));
    table.rows.push_back(std::move(cells));
  };
  for (const StreetCoverage& row : report->streets) {
    add_row(row);
    total.doors += row.doors;
    total.visited += row.visited;
    for (size_t i = 0; i < total.outcomes.size(); ++i) total.outcomes[i] += row.outcomes[i];
  }
  add_row(total);
  return table;
}

int64_t page_number(const PageRequest& request) {
  const std::string text = request.param("page");
  if (text.empty() || text.size() > 6 || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return 1;
  return std::max<int64_t>(1, std::stoll(text));
}

// One page of visits, newest first. Its count of visits is of door knocks, not responses (no suppression).
Result<Table> visits_table(PageRequest& request, int64_t page, int64_t& total) {
  const Lang& lang = request.lang;
  auto text = export_visits(request.hub, "", "json");
  if (!text) return text.error();
  json visits = json::parse(*text, nullptr, false);
  if (!visits.is_array()) visits = json::array();
  std::stable_sort(visits.begin(), visits.end(), [](const json& a, const json& b) {
    return a.value("visited_at", "") > b.value("visited_at", "");
  });
  total = static_cast<int64_t>(visits.size());
  Table table;
  table.id = "visits";
  table.caption = tr("field.visits.caption", lang, {{"page", std::to_string(page)}});
  table.headers = {tr("field.col.visited_at", lang), tr("field.col.list", lang),  tr("field.col.uprn", lang),
                   tr("field.col.outcome", lang),    tr("field.col.come_back", lang), tr("field.col.staff_id", lang),
                   tr("field.col.device", lang),     tr("field.col.note", lang),  tr("field.col.flags", lang)};
  table.keys = {"visited_at", "list", "uprn", "outcome", "come_back_at", "staff_id", "device_id", "note", "flags"};
  const int64_t first = (page - 1) * kVisitsPerPage;
  for (int64_t i = first; i < total && i < first + kVisitsPerPage; ++i) {
    const json& visit = visits[static_cast<size_t>(i)];
    std::string flags;
    for (const auto& flag : visit.value("flags", json::array())) {
      const std::string name = flag.is_string() ? flag.get<std::string>() : "";
      const bool known = name == kFlagOutsideWorkingHours || name == kFlagManyCompletionsAtAddress;
      flags += (flags.empty() ? "" : ", ") + (known ? tr("field.flag." + name, lang) : name);
    }
    table.rows.push_back({Cell::of(visit.value("visited_at", "")), Cell::of(visit.value("list", "")),
                          Cell::of(visit.value("uprn", "")),
                          Cell::of(tr("field.outcome." + visit.value("outcome", ""), lang)),
                          Cell::of(visit.value("come_back_at", "")), Cell::of(visit.value("staff_id", "")),
                          Cell::of(visit.value("device_id", "")), Cell::of(visit.value("note", "")), Cell::of(flags)});
  }
  return table;
}

std::string option(const std::string& value, const std::string& text, bool selected = false) {
  return "<option value=\"" + escape(value) + "\"" + (selected ? " selected" : "") + ">" + escape(text) + "</option>";
}

std::string select(const std::string& id, const std::string& name, const std::string& label,
                   const std::string& options) {
  return "<p><label for=\"" + id + "\">" + escape(label) + "</label><br><select id=\"" + id + "\" name=\"" + name +
         "\">" + options + "</select></p>";
}

std::string submit(const std::string& text) { return "<p><button type=\"submit\">" + escape(text) + "</button></p>"; }

std::string section(const std::string& id, const std::string& heading, const std::string& body) {
  return "<section aria-labelledby=\"" + id + "\"><h2 id=\"" + id + "\">" + escape(heading) + "</h2>" + body +
         "</section>";
}

std::string subsection(const std::string& id, const std::string& heading, const std::string& body) {
  return "<section aria-labelledby=\"" + id + "\"><h3 id=\"" + id + "\">" + escape(heading) + "</h3>" + body +
         "</section>";
}

// The forms under the walk lists: assign, unassign, close, import. Only open lists and enrolled field tablets
// are offered; the operations check again, since another hub may have changed them meanwhile.
Result<std::string> walk_list_forms(PageRequest& request, const std::vector<WalkListSummary>& lists,
                                    const std::string& import_name) {
  const Lang& lang = request.lang;
  auto devices = request.hub.store->devices();
  if (!devices) return devices.error();
  std::string list_options;
  std::string open_options;
  for (const WalkListSummary& list : lists) {
    list_options += option(list.name, list.name);
    if (list.closed_at.empty()) open_options += option(list.name, list.name);
  }
  std::string tablet_options;
  for (const DeviceInfo& device : *devices) {
    if (device.role == DeviceRole::Field && !device.revoked) {
      tablet_options += option(device.device_id, device.name + " (" + device.device_id + ")");
    }
  }
  std::string out;
  if (!open_options.empty() && !tablet_options.empty()) {
    out += subsection("field-assign", tr("field.assign.heading", lang),
                      form_start(request, "/field/assign") +
                          select("assign-list", "list", tr("field.form.list", lang), open_options) +
                          select("assign-device", "device", tr("field.form.tablet", lang), tablet_options) +
                          submit(tr("field.assign.submit", lang)) + "</form>");
  } else {
    out += subsection("field-assign", tr("field.assign.heading", lang),
                      "<p>" + escape(tr("field.assign.nothing", lang)) + "</p>");
  }
  if (!list_options.empty()) {
    std::string any_device;
    for (const DeviceInfo& device : *devices) {
      if (device.role == DeviceRole::Field) any_device += option(device.device_id, device.name + " (" + device.device_id + ")");
    }
    if (!any_device.empty()) {
      out += subsection("field-unassign", tr("field.unassign.heading", lang),
                        form_start(request, "/field/unassign") +
                            select("unassign-list", "list", tr("field.form.list", lang), list_options) +
                            select("unassign-device", "device", tr("field.form.tablet", lang), any_device) +
                            submit(tr("field.unassign.submit", lang)) + "</form>");
    }
  }
  if (!open_options.empty()) {
    out += subsection("field-close", tr("field.close.heading", lang),
                      "<p>" + escape(tr("field.close.intro", lang)) + "</p>" + form_start(request, "/field/close") +
                          select("close-list", "list", tr("field.form.list", lang), open_options) +
                          submit(tr("field.close.submit", lang)) + "</form>");
  }
  out += subsection(
      "field-import", tr("field.import.heading", lang),
      "<p>" + escape(tr("field.import.intro", lang)) + "</p>" + form_start(request, "/field/import", true) +
          "<p><label for=\"import-name\">" + escape(tr("field.import.name", lang)) +
          "</label><br><input type=\"text\" id=\"import-name\" name=\"name\" maxlength=\"200\" value=\"" +
          escape(import_name) + "\"></p><p><label for=\"import-file\">" + escape(tr("field.import.file", lang)) +
          "</label><br><input type=\"file\" id=\"import-file\" name=\"file\" accept=\".csv,text/csv\"></p>" +
          submit(tr("field.import.submit", lang)) + "</form>");
  return out;
}

Result<std::string> staff_form(PageRequest& request) {
  const Lang& lang = request.lang;
  auto accounts = staff(request.hub);
  if (!accounts) return accounts.error();
  std::string options;
  for (const StaffAccount& account : *accounts) {
    if (account.disabled_at.empty()) options += option(account.staff_id, account.name + " (" + account.staff_id + ")");
  }
  std::string body = "<p>" + escape(tr("field.staff.add_elsewhere", lang)) + "</p>";
  if (!options.empty()) {
    body += form_start(request, "/field/staff/disable") +
            select("disable-staff", "staff_id", tr("field.staff.account", lang), options) +
            submit(tr("field.staff.disable", lang)) + "</form>";
  }
  return subsection("field-staff", tr("field.staff.heading", lang), body);
}

std::string pager(const PageRequest& request, int64_t page, int64_t total) {
  const Lang& lang = request.lang;
  std::string links;
  if (page > 1) links += "<a href=\"/field?page=" + std::to_string(page - 1) + "#field-visits\">" + escape(tr("field.visits.newer", lang)) + "</a> ";
  if (page * kVisitsPerPage < total) {
    links += "<a href=\"/field?page=" + std::to_string(page + 1) + "#field-visits\">" + escape(tr("field.visits.older", lang)) + "</a>";
  }
  return links.empty() ? "" : "<nav aria-label=\"" + escape(tr("field.visits.pages", lang)) + "\"><p>" + links + "</p></nav>";
}

// The whole page; `before` (a notice, problems) goes under the heading. `import_name` refills the import form.
PageResult field_page(PageRequest& request, const std::string& before, int status, const std::string& import_name = "") {
  const Lang& lang = request.lang;
  auto officers = officers_table(request);
  if (!officers) return storage_failure(request, officers.error());
  auto lists = walk_lists(request.hub);
  if (!lists) return storage_failure(request, lists.error());
  auto lists_table = walk_lists_table(request, *lists);
  if (!lists_table) return storage_failure(request, lists_table.error());
  auto forms = walk_list_forms(request, *lists, import_name);
  if (!forms) return storage_failure(request, forms.error());
  auto staff_part = staff_form(request);
  if (!staff_part) return storage_failure(request, staff_part.error());
  const int64_t page_no = page_number(request);
  int64_t total_visits = 0;
  auto visits = visits_table(request, page_no, total_visits);
  if (!visits) return storage_failure(request, visits.error());

  PageResult page;
  page.status = status;
  page.title = tr("field.title", lang);
  page.main = page_heading(page.title) + before;
  if (const std::string done = request.param("done"); !done.empty()) {
    static const std::regex known("import|assign|unassign|close|disable");
    if (std::regex_match(done, known)) page.main += notice(tr("field.done." + done, lang));
  }
  page.main += section("field-officers", tr("field.officers.heading", lang),
                       table_html(*officers, lang) + *staff_part);
  std::string coverage_part;
  const std::string chosen = request.param("list");
  std::optional<Table> coverage_shown;
  if (!chosen.empty()) {
    auto table = coverage_table(request, chosen);
    if (!table && table.error().code != ErrorCode::NotFound) return storage_failure(request, table.error());
    if (table) {
      coverage_part = table_html(*table, lang);
      coverage_shown = std::move(*table);
    } else {
      coverage_part = notice(tr("field.coverage.no_list", lang, {{"list", chosen}}), true);
    }
  }
  std::string choose;
  for (const WalkListSummary& list : *lists) choose += option(list.name, list.name, list.name == chosen);
  if (!choose.empty()) {
    coverage_part = "<form method=\"get\" action=\"/field#field-coverage\">" +
                    select("coverage-list", "list", tr("field.form.list", lang), choose) +
                    submit(tr("field.coverage.show", lang)) + "</form>" + coverage_part;
  }
  page.main += section("field-lists", tr("field.lists.heading", lang),
                       table_html(*lists_table, lang) + *forms +
                           subsection("field-coverage", tr("field.coverage.heading", lang),
                                      "<p>" + escape(tr("field.coverage.intro", lang)) + "</p>" + coverage_part));
  page.main += section("field-visits", tr("field.visits.heading", lang),
                       "<p>" + escape(tr("field.visits.intro", lang, {{"total", std::to_string(total_visits)}})) +
                           "</p>" + table_html(*visits, lang) + pager(request, page_no, total_visits));
  page.tables.push_back(std::move(*officers));
  page.tables.push_back(std::move(*lists_table));
  page.tables.push_back(std::move(*visits));
  if (coverage_shown) page.tables.push_back(std::move(*coverage_shown));
  return page;
}

PageResult show_field(PageRequest& request) { return field_page(request, "", 200); }

PageResult show_coverage(PageRequest& request) {
  const Lang& lang = request.lang;
  const std::string name = request.match[1].str();
  auto table = coverage_table(request, name);
  if (!table) {
    if (table.error().code == ErrorCode::NotFound) return not_found(request);
    return storage_failure(request, table.error());
  }
  PageResult page;
  page.title = tr("field.coverage.title", lang, {{"list", name}});
  page.main = page_heading(page.title) + "<p>" + escape(tr("field.coverage.intro", lang)) + "</p>" +
              table_html(*table, lang) + "<p><a href=\"/field\">" + escape(tr("field.back", lang)) + "</a></p>";
  page.tables.push_back(std::move(*table));
  return page;
}

PageResult redirect_done(const std::string& what) {
  PageResult done;
  done.redirect = "/field?done=" + what;
  return done;
}

// A refused change: the page again, the operation's own message (which names the list or tablet) on top.
PageResult refused(PageRequest& request, const Error& error) {
  if (error.code != ErrorCode::InvalidInput && error.code != ErrorCode::NotFound && error.code != ErrorCode::Conflict) {
    return storage_failure(request, error);
  }
  return field_page(request, notice(tr("field.problem.refused", request.lang) + " " + error.message, true), 400);
}

// Runs one change with an audit entry naming what it was about.
PageResult change(PageRequest& request, const std::string& action, const std::string& subject,
                  const std::string& detail, const Status& outcome, const std::string& done) {
  if (!outcome) return refused(request, outcome.error());
  if (auto audited = audit(request.hub, request.session.email, action, subject, detail); !audited) {
    return storage_failure(request, audited.error());
  }
  return redirect_done(done);
}

PageResult missing(PageRequest& request, const std::string& field) {
  return bad_request(request, tr("field.problem.missing", request.lang, {{"field", field}}));
}

PageResult post_assign(PageRequest& request) {
  const std::string list = request.param("list");
  const std::string device = request.param("device");
  if (list.empty()) return missing(request, "list");
  if (device.empty()) return missing(request, "device");
  return change(request, "walklist_assign", list, "device " + device, assign_walk_list(request.hub, list, device),
                "assign");
}

PageResult post_unassign(PageRequest& request) {
  const std::string list = request.param("list");
  const std::string device = request.param("device");
  if (list.empty()) return missing(request, "list");
  if (device.empty()) return missing(request, "device");
  return change(request, "walklist_unassign", list, "device " + device,
                unassign_walk_list(request.hub, list, device), "unassign");
}

PageResult post_close(PageRequest& request) {
  const std::string list = request.param("list");
  if (list.empty()) return missing(request, "list");
  return change(request, "walklist_close", list, "", close_walk_list(request.hub, list), "close");
}

PageResult post_disable_staff(PageRequest& request) {
  const std::string staff_id = request.param("staff_id");
  if (staff_id.empty()) return missing(request, "staff_id");
  return change(request, "staff_disable", staff_id, "", disable_staff(request.hub, staff_id), "disable");
}

PageResult post_import(PageRequest& request) {
  const Lang& lang = request.lang;
  const std::string name = request.param("name");
  std::string csv;
  if (request.http.has_file("file")) csv = request.http.get_file_value("file").content;
  if (csv.empty()) {
    return field_page(request, notice(tr("field.import.no_file", lang), true), 400, name);
  }
  auto imported = import_walk_list(request.hub, name, csv);
  if (!imported) return storage_failure(request, imported.error());
  if (!imported->problems.empty()) {
    // Each problem names its line and column, never the address on it (hub_walklists.cpp).
    std::string list = "<ul>";
    for (const std::string& problem : imported->problems) list += "<li>" + escape(problem) + "</li>";
    list += "</ul>";
    return field_page(request, notice(tr("field.import.refused", lang), true) + list, 400, name);
  }
  if (auto audited = audit(request.hub, request.session.email, "walklist_import", name,
                           std::to_string(imported->doors) + " doors");
      !audited) {
    return storage_failure(request, audited.error());
  }
  return redirect_done("import");
}

}  // namespace

std::vector<Route> field_routes() {
  return {
      {"GET", "/field", Permission::FieldWork, show_field, true},
      // Not a name ending .csv or .json: those paths are the coverage page's twins.
      {"GET", "/field/lists/(?!.*\\.(?:csv|json)$)(.+)", Permission::FieldWork, show_coverage, true},
      {"POST", "/field/import", Permission::FieldWork, post_import, false},
      {"POST", "/field/assign", Permission::FieldWork, post_assign, false},
      {"POST", "/field/unassign", Permission::FieldWork, post_unassign, false},
      {"POST", "/field/close", Permission::FieldWork, post_close, false},
      {"POST", "/field/staff/disable", Permission::FieldWork, post_disable_staff, false},
  };
}

std::vector<TextEntry> field_text() {
  return {
      {"field.title", "Field work", "Gwaith maes"},
      {"field.back", "Back to field work", "Yn ôl i waith maes"},
      {"field.none", "none", "dim"},
      {"field.none_received", "none received", "dim wedi dod i law"},
      {"field.officers.heading", "Officers", "Swyddogion"},
      {"field.officers.caption", "Outreach officers: OVERDUE after {minutes} minutes on duty without a check-in",
       "Swyddogion allgymorth: HWYR ar ôl {minutes} munud ar ddyletswydd heb gofrestru"},
      {"field.col.staff_id", "Staff id", "Dynodydd staff"},
      {"field.col.name", "Name", "Enw"},
      {"field.col.state", "State", "Cyflwr"},
      {"field.col.since", "Since", "Ers"},
      {"field.col.reason", "Why overdue", "Pam yn hwyr"},
      {"field.col.last_check_in", "Last check-in", "Cofrestru diwethaf"},
      {"field.col.last_sign_in", "Last sign-in event", "Digwyddiad mewngofnodi diwethaf"},
      {"field.col.account", "Account", "Cyfrif"},
      {"field.state.not_out", "not out", "heb fynd allan"},
      {"field.state.fine", "fine", "iawn"},
      {"field.state.overdue", "OVERDUE", "HWYR"},
      {"field.state.signed_out", "signed out", "wedi allgofnodi"},
      {"field.state.timed_out", "signed out by the tablet (unused)", "wedi'i allgofnodi gan y llechen (heb ei defnyddio)"},
      {"field.state.locked_out", "locked out (failed PINs)", "wedi'i gloi allan (PIN anghywir)"},
      {"field.check_in.ok", "ok at {at}", "iawn am {at}"},
      {"field.check_in.missed", "missed (due {due}) at {at}", "wedi'i fethu (yn ddyledus {due}) am {at}"},
      {"field.sign_in.signed_in", "signed in at {at}", "wedi mewngofnodi am {at}"},
      {"field.sign_in.signed_out", "signed out at {at}", "wedi allgofnodi am {at}"},
      {"field.sign_in.timed_out", "timed out at {at}", "wedi dod i ben am {at}"},
      {"field.sign_in.locked_out", "locked out at {at}", "wedi'i gloi allan am {at}"},
      {"field.account.enabled", "enabled", "ar waith"},
      {"field.account.disabled", "disabled", "wedi'i analluogi"},
      {"field.staff.heading", "Staff accounts", "Cyfrifon staff"},
      {"field.staff.add_elsewhere",
       "Add an account with the command soundings-hub staff add: the officer types their own PIN there, so it never "
       "passes through a browser. A disabled officer can no longer sign in on any tablet after its next sync.",
       "Ychwanegwch gyfrif gyda'r gorchymyn soundings-hub staff add: mae'r swyddog yn teipio ei PIN ei hun yno, "
       "felly nid yw byth yn mynd drwy borwr. Ni all swyddog sydd wedi'i analluogi fewngofnodi ar unrhyw lechen "
       "ar ôl iddi gysoni nesaf."},
      {"field.staff.account", "Staff account", "Cyfrif staff"},
      {"field.staff.disable", "Disable this account", "Analluogi'r cyfrif hwn"},
      {"field.lists.heading", "Walk lists", "Rhestrau cerdded"},
      {"field.lists.caption", "Walk lists, their doors and the field tablets they are on",
       "Rhestrau cerdded, eu drysau a'r llechi maes sydd â nhw"},
      {"field.col.list", "Walk list", "Rhestr gerdded"},
      {"field.col.doors", "Doors", "Drysau"},
      {"field.col.tablets", "Field tablets", "Llechi maes"},
      {"field.col.list_state", "Open or closed", "Ar agor neu wedi cau"},
      {"field.col.imported", "Imported", "Mewnforiwyd"},
      {"field.list.open", "open", "ar agor"},
      {"field.list.closed", "closed on {at}", "wedi cau ar {at}"},
      {"field.form.list", "Walk list", "Rhestr gerdded"},
      {"field.form.tablet", "Field tablet", "Llechen maes"},
      {"field.assign.heading", "Assign a walk list to a field tablet", "Neilltuo rhestr gerdded i lechen maes"},
      {"field.assign.nothing", "There is no open walk list or no enrolled field tablet to assign it to.",
       "Nid oes rhestr gerdded ar agor, neu nid oes llechen maes wedi'i chofrestru i'w neilltuo iddi."},
      {"field.assign.submit", "Assign", "Neilltuo"},
      {"field.unassign.heading", "Take a walk list off a field tablet", "Tynnu rhestr gerdded oddi ar lechen maes"},
      {"field.unassign.submit", "Take it off", "Ei thynnu i ffwrdd"},
      {"field.close.heading", "Close a walk list", "Cau rhestr gerdded"},
      {"field.close.intro", "A closed list goes off every tablet at its next sync and cannot be reopened.",
       "Mae rhestr sydd wedi cau yn diflannu o bob llechen pan fydd yn cysoni nesaf, ac ni ellir ei hailagor."},
      {"field.close.submit", "Close the list", "Cau'r rhestr"},
      {"field.import.heading", "Import a walk list", "Mewnforio rhestr gerdded"},
      {"field.import.intro",
       "A CSV file saved as UTF-8 with the columns uprn, address, street, postcode and ward. It is imported whole or "
       "not at all; each problem names its line.",
       "Ffeil CSV wedi'i chadw fel UTF-8 gyda'r colofnau uprn, address, street, postcode a ward. Caiff ei mewnforio'n "
       "gyfan neu ddim o gwbl; mae pob problem yn enwi ei llinell."},
      {"field.import.name", "Name of the walk list", "Enw'r rhestr gerdded"},
      {"field.import.file", "Walk list file (CSV)", "Ffeil y rhestr gerdded (CSV)"},
      {"field.import.submit", "Import", "Mewnforio"},
      {"field.import.no_file", "Walk list file: choose a CSV file to import; nothing was imported.",
       "Ffeil y rhestr gerdded: dewiswch ffeil CSV i'w mewnforio; ni fewnforiwyd dim."},
      {"field.import.refused", "Nothing was imported. The file's problems:", "Ni fewnforiwyd dim. Problemau'r ffeil:"},
      {"field.coverage.heading", "Coverage per street", "Cwmpas fesul stryd"},
      {"field.coverage.title", "Coverage of {list}", "Cwmpas {list}"},
      {"field.coverage.intro",
       "Doors, not residents: each door counts once, with the outcome of its latest visit.",
       "Drysau, nid trigolion: mae pob drws yn cyfrif unwaith, gyda chanlyniad ei ymweliad diweddaraf."},
      {"field.coverage.caption", "Doors of {list} per street, by the outcome of their latest visit",
       "Drysau {list} fesul stryd, yn ôl canlyniad eu hymweliad diweddaraf"},
      {"field.coverage.show", "Show coverage", "Dangos y cwmpas"},
      {"field.coverage.no_list", "No walk list is named \"{list}\".", "Nid oes rhestr gerdded o'r enw \"{list}\"."},
      {"field.coverage.all_streets", "(all streets)", "(pob stryd)"},
      {"field.col.street", "Street", "Stryd"},
      {"field.col.visited", "Visited", "Ymwelwyd"},
      {"field.col.not_visited", "Not visited", "Heb ymweld"},
      {"field.outcome.completed", "Completed", "Wedi'i gwblhau"},
      {"field.outcome.not_home", "Not at home", "Neb gartref"},
      {"field.outcome.declined", "Declined", "Wedi gwrthod"},
      {"field.outcome.come_back", "Come back later", "Dod yn ôl yn nes ymlaen"},
      {"field.outcome.card_left", "Card left", "Gadawyd cerdyn"},
      {"field.outcome.moved_or_empty", "Moved or empty", "Wedi symud neu'n wag"},
      {"field.outcome.do_not_visit_unsafe", "Do not visit (unsafe)", "Peidiwch ag ymweld (anniogel)"},
      {"field.visits.heading", "Visits", "Ymweliadau"},
      {"field.visits.intro",
       "The newest first, {total} in all. Notes and addresses are personal data: do not copy them elsewhere.",
       "Y diweddaraf yn gyntaf, {total} i gyd. Data personol yw'r nodiadau a'r cyfeiriadau: peidiwch â'u copïo i "
       "unman arall."},
      {"field.visits.caption", "Door visits, page {page}", "Ymweliadau â drysau, tudalen {page}"},
      {"field.visits.newer", "Newer visits", "Ymweliadau mwy diweddar"},
      {"field.visits.older", "Older visits", "Ymweliadau hŷn"},
      {"field.visits.pages", "Pages of visits", "Tudalennau ymweliadau"},
      {"field.col.visited_at", "Visited at", "Amser yr ymweliad"},
      {"field.col.uprn", "UPRN", "UPRN"},
      {"field.col.outcome", "Outcome", "Canlyniad"},
      {"field.col.come_back", "Come back at", "Dod yn ôl am"},
      {"field.col.device", "Tablet", "Llechen"},
      {"field.col.note", "Note", "Nodyn"},
      {"field.col.flags", "Flags", "Baneri"},
      {"field.flag.outside_working_hours", "outside working hours", "y tu allan i oriau gwaith"},
      {"field.flag.many_completions_at_address", "many completions at one address",
       "llawer o ymatebion mewn un cyfeiriad"},
      {"field.done.import", "The walk list was imported.", "Mewnforiwyd y rhestr gerdded."},
      {"field.done.assign", "The walk list was assigned; the tablet receives it at its next sync.",
       "Neilltuwyd y rhestr gerdded; bydd y llechen yn ei derbyn pan fydd yn cysoni nesaf."},
      {"field.done.unassign", "The walk list was taken off; the tablet drops it at its next sync.",
       "Bydd y rhestr gerdded yn cael ei thynnu oddi ar y llechen pan fydd yn cysoni nesaf."},
      {"field.done.close", "The walk list was closed.", "Caewyd y rhestr gerdded."},
      {"field.done.disable", "The staff account was disabled.", "Analluogwyd y cyfrif staff."},
      {"field.problem.refused", "Nothing was changed:", "Ni newidiwyd dim:"},
      {"field.problem.missing", "{field}: choose one; nothing was changed.", "{field}: dewiswch un; ni newidiwyd dim."},
  };
}

}  // namespace soundings::hub::detail::console
