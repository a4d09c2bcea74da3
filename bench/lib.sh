# Shared by the bench scripts; sourced after dev/env.sh and services.env.

# A worker config for one benchmark run: its own group and internal topics, JSON without schemas,
# offsets flushed every 200 ms (runs end when the committed offset shows the last record); the Schema
# Registry and REST Proxy off unless a script turns them on.
#   write_worker_properties FILE NAME PORT
write_worker_properties() {
  cat >"$1" <<P
bootstrap.servers=$KAFKA_BOOTSTRAP
group.id=$2
config.storage.topic=$2-configs
offset.storage.topic=$2-offsets
status.storage.topic=$2-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
offset.flush.interval.ms=200
session.timeout.ms=2000
heartbeat.interval.ms=500
listeners=http://127.0.0.1:$3
filestream.allowed.paths=$work
schema.registry.listeners=
rest.proxy.listeners=
P
}

now_ms() { date +%s%3N; }
# GNU time of a command: "elapsed-s cpu-s peak-MB".
timed() { /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null; awk '{printf "%s %.2f %d", $1, $2+$3, $4/1024}' "$work/time"; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }

# Sink consumers (ours and the Python peers): Tansu delays a new group's first join by about
# session.timeout.ms / 2, rounded up to its one-second tick (librdkafka's default of 45 s would add
# 23 s to either side; 3 s cost 2 s). Both sides use the same short session and pay about 0.9 s.
SINK_SESSION_MS=1000
SINK_HEARTBEAT_MS=300
# The consumer offsets a sink connector has committed, summed over its partitions:
#   committed_offsets PORT CONNECTOR
# (polled every 100 ms while a run lasts: grep and awk, not a Python start-up each time.)
committed_offsets() {
  curl -sf "http://127.0.0.1:$1/connectors/$2/offsets" | grep -o '"kafka_offset":[0-9]*' \
    | awk -F: '{s += $2} END {print s + 0}'
}

# Starts a worker for a sink benchmark (the short consumer session above, polls of up to 10 000
# records), waits until it is healthy, and starts the clock: sets pid, cpu0 and t0; PERF_OUT=file
# records it with perf.
#   start_sink_worker GROUP PORT
start_sink_worker() {
  write_worker_properties "$work/w.properties" "$1" "$2"
  printf 'consumer.session.timeout.ms=%s\nconsumer.heartbeat.interval.ms=%s\nconsumer.max.poll.records=10000\n' \
    "$SINK_SESSION_MS" "$SINK_HEARTBEAT_MS" >>"$work/w.properties"
  "$BIN" worker "$work/w.properties" >"$work/worker.log" 2>&1 & pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$2/health"; do sleep 0.05; done
  cpu0=$(cpu_s $pid); t0=$(now_ms)
  if [ -n "${PERF_OUT:-}" ]; then perf record -F 499 -g -p $pid -o "$PERF_OUT" >/dev/null 2>&1 & fi
}

# S3 (moto) helpers for the S3 benchmarks: a bucket, and the number of objects under a prefix.
make_bucket() {
  curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$S3_ENDPOINT/$1" >/dev/null
}
#   count_objects BUCKET PREFIX
count_objects() {
  "$py" -c "import boto3,sys; c=boto3.client('s3',endpoint_url='$S3_ENDPOINT',region_name='us-east-1'); print(sum(p.get('KeyCount',0) for p in c.get_paginator('list_objects_v2').paginate(Bucket=sys.argv[1],Prefix=sys.argv[2])))" "$1" "$2"
}
