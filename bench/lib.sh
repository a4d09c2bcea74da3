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
