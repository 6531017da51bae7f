#!/usr/bin/env bash
# HTTPS through the proxy, side by side in one run: FilterProxy intercepting (school-CA leaf, decrypt, filter,
# re-encrypt) beside mitmproxy (mitmdump) doing the same, and FilterProxy splicing (CONNECT, bytes untouched)
# beside a direct connection. Origin: nginx with TLS on 127.0.0.1:443 (1 KB, 100 KB and a 1 GB file); port 443, because
# hey puts "host:port" in the TLS server name for other ports, which FilterProxy refuses as malformed (fail closed).
# Load: hey (Go's HTTP client through the proxy with CONNECT, keep-alive) and curl for bulk transfer.
# Usage (as root, from the repository root):   bash benchmarks/load/https-bench.sh   [DUR=10 CONNS=50]
# Everything binds to and targets 127.0.0.1; every run is bounded by DUR (and curl by --max-time).
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${DUR:-10}; CONNS=${CONNS:-50}
W=${BENCH_WORK:-/tmp/filterproxy-bench-https}
need=(); for b in nginx hey mitmdump curl openssl; do command -v $b >/dev/null || need+=($b); done
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light hey mitmproxy curl openssl >/dev/null; fi
for p in 443 13140 13141; do ss -ltn | grep -q "127.0.0.1:$p " && { echo "port $p is in use" >&2; exit 1; }; done
mkdir -p $W/www $W/run $W/mitm; chmod 755 $W $W/www
pids=(); trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done' EXIT

