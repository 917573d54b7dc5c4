// show_if conditions: tokenizer, recursive-descent parser with a depth guard, and evaluator.
#include "soundings/expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>

namespace soundings {

namespace {

// Parentheses and `not` nest; a definition written by hand never needs more,
// and the bound keeps parsing and evaluation off the end of the stack.
constexpr int kMaxDepth = 32;
// A condition is a line or two; anything far longer is a mistake, not a condition.
constexpr size_t kMaxSourceBytes = 8000;

enum class Op { Eq, NotEq, Less, LessEq, Greater, GreaterEq, Contains, In };

const char* op_text(Op op) {
  switch (op) {
    case Op::Eq: return "=";
    case Op::NotEq: return "!=";
    case Op::Less: return "<";
    case Op::LessEq: return "<=";
    case Op::Greater: return ">";
    case Op::GreaterEq: return ">=";
    case Op::Contains: return "contains";
    case Op::In: return "in";
  }
  return "?";
}

struct Literal {
  bool numeric = false;
  double number = 0;
  std::string text;  // the string, or the number as written
};

}  // namespace

struct ExprNode {
  enum class Kind { And, Or, Not, Answered, Compare };
  Kind kind = Kind::Answered;
  std::vector<std::shared_ptr<const ExprNode>> children;  // And/Or: two or more; Not: one
  std::string question;
  Op op = Op::Eq;
  std::vector<Literal> literals;  // Compare: one, or the list of `in`
};

namespace {

enum class Tok { Ident, String, Number, LParen, RParen, LBracket, RBracket, Comma, Operator, End };

struct Token {
  Tok kind = Tok::End;
  std::string text;     // identifier, string contents, number as written, operator
  size_t offset = 0;    // byte offset in the source
};

struct ParseFailure {
  size_t offset;
  std::string message;
};

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Columns count characters, not bytes, so that Welsh letters before a mistake do not shift it.
size_t column_of(const std::string& source, size_t offset) {
  size_t column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 40));
  if (s.size() > 40) out += "...";
  out += "\"";
  return out;
}

class Tokenizer {
 public:
  explicit Tokenizer(const std::string& source) : src_(source) {}

  // Fills `tokens` or returns the first lexical problem.
  std::optional<ParseFailure> run(std::vector<Token>& tokens) {
    size_t i = 0;
    while (true) {
      while (i < src_.size() && (src_[i] == ' ' || src_[i] == '\t' || src_[i] == '\n' || src_[i] == '\r')) ++i;
      if (i >= src_.size()) break;
      const char c = src_[i];
      const size_t start = i;
      if (is_ident_start(c)) {
        while (i < src_.size() && is_ident_char(src_[i])) ++i;
        tokens.push_back({Tok::Ident, src_.substr(start, i - start), start});
      } else if (is_digit(c) || (c == '-' && i + 1 < src_.size() && (is_digit(src_[i + 1]) || src_[i + 1] == '.')) ||
                 (c == '.' && i + 1 < src_.size() && is_digit(src_[i + 1]))) {
        if (c == '-') ++i;
        while (i < src_.size() && (is_digit(src_[i]) || src_[i] == '.')) ++i;
        if (i < src_.size() && is_ident_start(src_[i])) {
          return ParseFailure{start, "a number cannot run into letters; question ids start with a letter"};
        }
        tokens.push_back({Tok::Number, src_.substr(start, i - start), start});
      } else if (c == '"' || c == '\'') {
        std::string text;
        ++i;
        bool closed = false;
        while (i < src_.size()) {
          if (src_[i] == '\\' && i + 1 < src_.size()) {
            text += src_[i + 1];
            i += 2;
          } else if (src_[i] == c) {
            closed = true;
            ++i;
            break;
          } else {
            text += src_[i++];
          }
        }
        if (!closed) return ParseFailure{start, "the text in quotes is never closed"};
        tokens.push_back({Tok::String, std::move(text), start});
      } else if (c == '(') {
        tokens.push_back({Tok::LParen, "(", i++});
      } else if (c == ')') {
        tokens.push_back({Tok::RParen, ")", i++});
      } else if (c == '[') {
        tokens.push_back({Tok::LBracket, "[", i++});
      } else if (c == ']') {
        tokens.push_back({Tok::RBracket, "]", i++});
      } else if (c == ',') {
        tokens.push_back({Tok::Comma, ",", i++});
      } else if (c == '=' ) {
        // `==` is read as `=`: people who write code elsewhere type it by habit.
        i += (i + 1 < src_.size() && src_[i + 1] == '=') ? 2 : 1;
        tokens.push_back({Tok::Operator, "=", start});
      } else if (c == '!' && i + 1 < src_.size() && src_[i + 1] == '=') {
        i += 2;
        tokens.push_back({Tok::Operator, "!=", start});
      } else if (c == '<' || c == '>') {
        if (i + 1 < src_.size() && src_[i + 1] == '>' && c == '<') {
          return ParseFailure{start, "write \"!=\" for \"is not\""};
        }
        const bool with_equals = i + 1 < src_.size() && src_[i + 1] == '=';
        i += with_equals ? 2 : 1;
        tokens.push_back({Tok::Operator, std::string(1, c) + (with_equals ? "=" : ""), start});
      } else if (c == '&' || c == '|' || c == '!') {
        const char* word = c == '&' ? "and" : c == '|' ? "or" : "not";
        std::string written(1, c);
        if (c != '!' && i + 1 < src_.size() && src_[i + 1] == c) written += c;
        return ParseFailure{start, std::string("write \"") + word + "\" instead of \"" + written + "\""};
      } else {
        const unsigned char u = static_cast<unsigned char>(c);
        std::string shown = u >= 0x20 && u < 0x7F ? quoted(std::string(1, c))
                            : u < 0x20 || u == 0x7F
                                ? "control character"
                                : "character outside plain ASCII (question ids use a-z, 0-9, _ and -)";
        if (u >= 0xE2 && src_.compare(i, 3, "\xE2\x80\x9C") == 0) shown = "curly quote (use straight quotes)";
        if (u >= 0xE2 && src_.compare(i, 3, "\xE2\x80\x9D") == 0) shown = "curly quote (use straight quotes)";
        return ParseFailure{start, "unexpected " + shown};
      }
    }
    tokens.push_back({Tok::End, "", src_.size()});
    return std::nullopt;
  }

