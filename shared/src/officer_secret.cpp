// Officer PINs and passphrases: length checks and Argon2id hashing with libsodium.
#include "soundings/officer_secret.h"

#include <sodium.h>

namespace soundings {

Status check_officer_secret(const std::string& secret) {
  size_t characters = 0;
  for (const unsigned char c : secret) {
    if (c == '\n' || c == '\r') return Error{ErrorCode::InvalidInput, "a PIN or passphrase is one line"};
    if ((c & 0xC0) != 0x80) ++characters;
  }
  if (characters < kMinOfficerSecretChars) {
    return Error{ErrorCode::InvalidInput, "a PIN or passphrase must be at least " +
                                              std::to_string(kMinOfficerSecretChars) + " characters (digits for a PIN)"};
  }
  if (secret.size() > kMaxOfficerSecretBytes) {
    return Error{ErrorCode::InvalidInput,
                 "a PIN or passphrase must be at most " + std::to_string(kMaxOfficerSecretBytes) + " bytes"};
  }
  return Status::success();
}

Result<std::string> hash_officer_secret(const std::string& secret) {
  if (Status checked = check_officer_secret(secret); !checked) return checked.error();
  if (sodium_init() < 0) return Error{ErrorCode::Crypto, "libsodium could not start"};
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_MODERATE,
                            crypto_pwhash_MEMLIMIT_MODERATE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error{ErrorCode::Crypto, "not enough memory to hash the PIN (Argon2id needs 256 MiB)"};
  }
  return std::string(out);
}

bool verify_officer_secret(const std::string& secret, const std::string& hash) {
  if (secret.empty() || secret.size() > kMaxOfficerSecretBytes || hash.empty() ||
      hash.size() >= crypto_pwhash_STRBYTES || hash.rfind("$argon2id$", 0) != 0) {
    return false;
  }
  if (sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

}  // namespace soundings
