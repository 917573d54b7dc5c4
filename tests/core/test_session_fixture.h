// A small bilingual consultation built through the real loader, for the session-engine tests.
#pragma once

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "soundings/loader.h"
#include "soundings/session.h"

namespace soundings::testing {

inline nlohmann::json both(const std::string& cy, const std::string& en) { return {{"cy", cy}, {"en", en}}; }

inline nlohmann::json option(const std::string& id, const std::string& cy, const std::string& en) {
  return {{"id", id}, {"label", both(cy, en)}};
}

// Every field a consultation must have, around the pages given.
inline nlohmann::json consultation_json(nlohmann::json pages) {
  return {
      {"format", 1},
      {"id", "travel-survey"},
      {"version", 4},
      {"languages", {"cy", "en"}},
      {"council", both("Cyngor Bwrdeistref Sirol Wrecsam", "Wrexham County Borough Council")},
      {"title", both("Teithio i'r dref", "Travelling into town")},
      {"summary", both("Sut ydych chi'n teithio?", "How do you travel?")},
      {"purpose", both("Cynllunio bysiau", "Planning buses")},
      {"decision", both("Llwybrau bysiau", "Bus routes")},
      {"decision_maker", both("Y Cabinet", "The Cabinet")},
      {"can_change", both("Llwybrau", "Routes")},
      {"cannot_change", both("Y gyllideb", "The budget")},
      {"opens", "2026-11-01"},
      {"closes", "2027-01-31"},
      {"results", {{"how", both("Ar y wefan", "On the website")}, {"date", "2027-03-01"}}},
      {"contact", both("Cysylltwch â ni", "Contact us")},
      {"privacy_notice", both("Hysbysiad preifatrwydd", "Privacy notice")},
      {"pages", std::move(pages)},
  };
}

inline ConsultationPtr load_or_fail(const nlohmann::json& document) {
  const LoadOutcome outcome = load_consultation(document.dump());
  for (const auto& problem : outcome.problems) UNSCOPED_INFO(problem.path << ": " << problem.message);
  REQUIRE(outcome.ok());
  return outcome.consultation;
}

// Pages: travel (transport, required; bus_route only for bus), car (only for car drivers),
// about (age, email, services), contact (personal), equality (special).
inline ConsultationPtr travel_consultation() {
  nlohmann::json pages = nlohmann::json::array();
  pages.push_back({{"id", "travel"},
                   {"title", both("Teithio", "Travel")},
                   {"questions",
                    {{{"id", "transport"},
                      {"type", "single_choice"},
                      {"required", true},
                      {"text", both("Sut ydych chi'n teithio i'r dref fel arfer?", "How do you usually travel into town?")},
                      {"options",
                       {option("bus", "Bws", "Bus"), option("car", "Car", "Car"), option("walk", "Cerdded", "Walking"),
                        {{"id", "other"}, {"label", both("Arall", "Other")}, {"other", true}}}}},
                     {{"id", "bus_route"},
                      {"type", "short_text"},
                      {"text", both("Pa fws ydych chi'n ei ddal?", "Which bus do you catch?")},
                      {"show_if", "transport = \"bus\""},
                      {"max_length", 10}}}}});
  pages.push_back({{"id", "car"},
                   {"title", both("Parcio", "Parking")},
                   {"questions",
                    {{{"id", "parking"},
                      {"type", "single_choice"},
                      {"text", both("A ydych chi'n talu i barcio?", "Do you pay to park?")},
                      {"show_if", "transport = \"car\""},
                      {"options", {option("yes", "Ydw", "Yes"), option("no", "Nac ydw", "No")}}}}}});
  pages.push_back(
      {{"id", "about"},
       {"title", both("Amdanoch chi", "About you")},
       {"questions",
        {{{"id", "age"},
          {"type", "number"},
          {"text", both("Beth yw eich oed?", "How old are you?")},
          {"min", 0},
          {"max", 120},
          {"integer", true}},
         {{"id", "updates_email"},
          {"type", "email"},
          {"text", both("Eich cyfeiriad e-bost ar gyfer y newyddion", "Your email address for the news")}},
         {{"id", "services"},
          {"type", "multiple_choice"},
          {"text", both("Pa wasanaethau ydych chi'n eu defnyddio?", "Which services do you use?")},
          {"options",
           {option("library", "Llyfrgell", "Library"), option("leisure", "Canolfan hamdden", "Leisure centre"),
            {{"id", "none"}, {"label", both("Dim un o'r rhain", "None of these")}, {"exclusive", true}}}}}}}});
  pages.push_back({{"id", "contact"},
                   {"title", both("Cadw mewn cysylltiad", "Keeping in touch")},
                   {"questions",
                    {{{"id", "contact_details"},
                      {"type", "contact"},
                      {"text", both("Eich manylion cyswllt", "Your contact details")},
                      {"consents",
                       {{{"id", "email_updates"},
                         {"channel", "email"},
                         {"label", both("Anfonwch y newyddion ataf drwy e-bost", "Email me the news")}}}}}}}});
  pages.push_back({{"id", "equality"},
                   {"title", both("Cydraddoldeb", "Equality")},
                   {"questions",
                    {{{"id", "sex"},
                      {"type", "single_choice"},
                      {"data", "special"},
                      {"text", both("Beth yw eich rhyw?", "What is your sex?")},
                      {"options", {option("female", "Benyw", "Female"), option("male", "Gwryw", "Male")}}}}}});
  return load_or_fail(consultation_json(std::move(pages)));
}

inline SessionStart start_in(const std::string& language, Channel channel = Channel::Kiosk) {
  SessionStart start;
  start.language = language;
  start.channel = channel;
  start.device_id = "kiosk-wrexham-library";
  start.venue = "Wrexham Library";
  return start;
}

// Bounded so that a session that stops moving fails the test instead of hanging it.
inline void walk_to_review(Session& session) {
  for (int step = 0; step < 20 && !session.at_review(); ++step) {
    const auto problems = session.next();
    for (const auto& problem : problems) UNSCOPED_INFO(problem.question_id << ": " << problem.message);
    REQUIRE(problems.empty());
  }
  REQUIRE(session.at_review());
}

}  // namespace soundings::testing
