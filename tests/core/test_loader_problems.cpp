// Refusing broken definitions: every problem, each at its JSON path with a plain-English message.
#include <catch2/catch.hpp>

#include "soundings/loader.h"
#include "test_loader_support.h"

using namespace loader_test;

namespace {

// pages[0].questions[i] of the small fixture, to break one thing at a time.
Json& travel_question(Json& doc, size_t index) { return doc["pages"][0]["questions"][index]; }
Json& about_question(Json& doc, size_t index) { return doc["pages"][1]["questions"][index]; }

}  // namespace

TEST_CASE("invalid JSON is refused naming its line and column", "[loader]") {
  auto outcome = soundings::load_consultation("{\n  \"id\": \"x\",\n  \"version\": ,\n}");
  REQUIRE(outcome.problems.size() == 1);
  CHECK_FALSE(outcome.ok());
  CHECK(outcome.problems[0].path.empty());
  CHECK(outcome.problems[0].message.rfind("invalid JSON at line 3, column 14:", 0) == 0);

  auto truncated = soundings::load_consultation(read_file(data_path("consultations/small.json")).substr(0, 300));
  REQUIRE(truncated.problems.size() == 1);
  CHECK(truncated.problems[0].message.rfind("invalid JSON at line ", 0) == 0);

  auto empty = soundings::load_consultation("  \n");
  REQUIRE(empty.problems.size() == 1);
  CHECK(empty.problems[0].message == "the definition is empty");

  auto not_object = soundings::load_consultation("[1, 2]");
  REQUIRE(not_object.problems.size() == 1);
  CHECK(not_object.problems[0].message == "expected a consultation (an object {...}), found a list");
}

TEST_CASE("a misspelt field is named, with the field that was probably meant", "[loader]") {
  Json doc = small_fixture();
  about_question(doc, 1)["requried"] = true;
  doc["sumary"] = doc["summary"];
  travel_question(doc, 0)["options"][0]["lable"] = travel_question(doc, 0)["options"][0]["label"];
  doc["pages"][1]["xyzzy"] = 1;
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK_FALSE(outcome.ok());
  CHECK(has_problem(outcome, "pages[1].questions[1].requried", "unknown field \"requried\"; did you mean \"required\"?"));
  CHECK(has_problem(outcome, "sumary", "did you mean \"summary\"?"));
  CHECK(has_problem(outcome, "pages[0].questions[0].options[0].lable", "did you mean \"label\"?"));
  CHECK(has_problem(outcome, "pages[1].xyzzy", "unknown field \"xyzzy\""));
  CHECK(outcome.problems.size() == 4);
}

TEST_CASE("a field that belongs to another question type says which types take it", "[loader]") {
  Json doc = small_fixture();
  travel_question(doc, 0)["max_selections"] = 2;  // single choice
  about_question(doc, 0)["min"] = 1;              // short text
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[0].questions[0].max_selections", "does not apply to single_choice questions (only to multiple_choice, ranking)"));
  CHECK(has_problem(outcome, "pages[1].questions[0].min", "only to number"));
}

TEST_CASE("a string missing in a declared language is refused, naming the place and the language", "[loader]") {
  Json doc = small_fixture();
  doc["title"].erase("cy");
  travel_question(doc, 2)["options"][1]["label"].erase("cy");
  about_question(doc, 8)["consents"][0]["label"]["en"] = "   ";
  doc["pages"][0]["intro"]["fr"] = "Bonjour";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "title", "missing the Welsh (cy) text"));
  CHECK(has_problem(outcome, "pages[0].questions[2].options[1].label", "missing the Welsh (cy) text"));
  CHECK(has_problem(outcome, "pages[1].questions[8].consents[0].label.en", "the English (en) text is blank"));
  CHECK(has_problem(outcome, "pages[0].intro.fr", "\"fr\" is not a declared language"));
  CHECK(outcome.problems.size() == 4);
}

TEST_CASE("wrong types are reported with what was found", "[loader]") {
  Json doc = small_fixture();
  doc["version"] = "3";
  doc["title"] = "A title in one language";
  travel_question(doc, 0)["required"] = "yes";
  travel_question(doc, 1)["max_selections"] = 1.5;
  about_question(doc, 1)["max"] = "lots";
  doc["pages"][1]["questions"][2] = 42;
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "version", "expected a whole number, found the text \"3\""));
  CHECK(has_problem(outcome, "title", "expected the text in each language, like {\"cy\": \"...\", \"en\": \"...\"}"));
  CHECK(has_problem(outcome, "pages[0].questions[0].required", "expected true or false, found the text \"yes\""));
  CHECK(has_problem(outcome, "pages[0].questions[1].max_selections", "expected a whole number, found the number 1.5"));
  CHECK(has_problem(outcome, "pages[1].questions[1].max", "expected a number"));
  CHECK(has_problem(outcome, "pages[1].questions[2]", "expected a question"));
}

