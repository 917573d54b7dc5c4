// An outreach officer's PIN or passphrase: checked for length, kept only as an Argon2id hash.
//
// Head office hashes it (`soundings-hub staff add`); field tablets receive the hash and verify a PIN
// typed at sign-in against it. The cost is high on purpose: a lost tablet holds the hashes, and a
// 6-digit PIN has only a million possibilities, so each guess must take a large fraction of a second.
#pragma once

#include <string>

#include "soundings/result.h"

namespace soundings {

inline constexpr size_t kMinOfficerSecretChars = 6;
inline constexpr size_t kMaxOfficerSecretBytes = 128;

// At least 6 characters (a PIN of 6 or more digits, or a passphrase), at most 128 bytes, no line breaks.
Status check_officer_secret(const std::string& secret);
// crypto_pwhash_str with Argon2id at libsodium's "moderate" cost (3 passes, 256 MiB).
Result<std::string> hash_officer_secret(const std::string& secret);
// False for a wrong secret and for a hash that is not an Argon2id hash string.
bool verify_officer_secret(const std::string& secret, const std::string& hash);

}  // namespace soundings
