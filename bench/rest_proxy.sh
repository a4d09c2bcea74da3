#!/usr/bin/env bash
# REST Proxy produce benchmark, side by side in one run (release build, local Tansu):
#   1. the no-op route of the same HTTP server: GET / on the proxy's port (answers {} without touching
#      Kafka), at full load (wrk, 64 connections): what the HTTP stack alone can do
#   2. batched: POST /topics/T with 100 JSON records of ~1 KB each per request (wrk, 8 connections)
#   3. single record per request at full load (64 connections), then paced at half that rate (32
#      connections, each thread of wrk sending on a fixed schedule) for the latency there
#   4. the ceiling of the batched produce: kcat producing the same records from a file
#   5. before the rest: the latency of the first request to a topic the proxy has not produced to yet
#   Records/s, requests/s, p50/p99 latency, the worker's CPU per request and peak RSS.
# Usage: bench/rest_proxy.sh [SECONDS]     (default 10 per wrk run)
# Env: BENCH_RESULT=file writes the result as JSON (bench/run-all.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
D=${1:-10}
source bench/prepare.sh
port=18098; proxy=18099; sr=18097; topic=bench-rp-$id
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
write_worker_properties "$work/worker.properties" "bench-rp-$id" $port
sed -i '/^schema.registry.listeners=/d; /^rest.proxy.listeners=/d' "$work/worker.properties"
cat >>"$work/worker.properties" <<P
rest.proxy.listeners=http://127.0.0.1:$proxy
schema.registry.listeners=http://127.0.0.1:$sr
kafkastore.topic=_schemas-bench-$id
kafkastore.topic.replication.factor=1
P
"$BIN" worker "$work/worker.properties" >"$work/worker.log" 2>&1 &
pid=$!
wait_until -s 0.1 60 "the REST Proxy" curl -sf -o /dev/null "http://127.0.0.1:$proxy/"
cid=$(curl -s "http://127.0.0.1:$proxy/v3/clusters" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["cluster_id"])')
for t in "$topic" "$topic-ceiling"; do
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$proxy/v3/clusters/$cid/topics" \
    -d "{\"topic_name\":\"$t\",\"partitions_count\":3,\"replication_factor\":1}"
done

# Bodies: 100 records and 1 record of a ~1 KB JSON reading; the same values as lines for kcat.
"$py" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def value(i):
    return {"station_id": i, "name": f"station-{i}", "status": "ok", "readings": [round(i * 0.37 + k, 3) for k in range(180)]}
one = json.dumps(value(0), separators=(",", ":"))
assert 900 < len(one) < 1200, len(one)
open(f"{work}/batch.json", "w").write(json.dumps({"records": [{"value": value(i)} for i in range(100)]}))
open(f"{work}/single.json", "w").write(json.dumps({"records": [{"value": value(7)}]}))
with open(f"{work}/lines.json", "w") as f:
    for i in range(200000):
        f.write(json.dumps(value(i % 100), separators=(",", ":")) + "\n")
PY
cat >"$work/bench.lua" <<'LUA'
-- BODY=file: POST it as a v2 JSON produce; without, GET. RATE=r (requests/s over THREADS threads) paces
-- the requests: each thread hands out send times at its share of the rate, and a request whose time has
-- passed goes at once (no catch-up burst). wrk's latency is from a request's send to its answer.
local body = os.getenv("BODY")
if body and body ~= "" then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/vnd.kafka.json.v2+json"
  local f = io.open(body, "r"); wrk.body = f:read("*a"); f:close()
end
local rate, threads = tonumber(os.getenv("RATE") or "0"), tonumber(os.getenv("THREADS") or "1")
if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[ typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
              int clock_gettime(int, bench_timespec *); ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end
  local interval, next_at = 1000 * threads / rate, nil
  delay = function()
    local t = now_ms()
    if next_at == nil or next_at < t then next_at = t end
    local d = next_at - t
    next_at = next_at + interval
    return d
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %.3f %.3f %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
LUA
# One wrk run of D seconds; sets w_req w_s w_p50 w_p99 w_err, w_rate (requests/s) and w_cpu (the
# worker's CPU s meanwhile).
#   run_wrk PATH BODY CONNECTIONS [RATE]
run_wrk() {
  local threads=$(( $3 < 2 ? 1 : 2 )) c0 out
  c0=$(cpu_s $pid)
  out=$(BODY=$2 RATE=${4:-0} THREADS=$threads timeout $((D + 30)) wrk -t$threads -c"$3" -d"${D}s" -s "$work/bench.lua" \
    "http://127.0.0.1:$proxy$1") || bench_fail "wrk on $1 failed"
  read -r w_req w_s w_p50 w_p99 w_err < <(echo "$out" | awk '/^RESULT/ {print $2, $3, $4, $5, $6}')
  w_rate=$(rate "$w_req" "$w_s"); w_cpu=$(minus "$(cpu_s $pid)" "$c0")
  alive $pid || bench_fail "the worker exited during wrk on $1"
}

# The first request to a topic the proxy's producer has not met yet (created just above).
first_ms=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/vnd.kafka.json.v2+json' \
  "http://127.0.0.1:$proxy/topics/$topic" --data-binary "@$work/single.json" | awk '{printf "%.1f", $1 * 1000}')
BODY="$work/single.json" timeout 60 wrk -t1 -c4 -d2s -s "$work/bench.lua" "http://127.0.0.1:$proxy/topics/$topic" >/dev/null  # warm up
timeout 60 wrk -t1 -c4 -d2s -s "$work/bench.lua" "http://127.0.0.1:$proxy/" >/dev/null

run_wrk / "" 64
n_rate=$w_rate n_p50=$w_p50 n_p99=$w_p99 n_err=$w_err n_us=$(us_per "$w_cpu" "$w_req")
run_wrk "/topics/$topic" "$work/batch.json" 8
b_req=$w_req b_reqs=$w_rate b_rate=$(rate $((w_req * 100)) "$w_s") b_p50=$w_p50 b_p99=$w_p99 b_err=$w_err \
  b_us=$(us_per "$w_cpu" $((w_req * 100)))
run_wrk "/topics/$topic" "$work/single.json" 64
s_req=$w_req s_rate=$w_rate s_p50=$w_p50 s_p99=$w_p99 s_err=$w_err s_us=$(us_per "$w_cpu" "$w_req")
h_target=$((s_rate / 2))
run_wrk "/topics/$topic" "$work/single.json" 32 "$h_target"
h_req=$w_req h_rate=$w_rate h_p50=$w_p50 h_p99=$w_p99 h_err=$w_err
rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$pid/status)
# Every record answered 200 is in the topic: sum the partitions' end offsets.
in_topic=0
for p in 0 1 2; do
  e=$(curl -s "http://127.0.0.1:$proxy/topics/$topic/partitions/$p/offsets" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["end_offset"])')
  in_topic=$((in_topic + e))
done
timed kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic-ceiling" -X linger.ms=5 -l "$work/lines.json"
k_cpu=$t_cpu k_mb=$t_mb k_rate=$(rate 200000 "$t_s")
echo
echo "REST Proxy produce, ~1 KB JSON records, ${D}s per run, topic with 3 partitions"
printf '  %-44s %s\n' \
  "no-op route GET / (64 conns)" "$n_rate req/s, p50 $n_p50 ms, p99 $n_p99 ms, errors $n_err, worker CPU $n_us µs/request" \
  "batched (100 records/request, 8 conns)" "$b_rate records/s, $b_reqs req/s, p50 $b_p50 ms, p99 $b_p99 ms, errors $b_err, worker CPU $b_us µs/record" \
  "single record (64 conns, max)" "$s_rate req/s, p50 $s_p50 ms, p99 $s_p99 ms, errors $s_err, worker CPU $s_us µs/request" \
  "single record paced at half the max (32 conns)" "$h_rate req/s (asked $h_target), p50 $h_p50 ms, p99 $h_p99 ms, errors $h_err" \
  "first request to a new topic (1 record)" "$first_ms ms" \
  "kcat -P, same records from a file (ceiling)" "$k_rate records/s, CPU $k_cpu s, peak RSS $k_mb MB" \
  "Tributary worker" "peak RSS $rss MB"
echo "  records in the topic: $in_topic (requests answered: batched $b_req x 100, single $((s_req + h_req)) + first request + warm-up)"
echo "  single / no-op route: $(ratio "$s_rate" "$n_rate")x; batched / kcat: $(ratio "$b_rate" "$k_rate")x"
emit_result bench rest_proxy seconds "$D" peak_rss_mb "$rss" first_request_ms "$first_ms" records_in_topic "$in_topic" \
  noop.route "GET /" noop.requests_per_s "$n_rate" noop.p50_ms "$n_p50" noop.p99_ms "$n_p99" noop.errors "$n_err" \
  noop.cpu_us_per_request "$n_us" \
  batched.records_per_s "$b_rate" batched.requests_per_s "$b_reqs" batched.p50_ms "$b_p50" batched.p99_ms "$b_p99" \
  batched.errors "$b_err" batched.cpu_us_per_record "$b_us" \
  single.requests_per_s "$s_rate" single.p50_ms "$s_p50" single.p99_ms "$s_p99" single.errors "$s_err" \
  single.cpu_us_per_request "$s_us" \
  single_half.target_per_s "$h_target" single_half.requests_per_s "$h_rate" single_half.p50_ms "$h_p50" \
  single_half.p99_ms "$h_p99" single_half.errors "$h_err" \
  ceiling.name "kcat -P" ceiling.records_per_s "$k_rate" ceiling.cpu_s "$k_cpu" ceiling.peak_rss_mb "$k_mb" \
  ratio_single_noop "$(ratio "$s_rate" "$n_rate")" ratio_batched_ceiling "$(ratio "$b_rate" "$k_rate")"