TEST_CASE("duplicate ids are refused, naming where the first one is", "[loader]") {
  Json doc = small_fixture();
  about_question(doc, 0)["id"] = "transport";
  doc["pages"][3]["id"] = "travel";
  travel_question(doc, 0)["options"][2]["id"] = "bus";
  about_question(doc, 8)["consents"][1]["id"] = "email_updates";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[1].questions[0].id", "duplicate question id \"transport\" (also at pages[0].questions[0])"));
  CHECK(has_problem(outcome, "pages[3].id", "duplicate page id \"travel\" (also at pages[0])"));
  CHECK(has_problem(outcome, "pages[0].questions[0].options[2].id", "duplicate option id \"bus\" (also at pages[0].questions[0].options[0])"));
  CHECK(has_problem(outcome, "pages[1].questions[8].consents[1].id", "duplicate consent id"));
}

TEST_CASE("a question id repeated inside an included block is a duplicate too", "[loader]") {
  Json doc = small_fixture();
  about_question(doc, 3)["id"] = "eq_age";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[2] (block \"test-equality\").pages[0].questions[0].id",
                    "duplicate question id \"eq_age\" (also at pages[1].questions[3])"));
}

TEST_CASE("show_if must refer to an earlier question and to options it has", "[loader]") {
  Json doc = small_fixture();
  travel_question(doc, 1)["show_if"] = "trasport = \"bus\"";
  travel_question(doc, 2)["show_if"] = "age > 16";
  travel_question(doc, 3)["show_if"] = "transport = \"buss\"";
  travel_question(doc, 4)["show_if"] = "likely > 3";
  about_question(doc, 0)["show_if"] = "transport = 'bus' and";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[0].questions[1].show_if",
                    "refers to \"trasport\"; no earlier question has that id (did you mean \"transport\"?)"));
  CHECK(has_problem(outcome, "pages[0].questions[2].show_if",
                    "refers to \"age\", which comes later (at pages[1].questions[1]); a condition can only use earlier answers"));
  CHECK(has_problem(outcome, "pages[0].questions[3].show_if",
                    "\"transport\" has no option \"buss\" (its options: bus, car, train, other_way, refused); did you mean \"bus\"?"));
  CHECK(has_problem(outcome, "pages[0].questions[4].show_if", "refers to its own question \"likely\""));
  CHECK(has_problem(outcome, "pages[1].questions[0].show_if", "at column 22: expected a question id"));
  CHECK(outcome.problems.size() == 5);
}

TEST_CASE("show_if comparisons must suit the kind of question they ask about", "[loader]") {
  Json doc = small_fixture();
  about_question(doc, 0)["show_if"] = "why_unhappy > 3";           // long text compared with a number
  about_question(doc, 1)["show_if"] = "bus_routes = 'r1'";         // multiple choice with =
  about_question(doc, 2)["show_if"] = "age = '16'";                // number compared with text
  about_question(doc, 4)["show_if"] = "moved_in = '2020-01-01'";   // date: only answered()
  about_question(doc, 5)["show_if"] = "transport >= 2";            // single choice compared with a number
  about_question(doc, 6)["show_if"] = "mood >= 4 and mood = 's5' and likely in [9, 10]";  // all fine
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[1].questions[0].show_if", "\"why_unhappy\" is a long_text question; its answer cannot be compared with the number 3"));
  CHECK(has_problem(outcome, "pages[1].questions[1].show_if", "use \"contains\" or \"in\""));
  CHECK(has_problem(outcome, "pages[1].questions[2].show_if", "compare it with a number without quotes"));
  CHECK(has_problem(outcome, "pages[1].questions[4].show_if", "can only ask whether it was answered: answered(moved_in)"));
  CHECK(has_problem(outcome, "pages[1].questions[5].show_if", "compare it with an option id in quotes"));
  CHECK(outcome.problems.size() == 5);
}

