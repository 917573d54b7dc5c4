// Console pieces every page shares: the one small-number rule, escaping, tables in their three forms,
// charts, and the interface text in both languages.
#include <set>

#include <catch2/catch.hpp>

#include "console.h"

namespace console = soundings::hub::detail::console;
using console::Cell;
using console::Table;

TEST_CASE("counts from 1 to 4 are hidden, and one hidden count takes the next smallest with it", "[console]") {
  using V = std::vector<std::optional<int64_t>>;
  CHECK(console::suppress({12, 30, 0}) == V{12, 30, 0});
  // One hidden count (3) beside a known total: the next smallest (12) goes too.
  CHECK(console::suppress({12, 3, 30}) == V{std::nullopt, std::nullopt, 30});
  // Two hidden already cannot be told apart: nothing more is hidden.
  CHECK(console::suppress({12, 3, 2, 30}) == V{12, std::nullopt, std::nullopt, 30});
  // Zero is shown and is never the "next smallest".
  CHECK(console::suppress({0, 4, 9}) == V{0, std::nullopt, std::nullopt});
  CHECK(console::suppress({5, 5}) == V{5, 5});
  CHECK(console::suppress({}) == V{});
  // A larger threshold, as `reach --min-count 10` asks.
  CHECK(console::suppress({9, 20, 30}, 10) == V{std::nullopt, std::nullopt, 30});
  // Beside the whole: 12 of 15 would give away the other 3, so it goes, and the 3 here is small anyway.
  CHECK(console::suppress_beside({12, 3, 0}, {15, 5, 0}) == V{std::nullopt, std::nullopt, 0});
  // 20 of 30 and 10 of 10 give nothing away.
  CHECK(console::suppress_beside({20, 10}, {30, 10}) == V{20, 10});
  // Only one hidden by difference (40 of 42): the next smallest goes with it.
  CHECK(console::suppress_beside({40, 9, 30}, {42, 9, 30}) == V{std::nullopt, std::nullopt, 30});
  CHECK(console::suppress_one(4) == std::nullopt);
  CHECK(console::suppress_one(0) == 0);
  CHECK(console::suppress_one(5) == 5);
}

TEST_CASE("escaping leaves no markup and no broken UTF-8", "[console]") {
  CHECK(console::escape("<script>alert('x')</script> & \"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;");
  CHECK(console::escape("ŵyl") == "ŵyl");
  CHECK(console::escape(std::string("a\xff" "b")) == "a\xEF\xBF\xBD" "b");
  CHECK(console::escape(std::string("a\0b", 3)) == "a\xEF\xBF\xBD" "b");
  // An overlong encoding of '<' is not let through as a '<'.
  CHECK(console::escape(std::string("\xC0\xBC")).find('<') == std::string::npos);
}

TEST_CASE("a table renders the same numbers as HTML, CSV and JSON, suppressed counts in each form's way",
          "[console]") {
  Table table;
  table.id = "by-channel";
  table.caption = "By channel";
  table.headers = {"Channel", "Responses"};
  table.keys = {"channel", "responses"};
  table.rows = {{Cell::of("Kiosk"), Cell::count(12)},
                {Cell::of("=cmd|' /C calc'!A0"), Cell::hidden()},
                {Cell::of("<b>ŵyl</b>"), Cell::count(0)}};

  const std::string html = console::table_html(table, "en");
  CHECK(html.find("<caption id=\"by-channel-caption\">By channel</caption>") != std::string::npos);
  CHECK(html.find("role=\"region\" tabindex=\"0\" aria-labelledby=\"by-channel-caption\"") != std::string::npos);
  CHECK(html.find("<th scope=\"col\">Responses</th>") != std::string::npos);
  CHECK(html.find("<th scope=\"row\">Kiosk</th>") != std::string::npos);
  CHECK(html.find("fewer than 5") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(console::table_html(table, "cy").find("llai na 5") != std::string::npos);

  const std::string csv = console::table_csv(table);
  CHECK(csv == "\xEF\xBB\xBF" "channel,responses\r\nKiosk,12\r\n'=cmd|' /C calc'!A0,<5\r\n<b>ŵyl</b>,0\r\n");

  const nlohmann::json json = console::table_json(table);
  REQUIRE(json.size() == 3);
  CHECK(json[0]["responses"] == 12);
  CHECK(json[1]["responses"].is_null());
  CHECK(json[2]["channel"] == "<b>ŵyl</b>");
}

TEST_CASE("a chart draws every bar, a suppressed one as a stub with words, and escapes its labels", "[console]") {
  const std::string svg =
      console::bar_chart_svg("Q1 <yes>", {{"Yes", 40}, {"No & maybe", 10}, {"Other", std::nullopt}}, "cy");
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("role=\"img\"") != std::string::npos);
  CHECK(svg.find("<title") != std::string::npos);
  CHECK(svg.find("Q1 &lt;yes&gt;") != std::string::npos);
  CHECK(svg.find("No &amp; maybe") != std::string::npos);
  CHECK(svg.find("llai na 5") != std::string::npos);
  CHECK(svg.find(">40<") != std::string::npos);
  CHECK(svg.find(">10<") != std::string::npos);
}

TEST_CASE("every interface string is there in Welsh and English", "[console]") {
  const auto keys = console::text_keys();
  REQUIRE(!keys.empty());
  for (const std::string& key : keys) {
    INFO(key);
    const std::string en = console::tr(key, "en");
    const std::string cy = console::tr(key, "cy");
    CHECK(!en.empty());
    CHECK(!cy.empty());
    CHECK(en.find_first_not_of(" ") != std::string::npos);
    CHECK(cy.find_first_not_of(" ") != std::string::npos);
  }
  CHECK(console::tr("no.such.key", "en") == "[no.such.key]");
  CHECK(console::tr("session.signed_in_as", "cy", {{"email", "a@b.cymru"}, {"role", "gwyliwr"}}) ==
        "Wedi mewngofnodi fel a@b.cymru (gwyliwr)");
  // Anything but "cy" is English.
  CHECK(console::tr("nav.devices", "fr") == "Devices");
}
