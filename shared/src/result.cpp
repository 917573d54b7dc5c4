// Rendering of located problems for people to read.
#include "soundings/result.h"

namespace soundings {

std::string describe(const Problem& problem) {
  if (problem.path.empty()) return problem.message;
  return problem.path + ": " + problem.message;
}

}  // namespace soundings
