// For tests: the value of a Result that must have succeeded, failing the test with the error's message otherwise.
#pragma once

#include <catch2/catch.hpp>
#include <utility>

#include "soundings/result.h"

namespace soundings::testing {

template <typename T>
T must(Result<T> result) {
  if (!result.ok()) FAIL(result.error().message);
  return std::move(result.value());
}

}  // namespace soundings::testing
