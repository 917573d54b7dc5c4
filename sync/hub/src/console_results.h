// The console's results of one consultation (console_results.cpp): per ordinary closed question, its
// answers counted from the responses' facets in one streaming pass, then shown with small counts hidden.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "console.h"
#include "console_filter.h"
#include "soundings/consultation.h"

namespace soundings::hub::detail::console {

// One question's counts: a row per answer it can have (in the definition's order), then "no answer".
struct QuestionTally {
  const Question* question = nullptr;
  std::vector<std::string> keys;    // what decode_choices gives for the row ("" for no answer)
  std::vector<std::string> labels;  // in the page's language
  std::vector<int64_t> counts;
  int64_t answered = 0;  // responses with any answer to it
  // Numbers: rows are bands [low + i * width, low + (i + 1) * width), the last one closed.
  bool banded = false;
  double low = 0;
  double width = 1;
  std::map<std::string, size_t, std::less<>> rows;  // key -> row, for answers that are not banded
};

struct ResultsTally {
  int64_t total = 0;  // responses matching the filter
  std::vector<QuestionTally> questions;
  FilterChoices choices;  // over every response, for the filter form
  std::map<std::string, size_t, std::less<>> index;  // question id -> questions
};

// The questions results are drawn for: every ordinary closed question (choices, agreement, smiley, scale
// 0-10, ranking by first place, consent, numbers with both limits), of `newest` first, then questions
// only older versions asked. Labels in `language`.
ResultsTally empty_tally(const std::vector<ConsultationPtr>& newest_first, const std::string& language);
// Adds one response's facets (when they pass `filter`) to the tally, and its values to the filter choices.
void count_response(ResultsTally& tally, const ResponseFilter& filter, const FacetRow& row);

// The language a consultation's own text is shown in: the page's when the consultation has it, else its first.
std::string content_language(const Consultation& consultation, const Lang& lang);

// GET /consultations/ID and its twins.
PageResult results_page(PageRequest& request);

}  // namespace soundings::hub::detail::console
