#!/usr/bin/env bash
# Measures the local stack's start-up and idle footprint; one JSON line per measurement.
#   load-tests/stack-footprint.sh            warm: stack down, then make up (Maven cache and .data kept)
#   load-tests/stack-footprint.sh --cold     cold: empty private Maven repository and no .data/
# Results are appended to load-tests/results/stack-footprint.jsonl. It stops the stack at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=warm
[ "${1:-}" = "--cold" ] && mode=cold
mkdir -p load-tests/results
out=load-tests/results/stack-footprint.jsonl
make down >/dev/null 2>&1 || true
if [ "$mode" = cold ]; then
  rm -rf .data
  export MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$(mktemp -d)"
fi
t0=$(date +%s.%N)
make up >/dev/null
t1=$(date +%s.%N)
t2=$(date +%s.%N); make up >/dev/null; t3=$(date +%s.%N)
sleep "${IDLE_SECONDS:-30}"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
kafka_kb=$(rss "$(cat .data/kafka/pid)")
registry_kb=$(rss "$(cat .data/registry/pid)")
pg_kb=0
pm=$(head -1 .data/pg/data/postmaster.pid)
for p in $pm $(pgrep -P "$pm"); do pg_kb=$((pg_kb + $(rss "$p"))); done
date=$(date -u +%FT%TZ)
line=$(printf '{"date":"%s","mode":"%s","make_up_s":%.1f,"second_make_up_s":%.1f,"idle_rss_mib":{"kafka":%d,"registry":%d,"postgres_sum_of_processes":%d},"host":"%s cores, %s"}' \
  "$date" "$mode" "$(awk "BEGIN{print $t1 - $t0}")" "$(awk "BEGIN{print $t3 - $t2}")" $((kafka_kb / 1024)) $((registry_kb / 1024)) $((pg_kb / 1024)) "$(nproc)" "$(free -g | awk '/Mem:/ {print $2 " GiB"}')")
echo "$line" | tee -a "$out"
make down >/dev/null
