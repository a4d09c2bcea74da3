# Sourced by every bench script after `cd` to the repository: loads the environment, starts the local
# services if needed, builds the release binary, and sets BIN, py (the venv's Python), work (a
# temporary directory) and id (a run id for unique topic, table and group names).
source dev/env.sh
# services.env outlives the services (a test run stops them at its end): check that they answer.
services_up() {
  [ -f "$TRIB_CACHE/services.env" ] && source "$TRIB_CACHE/services.env" \
    && (exec 3<>"/dev/tcp/${KAFKA_BOOTSTRAP%:*}/${KAFKA_BOOTSTRAP##*:}") 2>/dev/null \
    && curl -sf -o /dev/null "$S3_ENDPOINT/moto-api/"
}
services_up || bash dev/services.sh start >/dev/null
source "$TRIB_CACHE/services.env"
source bench/lib.sh
build_release
BIN=$(release_bin)
py="$VENV/bin/python"
work=$(mktemp -d); id=$(date +%s)
