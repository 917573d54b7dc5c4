// Console pages: export (console.h). The page says what a download holds and offers the results' filter;
// the downloads are the same rows as `soundings-hub export` (hub_export.h), as CSV or .xlsx, each one
// written to the audit log with who took it and with which filter. Row-level: officers and admins only.
#include <httplib.h>

#include <cctype>
#include <cstdio>

#include "console.h"
#include "hub_export.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

constexpr size_t kMaxFilterText = 200;
constexpr const char* kCsvType = "text/csv; charset=utf-8";
constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

bool is_date(const std::string& text) {
  static const std::regex kDay(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  if (!std::regex_match(text, kDay)) return false;
  TimePoint ignored;
  return parse_iso8601_utc(text, ignored) && format_iso8601_utc(ignored).substr(0, 10) == text;  // no 31 June
}

bool is_plain_text(const std::string& text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  }
  return true;
}

// The filter in the query string, or the problem with it: each problem names its parameter.
struct ParsedFilter {
  ResponseFilter filter;
  std::string problem;
};

ParsedFilter parse_filter(const PageRequest& request) {
  ParsedFilter parsed;
  ResponseFilter& f = parsed.filter;
  f = {request.param("from"), request.param("to"),     request.param("channel"),
       request.param("venue"), request.param("language"), request.param("device")};
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"from", f.from}, {"to", f.to}}) {
    if (!value.empty() && !is_date(value)) {
      parsed.problem = tr("filter.bad_date", request.lang, {{"field", name}, {"value", value}});
      return parsed;
    }
  }
  if (!f.from.empty() && !f.to.empty() && f.from > f.to) {
    parsed.problem = tr("export.bad_range", request.lang, {{"from", f.from}, {"to", f.to}});
  } else if (!f.channel.empty() && f.channel != "kiosk" && f.channel != "field") {
    parsed.problem = tr("filter.bad_channel", request.lang, {{"value", f.channel}});
  } else if (!f.language.empty() && f.language != "cy" && f.language != "en") {
    parsed.problem = tr("export.bad_language", request.lang, {{"value", f.language}});
  } else {
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"venue", f.venue},
                                                                                      {"device", f.device}}) {
      if (value.size() > kMaxFilterText) {
        parsed.problem = tr("filter.too_long", request.lang, {{"field", name}, {"max", std::to_string(kMaxFilterText)}});
        break;
      }
      if (!is_plain_text(value)) {
        parsed.problem = tr("export.control_characters", request.lang, {{"field", name}});
        break;
      }
    }
  }
  return parsed;
}

std::vector<std::pair<std::string, std::string>> filter_fields(const ResponseFilter& f) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"from", f.from}, {"to", f.to}, {"channel", f.channel}, {"venue", f.venue},
           {"language", f.language}, {"device", f.device}}) {
    if (!value.empty()) fields.emplace_back(name, value);
  }
  return fields;
}

std::string percent_encoded(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", byte);
      out += hex;
    }
  }
  return out;
}

std::string query_of(const ResponseFilter& filter) {
  std::string query;
  for (const auto& [name, value] : filter_fields(filter)) {
    query += (query.empty() ? "?" : "&") + name + "=" + percent_encoded(value);
  }
  return query;
}

// "format=csv; rows=12; from=2026-11-01; channel=kiosk", for the audit log.
std::string audit_detail(const std::string& format, size_t rows, const ResponseFilter& filter) {
  std::string detail = "format=" + format + "; rows=" + std::to_string(rows);
  const auto fields = filter_fields(filter);
  if (fields.empty()) detail += "; no filter";
  for (const auto& [name, value] : fields) detail += "; " + name + "=" + value;
  return detail;
}

PageResult export_failure(const PageRequest& request, const Error& error) {
  return error.code == ErrorCode::NotFound ? not_found(request) : storage_failure(request, error);
}

PageResult download(PageRequest& request, Format format) {
  const std::string consultation_id = request.match[1];
  const ParsedFilter parsed = parse_filter(request);
  if (!parsed.problem.empty()) return bad_request(request, parsed.problem);
  auto exported = export_rows(request.hub, consultation_id, &parsed.filter);
  if (!exported) return export_failure(request, exported.error());
  const bool xlsx = format == Format::Xlsx;
  PageResult::Download file;
  if (xlsx) {
    auto workbook = export_xlsx(*exported);
    if (!workbook) return storage_failure(request, workbook.error());
    file.body = std::move(*workbook);
  } else {
    file.body = export_csv(*exported);
  }
  file.content_type = xlsx ? kXlsxType : kCsvType;
  file.filename = consultation_id + "-responses-" + request.hub.today() + (xlsx ? ".xlsx" : ".csv");
  // A download nobody can account for is not given: the audit entry is written first or there is no file.
  const Status audited = audit(request.hub, request.session.email, "export", consultation_id,
                               audit_detail(xlsx ? "xlsx" : "csv", exported->rows.size(), parsed.filter));
  if (!audited) return storage_failure(request, audited.error());
  PageResult result;
  result.download = std::move(file);
  return result;
}

