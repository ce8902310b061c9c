#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and runs
# the server in the foreground on http://127.0.0.1:8001 (Ctrl-C stops it).
# Arguments are passed to llm_server, e.g. --config=etc/llm_server.ini.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-deps.sh
# The server, its plugins and tools only: the tests are tools/test.sh's business.
bash tools/build.sh --target nash_server
exec "${BUILD_DIR:-build}/bin/llm_server" "$@"
