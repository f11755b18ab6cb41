#!/usr/bin/env bash
# Number reputation lookups under load (docs/benchmarks.md "Reputation lookups"):
# wrk against Quell's GET /api/v1/numbers/{number} — a random number per request
# from a NUMBERS-number reputation table (10^7 for the documented run), Bearer
# key checked, its token bucket live, every body checked by the Lua script —
# and against nginx serving a static 200-byte JSON, the same wrk settings and
# the same Lua script, interleaved RUNS times each after one warm-up each.
#
#   bench/load/lookup.sh [QUELL_BINARY]   (reputation_tool is taken from the same build)
#   NUMBERS=100000 RUNS=3 DURATION=5s bench/load/lookup.sh      # a quick run
#   NUMBERS=10000000 RUNS=5 DURATION=10s CONNS=64 bench/load/lookup.sh
#
# Environment: NUMBERS (10^7), SEED (1), RUNS (5), DURATION (10s), WARMUP (10s:
# one run of each server before the measured ones), CONNS (64),
# WRK_THREADS (1), SERVER_THREADS (1: Quell's [http] threads, nginx's worker
# processes), SAMPLE (numbers in the lookup file, 0 = all of them; plus
# UNKNOWN = 0.1 of numbers the table does not hold), NGINX_TUNED (1: a
# buffered access log and an open-file cache, nginx's fastest static setup;
# 0: its defaults), PIN (0; 1 runs wrk on CPU 0 and the servers on CPU 1 —
# the other load scripts do not pin), PROFILE (0; 1 records `perf record -g`
# of Quell during one extra run and prints where its time goes), BUILD_DIR
# (build/release), BUILD (1: build quell and reputation_tool there first),
# OUT (bench/lookup/out, gitignored: the seeded data directory is kept there
# per NUMBERS and SEED, so a rerun skips seeding).
#
# Prints per run: requests/s, latency p50 and p99 (wrk --latency), non-2xx,
# bodies that failed the check, and the server's CPU time per request from
# /proc/PID/stat (utime + stime deltas; nginx: its workers); then medians and
# spreads (min-max), the ratios to nginx (rate, and p99 run by run), Quell's
# start-up time with the table, its RSS, and whether the targets hold:
# Quell >= 0.7 x nginx's rate, Quell's p99 <= 1.5 x nginx's p99 in the same run,
# zero non-2xx. Exits non-zero as soon as a run sees a non-2xx answer or a body
# that fails the check.
set -euo pipefail
cd "$(dirname "$0")/../.."
NUMBERS=${NUMBERS:-10000000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-1}
SAMPLE=${SAMPLE:-0}
UNKNOWN=${UNKNOWN:-0.1}
NGINX_TUNED=${NGINX_TUNED:-1}
PIN=${PIN:-0}
PROFILE=${PROFILE:-0}
# scripts/run-bench passes BUILD_DIR/src/quell/cli/quell.
[[ -n ${1:-} ]] && BUILD_DIR=${1%/src/quell/cli/quell}
BUILD_DIR=${BUILD_DIR:-build/release}
BUILD=${BUILD:-1}
OUT=${OUT:-bench/lookup/out}
LUA=$PWD/bench/lookup/lookup.lua
NGINX_CONF=$PWD/bench/lookup/nginx.conf.in

for tool in wrk curl cmake; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: scripts/setup test" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || { echo "nginx is missing: scripts/setup test" >&2; exit 1; }
((PROFILE == 0)) || command -v perf >/dev/null || { echo "PROFILE=1 needs perf" >&2; exit 1; }

if ((BUILD)); then
  if [[ ! -f $BUILD_DIR/build.ninja ]]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUELL_TESTS=ON \
      -DQUELL_BENCH=ON >/dev/null
  fi
  cmake --build "$BUILD_DIR" --target quell reputation_tool
