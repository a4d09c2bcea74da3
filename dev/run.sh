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
# The JDBC source demo (connectors.json "demo-stations") copies this table into demo.cta.stations.
psql "$PG_URL" -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE IF NOT EXISTS stations (stop_id int PRIMARY KEY, name text NOT NULL, lat numeric(9,6), lon numeric(9,6));
INSERT INTO stations VALUES (30001, 'Austin', 41.870851, -87.776812), (30013, 'Harlem', 41.886848, -87.803176)
  ON CONFLICT DO NOTHING;
SQL
# The S3 sink demo ("demo-stations-s3") lands the topic in this bucket, credentials from the environment.
curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$S3_ENDPOINT/demo" >/dev/null || true
echo "run: starting the worker (Kafka $KAFKA_BOOTSTRAP); try: curl -s localhost:8083/connectors?expand=status (Schema Registry :8081, REST Proxy :8082)"
echo "run: insert into the stations table (psql \"$PG_URL\") and watch topic demo.cta.stations"
echo "run: every 10 s new rows land in s3://demo/topics/demo.cta.stations/ ($S3_ENDPOINT)"
"$bin" worker config/worker.properties --connectors connectors.json \
  --override bootstrap.servers="$KAFKA_BOOTSTRAP" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; bash dev/services.sh stop' EXIT INT TERM
wait $pid
