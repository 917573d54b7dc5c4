// Device tokens, enrolment codes, hashes and the hub's sealing key file.
#pragma once

#include <string>
#include <string_view>

#include "soundings/result.h"
#include "soundings/sealing.h"

namespace soundings::hub::detail {

// BLAKE2b (crypto_generichash), 32 bytes, raw.
std::string content_hash(std::string_view data);
std::string to_hex(std::string_view bytes);

// 32 random bytes as unpadded base64url: what a device sends as its bearer token.
std::string make_device_token();

// Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), as "ABCDE-FGHJK".
std::string make_enrol_code();
// What staff may type: any case, spaces and hyphens anywhere. Returns the ten characters.
std::string normalise_enrol_code(std::string_view typed);

// DATA_DIR/hub-keys.json: the hub's sealing key pair, never in the database nor in a backup of it.
std::string key_file_path(const std::string& data_dir);

// Reads DATA_DIR/hub-keys.json, or creates it (mode 0600) with a new key pair.
Result<KeyPair> load_or_create_keys(const std::string& data_dir);

}  // namespace soundings::hub::detail
