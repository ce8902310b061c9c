#!/usr/bin/env bash
# A bounded soak run on loopback: the real llm_server on a free port with the
# echo backend and the demo MCP server, a warm-up, then C clients looping over
# a mix of checked requests (streams, some left in the middle, summaries, MCP
# calls, health checks, bad requests) for N seconds while the server's memory,
# threads and descriptors are sampled; then SIGTERM, and the server must exit 0.
#
#   bash tools/soak/run.sh [--seconds N] [--concurrency C] [--warmup S]
#                          [--build-dir DIR] [--out-dir DIR] [--no-build]
#
# Defaults: 180 s, concurrency 64, 10 s of warm-up, build dir build/ of the
# repository (or SOAK_BUILD_DIR, else BUILD_DIR), results in <build dir>/soak.
# Exit 1 when a request failed its check, the server crashed or did not exit
# 0, or its memory kept growing (the rule is in tools/soak/SoakReport.h).
# Writes soak.json (everything), soak.md (the tables) and server.log there.
# Environment: SOAK_BUILD_DIR, BUILD_DIR, SOAK_CMAKE_ARGS (extra cmake
# arguments when the build folder is configured here), JOBS (build
# parallelism, default 2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Relative to the repository, like tools/build.sh's BUILD_DIR.
BUILD="${SOAK_BUILD_DIR:-${BUILD_DIR:-build}}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SECONDS_LOAD=180
CONCURRENCY=64
WARMUP=10
OUT_DIR=""
BUILD_IT=1

usage() { sed -n '2,18p' "$0"; }
while [ $# -gt 0 ]; do
    arg="$1"
    case "$arg" in
        --*=*) value="${arg#*=}"; arg="${arg%%=*}" ;;
        --no-build|-h|--help) value="" ;;
        --*) [ $# -ge 2 ] || { echo "missing value for $arg" >&2; exit 2; }; value="$2"; shift ;;
    esac
    case "$arg" in
        --seconds) SECONDS_LOAD="$value" ;;
        --concurrency) CONCURRENCY="$value" ;;
        --warmup) WARMUP="$value" ;;
        --build-dir) BUILD="$value" ;;
        --out-dir) OUT_DIR="$value" ;;
        --no-build) BUILD_IT=0 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $arg (--help)" >&2; exit 2 ;;
    esac
    shift
done
BUILD="$(mkdir -p "$BUILD" && cd "$BUILD" && pwd)"
OUT_DIR="${OUT_DIR:-$BUILD/soak}"
mkdir -p "$OUT_DIR"

log() { echo "[soak] $*" >&2; }

WORK="$(mktemp -d -t nash-soak.XXXXXX)"
SERVER_PID=""

# The server started here stops here, by its own pid, whatever happens.
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 200); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each client holds a connection, the server one per client plus the MCP
# server's pipes: far below the usual limit, but a larger --concurrency may
# need more.
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true

# ------------------------------------------------------------ build

if [ "$BUILD_IT" = 1 ]; then
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
        log "configuring $BUILD"
        # shellcheck disable=SC2086 # SOAK_CMAKE_ARGS is a list of arguments
        cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${SOAK_CMAKE_ARGS:-} >"$WORK/cmake.log" 2>&1 \
            || { cat "$WORK/cmake.log" >&2; exit 1; }
    fi
    log "building the server, its echo and stdio MCP plugins, the demo MCP server and the soak client"
    cmake --build "$BUILD" -j"${JOBS:-2}" --target llm_server echo mcp_stdio mcp_demo_server soak_client \
        >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; exit 1; }
fi
SERVER="$BUILD/bin/llm_server"
CLIENT="$BUILD/bin/soak_client"
for f in "$SERVER" "$CLIENT" "$BUILD/bin/mcp_demo_server"; do
    [ -x "$f" ] || { echo "missing binary: $f (build it, or drop --no-build)" >&2; exit 1; }
done

# ------------------------------------------------------------ server

# Two echo backends: "echo" answers at once, "slow" waits 10 ms between
# words, so that a stream lasts long enough for a client to leave in the
# middle. The demo MCP server is part of the built-in defaults ([mcp.demo]).
# Only the plugins the run needs are loaded, whatever else the build holds.
# No access log: a line per request would make the log the load.
cat >"$WORK/llm_server.ini" <<INI
[server]
host = 127.0.0.1
port = 0
port_file = $WORK/server.port
[chat]
default_model = echo
[plugins]
load = echo, mcp_stdio
[backend.echo]
plugin = echo
delay_ms = 0
[backend.slow]
plugin = echo
delay_ms = 10
models = slow
[logging]
loggers.root.level = information
loggers.access.name = nash.access
loggers.access.level = warning
INI

