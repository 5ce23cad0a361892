# Shared helpers for the local stack scripts (sourced, not run).
# Layout: .data/<component>/{pid,logs/,...}. Every function prints to stderr; stdout is for results.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${VERITY_DATA_DIR:-$ROOT/.data}"
JAVA="${JAVA:-java}"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# pid_alive FILE PATTERN: the pid in FILE is running and its command line contains PATTERN
# (a stale pid file after kill -9 or a reboot, or a reused pid, counts as not running).
pid_alive() {
  local file=$1 pattern=$2 pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" && return 0
  # Without /proc (macOS), fall back to ps.
  [ -d /proc ] || ps -p "$pid" -o command= 2>/dev/null | grep -q -- "$pattern"
}

# port_open HOST PORT
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_port HOST PORT SECONDS NAME PIDFILE PATTERN LOGFILE: wait for a listener, fail early if the process died.
wait_port() {
  local host=$1 port=$2 secs=$3 name=$4 pidfile=$5 pattern=$6 logfile=$7 i
  for ((i = 0; i < secs * 5; i++)); do
    port_open "$host" "$port" && return 0
    if ! pid_alive "$pidfile" "$pattern"; then
      tail -n 30 "$logfile" >&2 || true
      die "$name exited during start-up; log: $logfile"
    fi
    sleep 0.2
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name did not listen on $host:$port within ${secs}s; log: $logfile"
}

# stop_pid FILE PATTERN NAME SECONDS: SIGTERM, wait, then SIGKILL; removes the pid file.
stop_pid() {
  local file=$1 pattern=$2 name=$3 secs=$4 pid i
  if pid_alive "$file" "$pattern"; then
    pid=$(cat "$file")
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop within ${secs}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

# spawn PIDFILE LOGFILE CMD...: start CMD detached (own session, no stdin), record its pid.
spawn() {
  local pidfile=$1 logfile=$2; shift 2
  mkdir -p "$(dirname "$logfile")"
  if command -v setsid >/dev/null; then
    setsid "$@" </dev/null >>"$logfile" 2>&1 &
  else
    nohup "$@" </dev/null >>"$logfile" 2>&1 &
  fi
  echo $! >"$pidfile"
}

# mvn_quiet ARGS...: Maven in batch mode, output kept in a log and shown only on failure.
mvn_quiet() {
  local out
  out=$(mktemp)
  if ! mvn -B -ntp "$@" >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    rm -f "$out"
    die "mvn $* failed"
  fi
  rm -f "$out"
}
