// show_if conditions: a small expression language over earlier answers.
//
//   transport = "bus"            transport != "car"          age >= 16
//   services contains "library"  transport in ["bus", "train"]
//   answered(postcode)           not answered(postcode)
//   (a = "yes" or b = "yes") and not c = "no"
//
// A comparison with an unanswered question is false (so is `!=`): conditions
// speak about answers that were given. See shared/FORMAT.md.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace soundings {

// What a condition can see of one answer.
struct AnswerView {
  std::vector<std::string> options;  // chosen option ids (single choice: one), or ranking order
  std::optional<double> number;      // numbers, scales, smiley
  std::optional<std::string> text;   // free text, postcode, email, phone
  bool ticked = false;               // consent
};

struct ExprNode;

// One comparison in a condition, for validation against the questions it names.
// `q in ["a", "b"]` gives one entry per literal.
struct ExprComparison {
  std::string question;
  std::string op;         // "=", "!=", "<", "<=", ">", ">=", "contains" or "in"
  bool numeric = false;   // the literal is a number (written as `literal`)
  std::string literal;
};

class Expression {
 public:
  // Parses `source`; on failure returns nullopt and sets `error` to a message
  // that names the column, e.g. `at column 12: expected a value after "="`.
  static std::optional<Expression> parse(const std::string& source, std::string& error);

  // Evaluates against answers; `lookup` returns nullopt for an unanswered question.
  bool evaluate(const std::function<std::optional<AnswerView>(const std::string&)>& lookup) const;

  // Question ids referred to, in order of appearance (for validation).
  std::vector<std::string> referenced_questions() const;

  // (question id, option/value literal) pairs compared with strings, to check options exist.
  std::vector<std::pair<std::string, std::string>> string_comparisons() const;

  // Every comparison, in order of appearance (for validation).
  std::vector<ExprComparison> comparisons() const;

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::shared_ptr<const ExprNode> root_;
};

}  // namespace soundings
