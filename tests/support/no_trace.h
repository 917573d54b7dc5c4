// For the "no trace" tests: every file under a folder read as raw bytes, and which of them hold a given string.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace soundings::testing {

// The files under `dir` (every file, any name: the store, its WAL and shared memory, anything else) whose raw
// bytes hold `needle`, as paths relative to `dir`. Empty when none does.
inline std::vector<std::string> files_holding(const std::filesystem::path& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) out.push_back(entry.path().lexically_relative(dir).string());
  }
  return out;
}

}  // namespace soundings::testing
