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
