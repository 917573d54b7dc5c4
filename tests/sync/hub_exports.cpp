// Hub tests: CSV and JSON exports — BOM, quoting, Welsh letters, one row per response, sealed flags.
#include <set>

#include <catch2/catch.hpp>

#include "hub_fixture.h"
#include "soundings/sealing.h"

using hubtest::good_response;
using hubtest::parse_csv;
using hubtest::ServedHub;
using nlohmann::json;

namespace {

size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  FAIL("no column " << name);
  return 0;
}

}  // namespace

TEST_CASE("the CSV export opens in spreadsheets: BOM, CRLF, quoting and Welsh letters intact", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();

  auto tricky = good_response();
  tricky.venue = "Caffi'r Orsaf, Wrecsam";
  tricky.answers["comments"] = "Mae'r sgwâr yn \"hyfryd\", ond\nmae angen mwy o goed ŵ ŷ â ê î ô û ë ï";
  tricky.answers["favourite"] = {{"option", "other"}, {"other_text", "Y ffynnon"}};
  tricky.submitted_at = "2026-01-01T10:00:00Z";
  tricky.started_at = "2026-01-01T09:55:00Z";
  auto formula = good_response();
  formula.answers["comments"] = "=HYPERLINK(\"http://example.invalid\")";
  formula.submitted_at = "2026-01-02T10:00:00Z";
  formula.started_at = "2026-01-02T09:55:00Z";
  auto sealed = good_response();
  sealed.personal = {{"contact", {{"name", "Siân"}, {"email", "sian@example.cymru"}}}};
  sealed.submitted_at = "2026-01-03T10:00:00Z";
  sealed.started_at = "2026-01-03T09:55:00Z";
  REQUIRE(soundings::seal_response(sealed, served.hub().seal_public_key()));
  int status = 0;
  const auto answer = hubtest::post_batch(client, token, hubtest::batch_of({tricky, formula, sealed}), &status);
  REQUIRE(status == 200);
  for (const auto& result : answer["results"]) REQUIRE(result["status"] == "stored");

  const auto csv = served.hub().export_responses("town-square", "csv");
  REQUIRE(csv);
  const std::string& text = *csv;
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(text.find("ŵ ŷ â ê î ô û ë ï") != std::string::npos);

  const auto rows = parse_csv(text.substr(3));
  REQUIRE(rows.size() == 4);  // header + one row per response
  const auto& header = rows[0];
  for (const auto& row : rows) CHECK(row.size() == header.size());
  CHECK(header[0] == "id");
  CHECK(header[1] == "consultation_version");
  // One column per ordinary question, in definition order; personal/special are not columns.
  const size_t favourite = column(header, "favourite");
  CHECK(column(header, "wanted") == favourite + 1);
  CHECK(column(header, "rating") == favourite + 2);
  CHECK(column(header, "comments") == favourite + 3);
  for (const auto& name : header) {
    CHECK(name != "contact");
    CHECK(name != "age_band");
  }

  CHECK(rows[1][0] == tricky.id);
  CHECK(rows[1][column(header, "venue")] == "Caffi'r Orsaf, Wrecsam");
  CHECK(rows[1][column(header, "comments")] == tricky.answers["comments"].get<std::string>());
  CHECK(rows[1][favourite] == "other: Y ffynnon");
  CHECK(rows[1][column(header, "wanted")] == "seats; fountain");
  CHECK(rows[1][column(header, "rating")] == "7");
  CHECK(rows[1][column(header, "language")] == "cy");
  CHECK(rows[1][column(header, "personal_sealed")] == "no");
  // A resident's formula is shown, never run.
  CHECK(rows[2][column(header, "comments")] == "'" + formula.answers["comments"].get<std::string>());
  CHECK(rows[3][column(header, "personal_sealed")] == "yes");
  CHECK(rows[3][column(header, "special_sealed")] == "no");
  CHECK(text.find("Siân") == std::string::npos);
  // Every line ends CRLF outside quoted fields: no bare LF line ends before the quoted newline.
  CHECK(text.substr(text.size() - 2) == "\r\n");
}

TEST_CASE("the JSON export is an array of the stored responses, each with its id", "[hub]") {
  ServedHub served;
  auto client = served.client();
  const std::string token = served.enrol();
  std::vector<soundings::Response> responses;
  for (int i = 0; i < 5; ++i) responses.push_back(good_response());
  int status = 0;
  hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
  REQUIRE(status == 200);

  const auto exported = served.hub().export_responses("town-square", "json");
  REQUIRE(exported);
  const auto array = json::parse(*exported);
  REQUIRE(array.is_array());
  REQUIRE(array.size() == 5);
  std::set<std::string> ids;
  for (const auto& item : array) {
    ids.insert(item["id"].get<std::string>());
    CHECK(item["consultation_id"] == "town-square");
    CHECK(item["answers"]["comments"] == "Mwy o goed, os gwelwch yn dda");
  }
  for (const auto& response : responses) CHECK(ids.count(response.id) == 1);
}

