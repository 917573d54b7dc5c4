// Interface strings: every key in Welsh and English, no key defined twice, placeholders filled.
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "soundings/ui_text.h"

namespace soundings::detail {
const std::vector<std::string_view>& ui_string_documents();
}  // namespace soundings::detail

using namespace soundings;

TEST_CASE("every interface string exists and is non-empty in Welsh and English", "[ui_text]") {
  const auto keys = ui_text_keys();
  REQUIRE(keys.size() > 40);
  for (const auto& key : keys) {
    INFO(key);
    CHECK(ui_text_has(key, "cy"));
    CHECK(ui_text_has(key, "en"));
  }
  for (const auto& language : ui_text_languages()) {
    INFO(language);
    CHECK((language == "cy" || language == "en"));
  }
}

TEST_CASE("each string file is well formed and no key is defined in two files", "[ui_text]") {
  std::map<std::string, size_t> defined_in;
  const auto& documents = detail::ui_string_documents();
  REQUIRE_FALSE(documents.empty());
  for (size_t i = 0; i < documents.size(); ++i) {
    const auto parsed = nlohmann::json::parse(documents[i].begin(), documents[i].end(), nullptr, false);
    INFO("string file " << i);
    REQUIRE(parsed.is_object());
    for (const auto& entry : parsed.items()) {
      INFO(entry.key());
      CHECK(entry.value().is_object());
      for (const auto& text : entry.value().items()) CHECK(text.value().is_string());
      CHECK(defined_in.emplace(entry.key(), i).second);
    }
  }
}

TEST_CASE("placeholders are filled and the Welsh text is given in Welsh", "[ui_text]") {
  CHECK(ui_text("error.required", "en") == "This question needs an answer");
  CHECK(ui_text("error.required", "cy") == "Mae angen ateb y cwestiwn hwn");
  CHECK(ui_text("error.number_range", "en", {{"min", "0"}, {"max", "120"}}) == "Enter a number from 0 to 120");
  CHECK(ui_text("error.number_range", "cy", {{"min", "0"}, {"max", "120"}}) == "Rhowch rif o 0 i 120");
  // A placeholder without a value stays visible rather than vanishing.
  CHECK(ui_text("error.too_long", "en") == "Your answer is too long: use {max} characters or fewer");
}

TEST_CASE("an unknown key shows itself so that the gap is visible", "[ui_text]") {
  CHECK(ui_text("no.such.key", "cy") == "no.such.key");
  CHECK_FALSE(ui_text_has("no.such.key", "en"));
}

TEST_CASE("a language with no strings falls back to English", "[ui_text]") {
  CHECK(ui_text("error.required", "fr") == "This question needs an answer");
}
