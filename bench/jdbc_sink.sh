#!/usr/bin/env bash
# JDBC sink benchmark, side by side in one run (release build, local Tansu + PostgreSQL):
#   N JSON records of about 200 bytes (id, name, amount, created_at, active, quantity) in a topic,
#   upserted by id into a PostgreSQL table:
#   1. Tributary's JDBC sink (schemaless JSON into the existing table, insert.mode=upsert, batch.size=3000)
#   2. the peer: a Python consumer (confluent-kafka + json.loads + psycopg2 execute_values … ON CONFLICT)
#   3. the ceiling: the same rows loaded into an empty table with psql \copy (CSV)
#   Records/s, ratios, CPU seconds and peak RSS of each.
# Usage: bench/jdbc_sink.sh [N]     (default 1000000)
# Env: DEBUG_SINK=1 prints the committed count while waiting; KEEP_LOG=file keeps the worker log;
#      PERF_OUT=file records the worker with perf.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
source bench/prepare.sh
port=18086; topic=bench-sink-$id
tables="sink_ours_$id sink_py_$id sink_copy_$id"
trap 'kill $pid 2>/dev/null || true; for t in $tables; do psql "$PG_URL" -qc "DROP TABLE IF EXISTS $t" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
pid=

for t in $tables; do
  psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "CREATE UNLOGGED TABLE $t (id bigint PRIMARY KEY, name text, amount numeric(12,2),
    created_at bigint, active boolean, quantity int)"
done
# The records, and the same rows as CSV for the ceiling.
"$py" - "$N" "$work/records.json" "$work/rows.csv" <<'PY'
import json, sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as j, open(sys.argv[3], "w") as c:
    for i in range(n):
        r = {"id": i, "name": ("%032x" % (i * 2654435761 % (1 << 128))) * 3 + f" row {i}",
             "amount": round(i % 100000 / 100, 2), "created_at": 1700000000000 + i, "active": i % 2 == 0,
             "quantity": i % 1000}
        j.write(json.dumps(r, separators=(",", ":")) + "\n")
        c.write(f'{r["id"]},{r["name"]},{r["amount"]},{r["created_at"]},{"t" if r["active"] else "f"},{r["quantity"]}\n')
PY
kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic" -X linger.ms=5 -l "$work/records.json"

# 1. Tributary
# Both consumers use the same short session (SINK_SESSION_MS, bench/lib.sh: Tansu's first-join delay).
start_sink_worker "benchsink-$id" "$port"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" -d "{
  \"name\":\"bench-$id\",\"config\":{\"connector.class\":\"io.confluent.connect.jdbc.JdbcSinkConnector\",
  \"topics\":\"$topic\",\"connection.url\":\"$PG_JDBC_URL\",\"connection.user\":\"$PG_USER\",
  \"connection.password\":\"$PG_PASSWORD\",\"table.name.format\":\"sink_ours_$id\",
  \"insert.mode\":\"upsert\",\"pk.mode\":\"record_value\",\"pk.fields\":\"id\",\"batch.size\":\"3000\",
  \"value.converter\":\"org.apache.kafka.connect.json.JsonConverter\",\"value.converter.schemas.enable\":\"false\"}}"
# Done when the committed consumer offsets add up to N (the worker commits after each put, every 200 ms).
committed() { committed_offsets "$port" "bench-$id"; }
until c=$(committed); [ -n "${DEBUG_SINK:-}" ] && echo "$(date +%T.%N | cut -c1-12) $c" >&2; [ "$c" -ge "$N" ]; do sleep 0.1; done
t1=$(now_ms); cpu1=$(cpu_s $pid); peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true; pid=
[ -n "${KEEP_LOG:-}" ] && cp "$work/worker.log" "$KEEP_LOG"
ours=$(( N * 1000 / (t1 - t0) ))
rows=$(psql "$PG_URL" -tAc "SELECT count(*) FROM sink_ours_$id")
[ "$rows" = "$N" ] || { echo "Tributary wrote $rows rows, expected $N" >&2; exit 1; }

# 2. Python peer
read -r py_s py_cpu py_mb <<<"$(timed env SESSION_MS=$SINK_SESSION_MS HEARTBEAT_MS=$SINK_HEARTBEAT_MS "$py" bench/peers/kafka_to_pg_upsert.py "$KAFKA_BOOTSTRAP" "$topic" "$PG_URL" "sink_py_$id" "$N")"
py_rate=$(python3 -c "print(int($N / $py_s))")

# 3. Ceiling: COPY of the same rows
read -r c_s c_cpu c_mb <<<"$(timed psql "$PG_URL" -qc "\\copy sink_copy_$id FROM '$work/rows.csv' CSV")"
c_rate=$(python3 -c "print(int($N / $c_s))")

printf '%-46s %s\n' \
  "Tributary JDBC sink, upsert ($N records)" "$ours records/s, CPU $(python3 -c "print(f'{$cpu1-$cpu0:.2f}')") s, peak RSS $((peak / 1024)) MB" \
  "Python confluent-kafka + psycopg2 (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "psql COPY of the same rows (ceiling)" "$c_rate records/s, CPU $c_cpu s (psql), peak RSS $c_mb MB" \
  "ratio Tributary / peer" "$(python3 -c "print(f'{$ours/$py_rate:.2f}')")" \
  "ratio Tributary / ceiling" "$(python3 -c "print(f'{$ours/$c_rate:.2f}')")"
