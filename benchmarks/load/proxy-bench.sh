#!/usr/bin/env bash
# Side-by-side HTTP proxy benchmark: FilterProxy's explicit proxy against squid and e2guardian, using the shared
# harness in ../shared/bench/proxy (nginx origin on loopback, wrk load, 1 KB and 100 KB pages, 1M-domain list).
# Usage (as root, from the repository root):   bash benchmarks/load/proxy-bench.sh   [DUR=10 TARGETS=... FP_SCAN=1]
#   FP_SCAN=1 (default) runs FilterProxy with the content check on every HTML/text response (compare with e2g);
#   FP_SCAN=0 turns it off (compare with squid and e2g-noscan). Policy and event logging are always on.
# Everything binds to and targets 127.0.0.1; every run is bounded by DUR.
set -euo pipefail
cd "$(dirname "$0")/../.."
harness=../shared/bench/proxy
[ -f "$harness/bench.sh" ] || { echo "the shared harness is not at $harness" >&2; exit 1; }
command -v wrk >/dev/null && command -v squid >/dev/null || bash "$harness/install.sh"
out=${FP_PUBLISH:-/tmp/filterproxy-publish}
dotnet publish proxy/FilterProxy.csproj -c Release -p:PublishProfile=gateway -o "$out" -v quiet >/dev/null
scan=${FP_SCAN:-1}
# The bench's origin sends 1 KB as text/plain and 100 KB as text/html: with FP_SCAN=1 both are checked.
export FILTERPROXY_CMD="env FILTERPROXY__listen__address=127.0.0.1 FILTERPROXY__listen__proxyPort=\$FP_PROXY_PORT \
FILTERPROXY__listen__adminPort=0 FILTERPROXY__listen__dnsPort=0 FILTERPROXY__dns__dohPort=-1 FILTERPROXY__dns__upstreams__0=127.0.0.1:9 FILTERPROXY__http__allowInternalDestinations__0=127.0.0.0/8 FILTERPROXY__profiles__nursery-ks1__allowAddresses__0=127.0.0.0/8 \
FILTERPROXY__dataDirectory=\$FP_RUN_DIR/filterproxy-data FILTERPROXY__http__contentCheck=$([ "$scan" = 1 ] && echo true || echo false) \
FILTERPROXY__lists__0__name=bench FILTERPROXY__lists__0__format=domains FILTERPROXY__lists__0__category=malware \
FILTERPROXY__lists__0__source=\$FP_BLOCKLIST $out/FilterProxy"
export FILTERPROXY_RELOAD_CMD=${FILTERPROXY_RELOAD_CMD:-'kill -HUP $FP_PID'}
exec bash "$harness/bench.sh"
