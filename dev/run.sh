#!/usr/bin/env bash
# Sets everything up and runs the product: dependencies, local broker + PostgreSQL + S3, a release build,
# then `tributary worker config/worker.properties --connectors connectors.json` in the foreground.
# Ctrl-C stops the worker gracefully and then the services (so does the worker's own end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
echo "run: building tributary (release)"
build_release
bin=$(release_bin)
mkdir -p "$TRIB_CACHE/demo"; date -u +"demo line written at %FT%TZ" >>"$TRIB_CACHE/demo/input.txt"
export DEMO_DIR=$TRIB_CACHE/demo
# The JDBC source demo's table (the same file seeds the PostgreSQL of deploy/docker-compose.yml).
psql "$PG_URL" -q -v ON_ERROR_STOP=1 -f deploy/postgres-init.sql >/dev/null
# The S3 sink demo ("demo-stations-s3") lands the topic in this bucket, credentials from the environment.
curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$S3_ENDPOINT/demo" >/dev/null || true
echo "run: starting the worker (Kafka $KAFKA_BOOTSTRAP); try: curl -s localhost:8083/connectors?expand=status (Schema Registry :8081, REST Proxy :8082)"
echo "run: insert into the stations table (psql \"$PG_URL\") and watch topic demo.cta.stations"
echo "run: every 10 s new rows land in s3://demo/topics/demo.cta.stations/ ($S3_ENDPOINT)"
# The services stop however the worker ends (Ctrl-C, SIGTERM to either, a crash, kill -9); this script
# exits with the worker's status.
source dev/supervise.sh
supervise "bash dev/services.sh stop" \
  "$bin" worker config/worker.properties --connectors connectors.json --override bootstrap.servers="$KAFKA_BOOTSTRAP"
