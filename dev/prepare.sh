# Sourced by dev/run.sh and dev/test.sh: installs what is missing, starts the local services (stopped
# again when the calling script exits) and exports their settings. Leaves the shell in the repository root.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash dev/setup.sh
source dev/env.sh
bash dev/services.sh start
trap 'bash dev/services.sh stop' EXIT
source "$TRIB_CACHE/services.env"
export TRIBUTARY_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

