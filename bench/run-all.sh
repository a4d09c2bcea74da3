#!/usr/bin/env bash
# One entry point for issue 23's benchmark table: every benchmark that measures a row of it, RUNS times
# each (the local services restarted before each run), then one table of the medians against the targets
# and bench/results/<date>-<commit>.json with every run.
#   datagen      bench/worker.sh           DataGen → Kafka; REST-ready time, idle RSS (services off / all on)
#   jdbc_source  bench/jdbc_source.sh      JDBC source → Kafka
#   jdbc_sink    bench/jdbc_sink.sh        JDBC sink upsert, half new keys and half updates
#   s3_json      bench/s3_sink.sh          S3 sink JSON + gzip
#   s3_avro      FORMAT=avro bench/s3_parquet.sh   S3 sink Avro (deflate)
#   s3_parquet   bench/s3_parquet.sh       S3 sink Parquet (snappy)
#   rest_proxy   bench/rest_proxy.sh       REST Proxy single record and batched
# Runs are interleaved (run 1 of every bench, then run 2 …), so a slow spell of the machine does not
# fall on one bench's three runs.
# Usage: bash bench/run-all.sh
#   On a machine others use too, hold the bench lock: flock /tmp/tributary-bench.lock bash bench/run-all.sh
# Env: N records per bench (default 1000000; a multiple of 50000), RUNS (3), ONLY="jdbc_sink s3_json"
#      (names above, spaces or commas), REST_SECONDS per wrk run (10), RESTART=0 keeps the running
#      services instead of restarting them, OUT=file instead of bench/results/<date>-<commit>.json,
#      BENCH_BIN=binary instead of the release build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${N:-1000000}; RUNS=${RUNS:-3}; REST_SECONDS=${REST_SECONDS:-10}; RESTART=${RESTART:-1}
all="datagen jdbc_source jdbc_sink s3_json s3_avro s3_parquet rest_proxy"
benches=${ONLY:-$all}; benches=${benches//,/ }
for b in $benches; do
  [[ " $all " == *" $b "* ]] || { echo "unknown bench '$b' (known: $all)" >&2; exit 2; }
done
if [[ " $benches " == *" s3_"* ]] && (( N % 50000 != 0 )); then
  echo "N=$N: the S3 benches need a multiple of 50000 (flush.size)" >&2; exit 2
fi
source dev/env.sh
if [ -z "${BENCH_BIN:-}" ]; then
  flock "${BUILD_LOCK:-/tmp/tributary-build.lock}" bash -c 'source dev/env.sh; build_release' >&2
  BENCH_BIN=$(release_bin)
fi
export BENCH_BIN
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- Sources Package.swift Package.resolved bench || commit=$commit-dirty
out=${OUT:-bench/results/$(date -u +%F)-$commit.json}
runs_dir=$(mktemp -d "${TMPDIR:-/tmp}/tributary-run-all.XXXXXX")
echo "run-all: N=$N RUNS=$RUNS benches: $benches; logs in $runs_dir" >&2

command_of() {
  case $1 in
    datagen) echo "bash bench/worker.sh $N" ;;
    jdbc_source) echo "bash bench/jdbc_source.sh $N" ;;
    jdbc_sink) echo "bash bench/jdbc_sink.sh $N" ;;
    s3_json) echo "bash bench/s3_sink.sh $N" ;;
    s3_avro) echo "env FORMAT=avro bash bench/s3_parquet.sh $N" ;;
    s3_parquet) echo "bash bench/s3_parquet.sh $N" ;;
    rest_proxy) echo "bash bench/rest_proxy.sh $REST_SECONDS" ;;
  esac
}
source bench/lib.sh
# (services_cmd: the services must not inherit the bench lock's descriptor, see bench/lib.sh.)
restart_services() {
  services_cmd stop
  services_cmd start >"$runs_dir/services.log" 2>&1 || { cat "$runs_dir/services.log" >&2; exit 1; }
}

started=$(date -u +%FT%TZ); load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$RUNS"); do
  for b in $benches; do
    [ "$RESTART" = 0 ] || restart_services
    s=$SECONDS
    # A bench that fails is recorded as failed (its log's tail goes into the JSON), and the rest go on.
    if BENCH_RESULT="$runs_dir/$b-$r.json" $(command_of "$b") >"$runs_dir/$b-$r.log" 2>&1; then
      echo "run $r/$RUNS $b: done in $((SECONDS - s)) s" >&2
    else
      echo "run $r/$RUNS $b: FAILED after $((SECONDS - s)) s; last lines of $runs_dir/$b-$r.log:" >&2
      tail -n 15 "$runs_dir/$b-$r.log" >&2
    fi
  done
done
mkdir -p "$(dirname "$out")"
python3 bench/report.py --runs-dir "$runs_dir" --out "$out" --n "$N" --runs "$RUNS" --benches "$benches" \
  --commit "$commit" --started "$started" --load-before "$load0" --restarted "$RESTART" --rest-seconds "$REST_SECONDS"
echo "results: $out (logs: $runs_dir)" >&2