# The provider variables of the machine must not add backends to the run.
env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL -u OLLAMA_HOST \
    "$SERVER" --config="$WORK/llm_server.ini" >"$OUT_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 200); do [ -s "$WORK/server.port" ] && break; kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if [ ! -s "$WORK/server.port" ]; then
    echo "llm_server did not start; its log:" >&2
    cat "$OUT_DIR/server.log" >&2
    exit 1
fi
PORT="$(cat "$WORK/server.port")"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "llm_server pid $SERVER_PID on 127.0.0.1:$PORT; $(nproc) CPUs, load average $LOAD_BEFORE"

# ------------------------------------------------------------ load

set +e
"$CLIENT" --port="$PORT" --pid="$SERVER_PID" --concurrency="$CONCURRENCY" --seconds="$SECONDS_LOAD" \
    --warmup="$WARMUP" --json="$WORK/load.json" --markdown="$WORK/load.md"
CLIENT_RC=$?
set -e
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------ stop

SERVER_RC=""
if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    # Bounded: the server's grace period for open streams is 10 s, and none
    # should be open now.
    for _ in $(seq 200); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        log "llm_server did not stop within 20 s of SIGTERM: killed"
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
fi
set +e
wait "$SERVER_PID"
SERVER_RC=$?
set -e
SERVER_PID=""

# ------------------------------------------------------------ report

# The log holds no access lines, so what is left is worth a look: errors
# are reported, and a second start of the demo MCP server means it crashed
# or was given up on during the load.
LOG_WARNINGS="$(grep -c '\[Warning\]' "$OUT_DIR/server.log" || true)"
LOG_ERRORS="$(grep -cE '\[(Error|Critical|Fatal)\]' "$OUT_DIR/server.log" || true)"
MCP_STARTS="$(grep -c 'Started MCP server' "$OUT_DIR/server.log" || true)"

PASSED=true
REASONS=()
[ "$CLIENT_RC" = 0 ] || { PASSED=false; REASONS+=("the load failed (soak_client exit $CLIENT_RC)"); }
[ "$SERVER_RC" = 0 ] || { PASSED=false; REASONS+=("llm_server exited $SERVER_RC (0 expected after SIGTERM)"); }
[ "$MCP_STARTS" -le 1 ] || { PASSED=false; REASONS+=("the demo MCP server was started $MCP_STARTS times"); }

reasons_json() {
    local sep="" r
    printf '['
    for r in "${REASONS[@]+"${REASONS[@]}"}"; do printf '%s"%s"' "$sep" "${r//\"/\\\"}"; sep=", "; done
    printf ']'
}
{
    printf '{"passed": %s, "reasons": %s, "server_exit_code": %s,\n' "$PASSED" "$(reasons_json)" "$SERVER_RC"
    printf ' "server_log": {"warnings": %s, "errors": %s, "mcp_starts": %s},\n' "$LOG_WARNINGS" "$LOG_ERRORS" "$MCP_STARTS"
    printf ' "machine": {"nproc": %s, "loadavg_before": "%s", "loadavg_after": "%s"},\n' "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER"
    printf ' "load": '
    if [ -s "$WORK/load.json" ]; then cat "$WORK/load.json"; else echo null; fi
    printf '}\n'
} >"$OUT_DIR/soak.json"
{
    [ -s "$WORK/load.md" ] && cat "$WORK/load.md"
    echo
    echo "Concurrency $CONCURRENCY, $SECONDS_LOAD s after $WARMUP s of warm-up, $(nproc) CPUs (load average $LOAD_BEFORE before, $LOAD_AFTER after); llm_server exit code after SIGTERM: $SERVER_RC."
} >"$OUT_DIR/soak.md"

echo
echo "llm_server exit code: $SERVER_RC; its log: $LOG_ERRORS errors, $LOG_WARNINGS warnings; load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo "results: $OUT_DIR/soak.json, $OUT_DIR/soak.md, $OUT_DIR/server.log"
if [ "$PASSED" = true ]; then
    echo "SOAK PASSED"
else
    for r in "${REASONS[@]}"; do echo "SOAK FAILED: $r"; done
    echo "--- last lines of the server log ---"
    tail -30 "$OUT_DIR/server.log"
    exit 1
fi
