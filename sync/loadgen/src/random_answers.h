// Random but valid answers for each question type, drawn from a seeded generator.
#pragma once

#include <random>
#include <string>

#include "soundings/answer.h"
#include "soundings/clock.h"
#include "soundings/consultation.h"

namespace soundings::loadgen {

// An answer that check_answer() accepts for `question` at `now`, in the respondent's `language`.
Answer random_answer(const Question& question, const std::string& language, std::mt19937_64& rng, TimePoint now);

}  // namespace soundings::loadgen
