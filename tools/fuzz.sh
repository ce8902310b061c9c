#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for a bounded time on a copy of its
# seed corpus. Fails on the first crash, leak or sanitizer report.
#   bash tools/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build_dir="${FUZZ_BUILD_DIR:-build-fuzz}"

bash tools/setup-deps.sh
if ! command -v clang++ >/dev/null 2>&1 || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long){return 0;}' \
        | clang++ -x c++ -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1; then
    echo "Installing clang and the libFuzzer runtime"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-dev
fi

cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNASH_FUZZ=ON -DNASH_SANITIZE=address -DNASH_SKIP_DIRS="packaging;bench" >/dev/null
targets=(fuzz_chat_request fuzz_sse fuzz_ndjson fuzz_jsonrpc fuzz_mcp_sse fuzz_http_requests fuzz_http_responses)
cmake --build "$build_dir" --target "${targets[@]}" -j2
fuzzers="$(cd "$build_dir" && pwd)/fuzz"

declare -A corpus=([fuzz_chat_request]=chat_request [fuzz_sse]=sse [fuzz_ndjson]=ndjson [fuzz_jsonrpc]=jsonrpc [fuzz_mcp_sse]=mcp_sse [fuzz_http_requests]=http_requests [fuzz_http_responses]=http_responses)
failed=0
for target in "${targets[@]}"; do
    work="$(mktemp -d)"
    cp -r "tests/fuzz/corpus/${corpus[$target]}/." "$work/"
    echo "== $target: ${seconds} s"
    if ! (cd "$work" && "$fuzzers/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 "$work" 2>&1 | tail -15); then
        echo "== $target FAILED (reproducer in $work)"
        failed=$((failed + 1))
    else
        rm -rf "$work"
    fi
done
passed=$(( ${#targets[@]} - failed ))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
