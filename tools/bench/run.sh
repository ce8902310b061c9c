#!/usr/bin/env bash
# The benchmark: what nash-llm-server adds between a client and
# an OpenAI-compatible model, measured against the direct path (client to the
# fake upstream) and against Portkey's gateway, in one run, on loopback only.
#
#   bash tools/bench/run.sh [--quick] [--out=FILE] [--no-portkey] [--no-wrk]
#                           [--upstream=bench|tests] [--no-metrics]
#
# --upstream: bench (default) is tools/bench's epoll fake upstream; tests is
# tests/fake_upstream (a thread per stream; it spins during pauses, so it
# limits the paced and many-stream scenarios on a small machine).
# --no-metrics: the server runs with [metrics] enabled = false, to measure
# what counting requests costs (run once with and once without).
# --quick: about a minute and a half (short runs, 200 open streams instead of
# 1000 and 20000). A full run takes under five minutes. Prints a markdown
# table and writes every measurement as JSON (the path is printed at the end).
#
# Environment: BENCH_BUILD_DIR (default <repo>/build-bench), BENCH_CMAKE_ARGS
# (extra cmake arguments when the build folder is configured), BENCH_JOBS
# (parallel build jobs, default 2), PORTKEY_PEER_DIR (default
# <repo>/../shared/peers/portkey).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$ROOT/tools/bench"
BUILD="${BENCH_BUILD_DIR:-$ROOT/build-bench}"
PEER_SRC="${PORTKEY_PEER_DIR:-$ROOT/../shared/peers/portkey}"

QUICK=0
OUT=""
USE_PORTKEY=1
USE_WRK=1
METRICS=true
UPSTREAM=bench
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --out=*) OUT="${arg#--out=}" ;;
        --no-portkey) USE_PORTKEY=0 ;;
        --no-wrk) USE_WRK=0 ;;
        --no-metrics) METRICS=false ;;
        --upstream=bench|--upstream=tests) UPSTREAM="${arg#--upstream=}" ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

WORK="$(mktemp -d -t nash-bench.XXXXXX)"
[ -n "$OUT" ] || OUT="$WORK/bench.json"
PIDS=()

# Everything started here stops here, by its own pid, whatever happens.
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # Bounded: 15 s for a graceful stop (the server's grace period for
        # open streams is 10 s), then SIGKILL.
        for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "[bench] pid $pid did not stop within 15 s of SIGTERM: killed" >&2
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[bench] $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# ------------------------------------------------------------ limits

# Every open stream is a socket in the client, two in our server (client and
# upstream side) and one in the fake upstream: 20000 streams need more than
# 40000 descriptors in the server. Raise the soft limit to the hard one, and
# the hard one too where we may (root).
NOFILE_WANTED=65536
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$NOFILE_WANTED" ]; then
    ulimit -Hn "$NOFILE_WANTED" 2>/dev/null || true
fi
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
NOFILE="$(ulimit -n)"
log "file descriptors allowed: $NOFILE (wanted $NOFILE_WANTED)"

# ------------------------------------------------------------ install and build

if [ "$USE_WRK" = 1 ] && ! command -v wrk >/dev/null; then
    log "installing wrk"
    as_root apt-get install -y wrk >/dev/null 2>&1 || log "wrk could not be installed: its rows are skipped"
fi
command -v wrk >/dev/null || USE_WRK=0

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring $BUILD"
    # shellcheck disable=SC2086 # BENCH_CMAKE_ARGS is a list of arguments
    cmake -S "$ROOT" -B "$BUILD" ${BENCH_CMAKE_ARGS:-} >"$WORK/cmake.log" 2>&1 \
        || { cat "$WORK/cmake.log" >&2; exit 1; }
fi
log "building (incremental)"
cmake --build "$BUILD" --target llm_server openai echo fake_upstream bench_fake_upstream bench_stream_client \
    -j"${BENCH_JOBS:-2}" \
    >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; exit 1; }
SERVER="$BUILD/bin/llm_server"
CLIENT="$BUILD/bin/bench_stream_client"
if [ "$UPSTREAM" = bench ]; then
    FAKE="$BUILD/bin/bench_fake_upstream"
else
    FAKE="$(find "$BUILD" -type f -name fake_upstream -perm -u+x | head -1)"