fi
QUELL=${1:-$BUILD_DIR/src/quell/cli/quell}
TOOL=$BUILD_DIR/bench/reputation_tool
for f in "$QUELL" "$TOOL"; do [[ -x $f ]] || { echo "missing $f (make build)" >&2; exit 1; }; done

tmp=$(mktemp -d)
chmod 755 "$tmp"  # nginx workers run unprivileged and must read the body file
quell_pid=""; nginx_pid=""; data=""
cleanup() {
  [[ -n $quell_pid ]] && kill "$quell_pid" 2>/dev/null && wait "$quell_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  # The cached data directory keeps the store, not the access log of the runs.
  [[ -n $data ]] && rm -f "$data/access.log"
  rm -rf "$tmp"
}
trap cleanup EXIT
# Private copies: a rebuild during the run must not change what is measured.
cp "$QUELL" "$tmp/quell"; cp "$TOOL" "$tmp/reputation_tool"
QUELL=$tmp/quell; TOOL=$tmp/reputation_tool
if ((PIN)); then on_server=(taskset -c 1); on_wrk=(taskset -c 0); else on_server=(); on_wrk=(); fi

free_port() {  # a loopback port nothing listens on (any address)
  local p
  for p in $(shuf -i 20000-60000 -n 50); do
    [[ -z $(ss -Htln "sport = :$p") ]] && { echo "$p"; return; }
  done
  echo "no free port" >&2; exit 1
}
cpu_ticks() {  # utime+stime of the given pids (all their threads)
  local total=0 pid
  for pid in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") )); done
  echo "$total"
}
hz=$(getconf CLK_TCK)
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -g | awk 'NR == 1 {a = $1} {b = $1} END {print a "-" b}'; }

# --- The table: seeded once per NUMBERS and SEED, then kept ---
data=$OUT/data-$NUMBERS-seed$SEED
numbers_file=$data/lookup-$SAMPLE-$UNKNOWN.txt
if [[ ! -f $data/.seeded ]]; then
  rm -rf "$data"; mkdir -p "$data"
  echo "== seeding $NUMBERS numbers into $data (once; kept for reruns)"
  s=$(date +%s.%N)
  "$TOOL" seed --data "$data" --numbers "$NUMBERS" --seed "$SEED" | tee "$data/seed.log"
  echo "seeding took $(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s" \
    | tee -a "$data/seed.log"
  touch "$data/.seeded"
fi
[[ -f $numbers_file ]] ||
  "$TOOL" numbers --data "$data" --numbers "$NUMBERS" --seed "$SEED" --count "$SAMPLE" \
    --unknown "$UNKNOWN" --out "$numbers_file"
lookups=$(( $(stat -c %s "$numbers_file") / 15 ))
echo "table: $(grep -h '^seeded\|^mix' "$data/seed.log" | tr '\n' ' ')"
echo "store: $(du -sh "$data/quell.db" | cut -f1); lookups drawn from $lookups numbers ($UNKNOWN unknown)"