std::string text_input(const PageRequest& request, const std::string& name, const std::string& value,
                       const std::string& type) {
  return "<p><label for=\"filter-" + name + "\">" + escape(tr("filter." + name, request.lang)) +
         "</label>\n<input id=\"filter-" + name + "\" name=\"" + name + "\" type=\"" + type + "\" value=\"" +
         escape(value) + "\"></p>\n";
}

std::string choice(const PageRequest& request, const std::string& name, const std::string& value,
                   const std::vector<std::string>& options) {
  std::string html = "<p><label for=\"filter-" + name + "\">" + escape(tr("filter." + name, request.lang)) +
                     "</label>\n<select id=\"filter-" + name + "\" name=\"" + name + "\">\n";
  html += "<option value=\"\">" + escape(tr("filter.any", request.lang)) + "</option>\n";
  for (const std::string& option : options) {
    html += "<option value=\"" + option + "\"" + (option == value ? " selected" : "") + ">" +
            escape(tr(name + "." + option, request.lang)) + "</option>\n";
  }
  return html + "</select></p>\n";
}

std::string filter_form(const PageRequest& request, const std::string& action, const ResponseFilter& f) {
  std::string html = "<form method=\"get\" action=\"" + escape(action) + "\">\n<fieldset>\n<legend>" +
                     escape(tr("filter.legend", request.lang)) + "</legend>\n";
  html += text_input(request, "from", f.from, "date");
  html += text_input(request, "to", f.to, "date");
  html += choice(request, "channel", f.channel, {"kiosk", "field"});
  html += text_input(request, "venue", f.venue, "text");
  html += choice(request, "language", f.language, {"cy", "en"});
  html += text_input(request, "device", f.device, "text");
  html += "<button type=\"submit\">" + escape(tr("filter.apply", request.lang)) + "</button>\n</fieldset>\n</form>\n";
  return html;
}

// How many responses the filter matches, shown only as results would show it (never 1 to 4).
Result<std::string> matching_text(const PageRequest& request, const std::string& consultation_id,
                                  const ResponseFilter& filter) {
  int64_t matching = 0;
  const Status scanned = request.hub.store->scan_facets(consultation_id, filter, [&](const FacetRow&) { ++matching; });
  if (!scanned) return scanned.error();
  const auto shown = suppress_one(matching);
  const std::string count = shown ? std::to_string(*shown) : tr("count.suppressed", request.lang);
  return tr("export.matching", request.lang, {{"count", count}});
}

PageResult export_page(PageRequest& request) {
  if (request.format == Format::Csv || request.format == Format::Xlsx) return download(request, request.format);
  if (request.format != Format::Html) return not_found(request);
  const std::string consultation_id = request.match[1];
  auto version = request.hub.store->latest_version(consultation_id);
  if (!version) return storage_failure(request, version.error());
  if (!*version) return not_found(request);
  auto definition = request.hub.definition(consultation_id, **version);
  if (!definition) return storage_failure(request, definition.error());
  const std::string title = *definition ? (*definition)->title.in(request.lang) : consultation_id;

  const ParsedFilter parsed = parse_filter(request);
  if (!parsed.problem.empty()) return bad_request(request, parsed.problem);
  auto matching = matching_text(request, consultation_id, parsed.filter);
  if (!matching) return storage_failure(request, matching.error());

  const std::string base = "/consultations/" + consultation_id + "/export";
  const std::string query = query_of(parsed.filter);
  PageResult page;
  page.title = tr("export.title", request.lang, {{"title", title}});
  std::string& html = page.main;
  html += page_heading(page.title);
  html += "<p>" + escape(tr("export.what", request.lang)) + "</p>\n";
  html += "<p>" + escape(tr("export.sealed", request.lang)) + "</p>\n";
  html += "<p>" + escape(tr("export.xlsx_sheets", request.lang)) + "</p>\n";
  html += "<p>" + escape(tr("export.audited", request.lang)) + "</p>\n";
  html += "<h2>" + escape(tr("export.filter_heading", request.lang)) + "</h2>\n";
  html += filter_form(request, base, parsed.filter);
  html += "<h2>" + escape(tr("export.download_heading", request.lang)) + "</h2>\n";
  std::string current;
  for (const auto& [name, value] : filter_fields(parsed.filter)) {
    current += (current.empty() ? "" : ", ") + name + " = " + value;
  }
  html += "<p>" + escape(current.empty() ? tr("export.no_filter", request.lang)
                                         : tr("export.current_filter", request.lang, {{"filter", current}})) +
          "</p>\n";
  html += notice(*matching);
  html += "<ul>\n<li><a href=\"" + escape(base + ".csv" + query) + "\" download>" +
          escape(tr("export.download_csv", request.lang)) + "</a></li>\n<li><a href=\"" +
          escape(base + ".xlsx" + query) + "\" download>" + escape(tr("export.download_xlsx", request.lang)) +
          "</a></li>\n</ul>\n";
  return page;
}

}  // namespace

