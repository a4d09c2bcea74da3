#!/usr/bin/env bash
# Smoke test of a built image without a container runtime (none runs in these sandboxes): export its
# file system, then in a chroot, as the image's user, with the image's environment and entrypoint:
#   - the dynamic loader finds every library of the binary and of the libraries loaded on first use
#     (libpq, libcurl, libdeflate, libsnappy, libzstd, liblz4); the CA bundle and tzdata are there;
#   - the entrypoint refuses to start without cp-kafka-connect's required variables;
#   - the worker, as PID 1 of its own PID namespace, configured by CONNECT_* variables only, applies a
#     mounted /etc/tributary/connectors.json against the local services: DataGen records reach Kafka, a
#     JDBC source reads PostgreSQL (libpq), an S3 sink writes gzip objects (libcurl, libdeflate);
#   - SIGTERM stops it, exit status 0.
# Usage: dev/image-smoke.sh [IMAGE]   (default tributary:latest; needs podman or buildah, root, and the
#        local services of dev/services.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source dev/env.sh
source "$TRIB_CACHE/services.env"
img=${1:-tributary:latest}
tool=${TRIBUTARY_IMAGE_TOOL:-$(command -v podman >/dev/null 2>&1 && echo podman || echo buildah)}

id=$(date +%s)$$
tmp=$(mktemp -d /var/tmp/tributary-smoke.XXXXXX)
root=$tmp/rootfs; mkdir "$root"
worker=""; table="smoke_$id"
cleanup() {
  [ -z "$worker" ] || kill -KILL "$worker" 2>/dev/null || true
  psql "$PG_URL" -qc "DROP TABLE IF EXISTS $table" >/dev/null 2>&1 || true
  "$VENV/bin/python" - "smoke-$id" >/dev/null 2>&1 <<'PY' || true
import boto3, os, sys
b = boto3.resource("s3", endpoint_url=os.environ["S3_ENDPOINT"], region_name="us-east-1").Bucket(sys.argv[1])
b.objects.all().delete(); b.delete()
PY
  rm -rf "$tmp"
}
trap cleanup EXIT
url=""
fail() {
  echo "image-smoke: FAILED: $*" >&2
  [ -z "$url" ] || { echo "connectors:" >&2; curl -s "$url/connectors?expand=status" >&2; echo >&2; }
  [ ! -f "$tmp/worker.log" ] || tail -40 "$tmp/worker.log" >&2
  exit 1
}
# Polls a command until it succeeds, at most $1 seconds.
await() { local to=$1 t0=$SECONDS; shift; until "$@" >/dev/null 2>&1; do
  (( SECONDS - t0 < to )) || return 1; sleep 0.2; done; }

# The image as a container would see it: its file system, user, environment and entrypoint.
if [ "$tool" = podman ]; then
  c=$(podman create "$img")
  podman export "$c" | tar -x -C "$root"; podman rm "$c" >/dev/null
  fmt() { podman image inspect --format "$1" "$img"; }
  user=$(fmt '{{.Config.User}}'); entry=$(fmt '{{index .Config.Entrypoint 0}}')
  mapfile -t image_env < <(fmt '{{range .Config.Env}}{{println .}}{{end}}')
else
  c=$(buildah from --pull-never "$img")
  tar -C "$(buildah mount "$c")" -c . | tar -x -C "$root"; buildah umount "$c" >/dev/null; buildah rm "$c" >/dev/null
  fmt() { buildah inspect --type image --format "$1" "$img"; }
  user=$(fmt '{{.OCIv1.Config.User}}'); entry=$(fmt '{{index .OCIv1.Config.Entrypoint 0}}')
  mapfile -t image_env < <(fmt '{{range .OCIv1.Config.Env}}{{println .}}{{end}}')
