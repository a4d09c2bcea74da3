# Sourced by dev/run.sh; defines `supervise`.
# supervise CLEANUP CMD [ARGS...]
#   Runs CMD in the background and waits for it; SIGINT (Ctrl-C) or SIGTERM to this shell stops it with
#   SIGTERM, gracefully. However this shell then ends (CMD exiting by itself or crashing, CMD killed from
#   outside, even with SIGKILL, a signal to this shell, an error under set -e) the EXIT trap stops CMD
#   if it still runs and evaluates CLEANUP, with errexit off so that no failing step skips the rest.
#   The shell exits with CMD's exit status.
supervise() {
  _supervise_cleanup=$1; shift
  _supervise_pid=""
  trap _supervise_exit EXIT
  "$@" &
  _supervise_pid=$!
  trap 'kill -TERM "$_supervise_pid" 2>/dev/null || true' INT TERM
  local status=0
  wait "$_supervise_pid" || status=$?
  # A trapped signal ends `wait` early (status > 128) while CMD still stops: wait for its own status.
  while kill -0 "$_supervise_pid" 2>/dev/null; do status=0; wait "$_supervise_pid" || status=$?; done
  exit "$status"
}

_supervise_exit() {
  set +e
  if [ -n "$_supervise_pid" ] && kill -0 "$_supervise_pid" 2>/dev/null; then
    kill -TERM "$_supervise_pid"
    wait "$_supervise_pid"
  fi
  eval "$_supervise_cleanup"
}
