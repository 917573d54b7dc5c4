// A property check for fuzz targets: a broken property aborts, which libFuzzer and the replay test both report.
#pragma once

#include <cstdio>
#include <cstdlib>

// Not assert(): the checks must hold in RelWithDebInfo and Release builds too.
#define FUZZ_REQUIRE(condition, what)                                                   \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, (what)); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
