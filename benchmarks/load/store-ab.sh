#!/usr/bin/env bash
# Interleaved A/B of two builds of the benchmark tool on the event stores: the store alone (Redis, SQLite; batches of
# 1,000) and the per-user timeline over the 10M-event SQLite file events-bench.sh fills (run that once first).
# Usage: bash benchmarks/load/store-ab.sh ROUNDS /path/a/FilterProxy.Benchmarks.dll /path/b/FilterProxy.Benchmarks.dll
# Starts its own redis-server on 127.0.0.1:16392 and stops it by PID; loopback only; every run bounded by timeout.
set -u
W=${BENCH_WORK:-/tmp/filterproxy-bench-events}; ROUNDS=$1; A=$2; B=$3
[ -f $W/timeline.db ] || { echo "run benchmarks/load/events-bench.sh once first (it fills $W/timeline.db)" >&2; exit 1; }
redis-server --port 16392 --bind 127.0.0.1 --save "" --appendonly no > $W/redis-ab.log 2>&1 & rp=$!
trap 'kill $rp 2>/dev/null || true' EXIT
sleep 0.5
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
  for v in $order; do
    if [ $v = a ]; then dll=$A; else dll=$B; fi
    redis-cli -p 16392 flushall >/dev/null; rm -f $W/ab.db*
    echo "$r $v redis $(timeout 300 dotnet $dll store redis:127.0.0.1:16392 300000 | grep -o '[0-9,]* events/s' | head -1)" \
      "| sqlite $(timeout 300 dotnet $dll store sqlite:$W/ab.db 300000 | grep -o '[0-9,]* events/s' | head -1)" \
      "| timeline $(timeout 600 dotnet $dll timeline sqlite:$W/timeline.db 10000000 2>/dev/null | grep -o 'median [0-9.]* ms, p95 [0-9.]* ms')"
  done
done