fi
for f in "$SERVER" "$CLIENT" "$FAKE"; do [ -x "$f" ] || { echo "missing binary: $f" >&2; exit 1; }; done

PORTKEY_STATE="not installed"
PORTKEY_DIR="$BUILD/peers/portkey"
PORTKEY_MAIN="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
if [ "$USE_PORTKEY" = 1 ] && command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -f "$PORTKEY_MAIN" ] && [ -f "$PEER_SRC/package-lock.json" ]; then
        log "installing Portkey's gateway with npm ci into $PORTKEY_DIR"
        rm -rf "$PORTKEY_DIR"
        mkdir -p "$PORTKEY_DIR"
        cp -r "$PEER_SRC/." "$PORTKEY_DIR/"
        # The shared folder may carry no write bits; npm writes beside package.json.
        chmod -R u+w "$PORTKEY_DIR"
        (cd "$PORTKEY_DIR" && timeout 300 npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1) \
            || log "npm ci failed (see $WORK/npm.log): Portkey not installed"
    fi
    [ -f "$PORTKEY_MAIN" ] && PORTKEY_STATE="installed"
fi
[ "$USE_PORTKEY" = 1 ] || PORTKEY_STATE="skipped"

# ------------------------------------------------------------ start

# Waits (bounded) until a file exists and is not empty.
wait_file() {
    for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
    return 1
}

# tests/fake_upstream serves one thread per stream: 16384 is its maximum, less
# than the 20000 streams of the full run (use the bench fake for it). The
# bench fake needs two threads whatever the load.
if [ "$UPSTREAM" = bench ]; then FAKE_THREADS=2; else FAKE_THREADS=16384; fi
"$FAKE" --port=0 --port-file="$WORK/fake.port" --threads="$FAKE_THREADS" >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
PIDS+=("$FAKE_PID")
wait_file "$WORK/fake.port" || { echo "fake upstream did not start" >&2; cat "$WORK/fake.log" >&2; exit 1; }
FAKE_PORT="$(cat "$WORK/fake.port")"

