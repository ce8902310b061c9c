#!/usr/bin/env bash
# The second command of the README: installs what is missing, builds, and runs
# every test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-deps.sh
bash tools/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 600 "$@"
