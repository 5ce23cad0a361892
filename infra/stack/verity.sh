#!/usr/bin/env bash
# Verity's own services in the background, for `make demo`: `bin/verity up`, a small supervisor that
# runs ingest, decider, projector, query, remediator, scorer, timer and coordinator each in its own process (restarts,
# per-service logs in .data/verity/logs/<service>.log, ops port VERITY_SUPERVISOR_PORT=8089;
# docs/OPERATIONS.md). Not part of `make up`: the test suite runs its own.
# Usage: verity.sh start|stop|status. A demo token is generated once into .data/verity/token, and a
# tokens file with it and demo webhook connections into .data/verity/tokens.json (INGEST_TOKENS,
# INGEST_TOKENS_FILE and QUERY_TOKENS override them).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$DATA/verity"
PIDFILE="$DIR/pid"
LOGFILE="$DIR/logs/verity.log"
PATTERN="services/tools/cli/main.ts up"
OPS="http://127.0.0.1:${VERITY_SUPERVISOR_PORT:-8089}"
START_SECONDS=${VERITY_START_TIMEOUT_S:-120}
# The supervisor's own deadline (VERITY_SUPERVISOR_STOP_TIMEOUT_MS, 40 s) and some: it SIGKILLs a
# child that does not stop in time itself; this is the fallback if the supervisor itself hangs.
STOP_SECONDS=$(( ${VERITY_SUPERVISOR_STOP_TIMEOUT_MS:-40000} / 1000 + 15 ))
# The supervisor's own log is small (one line per start, exit, restart); it is rotated here at start.
LOG_MAX_BYTES=${VERITY_SUPERVISOR_LOG_MAX_BYTES:-10485760}

token() {
  mkdir -p "$DIR"
  if [ ! -s "$DIR/token" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/token")
  fi
  cat "$DIR/token"
}

# The demo's tokens file: the demo token as producer, and one connection per external CI (GitLab, GitHub,
# CDEvents) whose webhook secret is in $DIR/hook-secret — the README's "Connect GitLab" lines use them.
# Written once; edit it to add your own connections (ingest re-reads it on change).
tokens_file() {
  local t=$1 s
  if [ ! -s "$DIR/hook-secret" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/hook-secret")
  fi
  s=$(cat "$DIR/hook-secret")
  if [ ! -s "$DIR/tokens.json" ]; then
    (umask 077 && cat >"$DIR/tokens.json" <<JSON
{
  "producers": [{ "name": "demo", "token": "$t", "projects": ["*"] }],
  "connections": [
    { "name": "gitlab", "system": "gitlab", "instance": "https://gitlab.example.com", "external_project": "*",
      "project": "demo/gitlab", "secret": "$s" },
    { "name": "github", "system": "github", "instance": "https://github.com", "external_project": "*",
      "project": "demo/github", "secret": "$s" },
    { "name": "cdevents", "system": "cdevents", "instance": "https://cdevents.example.com",
      "project": "demo/cdevents", "secret": "$s" }
  ]
}
JSON
    )
  fi
  echo "$DIR/tokens.json"
}

# The supervisor and every process under it (children, and their helpers): pids, one per line.
tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(pgrep -P "$pid" 2>/dev/null); do tree "$child"; done
}

stop() {
  local pid pids i
  if ! pid_alive "$PIDFILE" "$PATTERN"; then rm -f "$PIDFILE"; return 0; fi
  pid=$(cat "$PIDFILE")
  pids=$(tree "$pid")
  log "stopping verity services (supervisor pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_SECONDS * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  pids="$pids $(tree "$pid" 2>/dev/null)"
  if kill -0 "$pid" 2>/dev/null; then
    log "the supervisor did not stop within ${STOP_SECONDS}s: SIGKILL to it and its children"
  fi
  # Whatever is left of the tree (normally nothing: the supervisor waits for every child).
  for p in $pids; do
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
  done
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start)
    if pid_alive "$PIDFILE" "$PATTERN"; then log "verity services: already running (pid $(cat "$PIDFILE"))"; exit 0; fi
    t=$(token)
    mkdir -p "$(dirname "$LOGFILE")"
    if [ -f "$LOGFILE" ] && [ "$(stat -c %s "$LOGFILE" 2>/dev/null || echo 0)" -gt "$LOG_MAX_BYTES" ]; then mv -f "$LOGFILE" "$LOGFILE.1"; fi
    log "verity services: starting the supervisor (log $LOGFILE; services' logs $DIR/logs/<service>.log)"
    # INGEST_TOKENS (a spec) or INGEST_TOKENS_FILE given: those; else the demo's tokens file with its connections.
    if [ -z "${INGEST_TOKENS:-}" ] && [ -z "${INGEST_TOKENS_FILE:-}" ]; then export INGEST_TOKENS_FILE; INGEST_TOKENS_FILE=$(tokens_file "$t"); fi
    INGEST_TOKENS="${INGEST_TOKENS:-}" QUERY_TOKENS="${QUERY_TOKENS:-demo:$t:*}" \
      spawn "$PIDFILE" "$LOGFILE" "$ROOT/bin/verity" up
    # Ready when the supervisor's /readyz says every service answers its own /readyz.
    for ((i = 0; i < START_SECONDS * 5; i++)); do
      if curl -fsS "$OPS/readyz" >/dev/null 2>&1; then log "verity services: ready"; exit 0; fi
      if ! pid_alive "$PIDFILE" "$PATTERN"; then
        tail -n 40 "$LOGFILE" >&2
        rm -f "$PIDFILE"
        die "the verity supervisor exited during start-up; log: $LOGFILE"
      fi
      if curl -fsS "$OPS/status" 2>/dev/null | grep -q '"state":"failed"'; then
        "$ROOT/bin/verity" status >&2 || true
        grep '"giving up on' "$LOGFILE" | tail -n 3 >&2 || true
        stop
        die "a verity service was given up on during start-up (see above); log: $LOGFILE"
      fi
      sleep 0.2
    done
    "$ROOT/bin/verity" status >&2 || true
    stop
    die "verity services not ready within ${START_SECONDS}s; log: $LOGFILE"
    ;;
  stop) stop ;;
  status)
    if pid_alive "$PIDFILE" "$PATTERN"; then
      "$ROOT/bin/verity" status || true
    else
      echo "verity     stopped"
    fi
    ;;
  *) die "usage: verity.sh start|stop|status" ;;
esac