# Our server with its default threads (the streams are relayed on its two
# event-loop threads) and room for the largest run, the OpenAI backend on the
# fake upstream, no MCP demo (not measured), and no access log: a line per
# request would measure the log, not the server.
cat >"$WORK/llm_server.ini" <<EOF
[server]
host = 127.0.0.1
port = 0
port_file = $WORK/server.port
loop_threads = 2
max_streams = 25000
queue.max = 16384
max_connections = 50000
max_connections_per_client = 0
keepalive.max_requests = 100000
[backend.openai]
plugin = openai
base_url = http://127.0.0.1:$FAKE_PORT/v1
api_key = sk-bench
[backend.echo]
plugin = echo
delay_ms = 0
[mcp.demo]
enabled = false
[metrics]
enabled = $METRICS
[logging]
loggers.root.level = information
loggers.access.name = nash.access
loggers.access.level = warning
EOF
"$SERVER" --config="$WORK/llm_server.ini" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_file "$WORK/server.port" || { echo "llm_server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
SERVER_PORT="$(cat "$WORK/server.port")"

PORTKEY_PORT=""
PORTKEY_PID=""
if [ "$PORTKEY_STATE" = installed ]; then
    # Any free loopback port: Portkey has no port file, so ask the kernel.
    PORTKEY_PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    (cd "$PORTKEY_DIR" && exec node --require ./loopback-only.cjs "$PORTKEY_MAIN" --port="$PORTKEY_PORT" --headless) \
        >"$WORK/portkey.log" 2>&1 &
    PORTKEY_PID=$!
    PIDS+=("$PORTKEY_PID")
    up=0
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORTKEY_PORT") 2>/dev/null; then up=1; break; fi
        sleep 0.1
    done
    if [ "$up" = 0 ]; then log "Portkey did not start (see $WORK/portkey.log)"; PORTKEY_STATE="did not start"; fi
fi
log "fake upstream ($UPSTREAM) :$FAKE_PORT (pid $FAKE_PID), llm_server :$SERVER_PORT (pid $SERVER_PID), Portkey: $PORTKEY_STATE${PORTKEY_PORT:+ :$PORTKEY_PORT}"

TARGETS=(direct nash)
[ "$PORTKEY_STATE" = installed ] && TARGETS+=(portkey)

# ------------------------------------------------------------ measuring

# route TARGET STREAM MODEL: where one request of a target goes, in R_PORT,
# R_PATH, R_BODY, R_WATCH (the pid the client samples) and R_HEADERS (an
# array of "Name: value"). The model (chunks) and the upstream are the same
# for every target. TARGET is
#   direct       the fake upstream's POST /v1/chat/completions
#   nash         our server's original dialect, POST /v1/chat/completions/stream
#                (always a stream; STREAM is ignored)
#   nash-openai  our server's OpenAI surface, POST /v1/chat/completions
#   portkey      Portkey's POST /v1/chat/completions, custom host = the fake
# and STREAM is true (server-sent events) or false (one chat.completion).
route() {
    local target="$1" stream="$2" model="$3"
    local msg='{"role":"user","content":"hi"}'
    R_HEADERS=()
    case "$target" in
        direct)
            R_PORT=$FAKE_PORT; R_PATH=/v1/chat/completions; R_WATCH=$FAKE_PID
            R_BODY="{\"model\":\"$model\",\"stream\":$stream,\"messages\":[$msg]}" ;;
        nash)
            R_PORT=$SERVER_PORT; R_PATH=/v1/chat/completions/stream; R_WATCH=$SERVER_PID
            R_BODY="{\"model\":\"openai/$model\",\"messages\":[$msg]}" ;;
        nash-openai)
            R_PORT=$SERVER_PORT; R_PATH=/v1/chat/completions; R_WATCH=$SERVER_PID
            R_BODY="{\"model\":\"openai/$model\",\"stream\":$stream,\"messages\":[$msg]}" ;;
        portkey)
            R_PORT=$PORTKEY_PORT; R_PATH=/v1/chat/completions; R_WATCH=$PORTKEY_PID
            R_HEADERS=('x-portkey-provider: openai' "x-portkey-custom-host: http://127.0.0.1:$FAKE_PORT/v1"
                       'Authorization: Bearer sk-anything')
            R_BODY="{\"model\":\"$model\",\"stream\":$stream,\"messages\":[$msg]}" ;;
        *) echo "unknown target: $target" >&2; return 1 ;;
    esac
}

# client TARGET STREAM MODEL ARGS...: one run of the load client against a
# target (see route); prints its JSON. STREAM=false reads one JSON answer.
client() {
    local target="$1" stream="$2" model="$3" h
    shift 3
    route "$target" "$stream" "$model" || return 1
    local args=(--port="$R_PORT" --path="$R_PATH" --watch-pid="$R_WATCH" --body="$R_BODY" --label="$target")
    for h in "${R_HEADERS[@]}"; do args+=(--header="$h"); done
    [ "$stream" = true ] || [ "$target" = nash ] || args+=(--expect=json)
    "$CLIENT" "${args[@]}" "$@"
}

# wrk_run TARGET STREAM MODEL SECONDS [CONNECTIONS]: requests/s and latency
# by wrk (keep-alive, 16 connections unless told, 2 threads or one per
# connection), one JSON object.
wrk_run() {
    local target="$1" stream="$2" model="$3" secs="$4" conns="${5:-16}" threads=2 headers=""
    route "$target" "$stream" "$model" || return 1
    [ "$conns" -ge 2 ] || threads=1
    if [ "${#R_HEADERS[@]}" -gt 0 ]; then headers="$(printf '%s\n' "${R_HEADERS[@]}")"; fi
    if [ "$stream" != true ] && [ "$target" != nash ]; then headers+=$'\nAccept: application/json'; fi
    BENCH_BODY="$R_BODY" BENCH_HEADERS="$headers" timeout $((secs + 30)) \
        wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s -s "$BENCH_DIR/post.lua" \
        "http://127.0.0.1:$R_PORT$R_PATH" 2>&1 \
        | sed -n 's/^WRKJSON //p' | head -1
}

# field JSON KEY: a number from the client's JSON; KEY is "name" or
# "object.name" (the client writes flat objects one level deep).
field() {
    local json="$1" key="$2" scope value
    if [[ "$key" == *.* ]]; then
        scope="$(grep -o "\"${key%%.*}\": {[^}]*}" <<<"$json" | head -1)"
        key="${key#*.}"
    else
        scope="$json"
    fi
    value="$(grep -o "\"$key\": [-0-9.a-z]*" <<<"$scope" | head -1 | sed 's/.*: //')"
    echo "${value:-null}"
}

