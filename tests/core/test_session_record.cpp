// Session engine: the response record made at submit (hidden answers dropped, personal data apart, timings).
#include <set>

#include "soundings/response.h"
#include "soundings/session.h"
#include "test_session_fixture.h"

using namespace soundings;
using namespace soundings::testing;
using namespace std::chrono_literals;

namespace {

ContactAnswer contact_with_email() {
  ContactAnswer contact;
  contact.name = "Siân Jones";
  contact.email = "sian@enghraifft.cymru";
  contact.language = "cy";
  contact.consents = {"email_updates"};
  return contact;
}

}  // namespace

TEST_CASE("submit is refused before the review page", "[session][record]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  const auto early = session.submit();
  REQUIRE_FALSE(early.ok());
  CHECK_THAT(early.error().message, Catch::Contains("review"));
}

TEST_CASE("answers to questions that became hidden are not submitted", "[session][record]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"car", ""}).ok());
  REQUIRE(session.next().empty());
  REQUIRE(session.set_answer("parking", ChoiceAnswer{"yes", ""}).ok());
  REQUIRE(session.back());
  // Changing the mind: now a bus user with a route; the parking answer is still held in memory...
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"bus", ""}).ok());
  REQUIRE(session.set_answer("bus_route", TextAnswer{"X6"}).ok());
  REQUIRE(session.answer("parking") != nullptr);
  walk_to_review(session);

  const auto record = session.submit();
  REQUIRE(record.ok());
  // ...but not in the record.
  CHECK_FALSE(record->answers.contains("parking"));
  CHECK(record->answers["transport"] == nlohmann::json{{"option", "bus"}});
  CHECK(record->answers["bus_route"] == "X6");
}

TEST_CASE("a hidden answer that an earlier answer hid also stops steering later conditions", "[session][record]") {
  nlohmann::json pages = nlohmann::json::array();
  pages.push_back({{"id", "one"},
                   {"title", both("Un", "One")},
                   {"questions",
                    {{{"id", "has_pet"},
                      {"type", "single_choice"},
                      {"text", both("Oes gennych chi anifail anwes?", "Do you have a pet?")},
                      {"options", {option("yes", "Oes", "Yes"), option("no", "Nac oes", "No")}}},
                     {{"id", "pet"},
                      {"type", "single_choice"},
                      {"show_if", "has_pet = \"yes\""},
                      {"text", both("Pa anifail?", "Which animal?")},
                      {"options", {option("dog", "Ci", "Dog"), option("cat", "Cath", "Cat")}}},
                     {{"id", "walks"},
                      {"type", "number"},
                      {"show_if", "pet = \"dog\""},
                      {"text", both("Sawl tro y dydd?", "How many walks a day?")}}}}});
  ManualTimeSource clock;
  Session session(load_or_fail(consultation_json(pages)), start_in("en"), clock);
  REQUIRE(session.set_answer("has_pet", ChoiceAnswer{"yes", ""}).ok());
  REQUIRE(session.set_answer("pet", ChoiceAnswer{"dog", ""}).ok());
  REQUIRE(session.set_answer("walks", TextAnswer{"2"}).ok());
  REQUIRE(session.visible_questions().size() == 3);
  REQUIRE(session.set_answer("has_pet", ChoiceAnswer{"no", ""}).ok());
  CHECK(session.visible_questions().size() == 1);
  walk_to_review(session);
  const auto record = session.submit();
  REQUIRE(record.ok());
  CHECK(record->answers.size() == 1);
}

TEST_CASE("personal and special-category answers are held apart from ordinary ones", "[session][record]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("cy"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  REQUIRE(session.set_answer("contact_details", contact_with_email()).ok());
  REQUIRE(session.set_answer("sex", ChoiceAnswer{"female", ""}).ok());
  walk_to_review(session);
  const auto record = session.submit();
  REQUIRE(record.ok());

  CHECK(record->answers.contains("transport"));
  CHECK_FALSE(record->answers.contains("contact_details"));
  CHECK_FALSE(record->answers.contains("sex"));
  CHECK(record->personal["contact_details"]["email"] == "sian@enghraifft.cymru");
  CHECK(record->personal["contact_details"]["language"] == "cy");
  CHECK(record->special["sex"] == nlohmann::json{{"option", "female"}});
  CHECK_FALSE(record->is_sealed());
  CHECK(response_to_json(*record).dump().find("Siân") != std::string::npos);  // plain until sealed
}

