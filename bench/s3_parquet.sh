#!/usr/bin/env bash
# S3 sink ParquetFormat (or AvroFormat) benchmark, side by side in one run (release build, local Tansu
# + moto S3):
#   N JsonConverter envelopes ({"schema", "payload"}, payload about 200 bytes: id, name, amount,
#   created_at as a Timestamp, active, quantity) in a one-partition topic, written to S3 as snappy
#   Parquet files, flush.size=50000:
#   1. Tributary's S3 sink (ParquetFormat, parquet.codec=snappy, value.converter.schemas.enable=true)
#   2. the peer: a Python consumer (confluent-kafka + json + pyarrow write_table + boto3 put_object)
#   FORMAT=avro writes Avro container files with deflate instead: Tributary's AvroFormat
#   (avro.codec=deflate) and the peer bench/peers/kafka_to_s3_avro.py (fastavro, deflate).
#   There is no command-line ceiling that writes Parquet or Avro; bench/s3_sink.sh has the JSON one.
#   Records/s, the ratio, CPU seconds and peak RSS of each.
# Usage: bench/s3_parquet.sh [N]     (default 1000000; a multiple of 50000)
# Env: FORMAT=avro; TRIBUTARY_ONLY=1 runs our side alone; BENCH_RESULT=file writes the result as JSON.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
FLUSH=50000
source bench/prepare.sh
port=18088; topic=bench-pq-$id; bucket=bench-pq-$id
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
make_bucket "$bucket"

"$py" - "$N" "$work/records.json" <<'PY'
import json, sys
n = int(sys.argv[1])
schema = {"type": "struct", "name": "bench.Row", "optional": False, "fields": [
    {"field": "id", "type": "int64", "optional": False}, {"field": "name", "type": "string", "optional": True},
    {"field": "amount", "type": "double", "optional": True},
    {"field": "created_at", "type": "int64", "optional": False, "name": "org.apache.kafka.connect.data.Timestamp"},
    {"field": "active", "type": "boolean", "optional": False}, {"field": "quantity", "type": "int32", "optional": False}]}
with open(sys.argv[2], "w") as j:
    for i in range(n):
        r = {"id": i, "name": ("%032x" % (i * 2654435761 % (1 << 128))) * 3 + f" row {i}",
             "amount": round(i % 100000 / 100, 2), "created_at": 1700000000000 + i, "active": i % 2 == 0,
             "quantity": i % 1000}
        j.write(json.dumps({"schema": schema, "payload": r}, separators=(",", ":")) + "\n")
PY
bounded "$py" -c "from confluent_kafka.admin import AdminClient, NewTopic; a = AdminClient({'bootstrap.servers': '$KAFKA_BOOTSTRAP'}); [f.result() for f in a.create_topics([NewTopic('$topic', 1, 1)]).values()]"
bounded kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic" -X linger.ms=5 -l "$work/records.json"

# 1. Tributary
# Both consumers use the same short session (SINK_SESSION_MS, bench/lib.sh: Tansu's first-join delay).
if [ "${FORMAT:-parquet}" = avro ]; then
  format_keys='"format.class":"io.confluent.connect.s3.format.avro.AvroFormat","avro.codec":"deflate"'
  bench=s3_avro what="Avro deflate" peer=kafka_to_s3_avro.py peer_name="Python confluent-kafka + fastavro + boto3"
else
  format_keys='"format.class":"io.confluent.connect.s3.format.parquet.ParquetFormat"'
  bench=s3_parquet what="Parquet snappy" peer=kafka_to_s3_parquet.py peer_name="Python confluent-kafka + pyarrow + boto3"
fi
start_sink_worker "benchpq-$id" "$port"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" -d "{
  \"name\":\"bench-$id\",\"config\":{\"connector.class\":\"io.confluent.connect.s3.S3SinkConnector\",
  \"topics\":\"$topic\",\"s3.bucket.name\":\"$bucket\",\"s3.region\":\"us-east-1\",\"store.url\":\"$S3_ENDPOINT\",
  \"storage.class\":\"io.confluent.connect.s3.storage.S3Storage\",
  $format_keys,\"flush.size\":\"$FLUSH\",
  \"value.converter\":\"org.apache.kafka.connect.json.JsonConverter\",\"value.converter.schemas.enable\":\"true\"}}"
finish_sink_worker "$port" "bench-$id"
objs=$(count_objects "$bucket" topics/)
[ "$objs" = "$((N / FLUSH))" ] || { echo "Tributary wrote $objs objects, expected $((N / FLUSH))" >&2; exit 1; }

if [ -n "${TRIBUTARY_ONLY:-}" ]; then
  echo "Tributary $ours records/s CPU $cpu s ($(us_per "$cpu" "$N") µs/record) RSS $peak MB"
  emit_result bench "$bench" n "$N" ours.records_per_s "$ours" ours.cpu_s "$cpu" \
    ours.cpu_us_per_record "$(us_per "$cpu" "$N")" ours.peak_rss_mb "$peak"
  exit 0
fi
# 2. Python peer
timed env SESSION_MS=$SINK_SESSION_MS HEARTBEAT_MS=$SINK_HEARTBEAT_MS "$py" "bench/peers/$peer" "$KAFKA_BOOTSTRAP" "$topic" "$S3_ENDPOINT" "$bucket" "$N" "$FLUSH"
py_cpu=$t_cpu py_mb=$t_mb py_rate=$(rate "$N" "$t_s")
[ "$(count_objects "$bucket" peer/)" = "$((N / FLUSH))" ] || { echo "the peer did not write every batch" >&2; exit 1; }

printf '%-46s %s\n' \
  "Tributary S3 sink, $what ($N records)" "$ours records/s, CPU $cpu s ($(us_per "$cpu" "$N") µs/record), peak RSS $peak MB" \
  "$peer_name (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "ratio Tributary / peer" "$(ratio "$ours" "$py_rate")"
emit_result bench "$bench" n "$N" \
  ours.records_per_s "$ours" ours.cpu_s "$cpu" ours.cpu_us_per_record "$(us_per "$cpu" "$N")" ours.peak_rss_mb "$peak" \
  peer.name "$peer_name" peer.records_per_s "$py_rate" peer.cpu_s "$py_cpu" peer.peak_rss_mb "$py_mb" \
  peer.cpu_us_per_record "$(us_per "$py_cpu" "$N")" \
  ratio_peer "$(ratio "$ours" "$py_rate")" ratio_peer_cpu "$(ratio "$py_cpu" "$cpu")"
