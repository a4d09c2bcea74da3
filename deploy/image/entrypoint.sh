#!/bin/sh
# The image's entrypoint (dash; the image has no other tools). With no arguments, or options only, it
# runs the worker as Confluent's cp-kafka-connect image does: settings from CONNECT_* environment
# variables (the worker maps them itself), the variables that image requires checked first, and
# connectors.json applied when one is mounted. Any other arguments run `tributary ARGS` (version,
# validate FILE, ...). The worker replaces this shell (exec), so it is PID 1 and receives SIGTERM.
set -eu
bin=/usr/local/bin/tributary
props=${TRIBUTARY_WORKER_PROPERTIES:-/etc/tributary/worker.properties}

if [ $# -gt 0 ]; then
  case $1 in -*) ;; *) exec "$bin" "$@" ;; esac
fi

die() { echo "tributary-entrypoint: $*" >&2; exit 1; }
[ -r "$props" ] || die "cannot read the worker properties $props"

# Whether the properties file sets KEY (a mounted file may hold what the environment does not).
in_props() {
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line#"${line%%[! 	]*}"}
    case $line in "$1"=* | "$1":* | "$1 "* | "$1	"*) return 0 ;; esac
  done <"$props"
  return 1
}
# cp-kafka-connect refuses to start without these (its `dub ensure` list).
missing=""
require() {
  eval "v=\${$1:-}"
  [ -n "$v" ] || in_props "$2" || missing="$missing $1"
}
require CONNECT_BOOTSTRAP_SERVERS bootstrap.servers
require CONNECT_GROUP_ID group.id
require CONNECT_CONFIG_STORAGE_TOPIC config.storage.topic
require CONNECT_OFFSET_STORAGE_TOPIC offset.storage.topic
require CONNECT_STATUS_STORAGE_TOPIC status.storage.topic
require CONNECT_KEY_CONVERTER key.converter
require CONNECT_VALUE_CONVERTER value.converter
# The id other workers forward requests to: it must resolve from every container.
require CONNECT_REST_ADVERTISED_HOST_NAME rest.advertised.host.name
avro=io.confluent.connect.avro.AvroConverter
[ "${CONNECT_KEY_CONVERTER:-}" != $avro ] || require CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL key.converter.schema.registry.url
[ "${CONNECT_VALUE_CONVERTER:-}" != $avro ] || require CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL value.converter.schema.registry.url
[ -z "$missing" ] || die "missing required environment variable(s):$missing (see docs/deploy.md)"

# rest.port and rest.host.name left Kafka Connect in 3.0; the image convention still sets
# CONNECT_REST_PORT (default 8083). As Kafka Connect 2.x did, they make the listener when `listeners`
# is not set, and go no further (the worker would warn about unknown keys).
if [ -z "${CONNECT_LISTENERS:-}" ] && ! in_props listeners; then
  export CONNECT_LISTENERS="http://${CONNECT_REST_HOST_NAME:-}:${CONNECT_REST_PORT:-8083}"
fi
unset CONNECT_REST_PORT CONNECT_REST_HOST_NAME
# cp-kafka-connect reads its log level from CONNECT_LOG4J_ROOT_LOGLEVEL; log4j and JMX variables are
# not worker properties.
if [ -n "${CONNECT_LOG4J_ROOT_LOGLEVEL:-}" ] && [ -z "${TRIBUTARY_LOG_LEVEL:-}" ]; then
  export TRIBUTARY_LOG_LEVEL="$CONNECT_LOG4J_ROOT_LOGLEVEL"
fi
for name in $(export -p | while read -r kw nv; do [ "$kw" = export ] && echo "${nv%%=*}"; done); do
  case $name in CONNECT_LOG4J_* | CONNECT_JMX_*) unset "$name" ;; esac
done

set -- worker "$props" "$@"
if [ -n "${TRIBUTARY_CONNECTORS:-}" ]; then
  set -- "$@" --connectors "$TRIBUTARY_CONNECTORS"
elif [ -f /etc/tributary/connectors.json ]; then
  set -- "$@" --connectors /etc/tributary/connectors.json
fi
exec "$bin" "$@"
