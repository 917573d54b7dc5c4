#!/usr/bin/env bash
# Installs what is missing, builds Soundings into build/ and runs every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
# axe-core for the console's browser tests, exactly as tests/console/package-lock.json pins it.
npm ci --prefix tests/console --no-audit --no-fund

BUILD_DIR="${SOUNDINGS_BUILD_DIR:-build}"
JOBS="${SOUNDINGS_JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" ${SOUNDINGS_CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j "$JOBS"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS" --timeout 900
