// Session engine: skip logic, validation, paging, progress, language switching and the review page.
#include <algorithm>

#include "soundings/session.h"
#include "test_session_fixture.h"

using namespace soundings;
using namespace soundings::testing;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> visible_ids(const Session& session) {
  std::vector<std::string> ids;
  for (const Question* question : session.visible_questions()) ids.push_back(question->id);
  return ids;
}

const std::string& current_page_id(const Session& session) { return session.consultation().pages[session.page_index()].id; }

}  // namespace

TEST_CASE("a question appears only when its show_if condition holds", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  CHECK(visible_ids(session) == std::vector<std::string>{"transport"});

  REQUIRE(session.set_answer("transport", ChoiceAnswer{"bus", ""}).ok());
  CHECK(visible_ids(session) == std::vector<std::string>{"transport", "bus_route"});

  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  CHECK(visible_ids(session) == std::vector<std::string>{"transport"});
}

TEST_CASE("a page with nothing visible is skipped and not counted in progress", "[session]") {
  ManualTimeSource clock;
  Session walker(travel_consultation(), start_in("en"), clock);
  REQUIRE(walker.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  CHECK(walker.progress().total == 4);  // travel, about, contact, equality: no parking page
  CHECK(walker.next().empty());
  CHECK(current_page_id(walker) == "about");
  CHECK(walker.progress().current == 2);

  Session driver(travel_consultation(), start_in("en"), clock);
  REQUIRE(driver.set_answer("transport", ChoiceAnswer{"car", ""}).ok());
  CHECK(driver.progress().total == 5);
  CHECK(driver.next().empty());
  CHECK(current_page_id(driver) == "car");
  CHECK(driver.progress().current == 2);
}

TEST_CASE("back skips pages with nothing visible and stops at the first page", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  CHECK_FALSE(session.back());
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  REQUIRE(session.next().empty());
  REQUIRE(current_page_id(session) == "about");
  CHECK(session.back());
  CHECK(current_page_id(session) == "travel");
  CHECK(session.answer("transport") != nullptr);
}

TEST_CASE("a missing required answer blocks next with a short message that does not repeat the question",
          "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  const auto problems = session.next();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].question_id == "transport");  // the screen puts it next to this question
  CHECK(problems[0].message == "Choose an answer");
  CHECK(session.page_index() == 0);
}

TEST_CASE("the problem is given in the language on screen", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("cy"), clock);
  const auto problems = session.next();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "Dewiswch ateb");
}

TEST_CASE("an email typed with no email consent ticked blocks next until a box is ticked or it is deleted",
          "[session][contact]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  REQUIRE(session.next().empty());
  REQUIRE(session.next().empty());
  REQUIRE(current_page_id(session) == "contact");
  ContactAnswer contact{"Dafydd", "dafydd@enghraifft.cymru", "", "en", {}};
  REQUIRE(session.set_answer("contact_details", contact).ok());
  const auto problems = session.next();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "Tick a box to say how we may use your email address, or delete it");
  CHECK(current_page_id(session) == "contact");

  contact.consents = {"email_updates"};
  REQUIRE(session.set_answer("contact_details", contact).ok());
  walk_to_review(session);
  const auto response = session.submit();
  REQUIRE(response.ok());
  CHECK(response->personal["contact_details"]["email"] == "dafydd@enghraifft.cymru");
}

TEST_CASE("an invalid email blocks next although the question is optional", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  REQUIRE(session.next().empty());

  const auto message = session.set_answer("updates_email", TextAnswer{"not an address"});
  REQUIRE(message.ok());
  REQUIRE(message->has_value());
  CHECK_THAT(**message, Catch::Contains("email address"));

  const auto problems = session.next();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].question_id == "updates_email");
  CHECK(current_page_id(session) == "about");

  REQUIRE(session.set_answer("updates_email", TextAnswer{"dŵr@enghraifft.cymru"}).ok());
  CHECK(session.next().empty());
  CHECK(current_page_id(session) == "contact");
}

TEST_CASE("every problem on a page is reported at once, in page order", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  REQUIRE(session.next().empty());
  REQUIRE(session.set_answer("age", TextAnswer{"140"}).ok());
  REQUIRE(session.set_answer("services", MultiChoiceAnswer{{"library", "none"}, ""}).ok());
  const auto problems = session.next();
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].question_id == "age");
  CHECK_THAT(problems[0].message, Catch::Contains("from 0 to 120"));
  CHECK(problems[1].question_id == "services");
  CHECK_THAT(problems[1].message, Catch::Contains("None of these"));
}