 private:
  const std::string& src_;
};

bool is_keyword(const Token& t, std::string_view word) { return t.kind == Tok::Ident && lower(t.text) == word; }

std::string describe_token(const Token& t) {
  switch (t.kind) {
    case Tok::End: return "the end";
    case Tok::String: return "text in quotes " + quoted(t.text);
    default: return quoted(t.text);
  }
}

class Parser {
 public:
  Parser(const std::string& source, std::vector<Token> tokens) : source_(source), tokens_(std::move(tokens)) {}

  std::shared_ptr<const ExprNode> parse_all() {
    auto node = parse_or(0);
    if (peek().kind != Tok::End) {
      if (peek().kind == Tok::RParen) fail(peek(), "there is a \")\" without a matching \"(\"");
      fail(peek(), "unexpected " + describe_token(peek()) + " after a complete condition (missing \"and\"/\"or\"?)");
    }
    return node;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  [[noreturn]] static void fail(const Token& at, std::string message) {
    throw ParseFailure{at.offset, std::move(message)};
  }

  static void guard(int depth, const Token& at) {
    if (depth > kMaxDepth) fail(at, "the condition is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
  }

  std::shared_ptr<const ExprNode> parse_or(int depth) {
    guard(depth, peek());
    auto first = parse_and(depth);
    if (!is_keyword(peek(), "or")) return first;
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::Or;
    node->children.push_back(std::move(first));
    while (is_keyword(peek(), "or")) {
      take();
      node->children.push_back(parse_and(depth));
    }
    return node;
  }

  std::shared_ptr<const ExprNode> parse_and(int depth) {
    auto first = parse_not(depth);
    if (!is_keyword(peek(), "and")) return first;
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::And;
    node->children.push_back(std::move(first));
    while (is_keyword(peek(), "and")) {
      take();
      node->children.push_back(parse_not(depth));
    }
    return node;
  }

  std::shared_ptr<const ExprNode> parse_not(int depth) {
    if (is_keyword(peek(), "not")) {
      const Token& at = take();
      guard(depth + 1, at);
      auto node = std::make_shared<ExprNode>();
      node->kind = ExprNode::Kind::Not;
      node->children.push_back(parse_not(depth + 1));
      return node;
    }
    return parse_primary(depth);
  }

  std::shared_ptr<const ExprNode> parse_primary(int depth) {
    const Token& t = peek();
    if (t.kind == Tok::LParen) {
      take();
      guard(depth + 1, t);
      auto inner = parse_or(depth + 1);
      if (peek().kind != Tok::RParen) {
        fail(peek(), "expected \")\" to close the \"(\" at column " + std::to_string(column_of(source_, t.offset)) +
                         ", found " + describe_token(peek()));
      }
      take();
      return inner;
    }
    if (t.kind != Tok::Ident) {
      fail(t, "expected a question id, \"(\", \"not\" or \"answered(...)\", found " + describe_token(t));
    }
    const std::string word = lower(t.text);
    if (word == "and" || word == "or" || word == "in" || word == "contains") {
      fail(t, "expected a question id before \"" + t.text + "\"");
    }
    if (word == "answered" && tokens_[pos_ + 1].kind == Tok::LParen) {
      take();
      take();
      const Token& id = peek();
      if (id.kind != Tok::Ident) fail(id, "expected a question id inside \"answered(...)\", found " + describe_token(id));
      take();
      if (peek().kind != Tok::RParen) fail(peek(), "expected \")\" after \"answered(" + id.text + "\"");
      take();
      auto node = std::make_shared<ExprNode>();
      node->kind = ExprNode::Kind::Answered;
      node->question = id.text;
      return node;
    }
    if (tokens_[pos_ + 1].kind == Tok::LParen) {
      fail(t, "there is no function called \"" + t.text + "\"; the only one is \"answered(...)\"");
    }
    return parse_comparison();
  }

  Literal parse_literal(const std::string& after, bool numbers_only) {
    const Token& t = peek();
    if (t.kind == Tok::Number) {
      take();
      Literal lit;
      lit.numeric = true;
      lit.text = t.text;
      const char* first = t.text.data();
      const char* last = first + t.text.size();
      auto [ptr, ec] = std::from_chars(first, last, lit.number);
      if (ec != std::errc() || ptr != last || !std::isfinite(lit.number)) {
        fail(t, "\"" + t.text + "\" is not a number that can be used");
      }
      return lit;
    }
    if (t.kind == Tok::String && !numbers_only) {
      take();
      Literal lit;
      lit.text = t.text;
      return lit;
    }
    if (t.kind == Tok::String) fail(t, "expected a number after \"" + after + "\", found " + describe_token(t));
    if (t.kind == Tok::Ident) {
      fail(t, "expected a value after \"" + after + "\", found " + describe_token(t) +
                  " (option ids and text go in quotes)");
    }
    fail(t, "expected a value after \"" + after + "\", found " + describe_token(t));
  }

  std::shared_ptr<const ExprNode> parse_comparison() {
    const Token& id = take();
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::Compare;
    node->question = id.text;
    const Token& op = peek();
    if (op.kind == Tok::Operator) {
      take();
      if (op.text == "=") node->op = Op::Eq;
      else if (op.text == "!=") node->op = Op::NotEq;
      else if (op.text == "<") node->op = Op::Less;
      else if (op.text == "<=") node->op = Op::LessEq;
      else if (op.text == ">") node->op = Op::Greater;
      else node->op = Op::GreaterEq;
      const bool numbers_only = node->op != Op::Eq && node->op != Op::NotEq;
      node->literals.push_back(parse_literal(op.text, numbers_only));
      return node;
    }
    if (is_keyword(op, "contains")) {
      take();
      node->op = Op::Contains;
      if (peek().kind != Tok::String) {
        fail(peek(), "expected an option id or text in quotes after \"contains\", found " + describe_token(peek()));
      }
      node->literals.push_back(parse_literal("contains", false));
      return node;
    }
    if (is_keyword(op, "in")) {
      take();
      node->op = Op::In;
      if (peek().kind != Tok::LBracket) fail(peek(), "expected \"[\" after \"in\", found " + describe_token(peek()));
      take();
      if (peek().kind == Tok::RBracket) fail(peek(), "the list after \"in\" is empty");
      while (true) {
        node->literals.push_back(parse_literal(node->literals.empty() ? "[" : ",", false));
        if (peek().kind == Tok::Comma) {
          take();
          continue;
        }
        if (peek().kind == Tok::RBracket) {
          take();
          break;
        }
        fail(peek(), "expected \",\" or \"]\" in the list after \"in\", found " + describe_token(peek()));
      }
      return node;
    }
    if (op.kind == Tok::End) {
      fail(op, "expected \"=\", \"!=\", \"<\", \"<=\", \">\", \">=\", \"contains\" or \"in\" after \"" + id.text +
                   "\" (or write \"answered(" + id.text + ")\")");
    }
    fail(op, "expected \"=\", \"!=\", \"<\", \"<=\", \">\", \">=\", \"contains\" or \"in\" after \"" + id.text +
                 "\", found " + describe_token(op));
  }

  const std::string& source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// A number as the condition sees it: a number answer, or text that is exactly a number.
std::optional<double> number_of(const AnswerView& answer) {
  if (answer.number) return answer.number;
  if (!answer.text) return std::nullopt;
  std::string_view s = *answer.text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

bool equals(const AnswerView& answer, const Literal& lit) {
  if (lit.numeric) {
    auto n = number_of(answer);
    return n && *n == lit.number;
  }
  if (!answer.options.empty()) return answer.options.size() == 1 && answer.options.front() == lit.text;
  return answer.text && *answer.text == lit.text;
}

bool any_of(const AnswerView& answer, const std::vector<Literal>& literals) {
  for (const Literal& lit : literals) {
    if (!lit.numeric && !answer.options.empty()) {
      if (std::find(answer.options.begin(), answer.options.end(), lit.text) != answer.options.end()) return true;
    } else if (equals(answer, lit)) {
      return true;
    }
  }
  return false;
}

using Lookup = std::function<std::optional<AnswerView>(const std::string&)>;

bool eval(const ExprNode& node, const Lookup& lookup) {
  switch (node.kind) {
    case ExprNode::Kind::And:
      return std::all_of(node.children.begin(), node.children.end(),
                         [&](const auto& child) { return eval(*child, lookup); });
    case ExprNode::Kind::Or:
      return std::any_of(node.children.begin(), node.children.end(),
                         [&](const auto& child) { return eval(*child, lookup); });
    case ExprNode::Kind::Not:
      return !eval(*node.children.front(), lookup);
    case ExprNode::Kind::Answered:
      return lookup(node.question).has_value();
    case ExprNode::Kind::Compare:
      break;
  }
  const std::optional<AnswerView> answer = lookup(node.question);
  if (!answer) return false;  // conditions speak only about answers that were given
  const Literal& lit = node.literals.front();
  switch (node.op) {
    case Op::Eq: return equals(*answer, lit);
    case Op::NotEq: return !equals(*answer, lit);
    case Op::In: return any_of(*answer, node.literals);
    case Op::Contains:
      if (!answer->options.empty()) {
        return std::find(answer->options.begin(), answer->options.end(), lit.text) != answer->options.end();
      }
      return answer->text && answer->text->find(lit.text) != std::string::npos;
    default: break;
  }
  const std::optional<double> n = number_of(*answer);
  if (!n) return false;
  switch (node.op) {
    case Op::Less: return *n < lit.number;
    case Op::LessEq: return *n <= lit.number;
    case Op::Greater: return *n > lit.number;
    case Op::GreaterEq: return *n >= lit.number;
    default: return false;
  }
}

template <typename Visit>
void walk(const ExprNode& node, const Visit& visit) {
  visit(node);
  for (const auto& child : node.children) walk(*child, visit);
}

}  // namespace

std::optional<Expression> Expression::parse(const std::string& source, std::string& error) {
  error.clear();
  if (source.size() > kMaxSourceBytes) {
    error = "the condition is too long (" + std::to_string(source.size()) + " characters; at most " +
            std::to_string(kMaxSourceBytes) + ")";
    return std::nullopt;
  }
  std::vector<Token> tokens;
  if (auto failure = Tokenizer(source).run(tokens)) {
    error = "at column " + std::to_string(column_of(source, failure->offset)) + ": " + failure->message;
    return std::nullopt;
  }
  if (tokens.size() == 1) {
    error = "the condition is empty";
    return std::nullopt;
  }
  try {
    Parser parser(source, std::move(tokens));
    Expression expression;
    expression.root_ = parser.parse_all();
    expression.source_ = source;
    return expression;
  } catch (const ParseFailure& failure) {
    error = "at column " + std::to_string(column_of(source, failure.offset)) + ": " + failure.message;
    return std::nullopt;
  }
}

bool Expression::evaluate(const std::function<std::optional<AnswerView>(const std::string&)>& lookup) const {
  if (!root_) return true;  // a default-constructed expression places no condition
  return eval(*root_, lookup);
}

std::vector<std::string> Expression::referenced_questions() const {
  std::vector<std::string> ids;
  if (!root_) return ids;
  walk(*root_, [&](const ExprNode& node) {
    if (node.kind == ExprNode::Kind::Answered || node.kind == ExprNode::Kind::Compare) ids.push_back(node.question);
  });
  return ids;
}

std::vector<std::pair<std::string, std::string>> Expression::string_comparisons() const {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const ExprComparison& c : comparisons()) {
    if (!c.numeric) pairs.emplace_back(c.question, c.literal);
  }
  return pairs;
}

std::vector<ExprComparison> Expression::comparisons() const {
  std::vector<ExprComparison> out;
  if (!root_) return out;
  walk(*root_, [&](const ExprNode& node) {
    if (node.kind != ExprNode::Kind::Compare) return;
    for (const Literal& lit : node.literals) out.push_back({node.question, op_text(node.op), lit.numeric, lit.text});
  });
  return out;
}

}  // namespace soundings
