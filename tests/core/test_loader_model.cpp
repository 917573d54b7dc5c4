// The consultation model's helpers: type names, look-ups, text in a language, problem rendering.
#include <set>

#include <catch2/catch.hpp>

#include "soundings/consultation.h"
#include "soundings/result.h"

using soundings::QuestionType;

TEST_CASE("every question type's JSON name reads back as the same type", "[loader]") {
  const QuestionType all[] = {QuestionType::SingleChoice, QuestionType::MultipleChoice, QuestionType::Agreement,
                              QuestionType::Smiley,       QuestionType::Scale10,        QuestionType::ShortText,
                              QuestionType::LongText,     QuestionType::Number,         QuestionType::Date,
                              QuestionType::Postcode,     QuestionType::Email,          QuestionType::Phone,
                              QuestionType::Ranking,      QuestionType::Consent,        QuestionType::Contact};
  std::set<std::string> names;
  for (QuestionType type : all) {
    const std::string name = soundings::type_name(type);
    names.insert(name);
    REQUIRE(soundings::type_from_name(name).has_value());
    CHECK(*soundings::type_from_name(name) == type);
  }
  CHECK(names.size() == 15);
  CHECK(std::string(soundings::type_name(QuestionType::Scale10)) == "scale_0_10");
  CHECK_FALSE(soundings::type_from_name("Single_Choice").has_value());
  CHECK_FALSE(soundings::type_from_name("").has_value());
}

TEST_CASE("text in a language falls back to English, then to any language held", "[loader]") {
  soundings::LocalText text;
  CHECK(text.in("cy").empty());
  text.by_language["pl"] = "Dzień dobry";
  CHECK(text.in("cy") == "Dzień dobry");
  text.by_language["en"] = "Good morning";
  CHECK(text.in("cy") == "Good morning");
  text.by_language["cy"] = "Bore da";
  CHECK(text.in("cy") == "Bore da");
  CHECK(text.in("en") == "Good morning");
}

TEST_CASE("a consultation finds questions across pages, options within a question, and its languages", "[loader]") {
  soundings::Consultation c;
  c.languages = {"cy", "en"};
  c.pages.resize(2);
  c.pages[0].questions.resize(2);
  c.pages[0].questions[0].id = "transport";
  c.pages[0].questions[0].options.resize(2);
  c.pages[0].questions[0].options[0].id = "bus";
  c.pages[0].questions[0].options[1].id = "car";
  c.pages[0].questions[1].id = "age";
  c.pages[1].questions.resize(1);
  c.pages[1].questions[0].id = "postcode";
  CHECK(c.question_count() == 3);
  REQUIRE(c.find_question("postcode") != nullptr);
  CHECK(c.find_question("postcode") == &c.pages[1].questions[0]);
  CHECK(c.find_question("nothing") == nullptr);
  const soundings::Question* transport = c.find_question("transport");
  REQUIRE(transport);
  CHECK(transport->find_option("car") == &transport->options[1]);
  CHECK(transport->find_option("train") == nullptr);
  CHECK(c.declares("cy"));
  CHECK_FALSE(c.declares("fr"));
  CHECK_FALSE(c.declares(""));
}

TEST_CASE("a problem reads as path, colon, message, or the message alone", "[loader]") {
  CHECK(soundings::describe({"pages[1].questions[3].show_if", "refers to \"x\""}) ==
        "pages[1].questions[3].show_if: refers to \"x\"");
  CHECK(soundings::describe({"", "the definition is empty"}) == "the definition is empty");
}
