#!/usr/bin/env bash
# Worker benchmarks, side by side in one run (release build, local Tansu broker):
#   1. process start → GET / answers 200 (ms), → internal topics read ("ready in"), → /health healthy
#   2. idle RSS with 0 and with 10 connectors (FileStreamSource on idle files)
#   3. DataGen source → Kafka (N records of ~200 B JSON) vs kcat producing the same N lines (the ceiling):
#      records/s, ratio, worker CPU seconds, peak RSS
# Usage: bench/worker.sh [N]    (services from dev/services.sh must be running; the script starts them if not)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
source bench/prepare.sh
port=18083
write_worker_properties "$work/w.properties" "bench-$id" "$port"
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
hwm_kb() { awk '/VmHWM/{print $2}' /proc/$1/status; }

t0=$(now_ms)
"$BIN" worker "$work/w.properties" >"$work/worker.log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf -o /dev/null http://127.0.0.1:$port/; do sleep 0.005; done; t1=$(now_ms)
until curl -sf -o /dev/null http://127.0.0.1:$port/health; do sleep 0.01; done; t2=$(now_ms)
sleep 2; idle0=$(rss_kb $pid)
for i in $(seq 1 10); do
  touch "$work/idle-$i.txt"
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' http://127.0.0.1:$port/connectors \
    -d "{\"name\":\"idle-$i\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"$work/idle-$i.txt\",\"topic\":\"bench-idle-$id\"}}"
done
until [ "$(curl -sf "http://127.0.0.1:$port/connectors?expand=status" | grep -o '"state":"RUNNING"' | wc -l)" -ge 20 ]; do sleep 0.1; done
sleep 2; idle10=$(rss_kb $pid)

# DataGen → Kafka
topic=bench-datagen-$id
cpu0=$(cpu_s $pid); d0=$(now_ms)
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' http://127.0.0.1:$port/connectors \
  -d "{\"name\":\"gen\",\"config\":{\"connector.class\":\"DataGen\",\"kafka.topic\":\"$topic\",\"max.records\":\"$N\",\"record.bytes\":\"200\"}}"
# Done when the committed offset says every record was acknowledged.
until curl -sf http://127.0.0.1:$port/connectors/gen/offsets | grep -q "\"seq\":$N"; do sleep 0.05; done
d1=$(now_ms); cpu1=$(cpu_s $pid); peak=$(hwm_kb $pid)
ours=$(( N * 1000 / (d1 - d0) ))

# Ceiling: kcat producing the same number of ~200-byte JSON lines.
python3 - "$N" >"$work/lines.json" <<'PY'
import json, sys
pad = "x" * 70
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": i, "name": f"record-{i}", "amount": i % 100000 / 100, "created_at": 1700000000000,
                      "active": i % 2 == 0, "quantity": i % 1000, "payload": pad}, separators=(",", ":")))
PY
read -r kcat_s kcat_cpu kcat_mb <<<"$(timed kcat -b "$KAFKA_BOOTSTRAP" -P -t "bench-kcat-$id" -X linger.ms=5 -l "$work/lines.json")"
kcat_rate=$(python3 -c "print(int($N / $kcat_s))")

# Peer: a Python confluent-kafka script producing the same records.
read -r py_s py_cpu py_mb <<<"$(timed "$py" bench/peers/datagen_producer.py "$KAFKA_BOOTSTRAP" "bench-py-$id" "$N")"
py_rate=$(python3 -c "print(int($N / $py_s))")

# The worker's own count: internal topics read, connectors.json applied (none here).
ready=$(grep -ao 'ready in [0-9]* ms' "$work/worker.log" | grep -o '[0-9]*')
printf '%-44s %s\n' "start → GET / 200" "$((t1 - t0)) ms" "start → state read (\"ready in\")" "$ready ms" \
  "start → /health healthy" "$((t2 - t0)) ms" \
  "idle RSS, 0 connectors" "$((idle0 / 1024)) MB" "idle RSS, 10 connectors" "$((idle10 / 1024)) MB" \
  "DataGen → Kafka ($N × ~200 B)" "$ours records/s, CPU $(python3 -c "print(f'{$cpu1-$cpu0:.2f}')") s, peak RSS $((peak / 1024)) MB" \
  "Python confluent-kafka, same records (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "kcat -P, same records (ceiling)" "$kcat_rate records/s, CPU $kcat_cpu s, peak RSS $kcat_mb MB" \
  "ratio Tributary / Python peer" "$(python3 -c "print(f'{$ours/$py_rate:.2f}')")" \
  "ratio Tributary / kcat" "$(python3 -c "print(f'{$ours/$kcat_rate:.2f}')")"
