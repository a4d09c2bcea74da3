#!/usr/bin/env bash
# JDBC sink benchmark, side by side in one run (release build, local Tansu + PostgreSQL):
#   N JSON records of about 200 bytes (id, name, amount, created_at, active, quantity) in a topic,
#   upserted by id into a PostgreSQL table that already holds every other key (the even ids, with
#   other values): half the records update a row, half insert one, mixed in every batch. The same for:
#   1. Tributary's JDBC sink (schemaless JSON into the existing table, insert.mode=upsert, batch.size=3000)
#   2. the peer: a Python consumer (confluent-kafka + json.loads + psycopg2 execute_values … ON CONFLICT)
#   3. the ceiling, PostgreSQL's side of the same work: one psql session that COPYs the same rows (CSV)
#      into a temporary table and runs INSERT … SELECT … ON CONFLICT (id) DO UPDATE into the target
#   Each table is checked afterwards: N rows, none left with the pre-loaded values.
#   Records/s, ratios, CPU seconds and peak RSS of each.
# Usage: bench/jdbc_sink.sh [N]     (default 1000000)
# Env: DEBUG_SINK=1 prints the committed count while waiting; KEEP_LOG=file keeps the worker log;
#      PERF_OUT=file records the worker with perf; BENCH_RESULT=file writes the result as JSON.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
source bench/prepare.sh
port=18086; topic=bench-sink-$id
tables="sink_ours_$id sink_py_$id sink_copy_$id"
trap 'kill $pid 2>/dev/null || true; for t in $tables; do psql "$PG_URL" -qc "DROP TABLE IF EXISTS $t" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
pid=

for t in $tables; do
  psql "$PG_URL" -q -v ON_ERROR_STOP=1 <<SQL
CREATE UNLOGGED TABLE $t (id bigint PRIMARY KEY, name text, amount numeric(12,2), created_at bigint,
  active boolean, quantity int);
INSERT INTO $t SELECT g, 'old', 0, 0, false, 0 FROM generate_series(0, $N - 1, 2) g;
VACUUM ANALYZE $t;
SQL
done
# Every record upserted: N rows, none with the pre-loaded values.
check_table() {
  local got
  got=$(psql "$PG_URL" -tAc "SELECT count(*) || ' ' || count(*) FILTER (WHERE name = 'old') FROM $1")
  [ "$got" = "$N 0" ] || bench_fail "$2 left $1 with (rows, rows not updated) = ($got), expected ($N, 0)" /dev/null
}
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
bounded kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic" -X linger.ms=5 -l "$work/records.json"

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
finish_sink_worker "$port" "bench-$id"
check_table "sink_ours_$id" Tributary

# 2. Python peer
timed env SESSION_MS=$SINK_SESSION_MS HEARTBEAT_MS=$SINK_HEARTBEAT_MS "$py" bench/peers/kafka_to_pg_upsert.py "$KAFKA_BOOTSTRAP" "$topic" "$PG_URL" "sink_py_$id" "$N"
py_cpu=$t_cpu py_mb=$t_mb py_rate=$(rate "$N" "$t_s")
check_table "sink_py_$id" "the peer"

# 3. Ceiling: PostgreSQL's side of the upsert, in one session.
cat >"$work/ceiling.sql" <<SQL
\\set ON_ERROR_STOP 1
CREATE TEMP TABLE stage (LIKE sink_copy_$id);
\\copy stage FROM '$work/rows.csv' CSV
INSERT INTO sink_copy_$id (id, name, amount, created_at, active, quantity)
  SELECT id, name, amount, created_at, active, quantity FROM stage
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, amount = EXCLUDED.amount,
    created_at = EXCLUDED.created_at, active = EXCLUDED.active, quantity = EXCLUDED.quantity;
SQL
timed psql "$PG_URL" -q -f "$work/ceiling.sql"
c_cpu=$t_cpu c_mb=$t_mb c_rate=$(rate "$N" "$t_s")
check_table "sink_copy_$id" "the ceiling"

printf '%-46s %s\n' \
  "Tributary JDBC sink, upsert ($N records)" "$ours records/s, CPU $cpu s ($(us_per "$cpu" "$N") µs/record), peak RSS $peak MB" \
  "Python confluent-kafka + psycopg2 (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "psql COPY to temp + INSERT … ON CONFLICT (ceiling)" "$c_rate records/s, CPU $c_cpu s (psql), peak RSS $c_mb MB" \
  "ratio Tributary / peer" "$(ratio "$ours" "$py_rate")" \
  "ratio Tributary / ceiling" "$(ratio "$ours" "$c_rate")"
emit_result bench jdbc_sink n "$N" \
  ours.records_per_s "$ours" ours.cpu_s "$cpu" ours.cpu_us_per_record "$(us_per "$cpu" "$N")" ours.peak_rss_mb "$peak" \
  peer.name "Python confluent-kafka + psycopg2 execute_values" peer.records_per_s "$py_rate" peer.cpu_s "$py_cpu" peer.peak_rss_mb "$py_mb" \
  ceiling.name "psql COPY into a temp table + INSERT ... ON CONFLICT DO UPDATE" ceiling.records_per_s "$c_rate" ceiling.cpu_s "$c_cpu" ceiling.peak_rss_mb "$c_mb" \
  ratio_peer "$(ratio "$ours" "$py_rate")" ratio_ceiling "$(ratio "$ours" "$c_rate")"
