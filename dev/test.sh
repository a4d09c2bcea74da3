#!/usr/bin/env bash
# Runs every test: unit and integration (swift test) and end-to-end (pytest driving the built binary)
# against freshly started local services, which are stopped when this ends.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

echo "test: swift format lint (the checked-in .swift-format)"
swift format lint --strict --recursive Sources Tests Package.swift
echo "test: building"
build --build-tests
echo "test: swift test (unit + integration)"
swift test --skip-build "${RDK_LINK_FLAGS[@]}"
echo "test: end-to-end (pytest)"
export TRIBUTARY_BIN=$(swift build --show-bin-path)/tributary
"$VENV/bin/python" -m pytest -q Tests/e2e "$@"
