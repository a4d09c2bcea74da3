#!/usr/bin/env bash
# Worker benchmarks, side by side in one run (release build, local Tansu broker):
#   1. process start → GET / answers 200 (ms), → internal topics read ("ready in"), → /health healthy
#   2. idle RSS with 0 and with 10 connectors (FileStreamSource on idle files), Schema Registry and REST
#      Proxy off; then idle RSS of a second worker with all three services on (0 connectors)
#   3. DataGen source → Kafka (N records of ~200 B JSON) next to the Python peer and kcat producing the
#      same N lines (the ceiling): records/s, ratios, worker CPU seconds and µs per record, peak RSS
# Usage: bench/worker.sh [N]    (services from dev/services.sh must be running; the script starts them if not)
# Env: BENCH_RESULT=file writes the result as JSON (bench/run-all.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
source bench/prepare.sh
port=18083
write_worker_properties "$work/w.properties" "bench-$id" "$port"
# Resident memory in MB, one decimal.
rss_mb() { awk '/VmRSS/{printf "%.1f", $2 / 1024}' /proc/$1/status; }
pid=; pid_all=
trap 'kill $pid $pid_all 2>/dev/null || true; rm -rf "$work"' EXIT

s0=$(now_ms)
"$BIN" worker "$work/w.properties" >"$work/worker.log" 2>&1 & pid=$!
wait_until -s 0.005 30 "GET / 200" curl -sf -o /dev/null http://127.0.0.1:$port/; t1=$(now_ms)
wait_until -s 0.01 60 "/health healthy" curl -sf -o /dev/null http://127.0.0.1:$port/health; t2=$(now_ms)
sleep 2; idle0=$(rss_mb $pid)

# The default a user gets: Connect, Schema Registry and REST Proxy in one worker (0 connectors).
write_worker_properties "$work/all.properties" "bench-all-$id" 18093
sed -i 's|^schema.registry.listeners=.*|schema.registry.listeners=http://127.0.0.1:18091|; s|^rest.proxy.listeners=.*|rest.proxy.listeners=http://127.0.0.1:18092|' \
  "$work/all.properties"
printf 'kafkastore.topic=_schemas-bench-%s\nkafkastore.topic.replication.factor=1\n' "$id" >>"$work/all.properties"
"$BIN" worker "$work/all.properties" >"$work/worker-all.log" 2>&1 & pid_all=$!
wait_until -p $pid_all -l "$work/worker-all.log" 60 "/health of the worker with all services" \
  curl -sf -o /dev/null http://127.0.0.1:18093/health
wait_until -p $pid_all -l "$work/worker-all.log" 30 "the Schema Registry" curl -sf -o /dev/null http://127.0.0.1:18091/subjects
wait_until -p $pid_all -l "$work/worker-all.log" 30 "the REST Proxy" curl -sf -o /dev/null http://127.0.0.1:18092/
sleep 2; idle_all=$(rss_mb $pid_all)
kill $pid_all; wait $pid_all 2>/dev/null || true; pid_all=

for i in $(seq 1 10); do
  touch "$work/idle-$i.txt"
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' http://127.0.0.1:$port/connectors \
    -d "{\"name\":\"idle-$i\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"$work/idle-$i.txt\",\"topic\":\"bench-idle-$id\"}}"
done
running() { [ "$(curl -sf "http://127.0.0.1:$port/connectors?expand=status" | grep -o '"state":"RUNNING"' | wc -l)" -ge 20 ]; }
wait_until -s 0.1 60 "10 connectors RUNNING" running
sleep 2; idle10=$(rss_mb $pid)

# DataGen → Kafka
topic=bench-datagen-$id
cpu0=$(cpu_s $pid); t0=$(now_ms)
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' http://127.0.0.1:$port/connectors \
  -d "{\"name\":\"gen\",\"config\":{\"connector.class\":\"DataGen\",\"kafka.topic\":\"$topic\",\"max.records\":\"$N\",\"record.bytes\":\"200\"}}"
# Done when the committed offset says every record was acknowledged.
all_acked() { curl -sf http://127.0.0.1:$port/connectors/gen/offsets | grep -q "\"seq\":$N"; }
wait_until "$(deadline_s)" "DataGen's offset at $N" all_acked
# The worker's own count: internal topics read, connectors.json applied (none here).
ready=$(grep -ao 'ready in [0-9]* ms' "$work/worker.log" | grep -o '[0-9]*' || true)
stop_worker

# Ceiling: kcat producing the same number of ~200-byte JSON lines.
python3 - "$N" >"$work/lines.json" <<'PY'
import json, sys
pad = "x" * 70
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": i, "name": f"record-{i}", "amount": i % 100000 / 100, "created_at": 1700000000000,
                      "active": i % 2 == 0, "quantity": i % 1000, "payload": pad}, separators=(",", ":")))
PY
timed kcat -b "$KAFKA_BOOTSTRAP" -P -t "bench-kcat-$id" -X linger.ms=5 -l "$work/lines.json"
kcat_s=$t_s kcat_cpu=$t_cpu kcat_mb=$t_mb kcat_rate=$(rate "$N" "$t_s")

# Peer: a Python confluent-kafka script producing the same records.
timed "$py" bench/peers/datagen_producer.py "$KAFKA_BOOTSTRAP" "bench-py-$id" "$N"
py_s=$t_s py_cpu=$t_cpu py_mb=$t_mb py_rate=$(rate "$N" "$t_s")

printf '%-44s %s\n' "start → GET / 200" "$((t1 - s0)) ms" "start → state read (\"ready in\")" "$ready ms" \
  "start → /health healthy" "$((t2 - s0)) ms" \
  "idle RSS, 0 connectors" "$idle0 MB" "idle RSS, 10 connectors" "$idle10 MB" \
  "idle RSS, registry + proxy on, 0 connectors" "$idle_all MB" \
  "DataGen → Kafka ($N × ~200 B)" "$ours records/s, CPU $cpu s ($(us_per "$cpu" "$N") µs/record), peak RSS $peak MB" \
  "Python confluent-kafka, same records (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "kcat -P, same records (ceiling)" "$kcat_rate records/s, CPU $kcat_cpu s, peak RSS $kcat_mb MB" \
  "ratio Tributary / Python peer" "$(ratio "$ours" "$py_rate")" \
  "ratio Tributary / kcat" "$(ratio "$ours" "$kcat_rate")"
emit_result bench datagen n "$N" \
  ours.records_per_s "$ours" ours.cpu_s "$cpu" ours.cpu_us_per_record "$(us_per "$cpu" "$N")" ours.peak_rss_mb "$peak" \
  peer.name "Python confluent-kafka" peer.records_per_s "$py_rate" peer.cpu_s "$py_cpu" peer.peak_rss_mb "$py_mb" \
  ceiling.name "kcat -P" ceiling.records_per_s "$kcat_rate" ceiling.cpu_s "$kcat_cpu" ceiling.peak_rss_mb "$kcat_mb" \
  ratio_peer "$(ratio "$ours" "$py_rate")" ratio_ceiling "$(ratio "$ours" "$kcat_rate")" \
  worker.get_root_ms "$((t1 - s0))" worker.ready_ms "$ready" worker.health_ms "$((t2 - s0))" \
  worker.idle_rss_mb_off "$idle0" worker.idle_rss_mb_10_connectors "$idle10" \
  worker.idle_rss_mb_all_on "$idle_all"
