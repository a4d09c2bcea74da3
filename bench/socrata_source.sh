#!/usr/bin/env bash
# Socrata source benchmark, side by side in one run (release build, local Tansu):
#   N rows of DataSF's Mobile Food Facility Permit dataset (the fixture's 14 rows repeated, with their
#   system fields) served by the fake SODA server in pages of 50 000 (answers cached, so serving costs the
#   same for every client), turned into Kafka records keyed by :id:
#   1. Tributary's Socrata source (socrata.page.size=50000, JSON values without schema)
#   2. the peer: requests + response.json() + confluent-kafka produce per row (sodapy-style)
#   3. the ceiling: kcat producing the same rows from a file (no HTTP, no JSON parsing)
#   Records/s, MB/s of JSON, CPU seconds and peak RSS of each.
# Usage: bench/socrata_source.sh [N]     (default 200000)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-200000}
source bench/prepare.sh
port=18088; topic=bench-soda-$id
trap 'kill $pid $fake_pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=; fake_pid=
# The fake server, warmed (every page requested once), and the rows as a file for the ceiling.
"$py" - "$N" "$work" <<'PY' &
import json, os, sys, time
sys.path.insert(0, "Tests/e2e")
from fake_socrata import FakeSocrata, fixture_rows
n, work = int(sys.argv[1]), sys.argv[2]
base = fixture_rows("rqzj-sfat.json")
fake = FakeSocrata("rqzj-sfat", [dict(base[i % len(base)], permit=f"P{i}") for i in range(n)], cache=True)
import requests
last, rows_out, size = None, open(f"{work}/rows.json", "w"), 0
while True:
    params = {"$select": ":*,*", "$order": ":updated_at ASC, :id ASC", "$limit": "50000"}
    if last:
        params["$where"] = f"(:updated_at > '{last[0]}' OR (:updated_at = '{last[0]}' AND :id > '{last[1]}'))"
    r = requests.get(f"{fake.url}/resource/rqzj-sfat.json", params=params)
    size += len(r.content)
    rows = r.json()
    for row in rows:
        rows_out.write(row[":id"] + "\t" + json.dumps(row, separators=(",", ":")) + "\n")
    if len(rows) < 50000:
        break
    last = (rows[-1][":updated_at"], rows[-1][":id"])
rows_out.close()
open(f"{work}/fake.url", "w").write(f"{fake.url} {size}\n")
while True:
    time.sleep(60)
PY
fake_pid=$!
wait_until -s 0.2 -p "$fake_pid" -l /dev/null 120 "the fake SODA server" test -s "$work/fake.url"
read -r fake_url bytes <"$work/fake.url"
mb=$(python3 -c "print($bytes / 1e6)")

# 1. Tributary
write_worker_properties "$work/w.properties" "benchsoda-$id" "$port"
"$BIN" worker "$work/w.properties" >"$work/worker.log" 2>&1 & pid=$!
wait_until 60 "the worker's /health" curl -sf -o /dev/null "http://127.0.0.1:$port/health"
last_id=$(tail -1 "$work/rows.json" | cut -f1)
cpu0=$(cpu_s $pid); t0=$(now_ms)
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" -d "{
  \"name\":\"bench-$id\",\"config\":{\"connector.class\":\"SocrataSource\",\"socrata.domain\":\"$fake_url\",
  \"socrata.dataset\":\"rqzj-sfat\",\"topic\":\"$topic\",\"socrata.page.size\":\"50000\",\"poll.interval.ms\":\"600000\",
  \"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\",
  \"value.converter\":\"org.apache.kafka.connect.json.JsonConverter\",\"value.converter.schemas.enable\":\"false\"}}"
# Done when the committed source offset is the last row's (offsets of acknowledged records, every 200 ms).
at_last_row() {
  local o
  o=$(curl -sf "http://127.0.0.1:$port/connectors/bench-$id/offsets") || return 1
  if [ -n "${DEBUG_SOURCE:-}" ]; then echo "$(date +%T.%N | cut -c1-12) $(echo "$o" | grep -o "row-[0-9]*")" >&2; fi
  echo "$o" | grep -q "\"$last_id\""
}
wait_until "$(deadline_s)" "the source offset at the last row" at_last_row
t1=$(now_ms); cpu1=$(cpu_s $pid); peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true; pid=
ours=$(( N * 1000 / (t1 - t0) ))

# 2. Python peer
timed "$py" bench/peers/socrata_to_kafka.py "$fake_url" rqzj-sfat "$KAFKA_BOOTSTRAP" "$topic-py" 50000
py_cpu=$t_cpu py_mb=$t_mb py_rate=$(rate "$N" "$t_s")

# 3. Ceiling: kcat producing the same keyed rows from a file.
timed kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic-kcat" -K '\t' -X linger.ms=5 -l "$work/rows.json"
c_cpu=$t_cpu c_mb=$t_mb c_rate=$(rate "$N" "$t_s")

mbs() { python3 -c "print(f'{$mb * $1 / $N:.1f}')"; }
printf '%-46s %s\n' \
  "Tributary Socrata source ($N rows, $(printf %.0f "$mb") MB JSON)" "$ours records/s ($(mbs $ours) MB/s), CPU $(python3 -c "print(f'{$cpu1-$cpu0:.2f}')") s, peak RSS $((peak / 1024)) MB" \
  "Python requests + confluent-kafka (peer)" "$py_rate records/s ($(mbs $py_rate) MB/s), CPU $py_cpu s, peak RSS $py_mb MB" \
  "kcat -P of the same rows from a file (ceiling)" "$c_rate records/s ($(mbs $c_rate) MB/s), CPU $c_cpu s, peak RSS $c_mb MB" \
  "ratio Tributary / peer" "$(python3 -c "print(f'{$ours/$py_rate:.2f}')")" \
  "ratio Tributary / ceiling" "$(python3 -c "print(f'{$ours/$c_rate:.2f}')")"
