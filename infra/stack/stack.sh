#!/usr/bin/env bash
# The local stack: Kafka, the schema registry and Postgres as background processes under .data/.
# Usage: stack.sh up|down|status [kafka|registry|postgres ...]   (default: all, in dependency order)
# up is idempotent and restarts whatever died (kill -9 included); down leaves no process.
# With DATABASE_URL set, postgres is not managed here.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:?usage: stack.sh up|down|status [component ...]}; shift
components=("$@")
if [ ${#components[@]} -eq 0 ]; then
  components=(kafka registry)
  [ -z "${DATABASE_URL:-}" ] && components=(postgres "${components[@]}")
fi
here="$(dirname "${BASH_SOURCE[0]}")"

case "$cmd" in
  up) for c in "${components[@]}"; do bash "$here/$c.sh" start; done ;;
  down) for ((i = ${#components[@]} - 1; i >= 0; i--)); do bash "$here/${components[$i]}.sh" stop; done ;;
  status) for c in "${components[@]}"; do bash "$here/$c.sh" status; done ;;
  *) die "unknown command: $cmd" ;;
esac
