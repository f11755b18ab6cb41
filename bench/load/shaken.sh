#!/usr/bin/env bash
# STIR/SHAKEN load: Quell's ATIS-1000082 REST service against secsipidx's HTTP
# service (asipto/secsipidx, the Go library behind Kamailio's secsipid), same key,
# same certificate chain, same trust, wrk on loopback.
#
#   bench/load/shaken.sh [QUELL_BINARY]
#   RUNS=5 DURATION=5s CONNS=64 SERVER_THREADS=1 bench/load/shaken.sh
#
# Targets (interleaved RUNS times after one warm-up each):
#   quell-verify   POST /stir/v1/verification   (Bearer API key, JSON)
#   secsipidx-check POST /v1/check               (raw Identity value)
#   quell-sign     POST /stir/v1/signing         (fresh iat, distinct origid)
#   secsipidx-sign POST /v1/sign-csv             (the same fields as CSV)
# Verification uses IDS distinct real Identity values (signed by Quell's REST
# signer, distinct origid, iat = now), regenerated before every verification run
# so iat stays inside the 60 s window; wrk cycles through them. Quell refuses a
# PASSporT it has already seen (replay), so IDS is sized from the warm-up rate
# to exceed the requests of one run; every verification answer that is not
# TN-Validation-Passed is counted and shown ("not-passed"), never hidden.
#
# secsipidx runs with -fpubkey (the chain from a file: its cheapest setup, no x5u
# fetch or file cache per request) and -cert-verify SECSIPIDX_CERT_VERIFY
# (default 13 = time + custom root + intermediates, the chain check Quell does;
# 0 = no chain check at all), GOMAXPROCS = SERVER_THREADS (like nginx's workers
# in http.sh). Quell: [http] threads = SERVER_THREADS, access log on, x5u fetched
# once over HTTPS from a loopback repository and cached. QUELL_TLS=1 puts Quell's
# REST behind HTTPS (secsipidx stays on plain HTTP).
#
# Prints median req/s, spread (min-max), non-2xx, socket errors, not-passed, and
# each server's CPU time per request from /proc/PID/stat; then the raw ECDSA
# P-256 cost (openssl speed -seconds 3 ecdsap256), Quell's CPU per request as a
# multiple of it (target <= 1.3x), and Quell/secsipidx throughput (aim >= 1.5x).
#
# Then the SIP front with verification on (SIP=0 skips it, SIP_ONLY=1 runs only
# it): sipp sends INVITEs to Quell's SIP front at SIP_RATE calls/s for
# SIP_SECONDS, each with a fresh Identity (signed just before the run), RUNS
# times interleaved with `openssl speed ecdsap256` (the raw verify rate), and
# reports Quell's CPU time per verified call against one raw ECDSA verify; then
# raises the rate (x1.25) until a call fails, more than 0.1 % of INVITEs are
# retransmitted, or a verification does not pass: the highest clean rate is
# Quell's calls/s with verification, shown against the raw verify rate of one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
QUELL=${1:-build/release/src/quell/cli/quell}
RUNS=${RUNS:-5}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-64}
SERVER_THREADS=${SERVER_THREADS:-1}
SECSIPIDX_CERT_VERIFY=${SECSIPIDX_CERT_VERIFY:-13}
SECSIPIDX_GOMAXPROCS=${SECSIPIDX_GOMAXPROCS:-$SERVER_THREADS}
QUELL_TLS=${QUELL_TLS:-0}
IDS=${IDS:-0}          # identities per verification run; 0 = from the warm-up rate
SPEED_SECONDS=${SPEED_SECONDS:-3}
SIP=${SIP:-1}
SIP_ONLY=${SIP_ONLY:-0}
SIP_RATE=${SIP_RATE:-2000}
SIP_SECONDS=${SIP_SECONDS:-15}
ORIG=8613800138000
DEST=8613900139000
for tool in wrk secsipidx openssl node curl sipp; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: scripts/setup test" >&2; exit 1; }
done
[[ -x $QUELL ]] || { echo "no quell binary at $QUELL (make build)" >&2; exit 1; }
"$QUELL" shaken --help >/dev/null 2>&1 || { echo "$QUELL has no 'shaken' command" >&2; exit 1; }
LUA=$PWD/bench/load/shaken.lua
IDGEN=$PWD/bench/load/shaken-ids.mjs

