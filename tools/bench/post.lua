-- wrk script of the benchmark: POSTs the JSON body in $BENCH_BODY with the
-- extra headers in $BENCH_HEADERS (one "Name: value" a line), and prints one
-- machine-readable line at the end (wrk's own summary has no JSON form).
-- A line of $BENCH_HEADERS replaces a default header of the same name, e.g.
-- "Accept: application/json" for a request with "stream": false.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "text/event-stream"
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "req_per_s": %.1f, "socket_errors": %d, "non_2xx": %d, "errors": %d, "p50_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, seconds, summary.requests / seconds,
    e.connect + e.read + e.write + e.timeout, e.status,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