declare -A RESULT   # RESULT[scenario/target] = JSON
SCENARIOS=()

# measure SCENARIO COLUMN TARGET STREAM MODEL ARGS...: one client run,
# recorded as RESULT[SCENARIO/COLUMN] (COLUMN: direct, nash or portkey).
measure() {
    local scenario="$1" column="$2" json
    shift 2
    log "$scenario: $column ($1)"
    # Half a second between runs: the streams a previous run cut (wrk stops
    # mid-stream) end before the next run measures.
    sleep 0.5
    json="$(client "$@")" || json=""
    [ -n "$json" ] || json='{"failed": true}'
    RESULT["$scenario/$column"]="$json"
}

# measure_wrk SCENARIO COLUMN TARGET STREAM MODEL SECONDS [CONNECTIONS]: the
# same by wrk.
measure_wrk() {
    local scenario="$1" column="$2" json
    shift 2
    log "$scenario: $column ($1, wrk)"
    sleep 0.5
    json="$(wrk_run "$@")" || json=""
    [ -n "$json" ] || json='{"failed": true}'
    RESULT["$scenario/$column"]="$json"
}

add_scenario() { SCENARIOS+=("$1"); }

if [ "$QUICK" = 1 ]; then
    BURST_S=1.5; WRK_S=1; PACED1_N=10; PACED32_S=1.5; ECHO_S=1.5; OPEN_SIZES=(200); NONSTREAM_S=1
else
    BURST_S=6; WRK_S=4; PACED1_N=50; PACED32_S=5; ECHO_S=6; OPEN_SIZES=(1000 20000); NONSTREAM_S=4
fi
# A stream through a gateway takes two descriptors there (client and upstream):
# where the machine allows fewer than the largest run needs (a container's
# hard limit), the run is as large as the limit allows, and says so.
if [ "$NOFILE" = unlimited ]; then OPEN_LIMIT=1000000; else OPEN_LIMIT=$(( (NOFILE - 256) / 2 )); fi
for i in "${!OPEN_SIZES[@]}"; do
    if [ "${OPEN_SIZES[$i]}" -gt "$OPEN_LIMIT" ]; then
        log "open streams: ${OPEN_SIZES[$i]} need $(( 2 * ${OPEN_SIZES[$i]} + 256 )) descriptors, the limit is $NOFILE: running $OPEN_LIMIT"
        OPEN_SIZES[$i]=$OPEN_LIMIT
    fi
done
# Not streaming ("stream": false): a 10-token answer, at these concurrencies.
NONSTREAM_MODEL=bench-10x0
NONSTREAM_CS=(1 16 64)
if [ "$USE_WRK" = 1 ]; then NONSTREAM_TOOL=wrk; else NONSTREAM_TOOL=bench_stream_client; fi
T0=$SECONDS

# The latency-sensitive and memory scenarios first, on a quiet machine and
# before the throughput runs grow the processes' heaps (RSS is a peak).
add_scenario paced_c1
for t in "${TARGETS[@]}"; do measure paced_c1 "$t" "$t" true bench-50x2 --concurrency=1 --requests="$PACED1_N" --threads=1; done
# Not streaming, through the OpenAI surface of each target (ours:
# /v1/chat/completions with "stream": false), before the open streams: the
# thousands of threads those leave behind stop over the next minute and would
# show in these latencies.
for c in "${NONSTREAM_CS[@]}"; do
    add_scenario "nonstream_c$c"
    for t in "${TARGETS[@]}"; do
        target="$t"
        if [ "$t" = nash ]; then target=nash-openai; fi
        if [ "$NONSTREAM_TOOL" = wrk ]; then
            measure_wrk "nonstream_c$c" "$t" "$target" false "$NONSTREAM_MODEL" "$NONSTREAM_S" "$c"
        else
            measure "nonstream_c$c" "$t" "$target" false "$NONSTREAM_MODEL" --concurrency="$c" --duration="$NONSTREAM_S"
        fi
    done