TEST_CASE("option lists: never empty, and scales take exactly five points plus an optional refusal", "[loader]") {
  Json doc = small_fixture();
  travel_question(doc, 0)["options"] = Json::array();
  travel_question(doc, 2)["options"].erase(0);                                      // agreement with 4 points
  travel_question(doc, 3)["options"].push_back(travel_question(doc, 3)["options"][0]);  // smiley with 6 (and a duplicate)
  travel_question(doc, 3)["options"][5]["id"] = "s6";
  travel_question(doc, 2)["options"][0]["other"] = true;                            // "other" on a scale
  about_question(doc, 2)["options"] = Json::array({about_question(doc, 2)["options"][0]});  // ranking of one
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[0].questions[0].options", "the option list is empty"));
  // Conditions naming its options are not blamed again for the same mistake.
  CHECK_FALSE(has_problem(outcome, "pages[0].questions[1].show_if", "has no option"));
  CHECK(has_problem(outcome, "pages[0].questions[2].options", "agreement questions take exactly 5 options (plus an optional refusal), found 4"));
  CHECK(has_problem(outcome, "pages[0].questions[3].options", "found 6"));
  CHECK(has_problem(outcome, "pages[0].questions[2].options[0].other", "does not apply to the options of agreement questions"));
  CHECK(has_problem(outcome, "pages[1].questions[2].options", "ranking questions need at least two options"));
}

TEST_CASE("min above max, limits beyond the options, and closing before opening are refused", "[loader]") {
  Json doc = small_fixture();
  travel_question(doc, 1)["min_selections"] = 3;
  travel_question(doc, 1)["max_selections"] = 2;
  about_question(doc, 1)["min"] = 50;
  about_question(doc, 1)["max"] = 10;
  about_question(doc, 2)["max_selections"] = 9;
  doc["opens"] = "2027-02-01";
  doc["results"]["date"] = "2027-01-15";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[0].questions[1].min_selections", "min_selections (3) is more than max_selections (2)"));
  CHECK(has_problem(outcome, "pages[1].questions[1].min", "min (50.0) is more than max (10.0)"));
  CHECK(has_problem(outcome, "pages[1].questions[2].max_selections", "max_selections (9) is more than the number of options (3)"));
  CHECK(has_problem(outcome, "closes", "the consultation closes (2027-01-31) before it opens (2027-02-01)"));
  CHECK(has_problem(outcome, "results.date", "results are to be published (2027-01-15) before the consultation closes"));
}

TEST_CASE("dates must be real calendar dates written YYYY-MM-DD", "[loader]") {
  for (const char* bad : {"2027-02-29", "2026-13-01", "2026-04-31", "31/01/2027", "2027-1-5", "", "2027-01-31T00:00"}) {
    Json doc = small_fixture();
    doc["closes"] = bad;
    auto outcome = load(doc);
    INFO(bad << "\n" << listing(outcome));
    CHECK(has_problem(outcome, "closes", "is not a real date written as YYYY-MM-DD"));
  }
  Json leap = small_fixture();
  leap["closes"] = "2028-02-29";
  leap["results"]["date"] = "2028-03-01";
  CHECK(load(leap).ok());
}

TEST_CASE("an unsupported format version is refused on its own", "[loader]") {
  Json doc = small_fixture();
  doc["format"] = 2;
  doc["title"] = 5;  // not reported: a newer format may mean something else by it
  auto outcome = load(doc);
  REQUIRE(outcome.problems.size() == 1);
  CHECK(outcome.problems[0].path == "format");
  CHECK(outcome.problems[0].message == "format 2 is not supported; this version of Soundings reads format 1");
  doc.erase("format");
  doc["title"] = small_fixture()["title"];
  auto missing = load(doc);
  CHECK(has_problem(missing, "", "missing \"format\""));
}

TEST_CASE("the consultation record must be complete (REQUIREMENTS C1)", "[loader]") {
  Json doc = small_fixture();
  for (const char* field : {"purpose", "decision", "decision_maker", "cannot_change", "contact", "privacy_notice"}) {
    doc.erase(field);
  }
  doc["results"].erase("how");
  auto outcome = load(doc);
  INFO(listing(outcome));
  for (const char* field : {"purpose", "decision", "decision_maker", "cannot_change", "contact", "privacy_notice"}) {
    CHECK(has_problem(outcome, "", std::string("missing \"") + field + "\""));
  }
  CHECK(has_problem(outcome, "results", "missing \"how\""));
}

TEST_CASE("contact questions always hold personal data", "[loader]") {
  Json doc = small_fixture();
  about_question(doc, 8)["data"] = "ordinary";
  about_question(doc, 8)["consents"][0]["channel"] = "emial";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[1].questions[8].data", "a contact question always holds personal data"));
  CHECK(has_problem(outcome, "pages[1].questions[8].consents[0].channel", "(did you mean \"email\"?)"));
  about_question(doc, 8).erase("data");
  about_question(doc, 8)["consents"][0]["channel"] = "email";
  auto fixed = load(doc);
  INFO(listing(fixed));
  REQUIRE(fixed.ok());
  CHECK(fixed.consultation->find_question("contact")->data == soundings::DataClass::Personal);
}

