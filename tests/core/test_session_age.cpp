// Questions limited by age: gender identity and sexual orientation only for those who have said they are 16 or over.
#include <algorithm>

#include "soundings/answer_rules.h"
#include "soundings/loader.h"
#include "soundings/session.h"
#include "test_session_fixture.h"

using namespace soundings;
using namespace soundings::testing;

namespace {

constexpr const char* kGender = "eq_gender_identity";
constexpr const char* kOrientation = "eq_sexual_orientation";

std::string shipped_block(const std::string& name) {
  return blocks_from_directory(std::string(SOUNDINGS_ASSETS_DIR) + "/blocks")(name).value_or("");
}

// One ordinary page, then a shipped equality block, as a council would publish it.
LoadOutcome load_with_block(const std::string& block_name, const std::string& block_text) {
  nlohmann::json pages = nlohmann::json::array();
  pages.push_back({{"id", "travel"},
                   {"title", both("Teithio", "Travel")},
                   {"questions",
                    {{{"id", "transport"},
                      {"type", "single_choice"},
                      {"text", both("Sut ydych chi'n teithio?", "How do you travel?")},
                      {"options", {option("bus", "Bws", "Bus"), option("car", "Car", "Car")}}}}}});
  pages.push_back({{"include", block_name}});
  LoadOptions options;
  options.resolve_block = [&](const std::string& name) -> std::optional<std::string> {
    if (name == block_name) return block_text;
    return std::nullopt;
  };
  return load_consultation(consultation_json(std::move(pages)).dump(), options);
}

ConsultationPtr wales() {
  const LoadOutcome outcome = load_with_block("equality-wales", shipped_block("equality-wales"));
  for (const auto& problem : outcome.problems) UNSCOPED_INFO(describe(problem));
  REQUIRE(outcome.ok());
  return outcome.consultation;
}

ManualTimeSource on(const std::string& date) {
  TimePoint when;
  REQUIRE(parse_iso8601_utc(date + "T12:00:00Z", when));  // midday: the same date in any UK-ish time zone
  return ManualTimeSource(when);
}

bool asked(const Session& session, const std::string& id) {
  return session.is_visible(*session.consultation().find_question(id));
}

bool asks_either(const Session& session) { return asked(session, kGender) || asked(session, kOrientation); }

}  // namespace

TEST_CASE("a child who gives a date of birth of 2015 is not asked about gender identity or sexual orientation",
          "[session][age]") {
  ManualTimeSource clock = on("2026-12-02");
  Session session(wales(), start_in("en"), clock);
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2015, 6, 1}).ok());
  CHECK_FALSE(asks_either(session));
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2015, 0, 0}).ok());
  CHECK_FALSE(asks_either(session));
}

TEST_CASE("with no age and no date of birth the sensitive questions stay hidden", "[session][age]") {
  ManualTimeSource clock = on("2026-12-02");
  Session session(wales(), start_in("en"), clock);
  CHECK_FALSE(asks_either(session));
  REQUIRE(session.set_answer("eq_age", TextAnswer{"  "}).ok());
  CHECK_FALSE(asks_either(session));
  REQUIRE(session.set_answer("eq_age", TextAnswer{"sixteen"}).ok());  // not an age: says nothing
  CHECK_FALSE(asks_either(session));
}

TEST_CASE("an age of 15 hides the sensitive questions and 16 shows them", "[session][age]") {
  ManualTimeSource clock = on("2026-12-02");
  Session session(wales(), start_in("en"), clock);
  REQUIRE(session.set_answer("eq_age", TextAnswer{"15"}).ok());
  CHECK_FALSE(asks_either(session));
  REQUIRE(session.set_answer("eq_age", TextAnswer{"16"}).ok());
  CHECK(asked(session, kGender));
  CHECK(asked(session, kOrientation));
}

TEST_CASE("a year of birth that could mean 15 hides them; a full date counts the birthday", "[session][age]") {
  ManualTimeSource clock = on("2026-12-02");
  Session session(wales(), start_in("en"), clock);
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2010, 0, 0}).ok());  // 15 or 16 today
  CHECK_FALSE(asks_either(session));
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2009, 0, 0}).ok());  // 16 or 17
  CHECK(asks_either(session));
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2010, 12, 3}).ok());  // 16 tomorrow
  CHECK_FALSE(asks_either(session));
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2010, 12, 2}).ok());  // 16 today
  CHECK(asks_either(session));
}