// The page has no .csv/.json twins: its downloads are the explicit .csv and .xlsx routes (a twin's table
// CSV would be something else under the same name). Should the router hand the page a request with an
// extension all the same, the page answers it with the download of that format.
std::vector<Route> export_routes() {
  const std::string page = "/consultations/([a-z0-9-]+)/export";
  return {
      Route{"GET", page, Permission::Export, export_page, false},
      Route{"GET", page + R"(\.csv)", Permission::Export, [](PageRequest& r) { return download(r, Format::Csv); },
            false},
      Route{"GET", page + R"(\.xlsx)", Permission::Export, [](PageRequest& r) { return download(r, Format::Xlsx); },
            false},
  };
}

std::vector<TextEntry> export_text() {
  return {
      {"export.title", "Export responses: {title}", "Allforio ymatebion: {title}"},
      {"export.what",
       "Each download holds one row for every response that matches the filter, with the same columns as the "
       "command-line export: when, where and how it was given, its quality flags and the answer to every ordinary "
       "question. Times are in UTC.",
       "Mae pob ffeil a lawrlwythir yn cynnwys un rhes ar gyfer pob ymateb sy'n cyfateb i'r hidlydd, gyda'r un "
       "colofnau ag allforio'r llinell orchymyn: pryd, ble a sut y'i rhoddwyd, ei fflagiau ansawdd a'r ateb i bob "
       "cwestiwn cyffredin. Mae'r amseroedd mewn UTC."},
      {"export.sealed",
       "Contact details and equality answers stay sealed and are never in a download; two columns say only "
       "whether a response holds any.",
       "Mae manylion cyswllt ac atebion cydraddoldeb yn aros dan sêl ac nid ydynt byth mewn ffeil a lawrlwythir; "
       "mae dwy golofn yn dweud dim ond a oes rhai gan ymateb."},
      {"export.xlsx_sheets",
       "The Excel workbook opens with no import step. It has two sheets: the responses, with times as dates and "
       "numbers as numbers, and a description of every question and its options in Welsh and English.",
       "Mae'r llyfr gwaith Excel yn agor heb gam mewnforio. Mae ganddo ddwy daflen: yr ymatebion, gydag amseroedd "
       "fel dyddiadau a rhifau fel rhifau, a disgrifiad o bob cwestiwn a'i opsiynau yn Gymraeg ac yn Saesneg."},
      {"export.audited", "Every download is recorded in the audit log with your name and the filter.",
       "Caiff pob lawrlwythiad ei gofnodi yn y log archwilio gyda'ch enw a'r hidlydd."},
      {"export.filter_heading", "Filter", "Hidlo"},
      {"export.download_heading", "Download", "Lawrlwytho"},
      {"export.no_filter", "No filter: every response.", "Dim hidlydd: pob ymateb."},
      {"export.current_filter", "Filter: {filter}.", "Hidlydd: {filter}."},
      {"export.matching", "Responses that match: {count}.", "Ymatebion sy'n cyfateb: {count}."},
      {"export.download_csv", "Download CSV (UTF-8)", "Lawrlwytho CSV (UTF-8)"},
      {"export.download_xlsx", "Download Excel workbook (.xlsx)", "Lawrlwytho llyfr gwaith Excel (.xlsx)"},
      {"export.bad_range", "from: {from} is after to: {to}.", "from: mae {from} ar ôl to: {to}."},
      {"export.bad_language", "language: \"{value}\" is not a language of responses; use cy or en.",
       "language: nid yw \"{value}\" yn iaith ymatebion; defnyddiwch cy neu en."},
      {"export.control_characters", "{field}: holds control characters (a line break or a tab, say).",
       "{field}: yn cynnwys nodau rheoli (toriad llinell neu dab, er enghraifft)."},
  };
}

}  // namespace soundings::hub::detail::console
