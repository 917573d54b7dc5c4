// Console tests: the export of responses with the results' filter, as CSV and as .xlsx (hub_export.h,
// hub_xlsx.h), and the console's export page and downloads (console_pages_export.cpp).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include <catch2/catch.hpp>
#include <httplib.h>

#include "console.h"
#include "hub_export.h"
#include "hub_fixture.h"
#include "hub_impl.h"
#include "soundings/sealing.h"
#include "test_database.h"

using hubtest::good_response;
using hubtest::parse_csv;
using hubtest::ServedHub;
using soundings::hub::detail::ResponseExport;
using soundings::hub::detail::ResponseFilter;
namespace detail = soundings::hub::detail;
namespace console = soundings::hub::detail::console;

namespace {

// A served hub with town-square and a few responses, and a second view of its store as the console has it.
class ExportHub {
 public:
  ExportHub() {
    soundings::hub::HubConfig config;
    config.data_dir = served_.data_dir().string();
    soundings::test::use_test_database(config);
    state_.config = config;
    soundings::TimePoint today;
    REQUIRE(soundings::parse_iso8601_utc("2026-12-02T10:00:00Z", today));
    state_.clock = std::make_shared<soundings::ManualTimeSource>(today);
    auto store = detail::open_store(config);
    REQUIRE(store);
    state_.store = std::move(*store);
  }

  ServedHub& served() { return served_; }
  detail::HubState& state() { return state_; }

  void store(const std::vector<soundings::Response>& responses) {
    auto client = served_.client();
    const std::string token = served_.enrol();
    int status = 0;
    const auto answer = hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
    REQUIRE(status == 200);
    for (const auto& result : answer["results"]) REQUIRE(result["status"] == "stored");
  }

