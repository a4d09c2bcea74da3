#!/usr/bin/env bash
# Sets everything up and runs the product: dependencies, local broker + PostgreSQL + S3, a release build,
# then `tributary worker config/worker.properties --connectors connectors.json` in the foreground.
# Ctrl-C stops the worker gracefully and then the services.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
echo "run: building tributary (release)"
build_release
bin=$(release_bin)
mkdir -p "$TRIB_CACHE/demo"; date -u +"demo line written at %FT%TZ" >>"$TRIB_CACHE/demo/input.txt"
export DEMO_DIR=$TRIB_CACHE/demo
echo "run: starting the worker (Kafka $KAFKA_BOOTSTRAP); try: curl -s localhost:8083/connectors?expand=status"
"$bin" worker config/worker.properties --connectors connectors.json \
  --override bootstrap.servers="$KAFKA_BOOTSTRAP" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; bash dev/services.sh stop' EXIT INT TERM
wait $pid
