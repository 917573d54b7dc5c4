// Resident-visible text held in every language a consultation declares.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace soundings {

// Language code ("cy", "en") -> text. Loaded definitions are guaranteed to hold
// every declared language, so `in()` only falls back for robustness.
struct LocalText {
  std::map<std::string, std::string, std::less<>> by_language;

  bool empty() const { return by_language.empty(); }
  // The text in `language`; falls back to English, then to any language held.
  const std::string& in(std::string_view language) const;
};

}  // namespace soundings