case $DURATION in
  *ms) echo "DURATION in ms is too short" >&2; exit 2 ;;
  *s) secs=${DURATION%s} ;; *m) secs=$(( ${DURATION%m} * 60 )) ;; *) secs=$DURATION ;;
esac
(( secs <= 40 )) || { echo "DURATION must be <= 40s: identities are signed before a run and must stay fresh (60 s)" >&2; exit 2; }

tmp=$(mktemp -d)
quell_pid=""; sx_pid=""; repo_pid=""
cleanup() {
  local p
  for p in $quell_pid $sx_pid $repo_pid; do kill "$p" 2>/dev/null || true; done
  for p in $quell_pid $sx_pid $repo_pid; do wait "$p" 2>/dev/null || true; done
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
wait_port() {  # port: until something accepts connections (10 s)
  local _
  for _ in $(seq 100); do
    [[ -n $(ss -Htln "sport = :$1") ]] && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2; return 1
}

# --- PKI from Quell's CLI: root -> intermediate -> leaf (TNAuthList SPC) ---
"$QUELL" shaken ca init --dir "$tmp/ca" >/dev/null
"$QUELL" shaken keygen --out "$tmp/sp.key" >/dev/null
"$QUELL" shaken cert issue --ca "$tmp/ca" --key "$tmp/sp.key" --spc 1234 --out "$tmp/sp.pem" >/dev/null
mkdir "$tmp/trust"
cp "$tmp/ca/root.pem" "$tmp/ca/crl.pem" "$tmp/trust/"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/tls.key" \
  -out "$tmp/tls.pem" -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null

# --- x5u repository: HTTPS on loopback, serving the chain (fetched once) ---
repo_port=$(free_port)
node -e '
  const [key, cert, chain, port] = process.argv.slice(1);
  const fs = require("fs");
  const body = fs.readFileSync(chain);
  require("https").createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (q, r) => {
    r.writeHead(q.url === "/sti-cr/sp.pem" ? 200 : 404,
                { "Content-Type": "application/x-pem-file", "Cache-Control": "max-age=3600" });
    r.end(q.url === "/sti-cr/sp.pem" ? body : "");
  }).listen(Number(port), "127.0.0.1");
' "$tmp/tls.key" "$tmp/tls.pem" "$tmp/sp.pem" "$repo_port" &
repo_pid=$!
wait_port "$repo_port"
x5u="https://127.0.0.1:$repo_port/sti-cr/sp.pem"
curl -sf --cacert "$tmp/tls.pem" "$x5u" | cmp -s - "$tmp/sp.pem" || { echo "x5u repository is not serving" >&2; exit 1; }

# --- Quell ---
quell_port=$(free_port)
scheme=http; tls_conf=""
if ((QUELL_TLS)); then
  scheme=https
  tls_conf="tls_cert = \"$tmp/tls.pem\"
tls_key = \"$tmp/tls.key\""
fi
cat > "$tmp/quell.toml" <<TOML
[http]
threads = $SERVER_THREADS
access_log = true
$tls_conf
[log]
level = "warn"
[sip]
threads = $SERVER_THREADS
[shaken]
trust_dir = "$tmp/trust"
tn_auth_profile = "spc"
max_age = "60s"
[shaken.x5u]
allow_private_addresses = true
allow_any_port = true
allow_http = false
tls_ca_file = "$tmp/tls.pem"
[[shaken.signers]]
name = "sp"
org = "Bench Telecom"
key_file = "$tmp/sp.key"
cert_file = "$tmp/sp.pem"
x5u = "$x5u"
TOML
mkdir "$tmp/data"
key=$("$QUELL" admin create-key --data "$tmp/data" --config "$tmp/quell.toml" --role carrier \
      --org "Bench Telecom" --label bench --rate 1000000 --burst 1000000000)
