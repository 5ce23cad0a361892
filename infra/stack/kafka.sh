#!/usr/bin/env bash
# Apache Kafka 4.x (KRaft, combined broker+controller) from Maven Central artifacts.
# Usage: kafka.sh start|stop|status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$DATA/kafka"
PIDFILE="$DIR/pid"
LOGFILE="$DIR/logs/stdout.log"
PATTERN="kafka.Kafka"
HEAP="${KAFKA_HEAP:--Xmx768m -Xms768m}"

classpath() {
  local cp="$DIR/classpath.txt" pom="$ROOT/infra/kafka/pom.xml"
  # Rebuild when missing, older than the pom, or naming a jar that is gone (another Maven repository).
  if [ ! -s "$cp" ] || [ "$pom" -nt "$cp" ] || ! tr ':' '\n' <"$cp" | while read -r jar; do [ -f "$jar" ] || exit 1; done; then
    log "kafka: resolving the broker classpath with Maven (infra/kafka/pom.xml)"
    mvn_quiet -q -f "$pom" dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp.tmp"
    mv "$cp.tmp" "$cp"
  fi
  cat "$cp"
}

start() {
  if pid_alive "$PIDFILE" "$PATTERN"; then log "kafka: already running (pid $(cat "$PIDFILE"))"; return 0; fi
  mkdir -p "$DIR/logs" "$DIR/data"
  local cp; cp=$(classpath)
  # Runtime properties: the committed file plus this checkout's absolute data directory.
  { cat "$ROOT/infra/kafka/server.properties"; echo; echo "log.dirs=$DIR/data"; } >"$DIR/server.properties"
  if [ ! -s "$DIR/cluster-id" ]; then
    "$JAVA" -cp "$cp" kafka.tools.StorageTool random-uuid >"$DIR/cluster-id.tmp" && mv "$DIR/cluster-id.tmp" "$DIR/cluster-id"
  fi
  "$JAVA" -cp "$cp" kafka.tools.StorageTool format --standalone --ignore-formatted \
    -t "$(cat "$DIR/cluster-id")" -c "$DIR/server.properties" >>"$DIR/logs/format.log" 2>&1 \
    || { tail -n 20 "$DIR/logs/format.log" >&2; die "kafka: storage format failed"; }
  log "kafka: starting on 127.0.0.1:9092 (controller 9093)"
  # shellcheck disable=SC2086
  spawn "$PIDFILE" "$LOGFILE" "$JAVA" $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml" \
    -Dkafka.logs.dir="$DIR/logs" -cp "$cp" kafka.Kafka "$DIR/server.properties"
  wait_port 127.0.0.1 9092 120 kafka "$PIDFILE" "$PATTERN" "$LOGFILE"
}

stop() { stop_pid "$PIDFILE" "$PATTERN" kafka 60; }

status() {
  if pid_alive "$PIDFILE" "$PATTERN"; then echo "kafka     running  pid $(cat "$PIDFILE")  127.0.0.1:9092  logs $DIR/logs/server.log"
  else echo "kafka     stopped"; fi
}

"${1:?usage: kafka.sh start|stop|status}"
