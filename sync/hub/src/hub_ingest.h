// Checks each item of a response batch against its published definition, before any write.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "hub_store.h"
#include "soundings/consultation.h"

namespace soundings::hub::detail {

// The loaded definition of (id, version), or null when none is published.
using DefinitionLookup = std::function<ConsultationPtr(const std::string& id, int version)>;

// Canonical form, hash, identity and verdict of one batch item. `index` names the item
// in reasons ("responses[3]") when it has no usable id.
BatchItem prepare_item(const nlohmann::json& item, size_t index, const DefinitionLookup& lookup);

// The closing-date rule (PROTOCOL.md): a response submitted up to the end of the closing
// day, UTC, is on time, however late it arrives.
bool submitted_in_time(const std::string& submitted_at, const std::string& closes);

}  // namespace soundings::hub::detail
