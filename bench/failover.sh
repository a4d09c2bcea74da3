#!/usr/bin/env bash
# Failover and rebalancing of a group of workers (release build, local Tansu broker):
#   1. 3 workers run 30 tasks (3 DataGen connectors × 10 tasks); one is SIGKILLed: time until its tasks
#      are RUNNING elsewhere (goal: ≤ session.timeout.ms + 2 s)
#   2. a 4th worker joins: tasks moved vs tasks restarted (goal: only the moved ones restart)
#   3. a rolling restart of all 4 workers: restarts per task
# Usage: bench/failover.sh [SESSION_TIMEOUT_MS]   (default 6000)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
source bench/prepare.sh
trap 'rm -rf "$work"' EXIT
"$py" bench/failover.py "$BIN" "$work" "bench-failover-$id" "${1:-6000}"
