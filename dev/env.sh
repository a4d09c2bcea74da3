# Shared settings for the dev scripts; sourced, never run.
# Everything heavy (venv, librdkafka build, service data) lives in a cache outside the repository,
# so a second run reuses it and a fresh clone never commits it.
TRIB_CACHE=${TRIBUTARY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tributary}
KAFKA_PORT=${KAFKA_PORT:-19092}
PG_PORT=${PG_PORT:-55432}
S3_PORT=${S3_PORT:-19000}
PG_PASSWORD=${PG_PASSWORD:-tributary-dev}
# The directory name carries the build options: changing them builds anew.
RDK_DIR=$TRIB_CACHE/librdkafka-nocurl
VENV=$TRIB_CACHE/venv
mkdir -p "$TRIB_CACHE/logs"

# librdkafka: prefer a system one that is new enough, else our cached build (see dev/setup.sh).
if ! pkg-config --atleast-version=2.2.0 rdkafka 2>/dev/null && [ -f "$RDK_DIR/lib/pkgconfig/rdkafka.pc" ]; then
  export PKG_CONFIG_PATH=$RDK_DIR/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  export LD_LIBRARY_PATH=$RDK_DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  RDK_LINK_FLAGS=(-Xlinker -rpath -Xlinker "$RDK_DIR/lib")
else
  RDK_LINK_FLAGS=()
fi

# swift build with our link flags; prints our warnings, and the whole log when the build fails.
build() {
  local log=$TRIB_CACHE/logs/build.log
  if ! swift build "$@" "${RDK_LINK_FLAGS[@]}" >"$log" 2>&1; then cat "$log" >&2; return 1; fi
  # (The static Swift runtime brings a linker warning about mktemp from FoundationEssentials: not ours.)
  grep -E "warning: " "$log" | grep -v -e "swift-distributed-tracing" -e "use of .mktemp" || true
}

# Release builds link the Swift runtime statically: one self-contained binary to copy anywhere, that
# starts without resolving Swift libraries and keeps about 2 MB less code resident.
build_release() { build -c release --static-swift-stdlib; }
release_bin() { echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/tributary"; }
