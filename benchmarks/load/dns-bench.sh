#!/usr/bin/env bash
# Side-by-side DNS benchmark: FilterProxy's DNS server against dnsmasq, unbound and dnsdist, using the
# shared harness in ../shared/bench/dns (dnsperf on loopback, 200k-domain blocklist, NSD upstream).
# Usage (as root, from the repository root):   bash benchmarks/load/dns-bench.sh   [DUR=10 REPS=3 ...]
# Everything binds to and targets 127.0.0.1; every run is bounded by DUR.
set -euo pipefail
cd "$(dirname "$0")/../.."
harness=../shared/bench/dns
[ -f "$harness/bench.sh" ] || { echo "the shared harness is not at $harness" >&2; exit 1; }
command -v dnsperf >/dev/null || bash "$harness/install.sh"
out=${FP_PUBLISH:-/tmp/filterproxy-publish}
# Built as it ships (proxy/Properties/PublishProfiles/gateway.pubxml): self-contained, precompiled with the runtime.
dotnet publish proxy/FilterProxy.csproj -c Release -p:PublishProfile=gateway -o "$out" -v quiet >/dev/null
export FILTERPROXY_CMD="env FILTERPROXY__listen__address=127.0.0.1 FILTERPROXY__listen__dnsPort=\$FP_DNS_PORT \
FILTERPROXY__listen__adminPort=0 FILTERPROXY__dns__dohPort=-1 FILTERPROXY__dns__upstreams__0=\$FP_UPSTREAM \
FILTERPROXY__dns__rateLimitPerSecond=0 FILTERPROXY__dataDirectory=\$FP_RUN_DIR/filterproxy-data \
FILTERPROXY__lists__0__name=bench FILTERPROXY__lists__0__format=domains FILTERPROXY__lists__0__category=malware \
FILTERPROXY__lists__0__source=\$FP_BLOCKLIST ${FP_EXTRA_ENV:-} $out/FilterProxy"
exec bash "$harness/bench.sh"