 private:
  ServedHub served_;
  detail::HubState state_;
};

soundings::Response response_at(const std::string& day, const std::string& venue, const std::string& language,
                                const std::string& device = "kiosk-test") {
  auto response = good_response(device);
  response.started_at = day + "T09:55:00Z";
  response.submitted_at = day + "T10:00:00Z";
  response.venue = venue;
  response.language = language;
  return response;
}

std::set<std::string> ids_of(const ResponseExport& exported) {
  std::set<std::string> ids;
  for (const auto& row : exported.rows) ids.insert(row.at(0));
  return ids;
}

std::string unzip_member(const std::string& xlsx, const std::string& member) {
  hubtest::TempDir dir;
  const auto file = dir.path() / "export.xlsx";
  std::ofstream(file, std::ios::binary) << xlsx;
  const std::string command = "unzip -p '" + file.string() + "' '" + member + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// GET `target` ("/path?query") through the export routes as the router would: the first route whose pattern
// matches the whole path, its permission checked for `role` (403 otherwise).
console::PageResult get(ExportHub& hub, const std::string& target, console::Role role = console::Role::Officer,
                        const std::string& lang = "en") {
  const auto question = target.find('?');
  const std::string path = target.substr(0, question);
  httplib::Request http;
  http.method = "GET";
  http.path = path;
  if (question != std::string::npos) httplib::detail::parse_query_text(target.substr(question + 1), http.params);
  const console::Session session{role == console::Role::Viewer ? "viewer@example.cymru" : "officer@example.cymru",
                                 role, "csrf-token"};
  for (const auto& route : console::export_routes()) {
    std::smatch match;
    if (std::string(route.method) != "GET" || !std::regex_match(path, match, std::regex(route.pattern))) continue;
    if (!console::allowed(role, route.permission)) {
      console::PageResult forbidden;
      forbidden.status = 403;
      return forbidden;
    }
    console::PageRequest request{http, hub.state(), session, lang, console::Format::Html, match};
    return route.handler(request);
  }
  FAIL("no export route for " << path);
  return {};
}

int64_t export_audits(ExportHub& hub, const std::string& detail_like = "%") {
  soundings::test::HubDatabase database(hub.served().data_dir());
  return database.integer("SELECT count(*) FROM audit_log WHERE action = 'export' AND subject = 'town-square' "
                          "AND actor = 'officer@example.cymru' AND detail LIKE '" + detail_like + "'");
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("a filtered export holds exactly the responses the filter matches", "[console]") {
  ExportHub hub;
  const auto early = response_at("2026-11-01", "Llyfrgell Wrecsam", "cy");
  const auto middle = response_at("2026-11-15", "Neuadd y Dref", "en");
  const auto late = response_at("2026-11-30", "Llyfrgell Wrecsam", "en");
  hub.store({early, middle, late});

  const auto ids_for = [&](const ResponseFilter& filter) {
    auto exported = detail::export_rows(hub.state(), "town-square", &filter);
    REQUIRE(exported);
    for (const auto& row : exported->rows) CHECK(row.size() == exported->header.size());
    return ids_of(*exported);
  };
  CHECK(ids_for({}) == std::set<std::string>{early.id, middle.id, late.id});
  CHECK(ids_for({"2026-11-15", "", "", "", "", ""}) == std::set<std::string>{middle.id, late.id});
  CHECK(ids_for({"", "2026-11-15", "", "", "", ""}) == std::set<std::string>{early.id, middle.id});
  CHECK(ids_for({"2026-11-02", "2026-11-29", "", "", "", ""}) == std::set<std::string>{middle.id});
  CHECK(ids_for({"", "", "", "Llyfrgell Wrecsam", "", ""}) == std::set<std::string>{early.id, late.id});
  CHECK(ids_for({"", "", "", "", "en", ""}) == std::set<std::string>{middle.id, late.id});
  CHECK(ids_for({"", "", "", "Llyfrgell Wrecsam", "en", ""}) == std::set<std::string>{late.id});
  CHECK(ids_for({"", "", "kiosk", "", "", "kiosk-test"}) == std::set<std::string>{early.id, middle.id, late.id});
  CHECK(ids_for({"", "", "field", "", "", ""}).empty());
  CHECK(ids_for({"", "", "", "", "", "another-device"}).empty());
}

TEST_CASE("the export without a filter is the command-line export, byte for byte", "[console]") {
  ExportHub hub;
  auto tricky = response_at("2026-11-01", "Caffi'r Orsaf, Wrecsam", "cy");
  tricky.answers["comments"] = "=HYPERLINK(\"http://example.invalid\")\nŵyl";
  hub.store({tricky, response_at("2026-11-02", "Neuadd y Dref", "en")});

  const auto command_line = hub.served().hub().export_responses("town-square", "csv");
  REQUIRE(command_line);
  auto exported = detail::export_rows(hub.state(), "town-square", nullptr);
  REQUIRE(exported);
  CHECK(detail::export_csv(*exported) == *command_line);
  auto filtered = detail::export_rows(hub.state(), "town-square", std::make_unique<ResponseFilter>().get());
  REQUIRE(filtered);
  CHECK(detail::export_csv(*filtered) == *command_line);

  auto unknown = detail::export_rows(hub.state(), "no-such-consultation", nullptr);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == soundings::ErrorCode::NotFound);
}

TEST_CASE("an .xlsx export is a workbook whose shared strings hold the Welsh text and no formula", "[console]") {
  ExportHub hub;
  auto welsh = response_at("2026-11-01", "Llyfrgell Wrecsam", "cy");
  welsh.answers["comments"] = "Roedd yr ŵyl yn wych: ŷ â ê î ô û ë ï";
  auto formula = response_at("2026-11-02", "Neuadd y Dref", "en");
  formula.answers["comments"] = "=1+2";
  hub.store({welsh, formula});

  auto exported = detail::export_rows(hub.state(), "town-square", nullptr);
  REQUIRE(exported);
  auto xlsx = detail::export_xlsx(*exported);
  REQUIRE(xlsx);
  REQUIRE(xlsx->size() > 4);
  CHECK(xlsx->compare(0, 4, "PK\x03\x04") == 0);  // a ZIP file, as every .xlsx is

  if (std::system("command -v unzip >/dev/null 2>&1") != 0) return;  // the LibreOffice read-back checks the rest
  const std::string strings = unzip_member(*xlsx, "xl/sharedStrings.xml");
  CHECK(strings.find("Roedd yr ŵyl yn wych: ŷ â ê î ô û ë ï") != std::string::npos);
  CHECK(strings.find("Llyfrgell Wrecsam") != std::string::npos);
  CHECK(strings.find("=1+2") != std::string::npos);  // kept as text...
  const std::string sheet = unzip_member(*xlsx, "xl/worksheets/sheet1.xml");
  CHECK(sheet.find("<f>") == std::string::npos);  // ...and never a formula
  const std::string workbook = unzip_member(*xlsx, "xl/workbook.xml");
  CHECK(workbook.find("name=\"Responses - Ymatebion\"") != std::string::npos);
  CHECK(workbook.find("name=\"Questions - Cwestiynau\"") != std::string::npos);
  // The questions in both languages, the sealed ones said to be sealed.
  CHECK(strings.find("Beth yw'r peth gorau am y sgwâr?") != std::string::npos);
  CHECK(strings.find("What is the best thing about the square?") != std::string::npos);
  CHECK(strings.find("text_cy") != std::string::npos);
  CHECK(strings.find("no: sealed, never exported") != std::string::npos);
}

TEST_CASE("the questions sheet describes every question in each language, sealed ones marked", "[console]") {
  ExportHub hub;
  auto exported = detail::export_rows(hub.state(), "town-square", nullptr);
  REQUIRE(exported);
  CHECK(exported->languages == std::vector<std::string>{"cy", "en"});
  std::vector<std::string> ids;
  for (const auto& question : exported->questions) ids.push_back(question.id);
  CHECK(ids == std::vector<std::string>{"favourite", "wanted", "rating", "comments", "contact", "age_band"});
  const auto& favourite = exported->questions[0];
  CHECK(favourite.type == "single_choice");
  CHECK(favourite.data == "ordinary");
  CHECK(favourite.text.at("en") == "What is the best thing about the square?");
  CHECK(favourite.options.at("en").find("trees: ") != std::string::npos);
  CHECK(favourite.options.at("cy").find("trees: ") != std::string::npos);
  CHECK(favourite.options.at("cy") != favourite.options.at("en"));
  CHECK(exported->questions[4].data == "personal");
  CHECK(exported->questions[5].data == "special");
  // Numbers and times have their kinds; the answers' text columns stay text.
  const auto kind = [&](const std::string& column) {
    for (size_t i = 0; i < exported->header.size(); ++i) {
      if (exported->header[i] == column) return exported->kinds.at(i);
    }
    FAIL("no column " << column);
    return detail::XlsxKind::Text;
  };
  CHECK(kind("submitted_at") == detail::XlsxKind::DateTime);
  CHECK(kind("started_at") == detail::XlsxKind::DateTime);
  CHECK(kind("rating") == detail::XlsxKind::Number);
  CHECK(kind("consultation_version") == detail::XlsxKind::Number);
  CHECK(kind("comments") == detail::XlsxKind::Text);
  CHECK(kind("id") == detail::XlsxKind::Text);
}

TEST_CASE("only numbers a spreadsheet shows back exactly go into the .xlsx as numbers", "[console]") {
  for (const char* yes : {"0", "7", "10", "-3", "2.5", "-0.25", "1234567890", "3.1416"}) {
    CHECK(detail::xlsx_plain_number(yes));
  }
  for (const char* no : {"", "-", "-0", "007", "2.50", "1.", ".5", "1e3", "12345678901", "3.14159", "1,5", " 7",
                         "7 ", "+7", "0x10", "NaN"}) {
    CHECK_FALSE(detail::xlsx_plain_number(no));
  }
}

TEST_CASE("a workbook that libxlsxwriter refuses is an error, and leaves no temporary folder", "[console]") {
  const auto before = std::filesystem::temp_directory_path();
  size_t folders_before = 0;
  for (const auto& entry : std::filesystem::directory_iterator(before)) {
    folders_before += entry.path().filename().string().rfind("soundings-xlsx-", 0) == 0 ? 1 : 0;
  }
  auto refused = detail::xlsx_workbook({detail::XlsxSheet{"a name far longer than thirty-one characters", {}, {}, {}}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("sheet name") != std::string::npos);
  auto twice = detail::xlsx_workbook({detail::XlsxSheet{"Same", {"a"}, {}, {{"1"}}},
                                      detail::XlsxSheet{"Same", {"a"}, {}, {{"1"}}}});
  CHECK_FALSE(twice);
  size_t folders_after = 0;
  for (const auto& entry : std::filesystem::directory_iterator(before)) {
    folders_after += entry.path().filename().string().rfind("soundings-xlsx-", 0) == 0 ? 1 : 0;
  }
  CHECK(folders_after <= folders_before);  // others' runs may remove theirs meanwhile, never add ours
}

TEST_CASE("the console's downloads are the filtered export as CSV and .xlsx, each in the audit log", "[console]") {
  ExportHub hub;
  const auto early = response_at("2026-11-01", "Llyfrgell Wrecsam", "cy");
  const auto middle = response_at("2026-11-15", "Neuadd y Dref", "en");
  const auto late = response_at("2026-11-30", "Llyfrgell Wrecsam", "en");
  hub.store({early, middle, late});

  const auto csv = get(hub, "/consultations/town-square/export.csv?from=2026-11-15");
  CHECK(csv.status == 200);
  REQUIRE(csv.download);
  CHECK(csv.download->content_type == "text/csv; charset=utf-8");
  CHECK(csv.download->filename == "town-square-responses-2026-12-02.csv");
  const ResponseFilter from_middle{"2026-11-15", "", "", "", "", ""};
  auto expected = detail::export_rows(hub.state(), "town-square", &from_middle);
  REQUIRE(expected);
  CHECK(csv.download->body == detail::export_csv(*expected));
  const auto rows = parse_csv(csv.download->body.substr(3));
  REQUIRE(rows.size() == 3);
  CHECK(std::set<std::string>{rows[1][0], rows[2][0]} == std::set<std::string>{middle.id, late.id});
  CHECK(export_audits(hub, "format=csv; rows=2; from=2026-11-15") == 1);

  const auto xlsx = get(hub, "/consultations/town-square/export.xlsx?venue=Llyfrgell%20Wrecsam&language=en");
  CHECK(xlsx.status == 200);
  REQUIRE(xlsx.download);
  CHECK(xlsx.download->content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(xlsx.download->filename == "town-square-responses-2026-12-02.xlsx");
  CHECK(xlsx.download->body.compare(0, 4, "PK\x03\x04") == 0);
  if (std::system("command -v unzip >/dev/null 2>&1") == 0) {
    const std::string strings = unzip_member(xlsx.download->body, "xl/sharedStrings.xml");
    CHECK(strings.find(late.id) != std::string::npos);
    CHECK(strings.find(middle.id) == std::string::npos);
    CHECK(strings.find(early.id) == std::string::npos);
  }
  CHECK(export_audits(hub, "format=xlsx; rows=1; venue=Llyfrgell Wrecsam; language=en") == 1);

  const auto everything = get(hub, "/consultations/town-square/export.csv");
  REQUIRE(everything.download);
  CHECK(everything.download->body == *hub.served().hub().export_responses("town-square", "csv"));
  CHECK(export_audits(hub, "format=csv; rows=3; no filter") == 1);
  CHECK(export_audits(hub) == 3);

  CHECK(get(hub, "/consultations/no-such-thing/export.csv").status == 404);
  CHECK(export_audits(hub) == 3);
}

TEST_CASE("every export route needs the export permission, which a viewer does not have", "[console]") {
  const auto routes = console::export_routes();
  REQUIRE(routes.size() == 3);
  for (const auto& route : routes) {
    CHECK(std::string(route.method) == "GET");
    CHECK(route.permission == console::Permission::Export);
    CHECK_FALSE(route.twins);  // the downloads are routes of their own, never a page's table twin
  }
  CHECK_FALSE(console::allowed(console::Role::Viewer, console::Permission::Export));
  CHECK(console::allowed(console::Role::Officer, console::Permission::Export));
  CHECK(console::allowed(console::Role::Admin, console::Permission::Export));

  ExportHub hub;
  hub.store({response_at("2026-11-01", "Llyfrgell Wrecsam", "cy")});
  for (const char* target : {"/consultations/town-square/export", "/consultations/town-square/export.csv",
                             "/consultations/town-square/export.xlsx"}) {
    const auto answer = get(hub, target, console::Role::Viewer);
    CHECK(answer.status == 403);
    CHECK_FALSE(answer.download);
  }
  CHECK(export_audits(hub) == 0);
}

TEST_CASE("a bad filter value gets a 400 naming the parameter and the problem, and no download", "[console]") {
  ExportHub hub;
  hub.store({response_at("2026-11-01", "Llyfrgell Wrecsam", "cy")});
  const std::string long_venue(5000, 'v');
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"from=2026-13-01", {"from", "2026-13-01", "YYYY-MM-DD"}},
      {"to=yesterday", {"to", "yesterday", "YYYY-MM-DD"}},
      {"from=2026-11-02&to=2026-11-01", {"to"}},
      {"channel=bus", {"channel", "bus", "kiosk", "field"}},
      {"language=c%20y", {"language"}},
      {"venue=" + long_venue, {"venue"}},
      {"device=kiosk%0Atest", {"device"}},
  };
  for (const auto& [query, words] : cases) {
    for (const char* file : {"export", "export.csv", "export.xlsx"}) {
      INFO(file << "?" << query);
      const auto answer = get(hub, std::string("/consultations/town-square/") + file + "?" + query);
      CHECK(answer.status == 400);
      CHECK_FALSE(answer.download);
      for (const auto& word : words) CHECK(answer.main.find(word) != std::string::npos);
    }
  }
  CHECK(export_audits(hub) == 0);
  // The same problem in Welsh.
  const auto welsh = get(hub, "/consultations/town-square/export.csv?channel=bus", console::Role::Officer, "cy");
  CHECK(welsh.status == 400);
  CHECK(welsh.main.find("channel: nid yw") != std::string::npos);
}

TEST_CASE("the export page explains the download, offers the filter and links both files with it", "[console]") {
  ExportHub hub;
  hub.store({response_at("2026-11-01", "Neuadd y Dref", "en"), response_at("2026-11-02", "Neuadd y Dref", "en")});
  const auto page = get(hub, "/consultations/town-square/export?venue=Neuadd%20y%20Dref&language=en");
  CHECK(page.status == 200);
  CHECK_FALSE(page.download);
  CHECK(occurrences(page.main, "<h1>") == 1);
  CHECK(page.main.find("sealed") != std::string::npos);
  CHECK(page.main.find("UTC") != std::string::npos);
  // Every field labelled, holding the filter given.
  for (const char* field : {"from", "to", "channel", "venue", "language", "device"}) {
    CHECK(page.main.find(std::string("<label for=\"filter-") + field + "\"") != std::string::npos);
    CHECK(page.main.find(std::string("id=\"filter-") + field + "\"") != std::string::npos);
  }
  CHECK(page.main.find("value=\"Neuadd y Dref\"") != std::string::npos);
  CHECK(page.main.find("<option value=\"en\" selected>") != std::string::npos);
  CHECK(page.main.find("href=\"/consultations/town-square/export.csv?venue=Neuadd%20y%20Dref&amp;language=en\"") !=
        std::string::npos);
  CHECK(page.main.find("href=\"/consultations/town-square/export.xlsx?venue=Neuadd%20y%20Dref&amp;language=en\"") !=
        std::string::npos);
  // Two responses match: a count under 5 is never shown, even here.
  CHECK(page.main.find("fewer than 5") != std::string::npos);
  CHECK(export_audits(hub) == 0);  // looking at the page is not an export

  const auto welsh = get(hub, "/consultations/town-square/export", console::Role::Officer, "cy");
  CHECK(welsh.status == 200);
  CHECK(welsh.title.find("Allforio ymatebion") != std::string::npos);
  CHECK(welsh.main.find("Lawrlwytho CSV") != std::string::npos);
  CHECK(get(hub, "/consultations/no-such-thing/export").status == 404);
}

// Writes the export of a hub with awkward responses as CSV and .xlsx into SOUNDINGS_EXPORT_SAMPLE_DIR, for
// tests/sync/console_export_libreoffice.py to read back with LibreOffice. Hidden: it checks nothing itself.
TEST_CASE("export sample for the LibreOffice read-back", "[.export-sample]") {
  const char* out = std::getenv("SOUNDINGS_EXPORT_SAMPLE_DIR");
  REQUIRE(out != nullptr);
  ExportHub hub;
  auto welsh = response_at("2026-11-01", "Caffi'r Orsaf, Wrecsam", "cy");
  welsh.answers["comments"] = "Roedd yr ŵyl yn \"wych\", diolch!\nŵ ŷ â ê î ô û ë ï Ŵ Ŷ";
  welsh.answers["favourite"] = {{"option", "other"}, {"other_text", "Y ffynnon"}};
  auto formula = response_at("2026-11-02", "Neuadd y Dref", "en");
  formula.answers["comments"] = "=HYPERLINK(\"http://example.invalid\")";
  formula.answers["rating"] = 0;
  auto sealed = response_at("2026-11-03", "Llyfrgell Wrecsam", "cy");
  sealed.personal = {{"contact", {{"name", "Siân"}, {"email", "sian@example.cymru"}}}};
  sealed.answers.erase("comments");
  REQUIRE(soundings::seal_response(sealed, hub.served().hub().seal_public_key()));
  auto plain = response_at("2026-11-04", "Neuadd y Dref", "en");
  plain.answers["comments"] = "-5 is not a formula, 2026-11-04 is not a date";
  hub.store({welsh, formula, sealed, plain});
  // Filtered, as the console downloads it: the Welsh and English ones of two days.
  const ResponseFilter filter{"2026-11-01", "2026-11-04", "kiosk", "", "", ""};
  auto exported = detail::export_rows(hub.state(), "town-square", &filter);
  REQUIRE(exported);
  REQUIRE(exported->rows.size() == 4);
  auto xlsx = detail::export_xlsx(*exported);
  REQUIRE(xlsx);
  std::ofstream(std::filesystem::path(out) / "responses.csv", std::ios::binary) << detail::export_csv(*exported);
  std::ofstream(std::filesystem::path(out) / "responses.xlsx", std::ios::binary) << *xlsx;
}
