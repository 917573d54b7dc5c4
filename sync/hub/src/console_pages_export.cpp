// Console pages: export (console.h). The page says what a download holds and offers the results' filter;
// the downloads are the same rows as `soundings-hub export` (hub_export.h), as CSV or .xlsx, each one
// written to the audit log with who took it and with which filter. Row-level: officers and admins only.
#include <map>

#include "console.h"
#include "console_filter.h"
#include "hub_export.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

constexpr const char* kCsvType = "text/csv; charset=utf-8";
constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::vector<std::pair<std::string, std::string>> filter_fields(const ResponseFilter& f) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"from", f.from}, {"to", f.to}, {"channel", f.channel}, {"venue", f.venue},
           {"language", f.language}, {"device", f.device}}) {
    if (!value.empty()) fields.emplace_back(name, value);
  }
  return fields;
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
  const ParsedFilter parsed = filter_from(request);
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

PageResult export_page(PageRequest& request) {
  const std::string consultation_id = request.match[1];
  auto version = request.hub.store->latest_version(consultation_id);
  if (!version) return storage_failure(request, version.error());
  if (!*version) return not_found(request);
  auto definition = request.hub.definition(consultation_id, **version);
  if (!definition) return storage_failure(request, definition.error());
  const std::string title = *definition ? (*definition)->title.in(request.lang) : consultation_id;

  const ParsedFilter parsed = filter_from(request);
  if (!parsed.problem.empty()) return bad_request(request, parsed.problem);
  FilterChoices choices;
  int64_t matching = 0;
  const Status scanned = request.hub.store->scan_facets(consultation_id, ResponseFilter{}, [&](const FacetRow& row) {
    choices.add(row);
    matching += matches(parsed.filter, row) ? 1 : 0;
  });
  if (!scanned) return storage_failure(request, scanned.error());
  std::map<std::string, std::string> device_names;
  auto devices = request.hub.store->devices();
  if (!devices) return storage_failure(request, devices.error());
  for (const DeviceInfo& device : *devices) device_names[device.device_id] = device.name;

  const std::string base = "/consultations/" + consultation_id + "/export";
  const std::string query = parsed.filter.empty() ? "" : "?" + filter_query(parsed.filter);
  PageResult page;
  page.title = tr("export.title", request.lang, {{"title", title}});
  std::string& html = page.main;
  html += page_heading(page.title);
  html += "<p>" + escape(tr("export.what", request.lang)) + "</p>\n";
  html += "<p>" + escape(tr("export.sealed", request.lang)) + "</p>\n";
  html += "<p>" + escape(tr("export.xlsx_sheets", request.lang)) + "</p>\n";
  html += "<p>" + escape(tr("export.audited", request.lang)) + "</p>\n";
  html += "<h2>" + escape(tr("export.filter_heading", request.lang)) + "</h2>\n";
  html += filter_form(request, base, parsed.filter, choices, device_names);
  html += "<h2>" + escape(tr("export.download_heading", request.lang)) + "</h2>\n";
  html += "<p>" + escape(parsed.filter.empty()
                             ? tr("export.no_filter", request.lang)
                             : tr("results.filtered_by", request.lang,
                                  {{"filter", describe_filter(parsed.filter, request.lang)}})) +
          "</p>\n";
  // Shown as results show a total: never a count from 1 to 4.
  const auto shown = suppress_one(matching);
  html += notice(tr("export.matching", request.lang,
                    {{"count", shown ? std::to_string(*shown) : tr("count.suppressed", request.lang)}}));
  html += "<ul>\n<li><a href=\"" + escape(base + ".csv" + query) + "\" download>" +
          escape(tr("export.download_csv", request.lang)) + "</a></li>\n<li><a href=\"" +
          escape(base + ".xlsx" + query) + "\" download>" + escape(tr("export.download_xlsx", request.lang)) +
          "</a></li>\n</ul>\n";
  return page;
}

}  // namespace

// The page has no .csv/.json twins: its downloads are routes of their own, which the router finds by the
// whole path before it looks for a twin (a twin's table CSV would be something else under the same name).
std::vector<Route> export_routes() {
  const std::string page = std::string("/consultations/") + kConsultationIdPattern + "/export";
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
      {"export.matching", "Responses that match: {count}.", "Ymatebion sy'n cyfateb: {count}."},
      {"export.download_csv", "Download CSV (UTF-8)", "Lawrlwytho CSV (UTF-8)"},
      {"export.download_xlsx", "Download Excel workbook (.xlsx)", "Lawrlwytho llyfr gwaith Excel (.xlsx)"},
  };
}

}  // namespace soundings::hub::detail::console
