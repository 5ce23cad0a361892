#!/usr/bin/env bash
# Apicurio Registry (Confluent-compatible API at /apis/ccompat/v7), durable kafkasql storage on our Kafka.
# Usage: registry.sh start|stop|status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/infra/registry/registry.env"

DIR="$DATA/registry"
PIDFILE="$DIR/pid"
LOGFILE="$DIR/logs/registry.log"
PATTERN="apicurio-registry-app"
HEAP="${REGISTRY_HEAP:--Xmx384m -Xms128m}"
APP="$DIR/app-$APICURIO_VERSION"
JAR="$APP/apicurio-registry-app-$APICURIO_VERSION-runner.jar"

fetch() {
  [ -f "$JAR" ] && return 0
  log "registry: fetching io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all from Maven Central"
  rm -rf "$APP.tmp" "$DIR/download"
  # dependency:copy, then tar: dependency:unpack skips silently when its markers say "already unpacked".
  # Run without a POM, the plugin writes its markers under a literal "${project.basedir}/target" of the
  # working directory: run it inside $DIR so they land in .data, never in the repository.
  mkdir -p "$DIR"
  (cd "$DIR" && mvn_quiet -q dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$DIR/download") || die "registry: fetching the Apicurio archive failed"
  mkdir -p "$APP.tmp"
  tar -xzf "$DIR/download/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$APP.tmp"
  rm -rf "$DIR/download"
  [ -f "$APP.tmp/$(basename "$JAR")" ] || die "registry: $(basename "$JAR") not in the unpacked archive"
  mv "$APP.tmp" "$APP"
}

start() {
  if pid_alive "$PIDFILE" "$PATTERN"; then log "registry: already running (pid $(cat "$PIDFILE"))"; return 0; fi
  port_open 127.0.0.1 9092 || die "registry: needs Kafka on 127.0.0.1:9092 (kafkasql storage); start kafka first"
  fetch
  mkdir -p "$DIR/logs" "$DIR/config"
  # Quarkus reads ./config/application.properties from its working directory.
  cp "$ROOT/infra/registry/application.properties" "$DIR/config/application.properties"
  log "registry: starting Apicurio $APICURIO_VERSION on 127.0.0.1:8081"
  # shellcheck disable=SC2086
  (cd "$DIR" && spawn "$PIDFILE" "$LOGFILE" "$JAVA" $HEAP -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -jar "$JAR")
  wait_port 127.0.0.1 8081 180 registry "$PIDFILE" "$PATTERN" "$LOGFILE"
}

stop() { stop_pid "$PIDFILE" "$PATTERN" registry 30; }

status() {
  if pid_alive "$PIDFILE" "$PATTERN"; then echo "registry  running  pid $(cat "$PIDFILE")  http://127.0.0.1:8081/apis/ccompat/v7  logs $LOGFILE"
  else echo "registry  stopped"; fi
}

"${1:?usage: registry.sh start|stop|status}"
