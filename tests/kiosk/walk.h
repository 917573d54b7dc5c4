// Walking a respondent through consultations with taps, for the headless UI tests.
#pragma once

#include <string>

#include "harness.h"
#include "soundings/consultation.h"

namespace soundings::kiosk::testing {

// Answers one question by tapping its widget (and typing on the keyboard), as a resident would.
void answer_by_tapping(Harness& h, const Question& q);
// Answers every visible question on the current page, including ones revealed by answers.
void answer_page(Harness& h);
// From the attract screen: language, card, Start, every page answered, up to the review screen.
void walk_to_review(Harness& h, const std::string& consultation_id, const std::string& language);
// The committed response for a consultation, read back from the outbox (nullopt when absent).
std::optional<Response> stored_response(Harness& h, const std::string& consultation_id);

}  // namespace soundings::kiosk::testing
