// Record kinds, their names on the wire, and the envelope's canonical body and hash.
#include "soundings/record.h"

#include <sodium.h>

#include <array>

#include "soundings/response.h"

namespace soundings {

const char* record_kind_name(RecordKind kind) {
  switch (kind) {
    case RecordKind::Response: return "response";
    case RecordKind::Visit: return "visit";
    case RecordKind::CheckIn: return "check_in";
    case RecordKind::SignIn: return "sign_in";
  }
  return "response";
}

std::optional<RecordKind> record_kind_from_name(std::string_view name) {
  for (const RecordKind kind : kAllRecordKinds) {
    if (name == record_kind_name(kind)) return kind;
  }
  return std::nullopt;
}

std::string record_hash_hex(std::string_view data) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     nullptr, 0);
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), digest.size() * 2);
}

Result<RecordEnvelope> make_envelope(RecordKind kind, const nlohmann::json& body) {
  const std::string where = std::string(record_kind_name(kind)) + ".id";
  if (!body.is_object()) return Error{ErrorCode::InvalidInput, std::string(record_kind_name(kind)) + ": must be an object"};
  const auto id = body.find("id");
  if (id == body.end() || !id->is_string() || !is_uuid(id->get<std::string>())) {
    return Error{ErrorCode::InvalidInput, where + ": missing or not a lower-case UUID"};
  }
  RecordEnvelope envelope;
  envelope.kind = kind;
  envelope.id = id->get<std::string>();
  envelope.body = body.dump();
  envelope.hash = record_hash_hex(envelope.body);
  return envelope;
}

}  // namespace soundings
