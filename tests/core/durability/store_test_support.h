// Shared by the store's tests, crash test and benchmark: a realistic sealed response and a temporary folder.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "soundings/response.h"

namespace soundings::store_testing {

// A typical kiosk response, about 1 KB as JSON: a dozen answers including a free-text comment,
// page timings, and sealed contact and equality parts (stand-in ciphertext: the store never opens them).
inline Response sample_response(int number) {
  Response r;
  r.id = make_uuid();
  r.consultation_id = "library-opening-hours";
  r.consultation_version = 3;
  r.language = number % 3 == 0 ? "cy" : "en";
  r.channel = number % 5 == 0 ? Channel::Field : Channel::Kiosk;
  r.device_id = "7d1f6a52-3c1e-4a0b-9d1e-5b8f2c4e6a10";
  r.venue = "Llandudno Library";
  r.staff_id = r.channel == Channel::Field ? "staff-014" : "";
  r.started_at = "2026-11-23T16:01:30Z";
  r.submitted_at = "2026-11-23T16:06:12Z";
  r.page_seconds = {{"welcome", 12}, {"opening-hours", 64}, {"services", 48}, {"about-you", 31}};
  r.answers = {
      {"visits", "weekly"},
      {"preferred-days", {"saturday", "sunday", "wednesday"}},
      {"evening-opening", "agree"},
      {"morning-opening", "neutral"},
      {"importance-study-space", 4},
      {"importance-computers", 5},
      {"importance-children", 3},
      {"travel", "bus"},
      {"comment",
       "The library is the only warm, quiet place I can work in the evenings. If it closed at five "
       "I would lose that. Please keep two late evenings and open on Sunday afternoons. "
       "Response " +
           std::to_string(number) + "."},
  };
  r.personal = {{"sealed", std::string(110, 'Q') + "=="}};
  r.special = {{"sealed", std::string(72, 'Z')}};
  return r;
}

// A fresh folder under the system temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "soundings-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace soundings::store_testing
