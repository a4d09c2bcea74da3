#!/usr/bin/env bash
# Runs every test: unit and integration (swift test) and end-to-end (pytest driving the built binary)
# against freshly started local services, which are stopped when this ends.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); cd "$root"
bash dev/setup.sh
source dev/env.sh
bash dev/services.sh start
trap 'bash dev/services.sh stop' EXIT
source "$TRIB_CACHE/services.env"
export TRIBUTARY_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

echo "test: building"
swift build --build-tests "${RDK_LINK_FLAGS[@]}" 2>&1 | grep -E "error|warning: |Build complete" | grep -v "swift-distributed-tracing" || true
echo "test: swift test (unit + integration)"
swift test --skip-build "${RDK_LINK_FLAGS[@]}"
echo "test: end-to-end (pytest)"
export TRIBUTARY_BIN=$(swift build --show-bin-path)/tributary
"$VENV/bin/python" -m pytest -q Tests/e2e "$@"