fi
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || fail "the image runs as root (User '$user')"
# The environment of a container: the image's variables and the ones given (env -i runs the tools of
# this machine by absolute path, as PATH is the image's).
in_image() { env -i "${image_env[@]}" "$@"; }
chroot=$(command -v chroot) unshare=$(command -v unshare)
# Runs a command in the image as a container runtime would: as the image's user, PID 1 of a PID
# namespace of its own with /proc mounted (Swift reads its arguments from /proc/self/cmdline).
# Extra NAME=VALUE arguments first, as env takes them.
in_container() {
  local vars=(); while [[ $# -gt 0 && $1 == *=* ]]; do vars+=("$1"); shift; done
  in_image "${vars[@]}" "$unshare" --pid --fork --kill-child --mount-proc="$root/proc" \
    "$chroot" --userspec="$user" "$root" "$@"
}

echo "image-smoke: libraries, certificates, time zones"
for lib in /usr/local/bin/tributary /usr/lib/x86_64-linux-gnu/{libpq.so.5,libcurl.so.4,libdeflate.so.0,libsnappy.so.1,libzstd.so.1,liblz4.so.1}; do
  out=$(in_container /lib64/ld-linux-x86-64.so.2 --list "$lib" 2>&1) || fail "$lib: $out"
  if grep -q "not found" <<<"$out"; then fail "$lib: $(grep "not found" <<<"$out")"; fi
done
certs=$(grep -c "BEGIN CERTIFICATE" "$root/etc/ssl/certs/ca-certificates.crt" || true)
(( certs >= 100 )) || fail "CA bundle has $certs certificates"
[ "$(head -c4 "$root/usr/share/zoneinfo/Europe/Paris")" = TZif ] || fail "no tzdata"
in_container "$entry" version | grep -q '^tributary ' || fail "$entry version"
if out=$(in_container "$entry" 2>&1); then fail "started without CONNECT_* variables"; fi
grep -q "missing required environment variable(s): CONNECT_BOOTSTRAP_SERVERS" <<<"$out" || fail "unexpected refusal: $out"

echo "image-smoke: the worker against the local services"
psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "CREATE TABLE $table (id int PRIMARY KEY, name text); INSERT INTO $table VALUES (1, 'a'), (2, 'b')"
curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$S3_ENDPOINT/smoke-$id" >/dev/null || fail "cannot create the bucket"
# A mounted connectors.json, with the secrets left to the env config provider.
cat >"$root/etc/tributary/connectors.json" <<JSON
[
  {"name": "smoke-datagen", "config": {"connector.class": "DataGen", "kafka.topic": "smoke-$id-datagen",
    "max.records": "50", "rate.per.second": "500"}},
  {"name": "smoke-jdbc", "config": {"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
    "connection.url": "\${env:PG_JDBC_URL}", "connection.user": "\${env:PG_USER}",
    "connection.password": "\${env:PG_PASSWORD}", "table.whitelist": "$table", "mode": "incrementing",
    "incrementing.column.name": "id", "topic.prefix": "smoke-$id-", "poll.interval.ms": "500"}},
  {"name": "smoke-s3", "config": {"connector.class": "io.confluent.connect.s3.S3SinkConnector",
    "topics": "smoke-$id-datagen", "s3.bucket.name": "smoke-$id", "s3.region": "us-east-1",
    "store.url": "\${env:S3_ENDPOINT}", "storage.class": "io.confluent.connect.s3.storage.S3Storage",
    "format.class": "io.confluent.connect.s3.format.json.JsonFormat", "s3.compression.type": "gzip",
    "flush.size": "10"}}
]
JSON
ports=($("$VENV/bin/python" -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))'))
rest=${ports[0]}
# As a container would be configured: cp-kafka-connect's variables, CONNECT_REST_PORT making the listener.
worker_env=(
  CONNECT_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP" CONNECT_GROUP_ID="smoke-$id"
  CONNECT_CONFIG_STORAGE_TOPIC="smoke-$id-configs" CONNECT_OFFSET_STORAGE_TOPIC="smoke-$id-offsets"
  CONNECT_STATUS_STORAGE_TOPIC="smoke-$id-status" CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR=1
  CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR=1 CONNECT_STATUS_STORAGE_REPLICATION_FACTOR=1
  CONNECT_KEY_CONVERTER=org.apache.kafka.connect.json.JsonConverter
  CONNECT_VALUE_CONVERTER=org.apache.kafka.connect.json.JsonConverter
  CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE=false CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE=false
  CONNECT_REST_ADVERTISED_HOST_NAME=127.0.0.1 CONNECT_REST_PORT="$rest"
  CONNECT_SCHEMA_REGISTRY_LISTENERS="http://127.0.0.1:${ports[1]}" CONNECT_KAFKASTORE_TOPIC="smoke-$id-schemas"
  CONNECT_KAFKASTORE_TOPIC_REPLICATION_FACTOR=1 CONNECT_REST_PROXY_LISTENERS="http://127.0.0.1:${ports[2]}"
  CONNECT_SESSION_TIMEOUT_MS=6000 CONNECT_HEARTBEAT_INTERVAL_MS=2000 CONNECT_CONSUMER_SESSION_TIMEOUT_MS=6000
  CONNECT_OFFSET_FLUSH_INTERVAL_MS=1000 CONNECT_LOG4J_ROOT_LOGLEVEL=INFO
  CONNECT_CONFIG_PROVIDERS=env
  CONNECT_CONFIG_PROVIDERS_ENV_CLASS=org.apache.kafka.common.config.provider.EnvVarConfigProvider
  CONNECT_CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST_PATTERN='PG_JDBC_URL|PG_USER|PG_PASSWORD|S3_ENDPOINT'
  PG_JDBC_URL="$PG_JDBC_URL" PG_USER="$PG_USER" PG_PASSWORD="$PG_PASSWORD" S3_ENDPOINT="$S3_ENDPOINT"
  AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" AWS_REGION=us-east-1
)
# The sink's topic exists before the sink subscribes: a consumer subscribed to a missing topic looks for
# it again only at its next metadata refresh (Kafka's metadata.max.age.ms, 5 minutes), as Kafka's does.
"$VENV/bin/python" -c "from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': '$KAFKA_BOOTSTRAP'})
[f.result() for f in a.create_topics([NewTopic('smoke-$id-datagen', 1, 1)]).values()]" \
  || fail "cannot create topic smoke-$id-datagen"
env -i "${image_env[@]}" "${worker_env[@]}" "$unshare" --pid --fork --kill-child --mount-proc="$root/proc" \
  "$chroot" --userspec="$user" "$root" "$entry" >"$tmp/worker.log" 2>&1 &
ns=$!
# The worker is unshare's child: PID 1 in its namespace, so SIGTERM reaches it only through its handler.
started() { worker=$(ps -o pid= --ppid "$ns" | tr -d ' '); [ -n "$worker" ]; }
await 10 started || fail "the worker did not start"
url=http://127.0.0.1:$rest
await 60 curl -sf "$url/health" || fail "/health not 200 within 60 s"
running() { [ "$(curl -sf "$url/connectors?expand=status" | "$VENV/bin/python" -c '
import json, sys
s = json.load(sys.stdin)
print(sum(1 for c in s.values() if c["status"]["connector"]["state"] == "RUNNING"
          and c["status"]["tasks"] and all(t["state"] == "RUNNING" for t in c["status"]["tasks"])))')" = 3 ]; }
await 60 running || fail "connectors not RUNNING: $(curl -s "$url/connectors?expand=status")"
count() { [ "$(kcat -b "$KAFKA_BOOTSTRAP" -C -t "$1" -o beginning -e -q 2>/dev/null | wc -l)" -ge "$2" ]; }
await 60 count "smoke-$id-datagen" 50 || fail "DataGen's 50 records did not reach Kafka"
await 60 count "smoke-$id-$table" 2 || fail "the JDBC source's 2 rows did not reach Kafka"
# Objects of the S3 sink, gunzipped: lines of JSON (libcurl sent them, libdeflate compressed them).
s3_lines() { "$VENV/bin/python" - "smoke-$id" <<'PY'
import boto3, gzip, json, os, sys
s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"], region_name="us-east-1")
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=sys.argv[1]).get("Contents", []) if o["Key"].endswith(".json.gz")]
lines = [json.loads(l) for k in keys for l in gzip.decompress(s3.get_object(Bucket=sys.argv[1], Key=k)["Body"].read()).splitlines()]
print(len(lines))
PY
}
s3_written() { [ "$(s3_lines)" -ge 10 ]; }
await 60 s3_written || fail "the S3 sink wrote $(s3_lines) records, not 10 or more, in gzip objects"
curl -sf "http://127.0.0.1:${ports[1]}/subjects" >/dev/null || fail "Schema Registry not answering"

echo "image-smoke: SIGTERM"
kill -TERM "$worker"
status=0; wait "$ns" || status=$?
worker=""
(( status == 0 )) || fail "the worker exited with status $status after SIGTERM"
grep -q "Worker 127.0.0.1:$rest stopped" "$tmp/worker.log" || fail "no graceful stop in the worker's log"
# CONNECT_REST_PORT and CONNECT_LOG4J_* were the entrypoint's to use, not unknown worker keys.
if grep "isn't a known config" "$tmp/worker.log" >&2; then fail "the worker was given unknown keys"; fi
echo "image-smoke: ok ($img)"
