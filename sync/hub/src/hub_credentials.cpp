// Credentials: random device tokens, human-typeable enrolment codes, and the sealing key file.
#include "hub_credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace soundings::hub::detail {

namespace {

constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr size_t kCodeLength = 10;

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

Error key_error(const std::string& path, const std::string& problem) {
  return Error{ErrorCode::Crypto, path + ": " + problem};
}

Result<KeyPair> read_key_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return key_error(path, std::strerror(errno));
  // The secret key opens every resident's contact details: keep it to the hub's own user.
  if ((info.st_mode & 077) != 0) ::chmod(path.c_str(), 0600);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("public_key") || !json.contains("secret_key") ||
      !json["public_key"].is_string() || !json["secret_key"].is_string()) {
    return key_error(path, "not a Soundings hub key file (expected {\"public_key\", \"secret_key\"})");
  }
  return KeyPair{json["public_key"].get<std::string>(), json["secret_key"].get<std::string>()};
}

}  // namespace

std::string content_hash(std::string_view data) {
  ensure_sodium();
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.pop_back();
  return out;
}

std::string make_device_token() {
  ensure_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string make_enrol_code() {
  ensure_sodium();
  std::string code;
  for (size_t i = 0; i < kCodeLength; ++i) {
    if (i == kCodeLength / 2) code.push_back('-');
    code.push_back(kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))]);
  }
  return code;
}

std::string normalise_enrol_code(std::string_view typed) {
  std::string out;
  for (const char c : typed) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string key_file_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "hub-keys.json").string();
}

Result<KeyPair> load_or_create_keys(const std::string& data_dir) {
  const std::string path = key_file_path(data_dir);
  if (std::filesystem::exists(path)) return read_key_file(path);

  const KeyPair keys = make_key_pair();
  const std::string text =
      nlohmann::json{{"public_key", keys.public_key_b64}, {"secret_key", keys.secret_key_b64}}.dump(2) + "\n";
  // Written to a private temporary file, then linked into place: a second process
  // starting at the same moment either wins or reads the winner's keys, never half a file.
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return key_error(temp, std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return key_error(temp, "could not write the key pair");
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno != EEXIST) return key_error(path, std::strerror(link_errno));
  // Losing the key file in a power cut would leave every sealed part unreadable.
  const int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return read_key_file(path);
}

}  // namespace soundings::hub::detail