TEST_CASE("answers to age-limited questions are not recorded once the age says they are hidden", "[session][age]") {
  ManualTimeSource clock = on("2026-12-02");
  Session session(wales(), start_in("en"), clock);
  REQUIRE(session.set_answer("eq_age", TextAnswer{"30"}).ok());
  REQUIRE(session.set_answer(kGender, ChoiceAnswer{"no", ""}).ok());
  REQUIRE(session.set_answer("eq_gender_identity_write_in", TextAnswer{"non-binary"}).ok());
  REQUIRE(session.set_answer(kOrientation, ChoiceAnswer{"bisexual", ""}).ok());
  REQUIRE(session.set_answer("eq_date_of_birth", DateAnswer{2015, 0, 0}).ok());  // now a child
  walk_to_review(session);
  const auto response = session.submit();
  REQUIRE(response.ok());
  const nlohmann::json& special = response->special;
  CHECK(special.contains("eq_date_of_birth"));
  CHECK_FALSE(special.contains(kGender));
  CHECK_FALSE(special.contains("eq_gender_identity_write_in"));
  CHECK_FALSE(special.contains(kOrientation));
  CHECK_FALSE(special.contains("eq_age"));  // hidden once a date of birth is given
  const auto review = session.review();
  CHECK(std::none_of(review.begin(), review.end(), [](const ReviewItem& item) { return item.question_id == kGender; }));
}

TEST_CASE("the shipped equality blocks load without warnings and limit both questions to 16 or over",
          "[loader][age]") {
  for (const std::string name : {"equality-wales", "equality-england"}) {
    const LoadOutcome outcome = load_with_block(name, shipped_block(name));
    REQUIRE(outcome.ok());
    for (const auto& warning : outcome.warnings) UNSCOPED_INFO(describe(warning));
    CHECK(outcome.warnings.empty());
    CHECK(outcome.consultation->find_question(kGender)->min_age == 16);
    CHECK(outcome.consultation->find_question(kOrientation)->min_age == 16);
    // What head office publishes and devices keep carries the rule too.
    const LoadOutcome published = load_consultation(outcome.consultation->canonical_json);
    REQUIRE(published.ok());
    CHECK(published.consultation->find_question(kGender)->min_age == 16);
    CHECK(published.consultation->find_question("eq_date_of_birth")->age_source);
    CHECK(published.consultation->find_question("eq_age")->age_source);
  }
}

TEST_CASE("only date and number questions can give the age", "[loader][age]") {
  nlohmann::ordered_json block = nlohmann::ordered_json::parse(shipped_block("equality-wales"));
  block["pages"][0]["questions"][2]["age_source"] = true;  // eq_sex, a single choice
  const LoadOutcome outcome = load_with_block("equality-wales", block.dump());
  CHECK_FALSE(outcome.ok());
  bool found = false;
  for (const auto& problem : outcome.problems) {
    found = found || (problem.path == "pages[1] (block \"equality-wales\").pages[0].questions[2].age_source" &&
                      problem.message.find("only to number, date") != std::string::npos);
  }
  for (const auto& problem : outcome.problems) UNSCOPED_INFO(describe(problem));
  CHECK(found);
}

TEST_CASE("the validator warns, at its place, about a sensitive question open to children", "[loader][age]") {
  nlohmann::ordered_json block = nlohmann::ordered_json::parse(shipped_block("equality-wales"));
  nlohmann::ordered_json& gender = block["pages"][0]["questions"][3];
  REQUIRE(gender["id"] == kGender);
  gender.erase("min_age");
  gender["show_if"] = "not (eq_age < 16)";  // the old rule: a child who gives no age still sees it
  const LoadOutcome outcome = load_with_block("equality-wales", block.dump());
  REQUIRE(outcome.ok());  // a warning, not a refusal
  REQUIRE(outcome.warnings.size() == 1);
  CHECK(outcome.warnings[0].path == "pages[1] (block \"equality-wales\").pages[0].questions[3]");
  CHECK(outcome.warnings[0].message.find("\"eq_gender_identity\" asks about gender identity") != std::string::npos);
  CHECK(outcome.warnings[0].message.find("\"min_age\": 16") != std::string::npos);
}

TEST_CASE("min_age needs an earlier question that gives the age", "[loader][age]") {
  nlohmann::ordered_json block = nlohmann::ordered_json::parse(shipped_block("equality-wales"));
  for (auto& question : block["pages"][0]["questions"]) question.erase("age_source");
  const LoadOutcome outcome = load_with_block("equality-wales", block.dump());
  CHECK_FALSE(outcome.ok());
  bool found = false;
  for (const auto& problem : outcome.problems) {
    found = found || (problem.path == "pages[1] (block \"equality-wales\").pages[0].questions[3].min_age" &&
                      problem.message.find("age_source") != std::string::npos);
  }
  CHECK(found);
}

TEST_CASE("an age no person can have says nothing about age", "[session][age]") {
  Question q;
  q.id = "age";
  q.type = QuestionType::Number;
  q.age_source = true;  // and no max: the consultation's own limit is not there to refuse it
  TimePoint now = on("2026-12-02").now();
  CHECK(youngest_age(q, TextAnswer{"40"}, now) == 40);
  CHECK_FALSE(youngest_age(q, TextAnswer{"1e20"}, now));
  CHECK_FALSE(youngest_age(q, TextAnswer{"200"}, now));
  CHECK_FALSE(youngest_age(q, TextAnswer{"-3"}, now));
}
