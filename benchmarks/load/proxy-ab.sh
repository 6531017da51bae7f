#!/usr/bin/env bash
# Interleaved A/B of FilterProxy builds (or settings) on the proxy harness's origin and wrk scripts, for changes
# smaller than the box's noise: each variant is started fresh, warmed for 2 s, loaded for DUR s, N times in turn;
# prints median req/s and proxy CPU µs/req per variant. Run benchmarks/load/proxy-bench.sh once first (it
# installs the peers and writes the nginx config and wrk scripts).
# Usage (as root): bash benchmarks/load/proxy-ab.sh N "label|DLL=/path/FilterProxy ENV=…" "label2|…"
#   DLL: a published gateway (the profile's executable, or a framework-dependent FilterProxy.dll, run with dotnet)
#   FILE=1k|100k (default 1k), C=50, DUR=4, WARM=2 (seconds of load before measuring: JIT tiering), SCAN=true|false (content check; default false)
# Loopback only; nginx on 127.0.0.1:18080, FilterProxy on 127.0.0.1:13131; every run bounded by DUR.
set -euo pipefail
D=${BENCH_WORK:-/tmp/filterproxy-bench-proxy}; RUN=$D/run/ab; N=$1; shift
FILE=${FILE:-1k}; C=${C:-50}; DUR=${DUR:-4}
[ -f $D/conf/nginx.conf ] || { echo "run benchmarks/load/proxy-bench.sh once first" >&2; exit 1; }
mkdir -p $RUN/nginx; : > $RUN/empty.txt
nginx -c $D/conf/nginx.conf -p $RUN/nginx -g 'daemon off;' > $RUN/nginx.log 2>&1 & npid=$!
fpid=
trap 'kill $npid $fpid 2>/dev/null || true' EXIT
sleep 0.5
one() {  # $1 the gateway (executable or .dll), $2 extra env -> "rps cpu_us"
  rm -f $RUN/data/events.db $RUN/data/events.db-wal $RUN/data/events.db-shm  # every run starts with an empty store
  env FILTERPROXY__listen__address=127.0.0.1 FILTERPROXY__listen__proxyPort=13131 FILTERPROXY__listen__adminPort=0 \
    FILTERPROXY__listen__dnsPort=0 FILTERPROXY__dns__dohPort=-1 FILTERPROXY__dns__upstreams__0=127.0.0.1:9 FILTERPROXY__http__allowInternalDestinations__0=127.0.0.0/8 FILTERPROXY__profiles__nursery-ks1__allowAddresses__0=127.0.0.0/8 \
    FILTERPROXY__dataDirectory=$RUN/data FILTERPROXY__http__contentCheck=${SCAN:-false} FILTERPROXY__lists__0__name=bench \
    FILTERPROXY__lists__0__format=domains FILTERPROXY__lists__0__category=malware FILTERPROXY__lists__0__source=$RUN/empty.txt \
    $2 $(case $1 in *.dll) echo dotnet;; esac) $1 > $RUN/fp.log 2>&1 & local pid=$!; fpid=$pid
  for i in $(seq 1 50); do curl -s -o /dev/null -x http://127.0.0.1:13131 http://127.0.0.1:18080/1k.txt && break; sleep 0.2; done
  kill -0 $pid 2>/dev/null || { echo "FilterProxy did not start: $(tail -3 $RUN/fp.log)" >&2; exit 1; }
  wrk -t2 -c$C -d${WARM:-2}s -s $D/wrk/proxy_$FILE.lua http://127.0.0.1:13131 > /dev/null
  local t0 t1 res req rps; t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  res=$(wrk -t2 -c$C -d${DUR}s -s $D/wrk/proxy_$FILE.lua http://127.0.0.1:13131 | grep RESULT)
  t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  kill $pid; wait $pid 2>/dev/null || true
  req=$(echo "$res" | grep -o 'requests=[0-9]*' | cut -d= -f2); rps=$(echo "$res" | grep -o 'rps=[0-9.]*' | cut -d= -f2)
  echo "$rps $(echo "scale=1; ($t1-$t0)*10000/$req" | bc)"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A R U
for i in $(seq 1 "$N"); do
  for spec in "$@"; do
    label=${spec%%|*}; rest=${spec#*|}
    dll=$(echo "$rest" | { grep -o 'DLL=[^ ]*' || true; } | cut -d= -f2); envs=$(echo "$rest" | sed 's/DLL=[^ ]*//')
    read -r rps us < <(one "${dll:-/tmp/filterproxy-publish/FilterProxy}" "$envs")
    R[$label]="${R[$label]:-} $rps"; U[$label]="${U[$label]:-} $us"
  done
done
for spec in "$@"; do label=${spec%%|*}
  echo "$label: req/s median $(echo ${R[$label]} | median) (${R[$label]} ), CPU µs/req median $(echo ${U[$label]} | median)"
done
