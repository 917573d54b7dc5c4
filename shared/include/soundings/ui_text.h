// Interface strings in Welsh and English (from assets/strings/ui.json, built into the program).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soundings {

// The text for `key` in `language` ("cy" or "en"); "{name}" placeholders are filled
// from `values`. An unknown key returns the key itself so that a gap is visible.
std::string ui_text(std::string_view key, std::string_view language,
                    const std::vector<std::pair<std::string, std::string>>& values = {});

// Every key, for tests that check each exists in every language.
std::vector<std::string> ui_text_keys();
std::vector<std::string> ui_text_languages();
bool ui_text_has(std::string_view key, std::string_view language);

}  // namespace soundings
