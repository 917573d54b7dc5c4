// What results count of a response, drawn out of it once, at ingest, into the responses table's facet
// columns and response_texts, so that a results page over 100,000 responses never opens a body.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/consultation.h"
#include "soundings/result.h"

namespace soundings::db {
class Connection;
}

namespace soundings::hub::detail {

// Raised when the encoding of `choices` changes: rows with an older facets_version are derived again.
inline constexpr int kFacetsVersion = 1;

struct Facets {
  std::string language;
  std::string channel;
  std::string venue;
  std::string device;
  std::string choices;  // every ordinary closed answer (choices, scales, numbers...), encoded for decode_choices
  std::vector<std::pair<std::string, std::string>> texts;  // (question id, free text) of ordinary text answers
};

// From a response's JSON as received and the definition of its version. Never reads the sealed parts.
Facets facets_of(const nlohmann::json& response, const Consultation& definition);

// The (question id, answer key) pairs `choices` holds, in order: an option id per chosen option, a number
// as text for scales and numbers.
std::vector<std::pair<std::string, std::string>> decode_choices(const std::string& choices);

// The same pairs without copying: `visit(question_id, key)` for each, in order. For counting many rows.
template <typename Visit>
void for_each_choice(std::string_view choices, Visit&& visit) {
  size_t start = 0;
  while (start < choices.size()) {
    size_t end = choices.find(';', start);
    if (end == std::string_view::npos) end = choices.size();
    const size_t equals = choices.find('=', start);
    if (equals != std::string_view::npos && equals < end) {
      visit(choices.substr(start, equals - start), choices.substr(equals + 1, end - equals - 1));
    }
    start = end + 1;
  }
}

// Stores the free text of a response (response_texts) on the writer connection, inside the caller's
// transaction (hub_store_results.cpp).
[[nodiscard]] Status store_response_texts(db::Connection& writer, const std::string& response_id,
                                          const std::string& consultation_id, const Facets& facets);

}  // namespace soundings::hub::detail
