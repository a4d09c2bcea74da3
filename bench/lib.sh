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

# dev/services.sh with every file descriptor above stderr closed: a bench runs under
# `flock /tmp/tributary-bench.lock`, whose lock lives on an inherited descriptor, and the broker,
# PostgreSQL and moto started here would otherwise hold the lock for as long as they run.
#   services_cmd start|stop
services_cmd() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      n=${fd##*/}
      if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    exec bash dev/services.sh "$@"
  )
}

now_ms() { date +%s%3N; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }

# No bench waits forever: every wait and every peer or ceiling command has a deadline,
# BENCH_DEADLINE_S seconds (default 60 + 1 per 5 000 records of N: 260 s for a million).
deadline_s() { echo "${BENCH_DEADLINE_S:-$(( 60 + ${N:-0} / 5000 ))}"; }
# Every curl of a bench gives up after 30 s: a worker that hangs on a request must not hang the bench.
curl() { command curl --max-time 30 "$@"; }

# Ends the bench with MESSAGE and the tail of LOG (default: the worker's, $work/worker.log).
#   bench_fail MESSAGE [LOG]
bench_fail() {
  local log=${2:-$work/worker.log}
  echo "FATAL: $1" >&2
  if [ -f "$log" ]; then echo "--- last lines of $log:" >&2; tail -n 30 "$log" >&2; fi
  exit 1
}
# Whether process PID runs (a zombie, exited but not yet reaped, does not).
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# Runs CMD every STEP seconds (default 0.05) until it succeeds. Fails the bench, with the tail of LOG
# (default $work/worker.log), when SECONDS have passed or when process PID (default $pid, the worker;
# -p '' watches none) has exited.
#   wait_until [-s STEP] [-p PID] [-l LOG] SECONDS WHAT CMD…
wait_until() {
  local step=0.05 watch=${pid:-} log=${work:-}/worker.log
  while :; do
    case $1 in
      -s) step=$2; shift 2 ;;
      -p) watch=$2; shift 2 ;;
      -l) log=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  until "$@"; do
    if [ -n "$watch" ] && ! alive "$watch"; then
      bench_fail "the worker (pid $watch) exited while waiting for $what" "$log"
    fi
    (( SECONDS - start < limit )) || bench_fail "$what: not reached in ${limit}s" "$log"
    sleep "$step"
  done
}
# Runs a command that ends by itself (a peer, a ceiling) under the deadline and GNU time; its output
# goes to $work/timed.out. Sets t_s (elapsed s), t_cpu (user + system s, its children included) and
# t_mb (the largest peak RSS among them, MB). Fails the bench when the command fails or overruns.
#   timed CMD…
timed() {
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" timeout "$(deadline_s)" "$@" >"$work/timed.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 20 "$work/timed.out" >&2
    bench_fail "$1 exited with $rc$([ "$rc" = 124 ] && echo ": the deadline of $(deadline_s) s passed")" /dev/null
  fi
  read -r t_s t_cpu t_mb < <(awk '{printf "%s %.2f %d\n", $1, $2+$3, $4/1024}' "$work/time")
}
# A set-up command (loading a topic) under the deadline.
#   bounded CMD…
bounded() {
  local rc=0
  timeout "$(deadline_s)" "$@" || rc=$?
  [ "$rc" -eq 0 ] || bench_fail "$1 exited with $rc (124: the deadline of $(deadline_s) s passed)" /dev/null
}
# Arithmetic for the reports: rate N SECONDS, ratio A B, us_per CPU_S N, minus A B.
# (The conditions in parentheses: a bare `>` after printf is awk's output redirection.)
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%d", (s > 0 ? n / s : 0)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
us_per() { awk -v c="$1" -v n="$2" 'BEGIN {printf "%.2f", (n > 0 ? c * 1e6 / n : 0)}'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a - b}'; }

# The run's result as one JSON object in $BENCH_RESULT when it is set (bench/run-all.sh reads it):
# dotted keys nest ("ours.records_per_s" → {"ours": {"records_per_s": …}}), numbers stay numbers,
# empty values are null.
#   emit_result KEY VALUE …
emit_result() {
  [ -n "${BENCH_RESULT:-}" ] || return 0
  python3 - "$BENCH_RESULT" "$@" <<'PY'
import json, sys
out, kv = sys.argv[1], sys.argv[2:]
doc = {}
for k, v in zip(kv[::2], kv[1::2]):
    if v == "":
        v = None
    else:
        for kind in (int, float):
            try:
                v = kind(v)
                break
            except ValueError:
                pass
    d = doc
    *path, last = k.split(".")
    for p in path:
        d = d.setdefault(p, {})
    d[last] = v
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
PY
}

# Sink consumers (ours and the Python peers): Tansu delays a new group's first join by about
# session.timeout.ms / 2, rounded up to its one-second tick (librdkafka's default of 45 s would add
# 23 s to either side; 3 s cost 2 s). Both sides use the same short session and pay about 0.9 s.
# SINK_SESSION_MS may be set longer: a worker run under valgrind misses a 1 s session and rejoins.
SINK_SESSION_MS=${SINK_SESSION_MS:-1000}
SINK_HEARTBEAT_MS=300
# The consumer offsets a sink connector has committed, summed over its partitions:
#   committed_offsets PORT CONNECTOR
# (polled every 100 ms while a run lasts: grep and awk, not a Python start-up each time.)
committed_offsets() {
  curl -sf "http://127.0.0.1:$1/connectors/$2/offsets" | grep -o '"kafka_offset":[0-9]*' \
    | awk -F: '{s += $2} END {print s + 0}'
}
# Whether sink connector NAME on PORT has committed N records (DEBUG_SINK=1 prints the count).
#   sink_committed PORT NAME N
sink_committed() {
  local c
  c=$(committed_offsets "$1" "$2")
  if [ -n "${DEBUG_SINK:-}" ]; then echo "$(date +%T.%N | cut -c1-12) $c" >&2; fi
  [ "${c:-0}" -ge "$3" ]
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
  wait_until 60 "the worker's /health" curl -sf -o /dev/null "http://127.0.0.1:$2/health"
  cpu0=$(cpu_s $pid); t0=$(now_ms)
  if [ -n "${PERF_OUT:-}" ]; then perf record -F ${PERF_FREQ:-499} ${PERF_CALLGRAPH:--g} -p $pid -o "$PERF_OUT" >/dev/null 2>&1 & fi
}
# Waits until the sink connector NAME on PORT has committed N records, then stops the worker and reads
# its measures since start_sink_worker: sets cpu (s), peak (MB) and ours (records/s).
#   finish_sink_worker PORT NAME
finish_sink_worker() {
  wait_until -s 0.1 "$(deadline_s)" "$N records committed by $2" sink_committed "$1" "$2" "$N"
  stop_worker
}
# Stops the worker and reads its measures since cpu0 and t0: sets cpu (s), peak (MB) and ours (records/s).
stop_worker() {
  local t1
  t1=$(now_ms); cpu=$(minus "$(cpu_s $pid)" "$cpu0"); peak=$(awk '/VmHWM/{printf "%d", $2 / 1024}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true; pid=
  [ -n "${KEEP_LOG:-}" ] && cp "$work/worker.log" "$KEEP_LOG"
  ours=$(( N * 1000 / (t1 - t0) ))
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
