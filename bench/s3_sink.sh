#!/usr/bin/env bash
# S3 sink benchmark, side by side in one run (release build, local Tansu + moto S3 with SigV4 checking):
#   N JSON records of about 200 bytes in a one-partition topic, written to S3 as gzip JSON lines,
#   flush.size=50000 (one object per 50 000 records):
#   1. Tributary's S3 sink (JsonFormat, s3.compression.type=gzip)
#   2. the peer: a Python consumer (confluent-kafka + gzip + boto3 put_object per batch)
#   3. the ceiling: kcat -C | split into batches | gzip | one signed curl PUT per batch
#   Records/s, ratios, CPU seconds and peak RSS of each.
# Usage: bench/s3_sink.sh [N]     (default 1000000; a multiple of 50000)
# Env: DEBUG_SINK=1 prints the committed count while waiting; BENCH_RESULT=file writes the result as JSON.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
FLUSH=50000
source bench/prepare.sh
port=18087; topic=bench-s3-$id; bucket=bench-s3-$id
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
make_bucket "$bucket"

"$py" - "$N" "$work/records.json" <<'PY'
import json, sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as j:
    for i in range(n):
        r = {"id": i, "name": ("%032x" % (i * 2654435761 % (1 << 128))) * 3 + f" row {i}",
             "amount": round(i % 100000 / 100, 2), "created_at": 1700000000000 + i, "active": i % 2 == 0,
             "quantity": i % 1000}
        j.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
bounded "$py" -c "from confluent_kafka.admin import AdminClient, NewTopic; a = AdminClient({'bootstrap.servers': '$KAFKA_BOOTSTRAP'}); [f.result() for f in a.create_topics([NewTopic('$topic', 1, 1)]).values()]"
bounded kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic" -X linger.ms=5 -l "$work/records.json"

# 1. Tributary
# Both consumers use the same short session (SINK_SESSION_MS, bench/lib.sh: Tansu's first-join delay).
start_sink_worker "benchs3-$id" "$port"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" -d "{
  \"name\":\"bench-$id\",\"config\":{\"connector.class\":\"io.confluent.connect.s3.S3SinkConnector\",
  \"topics\":\"$topic\",\"s3.bucket.name\":\"$bucket\",\"s3.region\":\"us-east-1\",\"store.url\":\"$S3_ENDPOINT\",
  \"storage.class\":\"io.confluent.connect.s3.storage.S3Storage\",
  \"format.class\":\"io.confluent.connect.s3.format.json.JsonFormat\",\"flush.size\":\"$FLUSH\",
  \"s3.compression.type\":\"gzip\",\"value.converter\":\"org.apache.kafka.connect.json.JsonConverter\",
  \"value.converter.schemas.enable\":\"false\"}}"
finish_sink_worker "$port" "bench-$id"
objs=$(count_objects "$bucket" topics/)
[ "$objs" = "$((N / FLUSH))" ] || { echo "Tributary wrote $objs objects, expected $((N / FLUSH))" >&2; exit 1; }

# 2. Python peer
timed env SESSION_MS=$SINK_SESSION_MS HEARTBEAT_MS=$SINK_HEARTBEAT_MS "$py" bench/peers/kafka_to_s3.py "$KAFKA_BOOTSTRAP" "$topic" "$S3_ENDPOINT" "$bucket" "$N" "$FLUSH"
py_cpu=$t_cpu py_mb=$t_mb py_rate=$(rate "$N" "$t_s")

# 3. Ceiling: kcat → 50 000-line batches → gzip → one signed PUT each.
export S3_ENDPOINT bucket AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
ceiling() {
  kcat -C -b "$KAFKA_BOOTSTRAP" -t "$topic" -o beginning -e -q -f '%s\n' -c "$N" \
    | split -l "$FLUSH" -a 4 --filter='gzip -6 >"$FILE.gz" && curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$FILE.gz" "$S3_ENDPOINT/$bucket/ceiling/${FILE##*/}.json.gz" >/dev/null && rm "$FILE.gz"' - "$work/ceil/batch-"
}
mkdir -p "$work/ceil"
export -f ceiling; export KAFKA_BOOTSTRAP topic N FLUSH work
timed bash -c 'set -o pipefail; ceiling'
c_cpu=$t_cpu c_mb=$t_mb c_rate=$(rate "$N" "$t_s")
[ "$(count_objects "$bucket" ceiling/)" = "$((N / FLUSH))" ] || { echo "the ceiling did not write every batch" >&2; exit 1; }

printf '%-46s %s\n' \
  "Tributary S3 sink, JSON gzip ($N records)" "$ours records/s, CPU $cpu s ($(us_per "$cpu" "$N") µs/record), peak RSS $peak MB" \
  "Python confluent-kafka + gzip + boto3 (peer)" "$py_rate records/s, CPU $py_cpu s, peak RSS $py_mb MB" \
  "kcat | split | gzip | curl PUT (ceiling)" "$c_rate records/s, CPU $c_cpu s (all processes), peak RSS $c_mb MB (largest)" \
  "ratio Tributary / peer" "$(ratio "$ours" "$py_rate")" \
  "ratio Tributary / ceiling" "$(ratio "$ours" "$c_rate")" \
  "CPU per record, peer / Tributary" "$(ratio "$py_cpu" "$cpu")"
emit_result bench s3_json n "$N" \
  ours.records_per_s "$ours" ours.cpu_s "$cpu" ours.cpu_us_per_record "$(us_per "$cpu" "$N")" ours.peak_rss_mb "$peak" \
  peer.name "Python confluent-kafka + gzip + boto3" peer.records_per_s "$py_rate" peer.cpu_s "$py_cpu" peer.peak_rss_mb "$py_mb" \
  peer.cpu_us_per_record "$(us_per "$py_cpu" "$N")" \
  ceiling.name "kcat -C | split | gzip -6 | curl PUT" ceiling.records_per_s "$c_rate" ceiling.cpu_s "$c_cpu" ceiling.peak_rss_mb "$c_mb" \
  ratio_peer "$(ratio "$ours" "$py_rate")" ratio_ceiling "$(ratio "$ours" "$c_rate")" ratio_peer_cpu "$(ratio "$py_cpu" "$cpu")"
