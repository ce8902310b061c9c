#!/usr/bin/env bash
# The second command of the README: installs what is missing, builds, and runs
# every test suite with ctest.
#   bash tools/test.sh [ctest arguments]
#   bash tools/test.sh --all    what CI runs: the suites, then the fuzzers, the
#                               suites again under ASan+UBSan and under TSan,
#                               and the soak run; stops at the first failure
set -euo pipefail
cd "$(dirname "$0")/.."

all=0
if [ "${1:-}" = "--all" ]; then
    all=1
    shift
fi

stage() {
    local name="$1"
    shift
    local started=$SECONDS
    echo "=== $name"
    "$@"
    echo "=== $name: passed in $((SECONDS - started)) s"
}

suites() {
    bash tools/build.sh
    ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 600 "$@"
}

bash tools/setup-deps.sh --tests
stage "test suites" suites "$@"
if [ "$all" -eq 1 ]; then
    stage "fuzzers" bash tools/fuzz.sh "${FUZZ_SECONDS:-60}"
    stage "suites under AddressSanitizer and UndefinedBehaviorSanitizer" bash tools/sanitize.sh address
    stage "suites under ThreadSanitizer" bash tools/sanitize.sh thread
    stage "soak" bash tools/soak/run.sh --seconds "${SOAK_SECONDS:-150}" --concurrency 64
fi
