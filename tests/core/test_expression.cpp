// show_if expressions: what conditions mean, what they refer to, and how mistakes are reported.
#include <map>
#include <random>

#include <catch2/catch.hpp>

#include "soundings/expression.h"

using soundings::AnswerView;
using soundings::Expression;

namespace {

// Answers as a condition sees them; a question missing from the map is unanswered.
struct Answers {
  std::map<std::string, AnswerView> by_id;

  Answers& choice(const std::string& id, std::vector<std::string> options) {
    by_id[id].options = std::move(options);
    return *this;
  }
  Answers& number(const std::string& id, double value) {
    by_id[id].number = value;
    return *this;
  }
  Answers& text(const std::string& id, const std::string& value) {
    by_id[id].text = value;
    return *this;
  }

  bool check(const std::string& source) const {
    std::string error;
    auto expression = Expression::parse(source, error);
    INFO(source << " -> " << error);
    REQUIRE(expression.has_value());
    return expression->evaluate([this](const std::string& id) -> std::optional<AnswerView> {
      auto it = by_id.find(id);
      if (it == by_id.end()) return std::nullopt;
      return it->second;
    });
  }
};

std::string parse_error(const std::string& source) {
  std::string error;
  auto expression = Expression::parse(source, error);
  INFO(source);
  REQUIRE_FALSE(expression.has_value());
  return error;
}

}  // namespace

TEST_CASE("a condition on a single choice compares the chosen option id", "[expression]") {
  Answers answers;
  answers.choice("transport", {"bus"});
  CHECK(answers.check("transport = \"bus\""));
  CHECK_FALSE(answers.check("transport = \"car\""));
  CHECK(answers.check("transport != 'car'"));
  CHECK_FALSE(answers.check("transport != 'bus'"));
  CHECK(answers.check("transport in [\"train\", \"bus\"]"));
  CHECK_FALSE(answers.check("transport in [\"train\", \"car\"]"));
  CHECK(answers.check("transport == 'bus'"));  // `==` is read as `=`
}

TEST_CASE("a condition on a multiple choice asks whether an option is among those chosen", "[expression]") {
  Answers answers;
  answers.choice("services", {"library", "pool"});
  CHECK(answers.check("services contains \"pool\""));
  CHECK_FALSE(answers.check("services contains \"museum\""));
  CHECK(answers.check("services in ['museum', 'library']"));
  CHECK_FALSE(answers.check("services in ['museum', 'park']"));
  // Two options chosen: equal to neither alone.
  CHECK_FALSE(answers.check("services = 'library'"));
}

TEST_CASE("a comparison with an unanswered question is false, even not-equals", "[expression]") {
  Answers none;
  CHECK_FALSE(none.check("transport = 'bus'"));
  CHECK_FALSE(none.check("transport != 'bus'"));
  CHECK_FALSE(none.check("age >= 16"));
  CHECK_FALSE(none.check("age < 16"));
  CHECK_FALSE(none.check("services contains 'x'"));
  CHECK_FALSE(none.check("transport in ['bus']"));
  CHECK_FALSE(none.check("answered(transport)"));
  CHECK(none.check("not answered(transport)"));
  CHECK(none.check("not transport = 'bus'"));
}

TEST_CASE("numeric comparisons use the number of an answer, including numbers typed as text", "[expression]") {
  Answers answers;
  answers.number("age", 16).number("mood", 2).text("count", " 7 ").text("name", "seven");
  CHECK(answers.check("age >= 16"));
  CHECK_FALSE(answers.check("age > 16"));
  CHECK(answers.check("age <= 16"));
  CHECK_FALSE(answers.check("age < 16"));
  CHECK(answers.check("age = 16"));
  CHECK(answers.check("age = 16.0"));
  CHECK(answers.check("age != 17"));
  CHECK(answers.check("age in [15, 16]"));
  CHECK(answers.check("mood <= 2"));
  CHECK(answers.check("count > 6.5"));
  CHECK(answers.check("age > -1"));
  CHECK_FALSE(answers.check("name > 0"));  // text that is not a number compares as unanswered
}

TEST_CASE("text answers compare whole, and contains looks inside them", "[expression]") {
  Answers answers;
  answers.text("postcode", "LL11 1AY").text("comments", "more buses please");
  CHECK(answers.check("postcode = 'LL11 1AY'"));
  CHECK_FALSE(answers.check("postcode = 'LL11'"));
  CHECK(answers.check("comments contains 'buses'"));
  CHECK_FALSE(answers.check("comments contains 'trains'"));
}

TEST_CASE("and binds tighter than or, not binds to the nearest condition, parentheses regroup", "[expression]") {
  Answers answers;
  answers.choice("a", {"yes"}).choice("b", {"no"}).choice("c", {"no"});
  CHECK(answers.check("a = 'yes' or b = 'yes' and c = 'yes'"));     // a or (b and c)
  CHECK_FALSE(answers.check("(a = 'yes' or b = 'yes') and c = 'yes'"));
  CHECK_FALSE(answers.check("not a = 'yes' and b = 'no'"));         // (not a) and b
  CHECK(answers.check("not (a = 'no' and b = 'no')"));
  CHECK(answers.check("not not a = 'yes'"));
  CHECK(answers.check("a = 'yes' AND b = 'no' Or c = 'x'"));        // keywords in any case
  CHECK_FALSE(answers.check("A = 'yes'"));                           // question ids are exact
  CHECK(answers.check("((((a = 'yes'))))"));
}