"$QUELL" serve --config "$tmp/quell.toml" --data "$tmp/data" --http "127.0.0.1:$quell_port" --sip 127.0.0.1:0 >"$tmp/quell.out" 2>&1 &
quell_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$tmp/quell.out" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$tmp/quell.out" || { cat "$tmp/quell.out"; exit 1; }
quell_url="$scheme://127.0.0.1:$quell_port"
curl_q() { curl -sS --cacert "$tmp/tls.pem" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }

# --- secsipidx HTTP service, same key and chain ---
sx_port=$(free_port)
sx_args=(-http-srv "127.0.0.1:$sx_port" -fprvkey "$tmp/sp.key" -fpubkey "$tmp/sp.pem" -expire 60 -timeout 3
         -cert-verify "$SECSIPIDX_CERT_VERIFY")
(( SECSIPIDX_CERT_VERIFY & 4 )) && sx_args+=(-ca-file "$tmp/ca/root.pem")
(( SECSIPIDX_CERT_VERIFY & 8 )) && sx_args+=(-ca-inter "$tmp/ca/intermediate.pem")
(( SECSIPIDX_CERT_VERIFY & 16 )) && sx_args+=(-crl-file "$tmp/ca/crl.pem")
SSL_CERT_FILE="$tmp/tls.pem" GOMAXPROCS=$SECSIPIDX_GOMAXPROCS secsipidx "${sx_args[@]}" >"$tmp/secsipidx.out" 2>&1 &
sx_pid=$!
wait_port "$sx_port"
sx_url="http://127.0.0.1:$sx_port"

# --- sanity, both directions, before measuring ---
now=$(date +%s)
ident=$(curl_q "$quell_url/stir/v1/signing" \
  -d "{\"signingRequest\":{\"attest\":\"A\",\"dest\":{\"tn\":[\"$DEST\"]},\"iat\":$now,\"orig\":{\"tn\":\"$ORIG\"},\"origid\":\"$(cat /proc/sys/kernel/random/uuid)\"}}" |
  sed -n 's/.*"identity":"\([^"]*\)".*/\1/p')
[[ -n $ident ]] || { echo "Quell signing failed"; cat "$tmp/quell.out"; exit 1; }
verify_body() { printf '{"verificationRequest":{"from":{"tn":"%s"},"to":{"tn":["%s"]},"time":%d,"identity":"%s"}}' "$ORIG" "$DEST" "$(date +%s)" "$1"; }
v=$(curl_q "$quell_url/stir/v1/verification" -d "$(verify_body "$ident")")
grep -q 'TN-Validation-Passed' <<<"$v" || { echo "Quell does not verify its own PASSporT: $v" >&2; exit 1; }
c=$(curl -sS --data-binary "$ident" "$sx_url/v1/check")
[[ $c == OK* ]] || { echo "secsipidx does not verify Quell's PASSporT: $c" >&2; cat "$tmp/secsipidx.out"; exit 1; }
sx_ident=$(curl -sS --data "$ORIG,$DEST,A,$(cat /proc/sys/kernel/random/uuid),$x5u" "$sx_url/v1/sign-csv")
v=$(curl_q "$quell_url/stir/v1/verification" -d "$(verify_body "$sx_ident")")
grep -q 'TN-Validation-Passed' <<<"$v" || { echo "Quell does not verify secsipidx's PASSporT: $v" >&2; exit 1; }
v=$(curl_q "$quell_url/stir/v1/verification" -d "$(verify_body "$sx_ident")")
grep -q '"reasoncode":438' <<<"$v" || echo "note: a replayed PASSporT was not refused with 438: $v" >&2

