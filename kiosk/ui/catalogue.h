// Which consultations the kiosk can offer: definitions imported from files and read back from the store.
#pragma once

#include <string>
#include <vector>

#include "soundings/store.h"
#include "ui/app_state.h"

namespace soundings::kiosk {

// Validates every *.json file in `directory` (blocks from `blocks_directory`) and caches the
// good ones in the store. Returns one entry per refused file, holding the validator's messages;
// a directory that cannot be read is one refused entry.
std::vector<CatalogueEntry> import_consultation_files(Store& store, const std::string& directory,
                                                      const std::string& blocks_directory);

// The newest version of each cached consultation, loaded; ones that no longer load carry problems.
[[nodiscard]] Result<Catalogue> read_catalogue(Store& store);

// The "you said, we did" JSON from the hub ({"you_said": {...}, ...}) as a Feedback, or nullopt.
std::optional<Feedback> parse_feedback(const std::string& json_text);

// Can a respondent start it on `today` (YYYY-MM-DD)? Opened, not closed, offered, loaded.
bool is_open_on(const CatalogueEntry& entry, const std::string& today);
// Not yet open (for "coming soon").
bool is_upcoming_on(const CatalogueEntry& entry, const std::string& today);

// The "you said, we did" card the attract screen shows now (null when none has feedback); `count`: how many have.
const CatalogueEntry* showing_feedback(const AppState& state, size_t& count);

}  // namespace soundings::kiosk