TEST_CASE("a condition lists the questions and comparisons it uses, for validation", "[expression]") {
  std::string error;
  auto expression = Expression::parse("(a = 'x' or answered(b)) and c in ['p', 'q'] and not d >= 3", error);
  REQUIRE(expression);
  CHECK(expression->referenced_questions() == std::vector<std::string>{"a", "b", "c", "d"});
  const auto strings = expression->string_comparisons();
  REQUIRE(strings.size() == 3);
  CHECK(strings[0] == std::pair<std::string, std::string>{"a", "x"});
  CHECK(strings[2] == std::pair<std::string, std::string>{"c", "q"});
  const auto comparisons = expression->comparisons();
  REQUIRE(comparisons.size() == 4);
  CHECK(comparisons[1].op == "in");
  CHECK(comparisons[3].question == "d");
  CHECK(comparisons[3].op == ">=");
  CHECK(comparisons[3].numeric);
  CHECK(comparisons[3].literal == "3");
  CHECK(expression->source() == "(a = 'x' or answered(b)) and c in ['p', 'q'] and not d >= 3");
}

TEST_CASE("parse errors name the column of the mistake", "[expression]") {
  CHECK(parse_error("transport =") == "at column 12: expected a value after \"=\", found the end");
  CHECK(parse_error("transport = bus").rfind("at column 13: expected a value after \"=\"", 0) == 0);
  CHECK(parse_error("age < 'ten'").rfind("at column 7: expected a number after \"<\"", 0) == 0);
  CHECK(parse_error("a = 'x' && b = 'y'") == "at column 9: write \"and\" instead of \"&&\"");
  CHECK(parse_error("(a = 'x'").rfind("at column 9: expected \")\"", 0) == 0);
  CHECK(parse_error("a = 'x')").rfind("at column 8:", 0) == 0);
  CHECK(parse_error("a = 'x' b = 'y'").rfind("at column 9:", 0) == 0);
  CHECK(parse_error("a = 'never closed").rfind("at column 5: the text in quotes is never closed", 0) == 0);
  CHECK(parse_error("a in []").rfind("at column 7: the list after \"in\" is empty", 0) == 0);
  CHECK(parse_error("a in ['x' 'y']").rfind("at column 11: expected \",\" or \"]\"", 0) == 0);
  CHECK(parse_error("unanswered(a)").rfind("at column 1: there is no function called \"unanswered\"", 0) == 0);
  CHECK(parse_error("answered('a')").rfind("at column 10: expected a question id", 0) == 0);
  CHECK(parse_error("a contains 3").rfind("at column 12:", 0) == 0);
  CHECK(parse_error("and = 'x'").rfind("at column 1:", 0) == 0);
  CHECK(parse_error("a =< 3").rfind("at column 4:", 0) == 0);
  CHECK(parse_error("") == "the condition is empty");
  CHECK(parse_error("   ") == "the condition is empty");
}

TEST_CASE("columns count characters, so Welsh letters before a mistake do not shift them", "[expression]") {
  // "ŵ" is two bytes in UTF-8 but one column.
  CHECK(parse_error("a = 'ŵŵ' or") == "at column 12: expected a question id, \"(\", \"not\" or \"answered(...)\", found the end");
  CHECK(parse_error("a = “yes”").find("at column 5: unexpected curly quote") == 0);
}

TEST_CASE("deep nesting and huge conditions are refused with a message, never a crash", "[expression]") {
  CHECK(parse_error(std::string(5000, '(') + "a = 1" + std::string(5000, ')')).find("too long") != std::string::npos);
  CHECK(parse_error(std::string(40, '(') + "a = 1" + std::string(40, ')')).find("nested too deeply") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 200; ++i) nots += "not ";
  CHECK(parse_error(nots + "a = 1").find("nested too deeply") != std::string::npos);
  // Long flat chains are not nesting: they parse and evaluate.
  std::string chain = "a = 1";
  for (int i = 0; i < 300; ++i) chain += " or a = " + std::to_string(i + 2);
  Answers answers;
  answers.number("a", 300);
  CHECK(answers.check(chain));
  // Within the limit is fine.
  CHECK(answers.check(std::string(30, '(') + "a = 300" + std::string(30, ')')));
}

TEST_CASE("numbers too large to use are refused", "[expression]") {
  CHECK(parse_error("a > 1" + std::string(400, '0')).find("is not a number that can be used") != std::string::npos);
}

TEST_CASE("arbitrary bytes never crash the parser, and what parses evaluates", "[expression]") {
  std::mt19937 random(20261123);
  const std::string alphabet = "ab =!<>()[],'\"\\0123456789.-notandorincontainsanswered\t\xc5\xb5\xff";
  Answers answers;
  answers.choice("a", {"x"}).number("b", 3);
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string source;
    const size_t length = random() % 40;
    for (size_t i = 0; i < length; ++i) source += alphabet[random() % alphabet.size()];
    std::string error;
    auto expression = Expression::parse(source, error);
    if (expression) {
      ++parsed;
      CHECK(error.empty());
      (void)expression->evaluate([&](const std::string& id) -> std::optional<AnswerView> {
        auto it = answers.by_id.find(id);
        if (it == answers.by_id.end()) return std::nullopt;
        return it->second;
      });
    } else {
      INFO(source);
      CHECK_FALSE(error.empty());
    }
  }
  // Mostly garbage; the point is that every input came back as a value.
  CHECK(parsed < 3000);
}

TEST_CASE("a default expression places no condition", "[expression]") {
  Expression none;
  CHECK(none.evaluate([](const std::string&) { return std::nullopt; }));
  CHECK(none.referenced_questions().empty());
}
