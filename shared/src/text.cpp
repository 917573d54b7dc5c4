// Resident-visible text: choosing the string for a language, with a fallback for robustness.
#include "soundings/text.h"

namespace soundings {

namespace {
// Returned by reference when a text holds no language at all.
const std::string kNoText;
}  // namespace

const std::string& LocalText::in(std::string_view language) const {
  if (auto it = by_language.find(language); it != by_language.end()) return it->second;
  if (auto it = by_language.find(std::string_view("en")); it != by_language.end()) return it->second;
  if (!by_language.empty()) return by_language.begin()->second;
  return kNoText;
}

}  // namespace soundings
