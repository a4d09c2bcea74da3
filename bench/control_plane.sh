#!/usr/bin/env bash
# The cost of a locked control plane (release build): the worker with its three APIs on http without
# authentication, next to the same worker with the three on https (a PKCS12 key store made here with
# openssl) and basic authentication (Kafka Connect's extension, Confluent's BASIC with a Jetty password
# file), as docs/security.md configures them.
#   1. start → /health healthy, and idle RSS with 0 connectors
#   2. GET /connectors with keep-alive (wrk, 1 connection, D seconds): requests/s and the worker's CPU
#      per request, with the TLS record layer and the credential check on every request
# Usage: bench/control_plane.sh [D]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
D=${1:-10}
source bench/prepare.sh
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=""
trap 'kill $pids 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$work" && {
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
  openssl pkcs12 -export -inkey server.key -in server.pem -certfile ca.pem -out server.p12 -passout pass:changeit
  echo 'ops=ops-secret' >connect.password
  echo 'admin: admin-secret,admin' >jetty.password
  printf 'KafkaConnect {\n org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required file="%s";\n};\n' \
    "$work/connect.password" >jaas.conf
  printf 'Realm {\n org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required file="%s";\n};\n' \
    "$work/jetty.password" >>jaas.conf
} >/dev/null 2>&1)

run() {  # run NAME SCHEME [extra properties...]: sets health_ms idle_mb rps us
  local name=$1 scheme=$2; shift 2
  local port sr px; port=$(free_port); sr=$(free_port); px=$(free_port)
  write_worker_properties "$work/$name.properties" "bench-cp-$name-$id" "$port"
  sed -i "s|^listeners=.*|listeners=$scheme://127.0.0.1:$port|; s|^schema.registry.listeners=.*|schema.registry.listeners=$scheme://127.0.0.1:$sr|; s|^rest.proxy.listeners=.*|rest.proxy.listeners=$scheme://127.0.0.1:$px|" \
    "$work/$name.properties"
  printf '%s\n' kafkastore.topic="_schemas-cp-$name-$id" kafkastore.topic.replication.factor=1 "$@" >>"$work/$name.properties"
  local curl_args=(-sf -o /dev/null) url="$scheme://127.0.0.1:$port"
  [ "$scheme" = https ] && curl_args+=(--cacert "$work/ca.pem" -u ops:ops-secret)
  local t0; t0=$(now_ms)
  KAFKA_OPTS="-Djava.security.auth.login.config=$work/jaas.conf" "$BIN" worker "$work/$name.properties" \
    >"$work/$name.log" 2>&1 & local pid=$!
  pids="$pids $pid"
  wait_until -p "$pid" -l "$work/$name.log" 60 "/health of worker $name" curl "${curl_args[@]}" "$url/health"
  health_ms=$(( $(now_ms) - t0 ))
  sleep 2; idle_mb=$(( $(rss_kb $pid) / 1024 ))
  local header=() cpu0 cpu1
  [ "$scheme" = https ] && header=(-H "Authorization: Basic $(printf ops:ops-secret | base64)")
  cpu0=$(cpu_s $pid)
  wrk -t1 -c1 -d"${D}s" "${header[@]}" "$url/connectors" >"$work/$name.wrk"
  cpu1=$(cpu_s $pid)
  local n; n=$(awk '/requests in/{print $1}' "$work/$name.wrk")
  rps=$(awk '/Requests\/sec/{printf "%d", $2}' "$work/$name.wrk")
  us=$(python3 -c "print(f'{($cpu1-$cpu0)*1e6/$n:.1f}')")
  grep -q 'Non-2xx' "$work/$name.wrk" && { echo "FATAL: $name answered non-2xx" >&2; cat "$work/$name.wrk" >&2; exit 1; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run open http
read -r open_health open_idle open_rps open_us <<<"$health_ms $idle_mb $rps $us"
run locked https \
  "ssl.keystore.location=$work/server.p12" ssl.keystore.type=PKCS12 ssl.keystore.password=changeit \
  rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension \
  schema.registry.authentication.method=BASIC schema.registry.authentication.realm=Realm \
  rest.proxy.authentication.method=BASIC rest.proxy.authentication.realm=Realm

printf '%-48s %s\n' \
  "http, no authentication: start → /health" "$open_health ms" \
  "http, no authentication: idle RSS, 0 connectors" "$open_idle MB" \
  "http, no authentication: GET /connectors" "$open_rps requests/s, $open_us µs CPU/request" \
  "https + basic auth, 3 APIs: start → /health" "$health_ms ms" \
  "https + basic auth, 3 APIs: idle RSS, 0 connectors" "$idle_mb MB" \
  "https + basic auth: GET /connectors" "$rps requests/s, $us µs CPU/request"
