// Reach by equality group as counts (hub_reach.cpp): what `soundings-hub reach` prints as CSV and the
// console's reach page shows as tables. Raw counts: each caller hides the small ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soundings/result.h"

namespace soundings::hub::detail {

struct HubState;

struct ReachRow {
  std::string key;    // "option:ID", an age band "age:25", "answered" or "not_answered"; unique in its question
  std::string label;  // in the language asked for
  int64_t count = 0;
};

struct ReachQuestion {
  std::string id;
  std::string text;
  std::vector<ReachRow> rows;  // "not_answered" last
};

struct ReachCounts {
  int64_t total = 0;       // responses stored
  int64_t unreadable = 0;  // equality parts the hub's key could not open
  std::vector<ReachQuestion> questions;
};

// Every equality question of the consultation (newest version's order first), counted over its stored
// responses; `language` is "cy" or "en". NotFound when no such consultation is published.
[[nodiscard]] Result<ReachCounts> reach_counts(HubState& hub, const std::string& consultation_id,
                                               const std::string& language);

}  // namespace soundings::hub::detail
