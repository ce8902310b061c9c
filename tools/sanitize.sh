#!/usr/bin/env bash
# Builds the whole tree with AddressSanitizer and UndefinedBehaviorSanitizer
# (address) or ThreadSanitizer (thread) and runs every test suite with ctest.
# Fails on a failing test and on any sanitizer report, also one of a process a
# test started: those write their reports to files in <build>/sanitizer-logs,
# where they stay after the run.
#   bash tools/sanitize.sh address|thread [ctest arguments...]
# Environment: SANITIZE_BUILD_DIR (default build-asan or build-tsan),
# SANITIZE_TIMEOUT (ctest default per test, s), ASAN_OPTIONS, UBSAN_OPTIONS,
# LSAN_OPTIONS, TSAN_OPTIONS (appended to ours, so they win).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-}"
case "$kind" in
    address) default_dir=build-asan ;;
    thread) default_dir=build-tsan ;;
    *) echo "usage: bash tools/sanitize.sh address|thread [ctest arguments...]" >&2; exit 2 ;;
esac
shift
build_dir="${SANITIZE_BUILD_DIR:-$default_dir}"
supp="$(pwd)/tests/sanitizers"

bash tools/setup-deps.sh
# g++ (the compiler setup-deps installs) brings both runtimes, and Debian's
# Poco is built with it. The packaging tests install packages system-wide and
# the benchmarks measure speed: neither says anything under a sanitizer.
started=$SECONDS
cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNASH_SANITIZE="$kind" -DNASH_SKIP_DIRS="packaging;bench" >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}"
build_seconds=$((SECONDS - started))

logs="$(cd "$build_dir" && pwd)/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
# Every instrumented process writes its reports to $logs/report.<pid>; the test
# runners send their own to standard error instead (tests/support/TestMain.cpp)
# so that ctest --output-on-failure shows them, and ServerProcess gives each
# child a prefix of its own there and fails the test that started it.
common="log_path=$logs/report"
ubsan="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
if [ "$kind" = address ]; then
    export ASAN_OPTIONS="$common:halt_on_error=1:detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export LSAN_OPTIONS="$common:suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    export UBSAN_OPTIONS="$common:$ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
else
    export TSAN_OPTIONS="$common:halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp:print_suppressions=0${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
fi

started=$SECONDS
status=0
ctest --test-dir "$build_dir" --output-on-failure --timeout "${SANITIZE_TIMEOUT:-900}" "$@" || status=$?
test_seconds=$((SECONDS - started))

shopt -s nullglob
reports=("$logs"/*)
if [ ${#reports[@]} -gt 0 ]; then
    for report in "${reports[@]}"; do
        echo "== sanitizer report $report"
        cat "$report"
    done
    echo "${#reports[@]} sanitizer report file(s) in $logs"
    [ "$status" -ne 0 ] || status=1
fi
echo "sanitize $kind: build ${build_seconds} s, tests ${test_seconds} s, exit status $status"
exit "$status"