cpu_ticks() {  # utime+stime of the given pids (all their threads)
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

gen_ids() {  # count -> $tmp/ids.txt, freshly signed
  node "$IDGEN" "$quell_url/stir/v1/signing" "$key" "$1" "$tmp/ids.txt" "$ORIG" "$DEST"
}

run() {  # target -> "rate requests non2xx errors cpu_us_per_req notpassed"
  local target=$1 url pid mode before after out
  case $target in
    quell-verify) url="$quell_url/stir/v1/verification"; pid=$quell_pid; mode=verify ;;
    quell-sign) url="$quell_url/stir/v1/signing"; pid=$quell_pid; mode=sign ;;
    secsipidx-check) url="$sx_url/v1/check"; pid=$sx_pid; mode=check ;;
    secsipidx-sign) url="$sx_url/v1/sign-csv"; pid=$sx_pid; mode=sign-csv ;;
  esac
  [[ $mode == verify || $mode == check ]] && gen_ids "$ids_n"
  before=$(cpu_ticks "$pid")
  out=$(MODE=$mode IDS_FILE="$tmp/ids.txt" API_KEY=$key X5U=$x5u ORIG=$ORIG DEST=$DEST \
        wrk -t1 -c"$CONNS" -d"$DURATION" -s "$LUA" "$url" 2>"$tmp/wrk.err")
  after=$(cpu_ticks "$pid")
  local rate reqs non2xx errors failed
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out"); errors=${errors:-0}
  failed=$(awk '/^PASSED/ {print $4}' <<<"$out"); failed=${failed:-0}
  [[ $mode == verify && $failed -gt 0 && -z ${warmup:-} ]] && sed -n 1p "$tmp/wrk.err" | sed 's/^/    /' >&2
  awk -v r="$rate" -v n="$reqs" -v x="$non2xx" -v e="$errors" -v t=$((after - before)) -v hz="$hz" -v f="$failed" \
    'BEGIN { printf "%s %d %d %d %.2f %d\n", r, n, x, e, (n > 0 ? t / hz / n * 1e6 : 0), f }'
}