TEST_CASE("question ids must be usable in show_if conditions", "[loader]") {
  Json doc = small_fixture();
  about_question(doc, 0)["id"] = "not";
  about_question(doc, 3)["id"] = "2nd_date";
  about_question(doc, 4)["id"] = "post code";
  travel_question(doc, 0)["type"] = "single_choise";
  auto outcome = load(doc);
  INFO(listing(outcome));
  CHECK(has_problem(outcome, "pages[1].questions[0].id", "it is a word of show_if conditions"));
  CHECK(has_problem(outcome, "pages[1].questions[3].id", "it must start with a letter"));
  CHECK(has_problem(outcome, "pages[1].questions[4].id", "cannot be used as an id"));
  CHECK(has_problem(outcome, "pages[0].questions[0].type", "\"single_choise\" is not a question type; did you mean \"single_choice\"?"));
}

TEST_CASE("block includes: unknown, unresolvable, missing a language, or included twice", "[loader]") {
  Json doc = small_fixture();
  doc["pages"][3] = Json{{"include", "test-equalty"}};
  auto unknown = load(doc);
  CHECK(has_problem(unknown, "pages[3].include", "no block called \"test-equalty\" was found"));

  auto no_resolver = soundings::load_consultation(small_fixture().dump());
  CHECK(has_problem(no_resolver, "pages[2].include", "no block directory was given"));

  doc["pages"][3] = Json{{"include", "test-equality"}};
  auto twice = load(doc);
  CHECK(has_problem(twice, "pages[3].include", "the block \"test-equality\" is already included at pages[2]"));

  Json block = Json::parse(read_file(data_path("blocks/test-equality.json")));
  block["languages"] = Json::array({"en"});
  soundings::LoadOptions options;
  options.resolve_block = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "test-equality") return block.dump();
    return std::nullopt;
  };
  auto english_only = soundings::load_consultation(small_fixture().dump(), options);
  INFO(listing(english_only));
  CHECK(has_problem(english_only, "pages[2] (block \"test-equality\").languages",
                    "the block does not declare Welsh (cy), which the consultation declares"));

  block["languages"] = Json::array({"cy", "en"});
  block["pages"][0]["questions"][1]["text"].erase("cy");
  block["block"] = "another-name";
  auto broken_block = soundings::load_consultation(small_fixture().dump(), options);
  INFO(listing(broken_block));
  CHECK(has_problem(broken_block, "pages[2] (block \"test-equality\").pages[0].questions[1].text", "missing the Welsh (cy) text"));
  CHECK(has_problem(broken_block, "pages[2] (block \"test-equality\").block", "but was included as \"test-equality\""));

  auto garbage = soundings::load_consultation(small_fixture().dump(), soundings::LoadOptions{
      [](const std::string&) -> std::optional<std::string> { return std::string("{\"format\": 1,"); }});
  CHECK(has_problem(garbage, "pages[2] (block \"test-equality\")", "invalid JSON at line 1, column 14"));
}

TEST_CASE("a field written twice in one object is refused rather than silently dropped", "[loader]") {
  std::string text = read_file(data_path("consultations/small.json"));
  const size_t at = text.find("\"version\": 2,");
  REQUIRE(at != std::string::npos);
  text.insert(at, "\"version\": 1,\n  ");
  auto outcome = soundings::load_consultation(text, fixture_options());
  INFO(listing(outcome));
  REQUIRE(outcome.problems.size() == 1);
  CHECK(outcome.problems[0].path.empty());
  CHECK(outcome.problems[0].message.rfind("the field \"version\" is written twice (again at line 5, column 3); keep one", 0) == 0);
}

TEST_CASE("every problem is reported at once, in document order", "[loader]") {
  Json doc = small_fixture();
  doc["version"] = 0;
  travel_question(doc, 0)["requred"] = true;
  about_question(doc, 3)["text"].erase("en");
  doc["pages"][3]["questions"][0]["show_if"] = "nothing = 'x'";
  doc["closes"] = "2020-01-01";
  auto outcome = load(doc);
  INFO(listing(outcome));
  REQUIRE(outcome.problems.size() == 5);
  CHECK(outcome.problems[0].path == "version");
  CHECK(outcome.problems[1].path == "pages[0].questions[0].requred");
  CHECK(outcome.problems[2].path == "pages[1].questions[3].text");
  CHECK(outcome.problems[3].path == "pages[3].questions[0].show_if");
  CHECK(outcome.problems[4].path == "closes");  // checks across fields come after the walk
  CHECK(soundings::describe(outcome.problems[0]) == "version: must be at least 1, found 0");
}