done
for n in "${OPEN_SIZES[@]}"; do
    add_scenario "open_$n"
    # The connects are spread over up to 2 s (a listen backlog is finite);
    # every stream lasts 4 s, so all of them are open at once at the peak.
    ramp=$(( n / 5 )); [ "$ramp" -le 2000 ] || ramp=2000
    for t in "${TARGETS[@]}"; do
        measure "open_$n" "$t" "$t" true bench-40x100 --concurrency="$n" --requests="$n" --ramp-ms="$ramp" --timeout=60
    done
done
add_scenario paced_c32
for t in "${TARGETS[@]}"; do measure paced_c32 "$t" "$t" true bench-50x2 --concurrency=32 --duration="$PACED32_S"; done
# The burst through our server twice, one after the other: its original
# dialect (the nash column of "burst") and its OpenAI surface ("burst_openai",
# nash only: direct and Portkey already speak OpenAI, their runs are those of
# "burst").
add_scenario burst
add_scenario burst_openai
for t in "${TARGETS[@]}"; do
    measure burst "$t" "$t" true bench-50x0 --concurrency=16 --duration="$BURST_S"
    [ "$t" != nash ] || measure burst_openai nash nash-openai true bench-50x0 --concurrency=16 --duration="$BURST_S"
done
if [ "$USE_WRK" = 1 ]; then
    add_scenario burst_wrk
    add_scenario burst_openai_wrk
    for t in "${TARGETS[@]}"; do
        measure_wrk burst_wrk "$t" "$t" true bench-50x0 "$WRK_S"
        [ "$t" != nash ] || measure_wrk burst_openai_wrk nash nash-openai true bench-50x0 "$WRK_S"
    done
fi

# The echo backend alone: our server with no upstream, its own ceiling.
add_scenario echo
ECHO_MSG="$(printf 'word%d ' $(seq 1 48))"
log "echo: nash"
RESULT["echo/nash"]="$("$CLIENT" --port="$SERVER_PORT" --path=/v1/chat/completions/stream --watch-pid="$SERVER_PID" \
    --body="{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"$ECHO_MSG\"}]}" \
    --label=nash --concurrency=16 --duration="$ECHO_S")" || RESULT["echo/nash"]='{"failed": true}'
if [ "$USE_WRK" = 1 ]; then
    log "echo_wrk: nash"
    RESULT["echo_wrk/nash"]="$(BENCH_BODY="{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"$ECHO_MSG\"}]}" \
        timeout $((WRK_S + 30)) wrk -t2 -c16 -d"${WRK_S}s" -s "$BENCH_DIR/post.lua" \
        "http://127.0.0.1:$SERVER_PORT/v1/chat/completions/stream" 2>&1 | sed -n 's/^WRKJSON //p' | head -1)"
    add_scenario echo_wrk
fi
ELAPSED=$(( SECONDS - T0 ))

# ------------------------------------------------------------ report

MEM_MB="$(awk '/MemTotal/ {printf "%d", $2/1024}' /proc/meminfo)"
CPU_MODEL="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
MACHINE="$(nproc) CPUs ($CPU_MODEL), $MEM_MB MiB RAM, Linux $(uname -r), nofile $NOFILE"

{
    printf '{"quick": %s, "machine": {"nproc": %s, "cpu": "%s", "mem_mb": %s, "kernel": "%s", "nofile": "%s"},\n' \
        "$([ "$QUICK" = 1 ] && echo true || echo false)" "$(nproc)" "$CPU_MODEL" "$MEM_MB" "$(uname -r)" "$NOFILE"
    printf ' "upstream": "%s", "portkey": "%s", "seconds": %s,\n' "$UPSTREAM" "$PORTKEY_STATE" "$ELAPSED"
    printf ' "nonstream": {"tool": "%s", "model": "%s", "seconds": %s},\n' "$NONSTREAM_TOOL" "$NONSTREAM_MODEL" "$NONSTREAM_S"
    printf ' "scenarios": {\n'
    first=1
    for s in "${SCENARIOS[@]}"; do
        [ "$first" = 1 ] || printf ',\n'
        first=0
        printf '  "%s": {' "$s"
        sep=""
        for t in direct nash portkey; do
            if [ -n "${RESULT["$s/$t"]+x}" ]; then printf '%s\n    "%s": %s' "$sep" "$t" "${RESULT["$s/$t"]}"; sep=","; fi
        done
        printf '}'
    done
    printf '\n}}\n'
} >"$OUT"