TEST_CASE("a wrong kind of answer or an unknown question is refused and not stored", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  const auto wrong_kind = session.set_answer("transport", TextAnswer{"bus"});
  REQUIRE_FALSE(wrong_kind.ok());
  CHECK(wrong_kind.error().code == ErrorCode::InvalidInput);
  CHECK(session.answer("transport") == nullptr);

  const auto unknown = session.set_answer("favourite_colour", TextAnswer{"blue"});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  CHECK_THAT(unknown.error().message, Catch::Contains("favourite_colour"));
}

TEST_CASE("switching language keeps every answer, including half-typed invalid text", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"bus", ""}).ok());
  REQUIRE(session.set_answer("bus_route", TextAnswer{"far too long a route"}).ok());
  REQUIRE(session.next().size() == 1);  // bus_route is over its 10 characters

  CHECK(session.switch_language("cy"));
  CHECK(session.language() == "cy");
  REQUIRE(session.answer("transport") != nullptr);
  CHECK(std::get<ChoiceAnswer>(*session.answer("transport")).option == "bus");
  REQUIRE(session.answer("bus_route") != nullptr);
  CHECK(std::get<TextAnswer>(*session.answer("bus_route")).text == "far too long a route");
  CHECK(session.page_index() == 0);

  const auto problems = session.next();
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("Mae eich ateb yn rhy hir"));
  CHECK_THAT(problems[0].message, Catch::Contains("10"));

  CHECK_FALSE(session.switch_language("fr"));
  CHECK(session.language() == "cy");
}

TEST_CASE("a language the consultation does not declare starts in its first language", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("de"), clock);
  CHECK(session.language() == "cy");
}

TEST_CASE("review lists visible questions with readable answers in the current language", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("cy"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"other", "Beic"}).ok());
  REQUIRE(session.next().empty());
  REQUIRE(session.set_answer("services", MultiChoiceAnswer{{"library", "leisure"}, ""}).ok());
  walk_to_review(session);

  const auto items = session.review();
  const auto find = [&](const std::string& id) {
    return std::find_if(items.begin(), items.end(), [&](const ReviewItem& item) { return item.question_id == id; });
  };
  REQUIRE(find("transport") != items.end());
  CHECK(find("transport")->answer_text == "Arall: Beic");
  CHECK(find("transport")->question_text == "Sut ydych chi'n teithio i'r dref fel arfer?");
  CHECK(find("services")->answer_text == "Llyfrgell; Canolfan hamdden");
  CHECK(find("services")->page_index == 2);
  CHECK(find("age")->answer_text == "Heb ei ateb");
  CHECK(find("bus_route") == items.end());  // hidden: not a bus user
  CHECK(find("parking") == items.end());

  REQUIRE(session.switch_language("en"));
  CHECK(session.review().front().answer_text == "Other: Beic");
}

TEST_CASE("from review a page can be revisited, and walking on returns to review", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"walk", ""}).ok());
  walk_to_review(session);
  CHECK(session.progress().current == session.progress().total);

  session.go_to_page(0);
  CHECK(session.page_index() == 0);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"car", ""}).ok());
  REQUIRE(session.next().empty());
  CHECK(current_page_id(session) == "car");  // newly revealed by the changed answer
  walk_to_review(session);
  CHECK(session.at_review());
}

TEST_CASE("go_to_page cannot jump forward past pages that were never checked", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  session.go_to_page(3);
  CHECK(session.page_index() == 0);
}

TEST_CASE("every action counts as activity for the idle policy", "[session]") {
  ManualTimeSource clock;
  Session session(travel_consultation(), start_in("en"), clock);
  const TimePoint started = session.last_activity();
  clock.advance(40s);
  REQUIRE(session.set_answer("transport", ChoiceAnswer{"bus", ""}).ok());
  CHECK(session.last_activity() == started + 40s);
  clock.advance(5s);
  session.next();
  CHECK(session.last_activity() == started + 45s);
  clock.advance(5s);
  session.touch();
  CHECK(session.last_activity() == started + 50s);
}
