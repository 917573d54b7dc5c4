// Sealing personal and special-category answers with head office's public key (libsodium sealed boxes).
//
// A sealed box is anonymous public-key encryption: the device holds only the public key,
// so once sealed it cannot read the data back (DESIGN invariant 4). Keys and sealed
// data travel as standard base64 (with padding).
#include "soundings/sealing.h"

#include <cstdlib>
#include <vector>

#include <sodium.h>

namespace soundings {

namespace {

void ensure_sodium() {
  // Idempotent and thread-safe; only fails when no randomness source can be opened, in
  // which case sealing would be unsafe: stop rather than write plain text.
  if (sodium_init() < 0) std::abort();
}

std::string to_base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL written by libsodium
  return out;
}

std::optional<std::vector<unsigned char>> from_base64(const std::string& text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::optional<std::vector<unsigned char>> decode_key(const std::string& b64, size_t expected) {
  auto key = from_base64(b64);
  if (!key || key->size() != expected) return std::nullopt;
  return key;
}

bool is_sealed_part(const nlohmann::json& part) {
  return part.is_object() && part.size() == 1 && part.contains("sealed") && part["sealed"].is_string();
}

nlohmann::json seal_part(const nlohmann::json& part, const std::vector<unsigned char>& public_key) {
  std::string plain = part.dump();
  std::vector<unsigned char> sealed(plain.size() + crypto_box_SEALBYTES);
  crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                  public_key.data());
  sodium_memzero(plain.data(), plain.size());  // the plain text should not linger in freed memory
  return nlohmann::json{{"sealed", to_base64(sealed.data(), sealed.size())}};
}

}  // namespace

KeyPair make_key_pair() {
  ensure_sodium();
  unsigned char public_key[crypto_box_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_box_SECRETKEYBYTES];
  crypto_box_keypair(public_key, secret_key);
  KeyPair keys{to_base64(public_key, sizeof public_key), to_base64(secret_key, sizeof secret_key)};
  sodium_memzero(secret_key, sizeof secret_key);
  return keys;
}

Status seal_response(Response& response, const std::string& public_key_b64) {
  ensure_sodium();
  const auto public_key = decode_key(public_key_b64, crypto_box_PUBLICKEYBYTES);
  if (!public_key) {
    return Error{ErrorCode::Crypto, "sealing key: not a base64 libsodium public key of " +
                                        std::to_string(crypto_box_PUBLICKEYBYTES) + " bytes"};
  }
  // Both parts are sealed into temporaries first so that a failure leaves the response as it was.
  nlohmann::json personal = response.personal;
  nlohmann::json special = response.special;
  for (auto* part : {&personal, &special}) {
    if (!part->is_object()) return Error{ErrorCode::InvalidInput, "response: personal and special must be objects"};
    if (part->empty() || is_sealed_part(*part)) continue;  // sealing twice would lose nothing but is pointless
    *part = seal_part(*part, *public_key);
  }
  response.personal = std::move(personal);
  response.special = std::move(special);
  return Status::success();
}

Result<nlohmann::json> open_sealed(const nlohmann::json& sealed_part, const KeyPair& keys) {
  ensure_sodium();
  if (sealed_part.is_object() && sealed_part.empty()) return nlohmann::json::object();
  if (!is_sealed_part(sealed_part)) return Error{ErrorCode::InvalidInput, "sealed part: expected {\"sealed\": \"<base64>\"}"};
  const auto public_key = decode_key(keys.public_key_b64, crypto_box_PUBLICKEYBYTES);
  const auto secret_key = decode_key(keys.secret_key_b64, crypto_box_SECRETKEYBYTES);
  if (!public_key || !secret_key) return Error{ErrorCode::Crypto, "key pair: not base64 libsodium box keys"};
  const auto sealed = from_base64(sealed_part["sealed"].get<std::string>());
  if (!sealed) return Error{ErrorCode::Corrupt, "sealed part: \"sealed\" is not valid base64"};
  if (sealed->size() < crypto_box_SEALBYTES) return Error{ErrorCode::Corrupt, "sealed part: too short to be a sealed box"};
  std::string plain(sealed->size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), sealed->data(), sealed->size(),
                           public_key->data(), secret_key->data()) != 0) {
    return Error{ErrorCode::Crypto, "sealed part: cannot be opened with this key pair (wrong key or damaged data)"};
  }
  auto parsed = nlohmann::json::parse(plain, nullptr, false);
  if (parsed.is_discarded()) return Error{ErrorCode::Corrupt, "sealed part: opened, but the contents are not JSON"};
  return parsed;
}

}  // namespace soundings
