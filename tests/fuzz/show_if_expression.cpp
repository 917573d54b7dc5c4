// Fuzz target: show_if conditions, parsed from any bytes and evaluated against answers made from their own literals.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "fuzz_check.h"
#include "soundings/expression.h"

namespace {

using Answers = std::map<std::string, soundings::AnswerView>;

// Answers that can make each comparison true: every literal compared with a question becomes one
// of its options, its text and (when numeric) its number, so the evaluator's true branches run too.
Answers answers_from_literals(const soundings::Expression& expression) {
  Answers answers;
  for (const auto& comparison : expression.comparisons()) {
    soundings::AnswerView& view = answers[comparison.question];
    view.options.push_back(comparison.literal);
    if (!view.text) view.text = comparison.literal;
    view.ticked = true;
    if (comparison.numeric && !view.number) {
      try {
        view.number = std::stod(comparison.literal);
      } catch (const std::exception&) {
        // A literal the parser called numeric but stod refuses (e.g. out of range) stays non-numeric.
      }
    }
  }
  for (const auto& id : expression.referenced_questions()) answers.try_emplace(id);
  return answers;
}

bool evaluate(const soundings::Expression& expression, const Answers& answers) {
  return expression.evaluate([&answers](const std::string& id) -> std::optional<soundings::AnswerView> {
    const auto found = answers.find(id);
    if (found == answers.end()) return std::nullopt;
    return found->second;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string source(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto expression = soundings::Expression::parse(source, error);
  if (!expression) {
    FUZZ_REQUIRE(!error.empty(), "a refused condition has a reason");
    return 0;
  }
  FUZZ_REQUIRE(expression->source() == source, "a condition keeps its source");
  (void)expression->string_comparisons();

  const Answers nothing;
  const Answers given = answers_from_literals(*expression);
  const bool with_nothing = evaluate(*expression, nothing);
  const bool with_given = evaluate(*expression, given);

  // `not (E)` must be the opposite of E for the same answers. Wrapping adds two levels, so it may
  // be refused as too deep near the limit; then there is nothing to compare.
  std::string wrapped_error;
  const auto negated = soundings::Expression::parse("not (" + source + ")", wrapped_error);
  if (negated) {
    FUZZ_REQUIRE(evaluate(*negated, nothing) == !with_nothing, "not (E) is the opposite of E, nothing answered");
    FUZZ_REQUIRE(evaluate(*negated, given) == !with_given, "not (E) is the opposite of E, literals answered");
  }
  return 0;
}
