#!/usr/bin/env bash
# The worker against a TLS broker, next to the same broker in plaintext (release build): a Tansu broker
# of its own behind stunnel4 (TLS terminated there, the CA and certificates made here with openssl and a
# JKS trust store with keytool), and the worker configured with Kafka's Java keys
# (security.protocol=SSL, ssl.truststore.location/.password/.type=JKS).
#   1. start → /health healthy, and idle RSS with 0 connectors, over TLS
#   2. DataGen source → Kafka (N records of ~200 B JSON) over TLS, and over plaintext to the same broker:
#      records/s, worker CPU seconds and µs per record, peak RSS
# Usage: bench/worker_tls.sh [N]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
N=${1:-1000000}
source bench/prepare.sh
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
hwm_kb() { awk '/VmHWM/{print $2}' /proc/$1/status; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# deadline WHAT SECONDS PID CMD…: bench/lib.sh's wait_until on process PID, CMD's output hidden.
quiet() { "$@" >/dev/null 2>&1; }
deadline() { local what=$1 secs=$2 watch=$3; shift 3; wait_until -p "$watch" -l /dev/null "$secs" "$what" quiet "$@"; }

# PKI and the TLS broker.
(cd "$work" && {
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca
  openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj /CN=localhost
  openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 2 -extfile san.ext
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.jks -storetype JKS -storepass changeit
} >/dev/null 2>&1)
inner=$(free_port); outer=$(free_port)
"$TANSU_BIN" broker --listener-url tcp://127.0.0.1:$inner --advertised-listener-url tcp://127.0.0.1:$outer \
  --storage-engine memory://bench-tls/ >"$work/tansu.log" 2>&1 & tansu=$!
printf 'foreground = yes\npid =\n[kafka]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s\nkey = %s\n' \
  "$outer" "$inner" "$work/broker.pem" "$work/broker.key" >"$work/stunnel.conf"
stunnel4 "$work/stunnel.conf" >"$work/stunnel.log" 2>&1 & stunnel=$!
pids="$tansu $stunnel"
trap 'kill $pids 2>/dev/null || true; rm -rf "$work"' EXIT
deadline "the TLS broker" 30 "$tansu" bash -c "exec 3<>/dev/tcp/127.0.0.1/$outer"

run() {  # run NAME BOOTSTRAP PORT [extra properties...]: sets health_ms idle_mb rate cpu us peak_mb
  local name=$1 bootstrap=$2 port=$3; shift 3
  write_worker_properties "$work/$name.properties" "bench-$name-$id" "$port"
  sed -i "s|^bootstrap.servers=.*|bootstrap.servers=$bootstrap|" "$work/$name.properties"
  printf '%s\n' "$@" >>"$work/$name.properties"
  local t0; t0=$(now_ms)
  "$BIN" worker "$work/$name.properties" >"$work/$name.log" 2>&1 & local pid=$!
  pids="$pids $pid"
  deadline "/health ($name)" 60 "$pid" curl -sf -o /dev/null "http://127.0.0.1:$port/health"
  health_ms=$(( $(now_ms) - t0 ))
  sleep 2; idle_mb=$(( $(rss_kb $pid) / 1024 ))
  local cpu0 d0 d1 cpu1; cpu0=$(cpu_s $pid); d0=$(now_ms)
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/connectors" \
    -d "{\"name\":\"gen\",\"config\":{\"connector.class\":\"DataGen\",\"kafka.topic\":\"bench-$name-$id\",\"max.records\":\"$N\",\"record.bytes\":\"200\"}}"
  deadline "$N records acknowledged ($name)" 600 "$pid" bash -c \
    "curl -sf http://127.0.0.1:$port/connectors/gen/offsets | grep -q '\"seq\":$N'"
  d1=$(now_ms); cpu1=$(cpu_s $pid); peak_mb=$(( $(hwm_kb $pid) / 1024 ))
  rate=$(( N * 1000 / (d1 - d0) )); cpu=$(python3 -c "print(f'{$cpu1-$cpu0:.2f}')")
  us=$(python3 -c "print(f'{($cpu1-$cpu0)*1e6/$N:.2f}')")
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run tls "127.0.0.1:$outer" 18093 security.protocol=SSL "ssl.truststore.location=$work/truststore.jks" \
  ssl.truststore.password=changeit ssl.truststore.type=JKS
read -r tls_health tls_idle tls_rate tls_cpu tls_us tls_peak <<<"$health_ms $idle_mb $rate $cpu $us $peak_mb"
# The same broker without TLS: restarted on its inner port, advertising that port.
kill "$tansu" "$stunnel" 2>/dev/null || true; wait "$tansu" 2>/dev/null || true
"$TANSU_BIN" broker --listener-url tcp://127.0.0.1:$inner --advertised-listener-url tcp://127.0.0.1:$inner \
  --storage-engine memory://bench-plain/ >"$work/tansu-plain.log" 2>&1 & tansu=$!
pids="$pids $tansu"
deadline "the plaintext broker" 30 "$tansu" bash -c "exec 3<>/dev/tcp/127.0.0.1/$inner"
run plain "127.0.0.1:$inner" 18094

printf '%-44s %s\n' \
  "TLS: start → /health healthy" "$tls_health ms" "TLS: idle RSS, 0 connectors" "$tls_idle MB" \
  "TLS: DataGen → Kafka ($N × ~200 B)" "$tls_rate records/s, CPU $tls_cpu s ($tls_us µs/record), peak RSS $tls_peak MB" \
  "plaintext: start → /health healthy" "$health_ms ms" "plaintext: idle RSS, 0 connectors" "$idle_mb MB" \
  "plaintext: DataGen → Kafka ($N × ~200 B)" "$rate records/s, CPU $cpu s ($us µs/record), peak RSS $peak_mb MB"
