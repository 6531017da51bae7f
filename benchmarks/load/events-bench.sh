#!/usr/bin/env bash
# Event store ingest and timeline measurements on real stores, side by side in one run:
#   - sustained ingest through the real pipeline (alert engine on) into Redis and SQLite, paced at RATE_REDIS and
#     RATE_SQLITE events/s: "written directly" = the store kept up; "spooled" = it fell behind (and caught up after);
#   - the store alone (batches of 1,000 back to back);
#   - per-user timeline (newest 100 of one user) over TIMELINE_N events in SQLite (the fill is reused between runs);
#   - ingest into a copy of that filled store (a school's events file after months: the index is larger than memory's cache).
# Starts its own redis-server on 127.0.0.1 (one with AOF everysec, one without), stops them by PID. Loopback only;
# every loop bounded by count and time.
# Usage: bash benchmarks/load/events-bench.sh   (RATE_REDIS=50000 RATE_SQLITE=20000 N=1000000 TIMELINE_N=10000000)
# The benchmark tool alone takes SHAPE=http (default: a school, 10,000 users), dns (a resolver: one client, names seen
# once, 30% blocked) or bench (what proxy-bench.sh makes), e.g. SHAPE=dns dotnet …/FilterProxy.Benchmarks.dll store sqlite:/tmp/s.db 300000
set -euo pipefail
cd "$(dirname "$0")/../.."
W=${BENCH_WORK:-/tmp/filterproxy-bench-events}; mkdir -p $W
RATE_REDIS=${RATE_REDIS:-50000}; RATE_SQLITE=${RATE_SQLITE:-20000}; N=${N:-1000000}; TIMELINE_N=${TIMELINE_N:-10000000}
command -v redis-server >/dev/null || { echo "apt-get install redis-server" >&2; exit 1; }
dotnet build -c Release benchmarks/FilterProxy.Benchmarks >/dev/null
B="dotnet benchmarks/FilterProxy.Benchmarks/bin/Release/net10.0/FilterProxy.Benchmarks.dll"
rm -rf $W/aof && mkdir -p $W/aof
redis-server --port 16390 --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --dir $W/aof > $W/redis-aof.log 2>&1 & p1=$!
redis-server --port 16391 --bind 127.0.0.1 --save "" --appendonly no > $W/redis.log 2>&1 & p2=$!
trap 'kill $p1 $p2 2>/dev/null || true' EXIT
sleep 0.5
echo "== Redis (no persistence), offered ${RATE_REDIS}/s";       timeout 600 $B ingest redis:127.0.0.1:16391 $N $RATE_REDIS | tail -2
redis-cli -p 16391 flushall >/dev/null
echo "== Redis (AOF, fsync every second), offered ${RATE_REDIS}/s"; timeout 600 $B ingest redis:127.0.0.1:16390 $N $RATE_REDIS | tail -2
rm -f $W/ingest.db*
echo "== SQLite, offered ${RATE_SQLITE}/s";                      timeout 600 $B ingest sqlite:$W/ingest.db $((N * 6 / 10)) $RATE_SQLITE | tail -2
redis-cli -p 16391 flushall >/dev/null; rm -f $W/direct.db*
echo "== the stores alone";  timeout 600 $B store redis:127.0.0.1:16391 300000; timeout 600 $B store sqlite:$W/direct.db 300000
echo "== timeline over ${TIMELINE_N} events (SQLite)"; timeout 1800 $B timeline sqlite:$W/timeline.db $TIMELINE_N 2>/dev/null
rm -f $W/big.db*; cp $W/timeline.db $W/big.db
echo "== SQLite already holding ${TIMELINE_N} events, offered ${RATE_SQLITE}/s"; timeout 900 $B ingest sqlite:$W/big.db $((N * 6 / 10)) $RATE_SQLITE | tail -2
rm -f $W/big.db*
