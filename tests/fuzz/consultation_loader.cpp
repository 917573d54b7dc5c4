// Fuzz target: soundings::load_consultation over any bytes, with the real equality blocks to include.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "fuzz_check.h"
#include "soundings/loader.h"

namespace {

// Made once per process: the options hold only a directory name, and rebuilding them costs each run.
const soundings::LoadOptions& options() {
  static const soundings::LoadOptions made = [] {
    soundings::LoadOptions o;
    o.resolve_block = soundings::blocks_from_directory(
        (std::filesystem::path(SOUNDINGS_ASSETS_DIR) / "blocks").string());
    return o;
  }();
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const soundings::LoadOutcome outcome = soundings::load_consultation(text, options());
  FUZZ_REQUIRE(outcome.ok() == outcome.problems.empty(), "a definition loads exactly when no problem is found");
  for (const auto& problem : outcome.problems) {
    FUZZ_REQUIRE(!soundings::describe(problem).empty(), "every problem can be told to the officer");
  }
  if (!outcome.ok()) return 0;
  // A loaded definition is used by the kiosk at once: every show_if must evaluate, here with nothing answered.
  const auto unanswered = [](const std::string&) { return std::optional<soundings::AnswerView>(); };
  for (const auto& page : outcome.consultation->pages) {
    for (const auto& question : page.questions) {
      if (question.show_if) (void)question.show_if->evaluate(unanswered);
    }
  }
  return 0;
}