TEST_CASE("an export of an unknown consultation or format is refused", "[hub]") {
  ServedHub served;
  const auto unknown = served.hub().export_responses("no-such", "csv");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == soundings::ErrorCode::NotFound);
  const auto format = served.hub().export_responses("town-square", "xlsx");
  REQUIRE_FALSE(format);
  CHECK(format.error().message.find("xlsx") != std::string::npos);
  // No responses yet: a header row only, still with its BOM.
  const auto empty = served.hub().export_responses("town-square", "csv");
  REQUIRE(empty);
  CHECK(parse_csv(empty->substr(3)).size() == 1);
  CHECK(served.hub().export_responses("town-square", "json").value() == "[]\n");
}

namespace {

// A response to town-square with real times on 2 December 2026 (GMT, so UTC is local time).
soundings::Response response_at(const std::string& started, const std::string& submitted) {
  auto response = good_response();
  response.started_at = "2026-12-02T" + started + "Z";
  response.submitted_at = "2026-12-02T" + submitted + "Z";
  return response;
}

std::vector<std::vector<std::string>> exported_rows(ServedHub& served, const std::vector<soundings::Response>& responses) {
  auto client = served.client();
  const std::string token = served.enrol();
  int status = 0;
  const auto answer = hubtest::post_batch(client, token, hubtest::batch_of(responses), &status);
  REQUIRE(status == 200);
  for (const auto& result : answer["results"]) REQUIRE(result["status"] == "stored");
  const auto csv = served.hub().export_responses("town-square", "csv");
  REQUIRE(csv);
  return parse_csv(csv->substr(3));
}

}  // namespace

TEST_CASE("the export shows how a format 2 response was given and leaves a format 1 response's blank", "[hub][quality]") {
  ServedHub served;
  auto read_out = response_at("10:00:00", "10:05:00");
  read_out.channel = soundings::Channel::Field;
  read_out.staff_id = "officer-1";
  read_out.given = {soundings::GivenMode::ReadOut, true, true, true};
  auto older = response_at("11:00:00", "11:05:00");
  older.format = 1;
  const auto rows = exported_rows(served, {read_out, older});
  REQUIRE(rows.size() == 3);
  const auto& header = rows[0];
  const auto cell = [&](size_t row, const char* name) { return rows[row][column(header, name)]; };
  CHECK(cell(1, "format") == "2");
  CHECK(cell(1, "channel") == "field");
  CHECK(cell(1, "language") == "cy");
  CHECK(cell(1, "given_mode") == "read_out");
  CHECK(cell(1, "on_behalf") == "yes");
  CHECK(cell(1, "interpreter") == "yes");
  CHECK(cell(1, "privacy_notice_shown") == "yes");
  CHECK(cell(2, "format") == "1");
  for (const char* unknown : {"given_mode", "on_behalf", "interpreter", "privacy_notice_shown"}) {
    CHECK(cell(2, unknown).empty());
  }
  CHECK(cell(2, "channel") == "kiosk");

  const auto exported = served.hub().export_responses("town-square", "json");
  REQUIRE(exported);
  const auto array = json::parse(*exported);
  REQUIRE(array.size() == 2);
  CHECK(array[0]["given"]["mode"] == "read_out");
  CHECK(array[0]["given"]["interpreter"] == true);
  CHECK(array[1]["given"].is_null());
  CHECK(array[1]["quality"] == json::array());
}

TEST_CASE("the export keeps the device's quality flags and adds the hub's own", "[hub][quality]") {
  ServedHub served;
  auto device_flagged = response_at("10:00:00", "10:05:00");
  device_flagged.quality = {"outside_working_hours"};  // a field tablet's judgement of times it then coarsened
  auto hurried = response_at("12:00:00", "12:00:05");
  hurried.page_seconds = {{"views", 3}, {"about-you", 1}};  // 4 seconds for 4 answers
  auto late_kiosk = response_at("22:10:00", "22:15:00");
  auto coarsened_field = response_at("00:00:00", "00:00:00");
  coarsened_field.channel = soundings::Channel::Field;
  auto format_one_late = response_at("23:00:00", "23:04:00");
  format_one_late.format = 1;
  const auto rows = exported_rows(served, {coarsened_field, device_flagged, hurried, late_kiosk, format_one_late});
  REQUIRE(rows.size() == 6);
  const size_t quality = column(rows[0], "quality");
  CHECK(rows[1][quality].empty());  // midnight exactly is a coarsened day, not a time to judge
  CHECK(rows[2][quality] == "outside_working_hours");
  CHECK(rows[3][quality] == "too_fast");
  CHECK(rows[4][quality] == "outside_working_hours");
  CHECK(rows[5][quality] == "outside_working_hours");

  const auto array = json::parse(served.hub().export_responses("town-square", "json").value());
  REQUIRE(array.size() == 5);
  CHECK(array[1]["quality"] == json::array({"outside_working_hours"}));
  CHECK(array[2]["quality"] == json::array({"too_fast"}));
}
