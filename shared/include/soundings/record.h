// Records of every kind that leave a device: the envelope the outbox, the sync agent and the hub share.
//
// A response is one kind; a door visit, a lone-working check-in and a sign-in event are others. Each
// travels the same way (sync/PROTOCOL.md, "Records"): kind, id, canonical body and the body's hash, with
// the same exactly-once, duplicate, conflict and quarantine rules at the hub, and one validator per kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "soundings/result.h"

namespace soundings {

enum class RecordKind { Response, Visit, CheckIn, SignIn };
inline constexpr RecordKind kAllRecordKinds[] = {RecordKind::Response, RecordKind::Visit, RecordKind::CheckIn,
                                                 RecordKind::SignIn};

const char* record_kind_name(RecordKind kind);  // "response", "visit", "check_in", "sign_in"
std::optional<RecordKind> record_kind_from_name(std::string_view name);

// BLAKE2b-256 of `data` (crypto_generichash), as 64 lower-case hex digits.
std::string record_hash_hex(std::string_view data);

// One record as the outbox holds it and the agent sends it.
struct RecordEnvelope {
  RecordKind kind = RecordKind::Response;
  std::string id;    // a lower-case UUID, unique across every kind
  std::string body;  // canonical JSON (nlohmann::json::dump(): sorted keys, no spaces)
  std::string hash;  // record_hash_hex(body); empty for responses saved before envelopes existed
};

// Wraps a body (any JSON object with an "id") in an envelope: the canonical text and its hash.
Result<RecordEnvelope> make_envelope(RecordKind kind, const nlohmann::json& body);

}  // namespace soundings
