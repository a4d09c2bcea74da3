#!/usr/bin/env bash
# JDBC source benchmark, side by side in one run (release build, local Tansu + PostgreSQL):
#   N rows of about 200 bytes (bigint id, text, numeric(12,2), timestamptz, bool, int) → Kafka as JSON
#   (JsonConverter, schemas.enable=false):
#   1. Tributary's JDBC source (incrementing mode, batch.max.rows=10000, numeric.mapping=best_fit)
#   2. the peer: a Python script (psycopg2 server-side cursor + json.dumps + confluent-kafka)
#   3. the ceiling: psql -c "COPY (SELECT row_to_json(t) …) TO STDOUT" | kcat -P
#   Records/s, ratios, CPU seconds and peak RSS of each.
# Usage: bench/jdbc_source.sh [N]     (default 1000000)
# Env: PERF_OUT=file records the worker with perf; BENCH_RESULT=file writes the result as JSON.
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
wait_until 60 "the worker's /health" curl -sf -o /dev/null "http://127.0.0.1:$port/health"
cpu0=$(cpu_s $pid); t0=$(now_ms)
[ -n "${PERF_OUT:-}" ] && { perf record -F ${PERF_FREQ:-499} ${PERF_CALLGRAPH:--g} -p $pid -o "$PERF_OUT" >/dev/null 2>&1 & }
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" -d "{
  \"name\":\"bench\",\"config\":{\"connector.class\":\"io.confluent.connect.jdbc.JdbcSourceConnector\",
  \"connection.url\":\"$PG_JDBC_URL\",\"connection.user\":\"$PG_USER\",\"connection.password\":\"$PG_PASSWORD\",
  \"mode\":\"incrementing\",\"incrementing.column.name\":\"id\",\"table.whitelist\":\"$table\",
  \"batch.max.rows\":\"10000\",\"numeric.mapping\":\"best_fit\",\"topic.prefix\":\"benchjdbc-$id-\"}}"
all_read() { curl -sf "http://127.0.0.1:$port/connectors/bench/offsets" | grep -q "\"incrementing\":$N"; }
wait_until "$(deadline_s)" "the source offset at id $N" all_read
stop_worker

# 2. Python peer
timed "$py" bench/peers/jdbc_to_kafka.py "$PG_URL" "$table" "$KAFKA_BOOTSTRAP" "benchjdbc-py-$id"
py_cpu=$t_cpu py_mb=$t_mb py_rate=$(rate "$N" "$t_s")

# 3. Ceiling: psql COPY of row_to_json piped into kcat
cat >"$work/ceiling.sh" <<C
set -o pipefail
psql "$PG_URL" -v ON_ERROR_STOP=1 -qc "COPY (SELECT row_to_json(t) FROM $table t) TO STDOUT" \
  | kcat -P -b "$KAFKA_BOOTSTRAP" -t "benchjdbc-ceiling-$id" -X linger.ms=5
C
timed bash "$work/ceiling.sh"
c_cpu=$t_cpu c_mb=$t_mb c_rate=$(rate "$N" "$t_s")

printf '%-46s %s\n' \
  "Tributary JDBC source ($N rows)" "$ours records/s, CPU $cpu s ($(us_per "$cpu" "$N") µs/record), peak RSS $peak MB" \
  "Python psycopg2 + confluent-kafka (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "psql COPY row_to_json | kcat (ceiling)" "$c_rate records/s, CPU $c_cpu s (psql+kcat), peak RSS $c_mb MB" \
  "ratio Tributary / peer" "$(ratio "$ours" "$py_rate")" \
  "ratio Tributary / ceiling" "$(ratio "$ours" "$c_rate")"
emit_result bench jdbc_source n "$N" \
  ours.records_per_s "$ours" ours.cpu_s "$cpu" ours.cpu_us_per_record "$(us_per "$cpu" "$N")" ours.peak_rss_mb "$peak" \
  peer.name "Python psycopg2 + confluent-kafka" peer.records_per_s "$py_rate" peer.cpu_s "$py_cpu" peer.peak_rss_mb "$py_mb" \
  ceiling.name "psql COPY row_to_json | kcat -P" ceiling.records_per_s "$c_rate" ceiling.cpu_s "$c_cpu" ceiling.peak_rss_mb "$c_mb" \
  ratio_peer "$(ratio "$ours" "$py_rate")" ratio_ceiling "$(ratio "$ours" "$c_rate")"