# --- Quell: the key's token bucket live (checked on every request), but high ---
cat > "$tmp/quell.toml" <<TOML
[http]
threads = $SERVER_THREADS
access_log = true
[access]
key_rate_per_second = 1000000
key_burst = 100000000
[log]
level = "info"
TOML
start_quell() {  # start_quell DATA -> sets quell_pid, quell_url, startup (seconds to listening)
  local s
  s=$(date +%s.%N)
  "${on_server[@]}" "$QUELL" serve --config "$tmp/quell.toml" --data "$1" --http 127.0.0.1:0 \
    --sip 127.0.0.1:0 >"$tmp/quell.out" 2>&1 &
  quell_pid=$!
  until grep -q 'quell listening on' "$tmp/quell.out" 2>/dev/null; do
    kill -0 "$quell_pid" 2>/dev/null || { cat "$tmp/quell.out" >&2; exit 1; }
    sleep 0.1
  done
  startup=$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  startup_cpu=$(awk -v t="$(cpu_ticks "$quell_pid")" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
  quell_url=$(grep -o 'http://[0-9.]*:[0-9]*/' "$tmp/quell.out" | head -1)
}
stop_quell() { kill "$quell_pid"; wait "$quell_pid" 2>/dev/null || true; quell_pid=""; }

# The baseline process: the same server on an empty store.
mkdir "$tmp/empty"
start_quell "$tmp/empty"
sleep 1; rss_empty=$(rss_kib "$quell_pid"); stop_quell
echo "== starting quell serve on the $NUMBERS-number store (the table is rebuilt from the store)"
start_quell "$data"
rss_full=$(rss_kib "$quell_pid")
loaded=$(grep -o 'reputation: [0-9]* numbers loaded' "$tmp/quell.out" | grep -o '[0-9]*' || echo 0)
rss_per=$(awk -v a="$rss_empty" -v b="$rss_full" -v n="$loaded" \
  'BEGIN {printf "%.1f", (n > 0 ? (b - a) * 1024 / n : 0)}')
echo "start-up: ${startup} s to 'listening' (${startup_cpu} CPU-s) with $loaded numbers loaded; RSS $((rss_full / 1024)) MiB" \
     "($((rss_empty / 1024)) MiB with an empty store): $rss_per bytes/number"

key=$("$QUELL" admin create-key --data "$data" --config "$tmp/quell.toml" --role app \
      --org "Bench Caller ID App" --label lookup-bench)
probe=$(head -c 14 "$numbers_file")
quell_body=$(curl -sf -H "Authorization: Bearer $key" "${quell_url}api/v1/numbers/$probe") ||
  { echo "the key does not work: $(curl -s -H "Authorization: Bearer $key" \
      "${quell_url}api/v1/numbers/$probe")" >&2; exit 1; }
echo "Quell's answer for $probe (${#quell_body} bytes): $quell_body"

# --- nginx: a 200-byte static JSON answer to every /api/v1/numbers/... ---
nginx_port=$(free_port)
mkdir -p "$tmp/nginx/html" "$tmp/nginx/logs"
body='{"number":"+8613800138000","national":"138 0013 8000","label":null,"category":null,"score":0,"confidence":0,"counts":{"reports":0,"marks":0,"machine":0},"updated":null,"range":{"flagged":false}}'
body=$body$(printf '%*s' $(( 200 - ${#body} - 1 )) '')$'\n'
printf '%s' "$body" > "$tmp/nginx/html/number.json"
[[ $(stat -c %s "$tmp/nginx/html/number.json") -eq 200 ]] || { echo "body is not 200 bytes" >&2; exit 1; }
if ((NGINX_TUNED)); then
  logging="access_log $tmp/nginx/logs/access.log combined buffer=64k flush=1s; open_file_cache max=100;"
else
  logging="access_log $tmp/nginx/logs/access.log;"
fi
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$nginx_port|g" -e "s|@WORKERS@|$SERVER_THREADS|g" \
    -e "s|@ACCESS_LOG@|$logging|g" "$NGINX_CONF" > "$tmp/nginx/nginx.conf"
"${on_server[@]}" "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do [[ -n $(ss -Htln "sport = :$nginx_port") ]] && break; sleep 0.1; done
nginx_url="http://127.0.0.1:$nginx_port/"
[[ $(curl -s "${nginx_url}api/v1/numbers/$probe" | wc -c) -eq 200 ]] ||
  { echo "nginx does not serve the body" >&2; exit 1; }
nginx_workers() { pgrep -P "$nginx_pid" | tr '\n' ' '; }

to_us() {  # wrk's "1.23ms" / "850.00us" / "1.10s" -> microseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000; else if (v ~ /s$/) m = 1e6; else m = 1
    sub(/[a-z]+$/, "", v); printf "%.0f", v * m }'
}
# run NAME URL SECONDS PIDS... -> "rate requests non2xx bad_body errors cpu_us_per_req p50_us p99_us"
run() {
  local name=$1 url=$2 secs=$3; shift 3
  local before after out
  before=$(cpu_ticks "$@")
  out=$("${on_wrk[@]}" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$secs" --latency -s "$LUA" "$url" \
        -- "$numbers_file" "$key" 2>"$tmp/wrk.err") || { cat "$tmp/wrk.err" >&2; exit 1; }
  after=$(cpu_ticks "$@")
  echo "$out" > "$tmp/wrk-$name.out"
  local rate reqs non2xx bad errors p50 p99
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out"); errors=${errors:-0}
  read -r lua_non2xx bad <<<"$(sed -n 's/^LOOKUP checked=[0-9]* non2xx=\([0-9]*\) bad_body=\([0-9]*\)$/\1 \2/p' <<<"$out")"
  [[ -n ${bad:-} ]] || { echo "$name: no LOOKUP line from the Lua script" >&2; echo "$out" >&2; exit 1; }
  (( lua_non2xx > non2xx )) && non2xx=$lua_non2xx
  p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  awk -v r="$rate" -v n="$reqs" -v x="$non2xx" -v b="$bad" -v e="$errors" -v t=$((after - before)) \
      -v hz="$hz" -v p50="$p50" -v p99="$p99" \
    'BEGIN { printf "%s %d %d %d %d %.2f %d %d\n", r, n, x, b, e, (n > 0 ? t / hz / n * 1e6 : 0), p50, p99 }'
  if (( non2xx + bad > 0 )); then
    echo "FAILED: $name: $non2xx non-2xx answers, $bad bodies without \"number\"" >&2
    cat "$tmp/wrk.err" >&2
    exit 1
  fi
}

echo "== Quell ${quell_url}api/v1/numbers/{number} vs nginx ${nginx_url}api/v1/numbers/{number} (static 200 bytes," \
     "tuned=$NGINX_TUNED): wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency, $SERVER_THREADS server thread(s)," \
     "$RUNS interleaved runs each, pinned=$PIN; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm-ups: the page cache, and Quell's numbering-plan and display-format
# caches, which learn each block of 10^5 numbers on its first lookup (~100 µs
# there; the ~70,000 blocks of China's mobile ranges take ~400,000 random
# lookups to see nearly all, a WARMUP of 10 s).
run quell "$quell_url" "$WARMUP" "$quell_pid" >/dev/null
run nginx "$nginx_url" "$WARMUP" $(nginx_workers) >/dev/null
: > "$tmp/results"
printf '  %-4s %-6s %10s %9s %9s %8s %8s %11s\n' run server "req/s" "p50 us" "p99 us" non-2xx "bad body" "CPU us/req"
for i in $(seq "$RUNS"); do
  for t in quell nginx; do
    if [[ $t == quell ]]; then r=$(run quell "$quell_url" "$DURATION" "$quell_pid")
    else r=$(run nginx "$nginx_url" "$DURATION" $(nginx_workers)); fi
    echo "$i $t $r" >> "$tmp/results"
    read -r rate _ x b _ c p50 p99 <<<"$r"
    printf '  %-4s %-6s %10.0f %9d %9d %8d %8d %11.2f\n' "$i" "$t" "$rate" "$p50" "$p99" "$x" "$b" "$c"
  done
done

col() { awk -v who="$1" -v c="$2" '$2 == who {print $c}' "$tmp/results"; }
echo
echo "== summary ($RUNS runs each; median (min-max))"
printf '%-6s %24s %20s %22s %8s %8s %8s %20s\n' server "req/s" "p50 us" "p99 us" non-2xx "bad body" errors \
  "CPU us/req"
declare -A med
for t in quell nginx; do
  med[$t-rate]=$(col "$t" 3 | median); med[$t-p99]=$(col "$t" 10 | median); med[$t-cpu]=$(col "$t" 8 | median)
  printf '%-6s %24s %20s %22s %8d %8d %8d %20s\n' "$t" \
    "$(printf '%.0f' "${med[$t-rate]}") ($(col "$t" 3 | spread | awk -F- '{printf "%.0f-%.0f", $1, $2}'))" \
    "$(col "$t" 9 | median) ($(col "$t" 9 | spread))" "${med[$t-p99]} ($(col "$t" 10 | spread))" \
    "$(col "$t" 5 | awk '{s += $1} END {print s}')" "$(col "$t" 6 | awk '{s += $1} END {print s}')" \
    "$(col "$t" 7 | awk '{s += $1} END {print s}')" "${med[$t-cpu]} ($(col "$t" 8 | spread))"
done
# Ratios run by run (the same run's Quell and nginx), then of the medians.
awk '$2 == "quell" {qr[$1] = $3; qp[$1] = $10} $2 == "nginx" {nr[$1] = $3; np[$1] = $10}
     END {for (i in qr) printf "%s %.3f %.3f\n", i, qr[i] / nr[i], qp[i] / np[i]}' "$tmp/results" \
  | sort -n > "$tmp/ratios"
rate_ratio=$(awk -v a="${med[quell-rate]}" -v b="${med[nginx-rate]}" 'BEGIN {printf "%.2f", a / b}')
p99_ratio=$(awk '{print $3}' "$tmp/ratios" | median)
p99_ok=$(awk '$3 <= 1.5' "$tmp/ratios" | wc -l)
rate_ok=$(awk '$2 >= 0.7' "$tmp/ratios" | wc -l)
echo
echo "rate Quell/nginx: $rate_ratio of the medians; run by run $(awk '{printf "%s ", $2}' "$tmp/ratios")" \
     "(target >= 0.70: met in $rate_ok of $RUNS runs)"
echo "p99 Quell/nginx, run by run: $(awk '{printf "%s ", $3}' "$tmp/ratios")median $p99_ratio" \
     "(target <= 1.5: met in $p99_ok of $RUNS runs)"
echo "Quell CPU per lookup: ${med[quell-cpu]} us = $(awk -v c="${med[quell-cpu]}" 'BEGIN {printf "%.2e", c / 1e6}')" \
     "CPU-s (nginx: ${med[nginx-cpu]} us per static answer)"
echo "start-up with $loaded numbers: $startup s ($startup_cpu CPU-s); server RSS $rss_per bytes/number over an empty store"
awk -v r="$rate_ratio" 'BEGIN {exit !(r >= 0.7)}' && echo "rate target met" || echo "rate target NOT met"
(( p99_ok == RUNS )) && echo "p99 target met in every run" || echo "p99 target NOT met in every run"

if ((PROFILE)); then
  echo
  echo "== profile: perf record (DWARF call graphs) of Quell during one more $DURATION run"
  perf record -F 999 --call-graph dwarf,16384 -o "$tmp/perf.data" -p "$quell_pid" \
    -- sleep "${DURATION%s}" >/dev/null 2>&1 &
  perf_pid=$!
  run quell "$quell_url" "$DURATION" "$quell_pid" >/dev/null
  wait "$perf_pid" || true
  echo "-- by shared object (self time)"
  perf report -i "$tmp/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null \
    | grep '%' | head -12 || true
  echo "-- Quell's and libphonenumber's functions, time including callees"
  perf report -i "$tmp/perf.data" --children --sort symbol --percent-limit 1 --stdio -g none \
    2>/dev/null | grep '%' | grep -E 'quell::|phonenumbers::|nlohmann|sendmsg|recv' | cut -c1-160 | head -30 || true
  mkdir -p "$OUT"; cp "$tmp/perf.data" "$OUT/perf-lookup.data"
  echo "(kept in $OUT/perf-lookup.data)"
fi
