#!/usr/bin/env bash
# Interleaved A/B of FilterProxy builds (or settings) on the DNS harness's data, for changes smaller than the box's
# noise: each round starts every variant fresh (cold, as the harness does) and saturates it for DUR s with the
# harness's dnsperf settings; the order alternates (ABBA) so drift favours neither. Prints each run, then per variant
# the median, and against the first variant the geometric mean of the per-round ratios and how many rounds it won.
# Run benchmarks/load/dns-bench.sh once first (it installs dnsperf and nsd and writes the data and the NSD config).
# Usage (as root): bash benchmarks/load/dns-ab.sh ROUNDS "label|BIN=/path/FilterProxy ENV=…" "label2|…"
#   BIN: a published gateway (dotnet publish proxy/FilterProxy.csproj -c Release -p:PublishProfile=gateway -o DIR)
#   DUR=8 (seconds per run)
# Loopback only: NSD on 127.0.0.1:15301 (CPU 0 with dnsperf), the gateway on 127.0.0.1:15356 (CPU 1); every run
# bounded by DUR, every process stopped by PID.
set -euo pipefail
D=${BENCH_WORK:-/tmp/filterproxy-bench-dns}; QF=$D/data/queries.txt; DUR=${DUR:-8}; RUN=$D/run/ab
[ -f "$QF" ] && [ -f "$D/conf/nsd.conf" ] || { echo "run benchmarks/load/dns-bench.sh once first" >&2; exit 1; }
rounds=$1; shift
mkdir -p $RUN
taskset -c 0 nsd -c $D/conf/nsd.conf -d > $RUN/nsd.log 2>&1 & nsd=$!
fpid=
trap 'kill $nsd $fpid 2>/dev/null || true' EXIT
sleep 1
last=$(tail -1 $D/data/blocklist.txt)
results=$RUN/results.txt; : > $results
for r in $(seq 1 "$rounds"); do
  variants=("$@")
  if [ $((r % 2)) -eq 0 ]; then variants=(); for ((k = $#; k > 0; k--)); do variants+=("${!k}"); done; fi
  for v in "${variants[@]}"; do
    name=${v%%|*}; bin=; envs=()
    for kv in ${v#*|}; do case $kv in BIN=*) bin=${kv#BIN=} ;; *) envs+=("$kv") ;; esac; done
    rm -rf $RUN/data
    env FILTERPROXY__listen__address=127.0.0.1 FILTERPROXY__listen__dnsPort=15356 FILTERPROXY__listen__adminPort=0 \
      FILTERPROXY__dns__dohPort=-1 FILTERPROXY__dns__upstreams__0=127.0.0.1:15301 FILTERPROXY__dns__rateLimitPerSecond=0 \
      FILTERPROXY__dataDirectory=$RUN/data FILTERPROXY__lists__0__name=bench FILTERPROXY__lists__0__format=domains \
      FILTERPROXY__lists__0__category=malware FILTERPROXY__lists__0__source=$D/data/blocklist.txt "${envs[@]}" \
      taskset -c 1 "$bin" > $RUN/$name.log 2>&1 & fpid=$!
    for i in $(seq 1 600); do   # ready when the list's last name is blocked (at most 30 s)
      kdig @127.0.0.1 -p 15356 +timeout=1 +retry=0 "$last" A 2>/dev/null | grep -q NXDOMAIN && break; sleep 0.05
    done
    kill -0 $fpid 2>/dev/null || { echo "$name did not start: $(tail -3 $RUN/$name.log)" >&2; exit 1; }
    qps=$(taskset -c 0 dnsperf -s 127.0.0.1 -p 15356 -d $QF -l "$DUR" -c 10 -q 100 -Q 1000000 -t 1 2>&1 | awk '/Queries per second/{print int($4)}')
    cpu=$(awk '{print $14+$15}' /proc/$fpid/stat)
    echo "$r $name qps=$qps cpu_ticks=$cpu" | tee -a $results
    kill $fpid; wait $fpid 2>/dev/null || true; fpid=
  done
done
python3 - "$results" <<'EOF'
import sys, re, math, statistics, collections
rows = collections.defaultdict(dict); names = []
for line in open(sys.argv[1]):
    m = re.match(r'(\d+) (\S+) qps=(\d+)', line)
    if m:
        rows[m.group(1)][m.group(2)] = int(m.group(3))
        if m.group(2) not in names: names.append(m.group(2))
for n in names:
    print(f"{n}: median {statistics.median(r[n] for r in rows.values() if n in r):.0f} QPS")
for n in names[1:]:
    ratios = [r[n] / r[names[0]] for r in rows.values() if n in r and names[0] in r]
    print(f"{n} / {names[0]}: geometric mean {math.exp(statistics.mean(map(math.log, ratios))):.3f}, "
          f"ahead in {sum(x > 1 for x in ratios)} of {len(ratios)} rounds")
EOF