# One table row: label, scenario, key, and optionally the scenario of the
# nash column (default: the same); ratios are to the direct column.
fmt() { [ "$1" = null ] && echo "-" || echo "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
row() {
    local label="$1" s="$2" key="$3" ns="${4:-$2}" d n p
    d="$(field "${RESULT["$s/direct"]:-}" "$key")"
    n="$(field "${RESULT["$ns/nash"]:-}" "$key")"
    if [ "$PORTKEY_STATE" = installed ]; then p="$(field "${RESULT["$s/portkey"]:-}" "$key")"; else p=null; fi
    local pcell pratio
    if [ "$PORTKEY_STATE" = installed ]; then pcell="$(fmt "$p")"; pratio="$(ratio "$p" "$d")"
    else pcell="$PORTKEY_STATE"; pratio="-"; fi
    echo "| $label | $(fmt "$d") | $(fmt "$n") | $(ratio "$n" "$d") | $pcell | $pratio |"
}
# Overhead: the gateway's total time minus the direct one, which is the time
# spent waiting on the upstream (same chunks, same delays).
overhead_row() {
    local label="$1" s="$2" key="$3" d n p pcell
    d="$(field "${RESULT["$s/direct"]:-}" "$key")"
    n="$(field "${RESULT["$s/nash"]:-}" "$key")"
    p="$(field "${RESULT["$s/portkey"]:-}" "$key")"
    sub() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null") print "-"; else printf "%+.3f", a - b }'; }
    if [ "$PORTKEY_STATE" = installed ]; then pcell="$(sub "$p" "$d")"; else pcell="$PORTKEY_STATE"; fi
    echo "| $label | 0 | $(sub "$n" "$d") | | $pcell | |"
}
# Our server's OpenAI surface against its original dialect: label, scenario
# of each, key; "OpenAI / original = ratio" in the nash column.
surface_row() {
    local label="$1" so="$2" sd="$3" key="$4" o d
    o="$(field "${RESULT["$so/nash"]:-}" "$key")"
    d="$(field "${RESULT["$sd/nash"]:-}" "$key")"
    echo "| $label | | $(fmt "$o") / $(fmt "$d") = $(ratio "$o" "$d") | | | |"
}
if [ "$NONSTREAM_TOOL" = wrk ]; then NS_TOOL=" (wrk)"; NS_P50=p50_ms; NS_P99=p99_ms
else NS_TOOL=""; NS_P50=total_ms.p50; NS_P99=total_ms.p99; fi

{
    echo "Machine: $MACHINE. Run: $([ "$QUICK" = 1 ] && echo quick || echo full), upstream: $UPSTREAM fake, ${ELAPSED} s of measuring."
    echo
    echo "| Scenario / metric | direct | nash | nash/direct | Portkey | Portkey/direct |"
    echo "|---|---|---|---|---|---|"
    row "burst c16: req/s" burst req_per_s
    row "burst c16: TTFE p50 ms" burst ttfe_ms.p50
    row "burst c16: total p50 ms" burst total_ms.p50
    row "burst c16: total p99 ms" burst total_ms.p99
    row "burst c16: CPU ms/request (watched process)" burst watch.cpu_ms_per_request
    row "burst c16: errors" burst errors
    row "burst c16, OpenAI surface: req/s" burst req_per_s burst_openai
    row "burst c16, OpenAI surface: TTFE p50 ms" burst ttfe_ms.p50 burst_openai
    row "burst c16, OpenAI surface: total p50 ms" burst total_ms.p50 burst_openai
    row "burst c16, OpenAI surface: total p99 ms" burst total_ms.p99 burst_openai
    row "burst c16, OpenAI surface: CPU ms/request (watched process)" burst watch.cpu_ms_per_request burst_openai
    row "burst c16, OpenAI surface: errors" burst errors burst_openai
    surface_row "burst c16: req/s OpenAI surface / original dialect (target: at least 1)" burst_openai burst req_per_s
    if [ "$USE_WRK" = 1 ]; then
        row "burst c16 (wrk): req/s" burst_wrk req_per_s
        row "burst c16 (wrk): p50 ms" burst_wrk p50_ms
        row "burst c16 (wrk): p99 ms" burst_wrk p99_ms
        row "burst c16, OpenAI surface (wrk): req/s" burst_wrk req_per_s burst_openai_wrk
        row "burst c16, OpenAI surface (wrk): p50 ms" burst_wrk p50_ms burst_openai_wrk
        row "burst c16, OpenAI surface (wrk): p99 ms" burst_wrk p99_ms burst_openai_wrk
        row "burst c16, OpenAI surface (wrk): errors" burst_wrk errors burst_openai_wrk
        surface_row "burst c16 (wrk): req/s OpenAI surface / original dialect" burst_openai_wrk burst_wrk req_per_s
    fi
    for c in "${NONSTREAM_CS[@]}"; do
        s="nonstream_c$c"
        t50=""; t99=""
        [ "$c" != 1 ] || t50=" (target: at most 0.1)"
        [ "$c" != 64 ] || t99=" (target: at most 1)"
        row "non-stream c$c$NS_TOOL: req/s" "$s" req_per_s
        row "non-stream c$c$NS_TOOL: p50 ms" "$s" "$NS_P50"
        row "non-stream c$c$NS_TOOL: p99 ms" "$s" "$NS_P99"
        overhead_row "non-stream c$c: added p50 ms$t50" "$s" "$NS_P50"
        overhead_row "non-stream c$c: added p99 ms$t99" "$s" "$NS_P99"
        [ "$NONSTREAM_TOOL" = wrk ] || row "non-stream c$c: CPU ms/request (watched process)" "$s" watch.cpu_ms_per_request
        row "non-stream c$c: errors" "$s" errors
    done
    for s in paced_c1 paced_c32; do
        c="${s#paced_c}"
        row "paced 50x2ms c$c: TTFE p50 ms" "$s" ttfe_ms.p50
        row "paced 50x2ms c$c: TTFE p99 ms" "$s" ttfe_ms.p99
        overhead_row "paced 50x2ms c$c: TTFE added p50 ms" "$s" ttfe_ms.p50
        row "paced 50x2ms c$c: total p50 ms" "$s" total_ms.p50
        row "paced 50x2ms c$c: total p99 ms" "$s" total_ms.p99
        overhead_row "paced 50x2ms c$c: overhead p50 ms" "$s" total_ms.p50
        row "paced 50x2ms c$c: CPU ms/request (watched process)" "$s" watch.cpu_ms_per_request
        row "paced 50x2ms c$c: errors" "$s" errors
    done
    for n in "${OPEN_SIZES[@]}"; do
        s="open_$n"
        row "open $n x (40x100ms): errors" "$s" errors
        row "open $n: peak open streams" "$s" peak_open_streams
        row "open $n: peak RSS KB (watched process)" "$s" watch.rss_kb_peak
        row "open $n: peak threads" "$s" watch.threads_peak
        row "open $n: KB per stream" "$s" watch.kb_per_stream
        row "open $n: TTFE p99 ms" "$s" ttfe_ms.p99
        row "open $n: total p99 ms" "$s" total_ms.p99
    done
    e="${RESULT["echo/nash"]}"
    echo "| echo c16 (no upstream): req/s | n/a | $(fmt "$(field "$e" req_per_s)") | | n/a | |"
    echo "| echo c16: total p50 / p99 ms | n/a | $(fmt "$(field "$e" total_ms.p50)") / $(fmt "$(field "$e" total_ms.p99)") | | n/a | |"
    echo "| echo c16: errors | n/a | $(fmt "$(field "$e" errors)") | | n/a | |"
    if [ "$USE_WRK" = 1 ]; then
        echo "| echo c16 (wrk): req/s | n/a | $(fmt "$(field "${RESULT["echo_wrk/nash"]:-}" req_per_s)") | | n/a | |"
    fi
    echo
    echo "The watched process is the fake upstream for direct, llm_server for nash, node for Portkey."
    echo "nash is our server's original dialect (/v1/chat/completions/stream) in the burst, paced, open and echo rows;"
    echo "its OpenAI surface (/v1/chat/completions) in the \"OpenAI surface\" and non-stream rows ($NONSTREAM_MODEL, \"stream\": false)."
    echo "JSON: $OUT"
} | tee "$WORK/table.md"
