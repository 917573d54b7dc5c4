// Sealing personal data with head office's public key (libsodium sealed boxes).
#pragma once

#include <string>

#include "soundings/response.h"
#include "soundings/result.h"

namespace soundings {

struct KeyPair {
  std::string public_key_b64;
  std::string secret_key_b64;
};

KeyPair make_key_pair();

// Seals `personal` and `special` in place with the base64 public key. Empty parts stay empty.
Status seal_response(Response& response, const std::string& public_key_b64);

// Head office only: opens a sealed part ({"sealed": "..."}) back into JSON.
Result<nlohmann::json> open_sealed(const nlohmann::json& sealed_part, const KeyPair& keys);

}  // namespace soundings
