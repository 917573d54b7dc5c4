// Temporary folders under the system's temp directory, made with mkdtemp so parallel tests never share one.
#include "temp_dir.h"

#include "test_database.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace soundings::test {

TempDir::TempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("cannot make a temporary folder from " + pattern);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  forget_test_database(path_);
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace soundings::test
