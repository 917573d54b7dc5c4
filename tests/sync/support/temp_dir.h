// A temporary folder removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace soundings::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "soundings-sync-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace soundings::test
