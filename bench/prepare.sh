# Sourced by every bench script after `cd` to the repository: loads the environment, starts the local
# services if needed, builds the release binary, and sets BIN, py (the venv's Python), work (a
# temporary directory) and id (a run id for unique topic, table and group names).
source dev/env.sh
[ -f "$TRIB_CACHE/services.env" ] || bash dev/services.sh start
source "$TRIB_CACHE/services.env"
source bench/lib.sh
build_release
BIN=$(release_bin)
py="$VENV/bin/python"
work=$(mktemp -d); id=$(date +%s)