# Origin content and certificate (a throwaway CA the proxies are told to trust).
head -c 1024 /dev/urandom | base64 -w 0 | head -c 1024 > $W/www/1k.txt
python3 -c "print('<html><body>' + ('<p>' + 'The quick brown fox jumps over the lazy dog. ' * 20 + '</p>') * 110 + '</body></html>')" > $W/www/page100k.html
[ -f $W/www/big.bin ] || head -c 1073741824 /dev/zero > $W/www/big.bin
if [ ! -f $W/ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $W/ca.key -out $W/ca.pem -subj /CN=bench-ca -days 30 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $W/origin.key -out $W/origin.csr -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' > $W/san.ext
  openssl x509 -req -in $W/origin.csr -CA $W/ca.pem -CAkey $W/ca.key -CAcreateserial -out $W/origin.pem -days 30 -extfile $W/san.ext 2>/dev/null
fi
cat > $W/nginx.conf <<NGINX
worker_processes 1; pid $W/run/nginx.pid; error_log $W/run/nginx.err;
events { worker_connections 4096; }
http { access_log off; sendfile on; keepalive_requests 100000;
  server { listen 127.0.0.1:443 ssl; ssl_certificate $W/origin.pem; ssl_certificate_key $W/origin.key; root $W/www; } }
NGINX
nginx -c $W/nginx.conf -g 'daemon off;' & pids+=($!)

dotnet publish proxy/FilterProxy.csproj -c Release -p:PublishProfile=gateway -o $W/fp -v quiet >/dev/null
fp() {  # $1 = neverIntercept JSON list
  env FILTERPROXY__listen__address=127.0.0.1 FILTERPROXY__listen__proxyPort=13140 FILTERPROXY__listen__adminPort=0 FILTERPROXY__listen__dnsPort=0 \
    FILTERPROXY__dns__dohPort=-1 FILTERPROXY__dns__upstreams__0=127.0.0.1:9 FILTERPROXY__http__allowInternalDestinations__0=127.0.0.0/8 FILTERPROXY__profiles__nursery-ks1__allowAddresses__0=127.0.0.0/8 FILTERPROXY__dataDirectory=$W/fp-data \
    FILTERPROXY__http__trustedUpstreamCaFiles__0=$W/ca.pem FILTERPROXY__http__neverIntercept="$1" \
    'FILTERPROXY__profiles__nursery-ks1__connectPorts=["*"]' $W/fp/FilterProxy > $W/run/fp.log 2>&1 & fpid=$!; pids+=($fpid)
  for i in $(seq 1 100); do curl -s -o /dev/null -x http://127.0.0.1:13140 http://127.0.0.1:13140/proxy.pac 2>/dev/null && ss -ltn | grep -q 127.0.0.1:13140 && break; sleep 0.2; done
}
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
load() {  # $1 label, $2 proxy url or "", $3 CA file, $4 file, $5 pid
  local proxy=(); [ -n "$2" ] && proxy=(-x "$2")
  SSL_CERT_FILE=$3 hey -z 2s -c $CONNS "${proxy[@]}" https://127.0.0.1/$4 > /dev/null
  local t0=0; [ -n "$5" ] && t0=$(cpu $5)
  local out; out=$(SSL_CERT_FILE=$3 hey -z ${DUR}s -c $CONNS "${proxy[@]}" https://127.0.0.1/$4)
  local t1=0; [ -n "$5" ] && t1=$(cpu $5)
  local rps p99 n ok; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}'); p99=$(echo "$out" | awk '/ 99% in/ {print $3*1000}')
  n=$(echo "$out" | awk '/\[200\]/ && /responses/ {print $2; exit}'); ok=${n:-0}
  local us="-"; [ -n "$5" ] && [ "$ok" -gt 0 ] && us=$(echo "($t1-$t0)*10000/$ok" | bc)
  local bad; bad=$(echo "$out" | awk '/^[ \t]+\[[0-9]+\]/ { c = $1; gsub(/[][]/, "", c); if ($0 ~ /responses/) { if (c != 200) s += $2 } else s += c } END { print s + 0 }')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$4" "$rps" "$p99" "$us" "$bad"
}
bulk() {  # $1 label, $2 proxy or "", $3 parallel tunnels
  local proxy=(); [ -n "$2" ] && proxy=(-x "$2")
  local start end bytes=0; start=$(date +%s.%N)
  local cp=(); for i in $(seq 1 $3); do curl -s -o /dev/null --max-time 60 --cacert $W/ca.pem "${proxy[@]}" -w '%{size_download}\n' https://127.0.0.1/big.bin > $W/run/bulk.$i & cp+=($!); done; wait "${cp[@]}"
  end=$(date +%s.%N); for i in $(seq 1 $3); do bytes=$((bytes + $(cat $W/run/bulk.$i))); done
  printf '| %s | %s | %.2f Gbit/s |\n' "$1" "$3" "$(echo "$bytes*8/($end-$start)/1000000000" | bc -l)"
}

echo "## Intercepted HTTPS (hey -c $CONNS -z ${DUR}s, keep-alive tunnels), $(date -u +%FT%TZ)"
echo "| target | file | req/s | p99 ms | proxy CPU µs/req | non-200 |"; echo "|---|---|---|---|---|---|"
for f in 1k.txt page100k.html; do load direct "" $W/ca.pem $f ""; done
fp '[]'; ca=$W/fp-data/ca/school-ca.crt
for f in 1k.txt page100k.html; do load filterproxy-intercept http://127.0.0.1:13140 $ca $f $fpid; done
kill $fpid; wait $fpid 2>/dev/null || true
mitmdump -q --listen-host 127.0.0.1 -p 13141 --set confdir=$W/mitm --set ssl_verify_upstream_trusted_ca=$W/ca.pem > $W/run/mitm.log 2>&1 & mpid=$!; pids+=($mpid)
for i in $(seq 1 100); do [ -f $W/mitm/mitmproxy-ca-cert.pem ] && ss -ltn | grep -q 127.0.0.1:13141 && break; sleep 0.2; done
for f in 1k.txt page100k.html; do load mitmproxy http://127.0.0.1:13141 $W/mitm/mitmproxy-ca-cert.pem $f $mpid; done
kill $mpid; wait $mpid 2>/dev/null || true

echo; echo "## CONNECT splice, bulk transfer of 1 GB per tunnel (curl, TLS end to end)"
echo "| target | tunnels | throughput |"; echo "|---|---|---|"
bulk direct "" 1; bulk direct "" 4
fp '["127.0.0.1"]'
bulk filterproxy-splice http://127.0.0.1:13140 1; bulk filterproxy-splice http://127.0.0.1:13140 4
kill $fpid; wait $fpid 2>/dev/null || true
