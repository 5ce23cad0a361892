#!/usr/bin/env bash
# A private PostgreSQL cluster under .data/pg, from the system's PostgreSQL binaries (initdb/pg_ctl).
# Skipped by stack.sh when DATABASE_URL is set. Usage: postgres.sh start|stop|status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$DATA/pg"
PGPORT="${VERITY_PG_PORT:-54329}"
PGUSER_NAME=verity
PGPASSWORD_VALUE=verity
# initdb and postgres refuse to run as root: as root the cluster belongs to this OS user.
OS_USER="${VERITY_PG_OS_USER:-postgres}"

bindir() {
  local d
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/pg_ctl" ]; then pg_config --bindir; return; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return; }
  return 1
}

ensure_binaries() {
  if ! bindir >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "postgres: installing Debian's postgresql package"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; } \
        || die "postgres: apt-get install postgresql failed"
    else
      die "postgres: no PostgreSQL server binaries found (install PostgreSQL >= 14, or set DATABASE_URL)"
    fi
  fi
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id "$OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
    if command -v runuser >/dev/null; then runuser -u "$OS_USER" -- "$@"; else su "$OS_USER" -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

# The committed settings are copied into the data directory on every start and included from
# postgresql.conf, so an edit of infra/postgres/postgresql.conf takes effect at the next start.
install_conf() {
  as_owner cp "$ROOT/infra/postgres/postgresql.conf" "$DIR/data/verity.conf"
  grep -q "^include_if_exists = 'verity.conf'" "$DIR/data/postgresql.conf" \
    || echo "include_if_exists = 'verity.conf'" | as_owner tee -a "$DIR/data/postgresql.conf" >/dev/null
}

running() { [ -f "$DIR/data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1; }

start() {
  ensure_binaries
  local bin; bin=$(bindir)
  mkdir -p "$DIR/run" "$DIR/logs"
  [ "$(id -u)" = 0 ] && { as_owner true; chown -R "$OS_USER" "$DIR"; as_owner test -x "$DIR" || die "postgres: $OS_USER cannot reach $DIR (a parent folder is not world-executable)"; }
  if running; then log "postgres: already running"; return 0; fi
  if [ ! -s "$DIR/data/PG_VERSION" ]; then
    log "postgres: initdb in $DIR/data ($("$bin/postgres" --version))"
    rm -rf "$DIR/data"
    local pw; pw=$(mktemp "$DIR/run/pw.XXXXXX"); echo "$PGPASSWORD_VALUE" >"$pw"
    [ "$(id -u)" = 0 ] && chown "$OS_USER" "$pw" "$DIR/run"
    as_owner "$bin/initdb" -D "$DIR/data" -U "$PGUSER_NAME" --pwfile="$pw" -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$DIR/logs/initdb.log" 2>&1 \
      || { rm -f "$pw"; tail -n 20 "$DIR/logs/initdb.log" >&2; die "postgres: initdb failed"; }
    rm -f "$pw"
  fi
  install_conf
  log "postgres: starting on 127.0.0.1:$PGPORT"
  as_owner "$bin/pg_ctl" start -w -t 120 -D "$DIR/data" -l "$DIR/logs/postgres.log" -o "-p $PGPORT -k $DIR/run" >/dev/null \
    || { tail -n 30 "$DIR/logs/postgres.log" >&2; die "postgres: pg_ctl start failed"; }
  if ! as_owner "$bin/psql" -h "$DIR/run" -p "$PGPORT" -U "$PGUSER_NAME" -d postgres -tAc \
      "select 1 from pg_database where datname = 'verity'" | grep -q 1; then
    as_owner "$bin/createdb" -h "$DIR/run" -p "$PGPORT" -U "$PGUSER_NAME" verity
  fi
}

stop() {
  [ -f "$DIR/data/postmaster.pid" ] || return 0
  local bin; bin=$(bindir) || return 0
  if running; then
    log "postgres: stopping"
    as_owner "$bin/pg_ctl" stop -w -t 60 -m fast -D "$DIR/data" >/dev/null || as_owner "$bin/pg_ctl" stop -m immediate -D "$DIR/data" >/dev/null
  fi
}

status() {
  if bindir >/dev/null && running; then echo "postgres  running  postgres://$PGUSER_NAME:***@127.0.0.1:$PGPORT/verity  logs $DIR/logs/postgres.log"
  else echo "postgres  stopped"; fi
}

"${1:?usage: postgres.sh start|stop|status}"
