// Checks each item of a response batch against its published definition, before any write.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "hub_store.h"
#include "soundings/clock.h"
#include "soundings/consultation.h"

namespace soundings::hub::detail {

// The loaded definition of (id, version), or null when none is published.
using DefinitionLookup = std::function<ConsultationPtr(const std::string& id, int version)>;

// A device's clock may run this far ahead of the hub's before its times are refused as impossible.
inline constexpr std::chrono::hours kDeviceClockSkew{24};
// Quarantine keeps at most this much of one item; a larger one is kept as its id, size and hash.
inline constexpr size_t kMaxQuarantineCopyBytes = 64 * 1024;

// Canonical form, hash, identity, quarantine copy and verdict of one batch item, judged at the
// hub's `now`. `item` comes from parse_json_bounded (nesting bounded, UTF-8, finite numbers).
// `index` names the item in reasons ("responses[3]") when it has no usable id.
BatchItem prepare_item(const nlohmann::json& item, size_t index, const DefinitionLookup& lookup, TimePoint now);

// The closing-date rule (PROTOCOL.md): a response submitted up to the end of the closing
// day, UTC, is on time, however late it arrives.
// What the hub knows of field work, for checking visits, check-ins and sign-ins.
struct FieldLookup {
  std::function<bool(const std::string& staff_id)> known_staff;
  std::function<bool(const std::string& list_id, const std::string& uprn)> known_door;
};

// One envelope of a `/records` batch: {"kind", "id", "hash", "body"}. A response's body is checked by
// prepare_item; other kinds by their own validators (field_records.h) and against the hub's staff and
// walk lists. The id must be the body's, and the hash (when not empty) the body's canonical hash.
BatchItem prepare_record(const nlohmann::json& envelope, size_t index, const DefinitionLookup& lookup,
                         const FieldLookup& field, TimePoint now);

bool submitted_in_time(const std::string& submitted_at, const std::string& closes);

}  // namespace soundings::hub::detail
