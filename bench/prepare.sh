# Sourced by every bench script after `cd` to the repository: loads the environment, starts the local
# services if needed, builds the release binary (or takes BENCH_BIN, as bench/run-all.sh sets it),
# installs wrk if missing, and sets BIN, py (the venv's Python), work (a temporary directory) and id
# (a run id for unique topic, table and group names).
source dev/env.sh
# services.env outlives the services (a test run stops them at its end): check that they answer.
services_up() {
  [ -f "$TRIB_CACHE/services.env" ] && source "$TRIB_CACHE/services.env" \
    && (exec 3<>"/dev/tcp/${KAFKA_BOOTSTRAP%:*}/${KAFKA_BOOTSTRAP##*:}") 2>/dev/null \
    && curl -sf -m 10 -o /dev/null "$S3_ENDPOINT/moto-api/"
}
source bench/lib.sh
services_up || services_cmd start >/dev/null
source "$TRIB_CACHE/services.env"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk; } >/dev/null
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  build_release
  BIN=$(release_bin)
fi
py="$VENV/bin/python"
work=$(mktemp -d); id=$(date +%s)