TEST_CASE("without a sealing key, personal and special questions are never asked", "[session][record]") {
  ManualTimeSource clock;
  SessionStart start = start_in("en");
  start.collect_personal = false;
  Session session(travel_consultation(), start, clock);
  CHECK(session.progress().total == 2);  // travel and about; contact and equality are hidden
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  // Even an answer set behind the screen's back is dropped.
  REQUIRE(session.set_answer("sex", ChoiceAnswer{"male", ""}).ok());
  walk_to_review(session);
  const auto record = session.submit();
  REQUIRE(record.ok());
  CHECK(record->personal.empty());
  CHECK(record->special.empty());
  CHECK(record->is_sealed());
}

TEST_CASE("the record carries identity, language, channel, device, venue and UTC times", "[session][record]") {
  ManualTimeSource clock;
  TimePoint start_time;
  REQUIRE(parse_iso8601_utc("2026-11-23T16:01:30Z", start_time));
  clock.set(start_time);
  SessionStart start = start_in("en", Channel::Field);
  start.staff_id = "staff-17";
  Session session(travel_consultation(), start, clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  clock.advance(12s);
  REQUIRE(session.next().empty());
  clock.advance(30s);
  REQUIRE(session.switch_language("cy"));
  walk_to_review(session);
  clock.advance(8s);
  const auto record = session.submit();
  REQUIRE(record.ok());

  CHECK(is_uuid(record->id));
  // A version-7 id made from the start time (2026-11-23T16:01:30Z is 0x01a209241790 ms since 1970).
  CHECK(record->id.substr(0, 15) == "01a20924-1790-7");
  CHECK(record->consultation_id == "travel-survey");
  CHECK(record->consultation_version == 4);
  CHECK(record->language == "cy");  // the language at submit
  CHECK(record->channel == Channel::Field);
  CHECK(record->device_id == "kiosk-wrexham-library");
  CHECK(record->venue == "Wrexham Library");
  CHECK(record->staff_id == "staff-17");
  CHECK(record->started_at == "2026-11-23T16:01:30Z");
  CHECK(record->submitted_at == "2026-11-23T16:02:20Z");
  CHECK(response_from_json(response_to_json(*record)).ok());
}

TEST_CASE("seconds spent per page add up across visits", "[session][record]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  clock.advance(10s);
  REQUIRE(session.next().empty());  // travel: 10 s
  clock.advance(20s);
  REQUIRE(session.back());          // about: 20 s
  clock.advance(5s);
  REQUIRE(session.next().empty());  // travel: 15 s in all
  clock.advance(4s);
  walk_to_review(session);          // about: 24 s in all; contact and equality 0 s
  const auto record = session.submit();
  REQUIRE(record.ok());
  REQUIRE(record->page_seconds.size() == 4);
  CHECK(record->page_seconds[0].page_id == "travel");
  CHECK(record->page_seconds[0].seconds == 15);
  CHECK(record->page_seconds[1].page_id == "about");
  CHECK(record->page_seconds[1].seconds == 24);
  CHECK(record->page_seconds[2].seconds == 0);
}

TEST_CASE("each session gets its own response id, later sessions sorting later", "[session][record]") {
  ManualTimeSource clock;
  const auto consultation = travel_consultation();
  std::set<std::string> ids;
  std::string previous;
  for (int i = 0; i < 5; ++i) {
    Session session(consultation, start_in("en"), clock);
    REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
    walk_to_review(session);
    const auto record = session.submit();
    REQUIRE(record.ok());
    CHECK(record->id > previous);
    previous = record->id;
    ids.insert(record->id);
    clock.advance(1s);
  }
  CHECK(ids.size() == 5);
}

TEST_CASE("a required question revealed from the review page blocks submit", "[session][record]") {
  nlohmann::json pages = nlohmann::json::array();
  pages.push_back({{"id", "one"},
                   {"title", both("Un", "One")},
                   {"questions",
                    {{{"id", "library"},
                      {"type", "single_choice"},
                      {"text", both("Ydych chi'n defnyddio'r llyfrgell?", "Do you use the library?")},
                      {"options", {option("yes", "Ydw", "Yes"), option("no", "Nac ydw", "No")}}}}}});
  pages.push_back({{"id", "two"},
                   {"title", both("Dau", "Two")},
                   {"questions",
                    {{{"id", "how_often"},
                      {"type", "number"},
                      {"required", true},
                      {"show_if", "library = \"yes\""},
                      {"text", both("Sawl gwaith y mis?", "How many times a month?")}}}}});
  ManualTimeSource clock;
  Session session(load_or_fail(consultation_json(pages)), start_in("en"), clock);
  REQUIRE(session.set_answer("library", ChoiceAnswer{"no", ""}).ok());
  walk_to_review(session);
  // A screen that lets a resident change an answer straight from review must not let it
  // reveal a required question that then goes unanswered.
  REQUIRE(session.set_answer("library", ChoiceAnswer{"yes", ""}).ok());
  const auto record = session.submit();
  REQUIRE_FALSE(record.ok());
  CHECK_THAT(record.error().message, Catch::Contains("how_often"));
  REQUIRE(session.set_answer("how_often", TextAnswer{"3"}).ok());
  CHECK(session.submit().ok());
}

TEST_CASE("saving a change made from review returns to review, through any page the change left incomplete",
          "[session][record][review]") {
  nlohmann::json pages = nlohmann::json::array();
  pages.push_back({{"id", "one"},
                   {"title", both("Un", "One")},
                   {"questions",
                    {{{"id", "library"},
                      {"type", "single_choice"},
                      {"required", true},
                      {"text", both("Ydych chi'n defnyddio'r llyfrgell?", "Do you use the library?")},
                      {"options", {option("yes", "Ydw", "Yes"), option("no", "Nac ydw", "No")}}}}}});
  pages.push_back({{"id", "two"},
                   {"title", both("Dau", "Two")},
                   {"questions",
                    {{{"id", "how_often"},
                      {"type", "number"},
                      {"required", true},
                      {"show_if", "library = \"yes\""},
                      {"text", both("Sawl gwaith y mis?", "How many times a month?")}}}}});
  pages.push_back({{"id", "three"},
                   {"title", both("Tri", "Three")},
                   {"questions",
                    {{{"id", "comments"},
                      {"type", "long_text"},
                      {"text", both("Unrhyw sylwadau?", "Any comments?")}}}}});
  ManualTimeSource clock;
  Session session(load_or_fail(consultation_json(pages)), start_in("en"), clock);
  REQUIRE(session.set_answer("library", ChoiceAnswer{"no", ""}).ok());
  walk_to_review(session);

  // A change that reveals nothing goes straight back.
  session.go_to_page(2);
  REQUIRE(session.set_answer("comments", TextAnswer{"More evening hours"}).ok());
  CHECK(session.return_to_review().empty());
  CHECK(session.at_review());

  // A page left with a problem stays.
  session.go_to_page(0);
  REQUIRE(session.set_answer("library", ChoiceAnswer{"", ""}).ok());
  CHECK(session.return_to_review().size() == 1);
  CHECK(session.page_index() == 0);

  // A change that makes a later page need an answer stops there first, then returns.
  REQUIRE(session.set_answer("library", ChoiceAnswer{"yes", ""}).ok());
  CHECK(session.return_to_review().empty());
  CHECK(session.page_index() == 1);
  REQUIRE(session.set_answer("how_often", TextAnswer{"3"}).ok());
  CHECK(session.return_to_review().empty());
  CHECK(session.at_review());  // page three needed nothing
  CHECK(session.submit().ok());
}