# --- The SIP front with verification on ---
sip_section() {
  local sip_port uac=$PWD/bench/load/sip-identity-uac.xml
  sip_port=$(sed -n 's/^quell sip listening on udp [^ ]*:\([0-9]*\) .*/\1/p' "$tmp/quell.out")
  [[ -n $sip_port ]] || { echo "Quell printed no SIP port" >&2; cat "$tmp/quell.out"; exit 1; }
  passed() { curl -s "$quell_url/metrics" --cacert "$tmp/tls.pem" |
               awk '/^quell_shaken_verifications_total\{code="passed"\}/ {print $2}'; }
  # sip_run RATE SECONDS -> "attempted failed retrans cpu_us_per_call passed"
  sip_run() {
    local rate=$1 n=$(( $1 * $2 )) before after p0 p1 stat
    gen_ids "$n"
    { echo SEQUENTIAL; cat "$tmp/ids.txt"; } > "$tmp/ids.csv"
    p0=$(passed); before=$(cpu_ticks "$quell_pid")
    rm -f "$tmp"/sip-identity-uac_*_.csv
    (cd "$tmp" && sipp -sf "$uac" "127.0.0.1:$sip_port" -i 127.0.0.1 -p 0 -t u1 -r "$rate" -rp 1000 \
      -m "$n" -l $(( rate * 4 )) -inf "$tmp/ids.csv" -key orig "$ORIG" -key dest "$DEST" -nostdin \
      -timeout $(( $2 + 30 ))s -trace_stat -fd 1 -stf "$tmp/sipstat.csv" >/dev/null 2>&1) || true
    after=$(cpu_ticks "$quell_pid"); p1=$(passed)
    stat=$(node -e '
      const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
      const head = lines[0].split(";"), last = lines[lines.length - 1].split(";");
      const v = (name) => Number(last[head.indexOf(name)] || 0);
      console.log(v("TotalCallCreated"), v("FailedCall(C)"), v("Retransmissions(C)"), v("SuccessfulCall(C)"));
    ' "$tmp/sipstat.csv")
    local attempted failed retrans ok
    read -r attempted failed retrans ok <<<"$stat"
    awk -v a="$attempted" -v f="$failed" -v r="$retrans" -v ok="$ok" -v t=$((after - before)) -v hz="$hz" \
        -v p=$(( ${p1%.*} - ${p0%.*} )) \
      'BEGIN { printf "%d %d %d %.2f %d\n", a, f, r, (ok > 0 ? t / hz / ok * 1e6 : 0), p }'
  }
  speed_verify() {  # one core's ECDSA P-256 verifies per second
    openssl speed -seconds 1 ecdsap256 2>/dev/null | awk '/nistp256/ && /ecdsa/ {print $NF}' | tail -1
  }
  echo
  echo "== SIP front with verification: sipp at $SIP_RATE calls/s for ${SIP_SECONDS}s, a fresh Identity each," \
       "$RUNS runs interleaved with openssl speed ecdsap256"
  : > "$tmp/sipresults"
  local i r v
  for i in $(seq "$RUNS"); do
    r=$(sip_run "$SIP_RATE" "$SIP_SECONDS"); v=$(speed_verify)
    echo "$r $v" >> "$tmp/sipresults"
    read -r a f x c p <<<"$r"
    printf '  run %d: attempted %d failed %d retrans %d passed %d  Quell CPU %.1f us/call;  openssl verify %.0f/s = %.1f us\n' \
      "$i" "$a" "$f" "$x" "$p" "$c" "$v" "$(awk -v s="$v" 'BEGIN { print 1e6 / s }')"
  done
  local cm cmin cmax vm
  cm=$(awk '{print $4}' "$tmp/sipresults" | median); cmin=$(awk '{print $4}' "$tmp/sipresults" | sort -n | head -1)
  cmax=$(awk '{print $4}' "$tmp/sipresults" | sort -n | tail -1); vm=$(awk '{print $6}' "$tmp/sipresults" | median)
  local vus
  vus=$(awk -v s="$vm" 'BEGIN { printf "%.1f", 1e6 / s }')
  echo "Quell CPU per verified call: median $cm us (min $cmin, max $cmax); one raw ECDSA P-256 verify: $vus us" \
       "(median $vm/s); ratio $(awk -v a="$cm" -v b="$vus" 'BEGIN { printf "%.2f", a / b }')x"
  echo "calls with verification: $(awk '{s += $5} END {print s}' "$tmp/sipresults") of" \
       "$(awk '{s += $1} END {print s}' "$tmp/sipresults") passed; failed calls $(awk '{s += $2} END {print s}' "$tmp/sipresults")"
  # Ceiling: raise the rate until a call fails, >0.1 % retransmit, or one does not pass.
  local rate=$SIP_RATE best=0 secs=$(( SIP_SECONDS < 10 ? SIP_SECONDS : 10 ))
  while (( rate <= 40000 )); do
    read -r a f x c p <<<"$(sip_run "$rate" "$secs")"
    printf '  ceiling: %6d calls/s  failed %d retrans %d passed %d/%d  CPU %.1f us/call\n' "$rate" "$f" "$x" "$p" "$a" "$c"
    (( f == 0 && x * 1000 <= a && p == a )) || break
    best=$rate; rate=$(( rate * 5 / 4 ))
  done
  echo "Quell SIP front with verification (1 SIP thread): ceiling $best calls/s; raw verify rate of one core $vm/s" \
       "($(awk -v a="$best" -v b="$vm" 'BEGIN { printf "%.2f", a / b }')x)"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if ((SIP_ONLY)); then sip_section; exit 0; fi

targets=(quell-verify secsipidx-check quell-sign secsipidx-sign)
echo "STIR/SHAKEN REST: Quell $quell_url vs secsipidx $(secsipidx -version 2>&1 | head -1) $sx_url;" \
     "wrk -t1 -c$CONNS -d$DURATION, $SERVER_THREADS server thread(s), secsipidx GOMAXPROCS=$SECSIPIDX_GOMAXPROCS" \
     "-cert-verify $SECSIPIDX_CERT_VERIFY, $RUNS interleaved runs each"
# IDS from a measured rate: twice the requests of one run (the rate varies from
# run to run on a shared machine), at most 400k.
size_ids() { awk -v r="$1" -v s="$secs" -v cur="$2" 'BEGIN { n = int(r * s * 2) + 2000; if (n > 400000) n = 400000; print (n > cur ? n : cur) }'; }
# Warm-up (also sizes IDS; its replays, if any, are expected and not shown).
ids_n=$IDS; (( ids_n > 0 )) || ids_n=50000
w=$(warmup=1 run quell-verify)
(( IDS > 0 )) || ids_n=$(size_ids "$(cut -d' ' -f1 <<<"$w")" 0)
for t in secsipidx-check quell-sign secsipidx-sign; do warmup=1 run "$t" >/dev/null; done
echo "identities per verification run: $ids_n (distinct, signed just before the run; grows if a run gets faster)"
: > "$tmp/results"
for i in $(seq "$RUNS"); do
  line="  run $i:"
  for t in "${targets[@]}"; do
    r=$(run "$t"); echo "$t $r" >> "$tmp/results"
    [[ $t == quell-verify ]] && (( IDS == 0 )) && ids_n=$(size_ids "$(cut -d' ' -f1 <<<"$r")" "$ids_n")
    line+=$(printf ' %s %7.0f/s' "$t" "$(cut -d' ' -f1 <<<"$r")")
  done
  echo "$line"
done

summary() {  # target -> median min max non2xx errors cpu_median notpassed
  local rates
  rates=$(awk -v who="$1" '$1 == who {print $2}' "$tmp/results" | sort -n)
  printf '%.0f %.0f %.0f %d %d %.2f %d\n' "$(median <<<"$rates")" "$(head -1 <<<"$rates")" "$(tail -1 <<<"$rates")" \
    "$(awk -v who="$1" '$1 == who {s += $4} END {print s}' "$tmp/results")" \
    "$(awk -v who="$1" '$1 == who {s += $5} END {print s}' "$tmp/results")" \
    "$(awk -v who="$1" '$1 == who {print $6}' "$tmp/results" | median)" \
    "$(awk -v who="$1" '$1 == who {s += $7} END {print s}' "$tmp/results")"
}
echo
printf '%-16s %10s %18s %8s %8s %11s %11s\n' target "median/s" "spread (min-max)" non-2xx errors not-passed "CPU us/req"
declare -A med cpu bad
for t in "${targets[@]}"; do
  read -r m mn mx x e c f <<<"$(summary "$t")"
  med[$t]=$m; cpu[$t]=$c; bad[$t]=$((x + e + f))
  [[ $t == quell-verify ]] || f="-"
  printf '%-16s %10s %18s %8s %8s %11s %11s\n' "$t" "$m" "$mn-$mx" "$x" "$e" "$f" "$c"
done

# Raw ECDSA P-256 cost on this machine, one core.
speed=$(openssl speed -seconds "$SPEED_SECONDS" ecdsap256 2>/dev/null | awk '/nistp256/ && /ecdsa/ {print $(NF-1), $NF}' | tail -1)
read -r sign_s verify_s <<<"$speed"
raw_sign=$(awk -v s="$sign_s" 'BEGIN { printf "%.2f", 1e6 / s }')
raw_verify=$(awk -v s="$verify_s" 'BEGIN { printf "%.2f", 1e6 / s }')
echo
echo "raw ECDSA P-256 (openssl speed -seconds $SPEED_SECONDS ecdsap256): sign $sign_s/s = $raw_sign us, verify $verify_s/s = $raw_verify us"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
rv=$(ratio "${cpu[quell-verify]}" "$raw_verify"); rs=$(ratio "${cpu[quell-sign]}" "$raw_sign")
sv=$(ratio "${cpu[secsipidx-check]}" "$raw_verify"); ss_=$(ratio "${cpu[secsipidx-sign]}" "$raw_sign")
tv=$(ratio "${med[quell-verify]}" "${med[secsipidx-check]}"); ts=$(ratio "${med[quell-sign]}" "${med[secsipidx-sign]}")
echo "CPU per request / raw op: Quell verify ${rv}x, sign ${rs}x (target <= 1.3x); secsipidx check ${sv}x, sign-csv ${ss_}x"
echo "throughput Quell/secsipidx (median req/s): verify ${tv}x, sign ${ts}x (aim >= 1.5x)"
awk -v a="$rv" -v b="$rs" 'BEGIN { exit !(a <= 1.3 && b <= 1.3) }' && echo "CPU target met" || echo "CPU target NOT met"
awk -v a="$tv" -v b="$ts" 'BEGIN { exit !(a >= 1.5 && b >= 1.5) }' && echo "throughput aim met" || echo "throughput aim NOT met"
(( ${bad[quell-verify]} + ${bad[quell-sign]} == 0 )) && echo "Quell: every answer 2xx, every verification passed" ||
  echo "Quell: ${bad[quell-verify]} failed verification answers, ${bad[quell-sign]} failed signing answers (see above)"
((SIP)) && sip_section
