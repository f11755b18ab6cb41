#!/usr/bin/env bash
# HTTP load: Quell's authenticated JSON route against nginx serving a static body
# of the same size, both with their access logs on, wrk on loopback.
#
#   bench/load/http.sh [QUELL_BINARY]
#   RUNS=5 DURATION=5s CONNS=64 SERVER_THREADS=1 bench/load/http.sh
#
# Quell: GET /api/v1/whoami with a Bearer API key (key checked, its token bucket
# live, access log written). nginx: worker_processes = SERVER_THREADS, the same
# number of bytes from a static file. Runs are interleaved (quell, nginx, quell,
# ...) RUNS times each after one warm-up each; prints median req/s, spread
# (min-max), the ratio, non-2xx counts, and each server's CPU time per request
# from /proc/PID/stat (wrk shares the two cores, so wall-clock rate alone misleads).
set -euo pipefail
cd "$(dirname "$0")/../.."
QUELL=${1:-build/release/src/quell/cli/quell}
RUNS=${RUNS:-5}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-64}
SERVER_THREADS=${SERVER_THREADS:-1}
# NGINX_TUNED=1 gives nginx a buffered access log and an open-file cache (its
# fastest static setup) instead of its defaults.
NGINX_TUNED=${NGINX_TUNED:-0}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup test" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is missing: scripts/setup test" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $QUELL ]] || { echo "no quell binary at $QUELL (make build)" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"  # nginx workers run unprivileged and must read the body file
quell_pid=""; nginx_pid=""
cleanup() {
  [[ -n $quell_pid ]] && kill "$quell_pid" 2>/dev/null && wait "$quell_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {  # a loopback port nothing listens on (any address)
  local p
  for p in $(shuf -i 20000-60000 -n 50); do
    [[ -z $(ss -Htln "sport = :$p") ]] && { echo "$p"; return; }
  done
  echo "no free port" >&2; exit 1
}

# --- Quell ---
cat > "$tmp/quell.toml" <<TOML
[http]
threads = $SERVER_THREADS
access_log = true
[log]
level = "warn"
TOML
"$QUELL" serve --config "$tmp/quell.toml" --data "$tmp/data" --http 127.0.0.1:0 --sip 127.0.0.1:0 >"$tmp/quell.out" 2>&1 &
quell_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$tmp/quell.out" 2>/dev/null && break; sleep 0.1; done
quell_url=$(grep -o 'http://[0-9.]*:[0-9]*/' "$tmp/quell.out" | head -1)
[[ -n $quell_url ]] || { cat "$tmp/quell.out"; exit 1; }
key=$("$QUELL" admin create-key --data "$tmp/data" --config "$tmp/quell.toml" --role carrier \
      --org "Bench Telecom" --label bench --rate 1000000 --burst 1000000000)
route="${quell_url}api/v1/whoami"
body=$(curl -sf -H "Authorization: Bearer $key" "$route")
bytes=${#body}
# Wait for the server to notice the key (another process created it).
sleep 0.2

# --- nginx, same body size, access log on ---
nginx_port=$(free_port)
mkdir -p "$tmp/nginx/html" "$tmp/nginx/logs"
printf '%s' "$body" > "$tmp/nginx/html/whoami.json"
cat > "$tmp/nginx/nginx.conf" <<CONF
worker_processes $SERVER_THREADS;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  $( ((NGINX_TUNED)) && echo "access_log $tmp/nginx/logs/access.log combined buffer=64k flush=1s; open_file_cache max=100;" \
                     || echo "access_log $tmp/nginx/logs/access.log;")
  default_type application/json;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/nginx/html;
    location = /whoami { try_files /whoami.json =404; }
  }
}
CONF
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
sleep 0.5
nginx_url="http://127.0.0.1:$nginx_port/whoami"
[[ $(curl -s "$nginx_url" | wc -c) -eq $bytes ]] || { echo "nginx body size differs" >&2; exit 1; }
nginx_workers() { pgrep -P "$nginx_pid" | tr '\n' ' '; }

cpu_ticks() {  # utime+stime of the given pids (and their threads)
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

run() {  # name url pids... -> prints "rate requests non2xx cpu_us_per_req"
  local name=$1 url=$2; shift 2
  local before after out
  before=$(cpu_ticks "$@")
  if [[ $name == quell ]]; then
    out=$(wrk -t1 -c"$CONNS" -d"$DURATION" -H "Authorization: Bearer $key" "$url")
  else
    out=$(wrk -t1 -c"$CONNS" -d"$DURATION" "$url")
  fi
  after=$(cpu_ticks "$@")
  local rate reqs non2xx errors
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out"); errors=${errors:-0}
  awk -v r="$rate" -v n="$reqs" -v x="$non2xx" -v e="$errors" -v t=$((after - before)) -v hz="$hz" \
    'BEGIN { printf "%s %d %d %d %.2f\n", r, n, x, e, (n > 0 ? t / hz / n * 1e6 : 0) }'
}

echo "Quell $route vs nginx $nginx_url: body $bytes bytes, wrk -t1 -c$CONNS -d$DURATION," \
     "$SERVER_THREADS server thread(s), $RUNS interleaved runs each, nginx tuned=$NGINX_TUNED"
run quell "$route" "$quell_pid" >/dev/null   # warm-up
run nginx "$nginx_url" $(nginx_workers) >/dev/null
: > "$tmp/results"
for i in $(seq "$RUNS"); do
  q=$(run quell "$route" "$quell_pid"); echo "quell $q" >> "$tmp/results"
  n=$(run nginx "$nginx_url" $(nginx_workers)); echo "nginx $n" >> "$tmp/results"
  printf '  run %d: quell %8.0f req/s  nginx %8.0f req/s\n' "$i" "$(cut -d' ' -f1 <<<"$q")" "$(cut -d' ' -f1 <<<"$n")"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
summary() {  # name -> median min max non2xx errors cpu_median
  local rates
  rates=$(awk -v who="$1" '$1 == who {print $2}' "$tmp/results" | sort -n)
  printf '%.0f %.0f %.0f %d %d %.2f\n' "$(median <<<"$rates")" "$(head -1 <<<"$rates")" \
    "$(tail -1 <<<"$rates")" "$(awk -v who="$1" '$1 == who {s += $4} END {print s}' "$tmp/results")" \
    "$(awk -v who="$1" '$1 == who {s += $5} END {print s}' "$tmp/results")" \
    "$(awk -v who="$1" '$1 == who {print $6}' "$tmp/results" | median)"
}
read -r qm qmin qmax qx qe qcpu <<<"$(summary quell)"
read -r nm nmin nmax nx ne ncpu <<<"$(summary nginx)"
echo
printf '%-6s %10s %22s %8s %8s %14s\n' server "median/s" "spread (min-max)" non-2xx errors "CPU us/req"
printf '%-6s %10s %22s %8s %8s %14s\n' quell "$qm" "$qmin-$qmax" "$qx" "$qe" "$qcpu"
printf '%-6s %10s %22s %8s %8s %14s\n' nginx "$nm" "$nmin-$nmax" "$nx" "$ne" "$ncpu"
ratio=$(awk -v a="$qm" -v b="$nm" 'BEGIN { printf "%.2f", a / b }')
echo "ratio quell/nginx (median req/s): $ratio   (target >= 0.80, zero non-2xx)"
awk -v r="$ratio" -v x="$qx" 'BEGIN { exit !(r >= 0.8 && x == 0) }' && echo "target met" || echo "target NOT met"
