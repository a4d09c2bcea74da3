#!/usr/bin/env bash
# REST Proxy produce benchmark, side by side in one run (release build, local Tansu):
#   1. batched: POST /topics/T with 100 JSON records of ~1 KB each per request (wrk, keep-alive)
#   2. single record per request at full load (wrk, 64 connections), then with fewer connections until
#      the rate is about half of that, for the latency there (wrk is closed-loop: the rate follows the
#      connection count; there is no open-loop rate limiter in Debian's wrk)
#   3. the ceiling: kcat producing the same records from a file
#   4. before the rest: the latency of the first request to a topic the proxy has not produced to yet
#   Records/s, requests/s, p50/p99 latency, the worker's CPU seconds and peak RSS.
# Usage: bench/rest_proxy.sh [SECONDS]     (default 10 per wrk run)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
D=${1:-10}
source bench/prepare.sh
command -v wrk >/dev/null || { echo "wrk is missing: run dev/setup.sh" >&2; exit 1; }
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
until curl -sf "http://127.0.0.1:$proxy/" >/dev/null; do sleep 0.1; done
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
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/vnd.kafka.json.v2+json"
local f = io.open(os.getenv("BODY"), "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.3f %.3f %.3f %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
# run_wrk BODY CONNECTIONS → "requests seconds p50-ms p99-ms errors"
run_wrk() { BODY=$1 wrk -t$(( $2 < 2 ? 1 : 2 )) -c"$2" -d"${D}s" -s "$work/post.lua" "http://127.0.0.1:$proxy/topics/$topic" | awk '/^RESULT/ {print $2, $3, $4, $5, $6}'; }

# The first request to a topic the proxy's producer has not met yet (created just above).
first_ms=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/vnd.kafka.json.v2+json' \
  "http://127.0.0.1:$proxy/topics/$topic" --data-binary "@$work/single.json" | awk '{printf "%.1f", $1 * 1000}')
BODY="$work/single.json" wrk -t1 -c4 -d2s -s "$work/post.lua" "http://127.0.0.1:$proxy/topics/$topic" >/dev/null  # warm up
cpu0=$(cpu_s $pid)
read -r b_req b_s b_p50 b_p99 b_err < <(run_wrk "$work/batch.json" 8)
read -r s_req s_s s_p50 s_p99 s_err < <(run_wrk "$work/single.json" 64)
cpu1=$(cpu_s $pid)
s_rate=$(awk -v r=$s_req -v s=$s_s 'BEGIN {printf "%d", r / s}')
half_line=""; half_total=0
for c in 2 8 16 32; do
  read -r h_req h_s h_p50 h_p99 h_err < <(run_wrk "$work/single.json" $c)
  half_total=$((half_total + h_req))
  h_rate=$(awk -v r=$h_req -v s=$h_s 'BEGIN {printf "%d", r / s}')
  echo "  single, $c connection(s): $h_rate req/s, p50 $h_p50 ms, p99 $h_p99 ms, errors $h_err"
  if [ -z "$half_line" ] && [ "$h_rate" -ge $((s_rate * 9 / 20)) ]; then
    half_line="$h_rate req/s ($c connections, $(awk -v a=$h_rate -v b=$s_rate 'BEGIN {printf "%.2f", a / b}')x of max): p50 $h_p50 ms, p99 $h_p99 ms"
  fi
done
rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$pid/status)
# Every record answered 200 is in the topic: sum the partitions' end offsets.
in_topic=0
for p in 0 1 2; do
  e=$(curl -s "http://127.0.0.1:$proxy/topics/$topic/partitions/$p/offsets" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["end_offset"])')
  in_topic=$((in_topic + e))
done
read -r k_s k_cpu k_mb <<<"$(timed kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic-ceiling" -X linger.ms=5 -l "$work/lines.json")"
k_rate=$(awk -v s=$k_s 'BEGIN {printf "%d", 200000 / s}')
b_rate=$(awk -v r=$b_req -v s=$b_s 'BEGIN {printf "%d", r * 100 / s}')
b_reqs=$(awk -v r=$b_req -v s=$b_s 'BEGIN {printf "%d", r / s}')
echo
echo "REST Proxy produce, ~1 KB JSON records, ${D}s per run, topic with 3 partitions"
printf '  %-44s %s\n' \
  "batched (100 records/request, 8 conns)" "$b_rate records/s, $b_reqs req/s, p50 $b_p50 ms, p99 $b_p99 ms, errors $b_err" \
  "single record (64 conns, max)" "$s_rate req/s, p50 $s_p50 ms, p99 $s_p99 ms, errors $s_err" \
  "single record at about half the max" "$half_line" \
  "first request to a new topic (1 record)" "$first_ms ms" \
  "kcat -P, same records from a file (ceiling)" "$k_rate records/s, CPU $k_cpu s, peak RSS $k_mb MB" \
  "Tributary worker (both wrk runs)" "CPU $(awk -v a=$cpu0 -v b=$cpu1 'BEGIN {printf "%.1f", b - a}') s, peak RSS $rss MB"
echo "  records in the topic: $in_topic (requests answered: batched $b_req x 100, single runs $((s_req + half_total)) + first request + warm-up)"
echo "  batched / kcat: $(awk -v a=$b_rate -v b=$k_rate 'BEGIN {printf "%.2f", a / b}')x"
