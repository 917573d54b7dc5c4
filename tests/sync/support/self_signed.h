// A self-signed certificate and key for tests that serve HTTPS on 127.0.0.1.
#pragma once

#include <string>

namespace soundings::test {

// Writes a self-signed P-256 certificate for 127.0.0.1, valid for a day, and its key (PEM).
bool write_self_signed(const std::string& cert_path, const std::string& key_path);

}  // namespace soundings::test
