#!/usr/bin/env bash
# Configures and builds nash-llm-server into ./build (or $BUILD_DIR).
# Arguments go to cmake --build (e.g. --target nash_server).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" ${CMAKE_ARGS:-}
cmake --build "$build_dir" -j"${JOBS:-2}" "$@"
