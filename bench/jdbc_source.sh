#!/usr/bin/env bash
# JDBC source benchmark, side by side in one run (release build, local Tansu + PostgreSQL):
#   N rows of about 200 bytes (bigint id, text, numeric(12,2), timestamptz, bool, int) → Kafka as JSON
#   (JsonConverter, schemas.enable=false):
#   1. Tributary's JDBC source (incrementing mode, batch.max.rows=10000, numeric.mapping=best_fit)
#   2. the peer: a Python script (psycopg2 server-side cursor + json.dumps + confluent-kafka)
#   3. the ceiling: psql \copy (select row_to_json(t) …) to stdout | kcat -P
#   Records/s, ratios, CPU seconds and peak RSS of each.
# Usage: bench/jdbc_source.sh [N]     (default 1000000)
# Env: PERF_OUT=file records the worker with perf.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
source bench/prepare.sh
port=18084; table=bench_rows_$id
trap 'kill $pid 2>/dev/null || true; psql "$PG_URL" -qc "DROP TABLE IF EXISTS $table" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
pid=

psql "$PG_URL" -q -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE $table AS SELECT g::bigint AS id, repeat(md5(g::text), 3) || ' row ' || g AS name,
  (g % 1000000 / 100.0)::numeric(12,2) AS amount, now() - g * interval '1 second' AS created_at,
  g % 2 = 0 AS active, (g % 1000)::int AS quantity FROM generate_series(1, $N) g;
ALTER TABLE $table ADD PRIMARY KEY (id);
VACUUM ANALYZE $table;
SQL


# 1. Tributary
write_worker_properties "$work/w.properties" "benchjdbc-$id" "$port"
"$BIN" worker "$work/w.properties" >"$work/worker.log" 2>&1 & pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.05; done
cpu0=$(cpu_s $pid); t0=$(now_ms)
[ -n "${PERF_OUT:-}" ] && { perf record -F 499 -g -p $pid -o "$PERF_OUT" >/dev/null 2>&1 & }
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" -d "{
  \"name\":\"bench\",\"config\":{\"connector.class\":\"io.confluent.connect.jdbc.JdbcSourceConnector\",
  \"connection.url\":\"$PG_JDBC_URL\",\"connection.user\":\"$PG_USER\",\"connection.password\":\"$PG_PASSWORD\",
  \"mode\":\"incrementing\",\"incrementing.column.name\":\"id\",\"table.whitelist\":\"$table\",
  \"batch.max.rows\":\"10000\",\"numeric.mapping\":\"best_fit\",\"topic.prefix\":\"benchjdbc-$id-\"}}"
until curl -sf "http://127.0.0.1:$port/connectors/bench/offsets" | grep -q "\"incrementing\":$N"; do sleep 0.05; done
t1=$(now_ms); cpu1=$(cpu_s $pid); peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true; pid=
ours=$(( N * 1000 / (t1 - t0) ))

# 2. Python peer
read -r py_s py_cpu py_mb <<<"$(timed "$py" bench/peers/jdbc_to_kafka.py "$PG_URL" "$table" "$KAFKA_BOOTSTRAP" "benchjdbc-py-$id")"
py_rate=$(python3 -c "print(int($N / $py_s))")

# 3. Ceiling: psql COPY of row_to_json piped into kcat
cat >"$work/ceiling.sh" <<C
psql "$PG_URL" -qc "\\copy (SELECT row_to_json(t) FROM $table t) TO STDOUT" | kcat -P -b "$KAFKA_BOOTSTRAP" -t "benchjdbc-ceiling-$id" -X linger.ms=5
C
read -r c_s c_cpu c_mb <<<"$(timed bash "$work/ceiling.sh")"
c_rate=$(python3 -c "print(int($N / $c_s))")

printf '%-46s %s\n' \
  "Tributary JDBC source ($N rows)" "$ours records/s, CPU $(python3 -c "print(f'{$cpu1-$cpu0:.2f}')") s, peak RSS $((peak / 1024)) MB" \
  "Python psycopg2 + confluent-kafka (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "psql COPY row_to_json | kcat (ceiling)" "$c_rate records/s, CPU $c_cpu s (psql+kcat), peak RSS $c_mb MB" \
  "ratio Tributary / peer" "$(python3 -c "print(f'{$ours/$py_rate:.2f}')")" \
  "ratio Tributary / ceiling" "$(python3 -c "print(f'{$ours/$c_rate:.2f}')")"
