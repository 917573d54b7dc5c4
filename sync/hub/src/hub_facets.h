// What results count of a response, drawn out of it once, at ingest, into the responses table's facet
// columns and response_texts, so that a results page over 100,000 responses never opens a body.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/consultation.h"

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

}  // namespace soundings::hub::detail
