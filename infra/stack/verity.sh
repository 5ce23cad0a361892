#!/usr/bin/env bash
# Verity's own services (`bin/verity up`: ingest, decider, projector, query, remediator, scorer in one
# process) in the background, for `make demo`. Not part of `make up`: the test suite runs its own.
# Usage: verity.sh start|stop|status. A demo token is generated once into .data/verity/token
# (INGEST_TOKENS / QUERY_TOKENS override it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$DATA/verity"
PIDFILE="$DIR/pid"
LOGFILE="$DIR/logs/verity.log"
PATTERN="services/cli/main.ts up"

token() {
  mkdir -p "$DIR"
  if [ ! -s "$DIR/token" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/token")
  fi
  cat "$DIR/token"
}

case "${1:-}" in
  start)
    if pid_alive "$PIDFILE" "$PATTERN"; then log "verity services: already running (pid $(cat "$PIDFILE"))"; exit 0; fi
    t=$(token)
    log "verity services: starting (log $LOGFILE)"
    INGEST_TOKENS="${INGEST_TOKENS:-demo:$t:*}" QUERY_TOKENS="${QUERY_TOKENS:-demo:$t:*}" \
      spawn "$PIDFILE" "$LOGFILE" "$ROOT/bin/verity" up
    # Ready when the query API, the last to need the read model, answers /readyz.
    for ((i = 0; i < 90 * 5; i++)); do
      if curl -fsS "http://127.0.0.1:8092/readyz" >/dev/null 2>&1; then log "verity services: ready"; exit 0; fi
      pid_alive "$PIDFILE" "$PATTERN" || { tail -n 40 "$LOGFILE" >&2; die "verity services exited during start-up; log: $LOGFILE"; }
      sleep 0.2
    done
    tail -n 40 "$LOGFILE" >&2
    die "verity services not ready within 90s; log: $LOGFILE"
    ;;
  stop) stop_pid "$PIDFILE" "$PATTERN" "verity services" 40 ;;
  status)
    if pid_alive "$PIDFILE" "$PATTERN"; then
      echo "verity     running (pid $(cat "$PIDFILE")) ingest :8090, query :8092, decider :8091, projector :8093, remediator :8094, scorer :8095; log $LOGFILE"
    else
      echo "verity     stopped"
    fi
    ;;
  *) die "usage: verity.sh start|stop|status" ;;
esac
