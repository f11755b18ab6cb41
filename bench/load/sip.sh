#!/usr/bin/env bash
# SIP screening load: sipp at a fixed rate against Quell's SIP front and against
# Kamailio answering every INVITE statelessly with 302 (bench/load/sip-302.cfg),
# same sipp settings, interleaved RUNS times; then each one's ceiling.
#
#   bench/load/sip.sh [QUELL_BINARY]
#   RATE=10000 DURATION=60 RUNS=3 SERVER_THREADS=1 bench/load/sip.sh
#
# Quell runs an empty policy (no rule: every call 302, like the baseline) with
# numbering on and no signature verification. For each run: calls attempted,
# failed calls, retransmissions (sipp's counters), and the server's CPU time per
# 100,000 INVITEs from /proc/PID/stat (all Kamailio processes summed). Quell's
# latency p50/p99 comes from its own histogram (quell_sip_response_seconds:
# kernel receive timestamp to reply). Then CEILING=1 raises the rate until
# either server fails calls or retransmits more than 0.1 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
QUELL=${1:-build/release/src/quell/cli/quell}
RATE=${RATE:-10000}
DURATION=${DURATION:-60}
RUNS=${RUNS:-3}
SERVER_THREADS=${SERVER_THREADS:-1}
CEILING=${CEILING:-1}
for tool in sipp kamailio node curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: scripts/setup test" >&2; exit 1; }
done
[[ -x $QUELL ]] || { echo "no quell binary at $QUELL (make build)" >&2; exit 1; }
UAC=$PWD/bench/load/sip-uac.xml
KCFG=$PWD/bench/load/sip-302.cfg

tmp=$(mktemp -d)
quell_pid=""; kam_pidfile="$tmp/kamailio.pid"
cleanup() {
  [[ -n $quell_pid ]] && kill "$quell_pid" 2>/dev/null && wait "$quell_pid" 2>/dev/null || true
  [[ -f $kam_pidfile ]] && kill "$(cat "$kam_pidfile")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$tmp"
}
trap cleanup EXIT

free_udp_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 50); do
    [[ -z $(ss -Huln "sport = :$p") && -z $(ss -Htln "sport = :$p") ]] && { echo "$p"; return; }
  done
  echo "no free port" >&2; exit 1
}

# --- Quell: an empty policy (one rule that never matches), no verification ---
cat > "$tmp/quell.toml" <<TOML
[log]
level = "warn"
[http]
access_log = false
[sip]
threads = $SERVER_THREADS
[[screen.rule]]
name = "never"
when = "sanction.listed"
action = "block"
TOML
mkdir "$tmp/data"
quell_sip=$(free_udp_port)
"$QUELL" serve --config "$tmp/quell.toml" --data "$tmp/data" --http 127.0.0.1:0 \
  --sip "127.0.0.1:$quell_sip" >"$tmp/quell.out" 2>&1 &
quell_pid=$!
for _ in $(seq 100); do grep -q 'quell listening on' "$tmp/quell.out" 2>/dev/null && break; sleep 0.1; done
quell_url=$(grep -o 'http://[^ ]*/' "$tmp/quell.out" | head -1)
[[ -n $quell_url ]] || { cat "$tmp/quell.out"; exit 1; }

# --- Kamailio, stateless 302 ---
kam_sip=$(free_udp_port)
kamailio -DD -E -m 64 -M 8 -f "$KCFG" -A "SIP_PORT=$kam_sip" -A "CHILDREN=$SERVER_THREADS" \
  -P "$kam_pidfile" -Y "$tmp" -w "$tmp" >"$tmp/kamailio.out" 2>&1 &
for _ in $(seq 100); do [[ -n $(ss -Huln "sport = :$kam_sip") ]] && break; sleep 0.1; done
sleep 0.5
kam_pids() { pgrep -f -- "-A SIP_PORT=$kam_sip" | tr '\n' ' '; }

cpu_ticks() {  # utime+stime of the given pids (all their threads)
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

histogram() { curl -s "${quell_url}metrics" | grep '^quell_sip_response_seconds_bucket' || true; }

# run TARGET RATE SECONDS -> "attempted failed retrans cpu_us_per_100k"
run() {
  local target=$1 rate=$2 secs=$3 port pids before after stat
  if [[ $target == quell ]]; then port=$quell_sip; pids=$quell_pid; else port=$kam_sip; pids=$(kam_pids); fi
  before=$(cpu_ticks $pids)
  rm -f "$tmp"/sip-uac_*_.csv
  sipp -sf "$UAC" "127.0.0.1:$port" -i 127.0.0.1 -p 0 -t u1 -r "$rate" -rp 1000 \
    -m $(( rate * secs )) -l $(( rate * 4 )) -nostdin -timeout $(( secs + 30 ))s \
    -trace_stat -fd 1 -stf "$tmp/stat.csv" >/dev/null 2>&1 || true
  after=$(cpu_ticks $pids)
  # The last line of sipp's statistics file: cumulative counters.
  stat=$(node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
    const head = lines[0].split(";"), last = lines[lines.length - 1].split(";");
    const v = (name) => Number(last[head.indexOf(name)] || 0);
    console.log(v("TotalCallCreated"), v("FailedCall(C)"), v("Retransmissions(C)"), v("SuccessfulCall(C)"));
  ' "$tmp/stat.csv")
  read -r attempted failed retrans ok <<<"$stat"
  local cpu_us=$(( (after - before) * 1000000 / hz ))
  local per100k=0
  (( ok > 0 )) && per100k=$(( cpu_us * 100000 / ok / 1000 ))
  echo "$attempted $failed $retrans $per100k"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== fixed rate: $RATE calls/s for ${DURATION}s, $RUNS interleaved runs each, $SERVER_THREADS server thread(s)"
h0=$(histogram)
declare -A cpu fails retr
for i in $(seq "$RUNS"); do
  for t in quell kamailio; do
    read -r a f r c <<<"$(run "$t" "$RATE" "$DURATION")"
    printf '  run %d %-9s attempted %8d failed %6d retrans %6d  CPU ms/100k INVITEs %6d\n' "$i" "$t" "$a" "$f" "$r" "$c"
    cpu[$t]+="$c "; fails[$t]=$(( ${fails[$t]:-0} + f )); retr[$t]+="$(( a > 0 ? r * 100000 / a : 0 )) "
  done
done
h1=$(histogram)
for t in quell kamailio; do
  cs=$(tr ' ' '\n' <<<"${cpu[$t]}" | sed '/^$/d')
  printf '%-9s CPU ms per 100k INVITEs: median %s (min %s, max %s); failed calls %d; retransmissions (per 100k) %s\n' \
    "$t" "$(median <<<"$cs")" "$(sort -n <<<"$cs" | head -1)" "$(sort -n <<<"$cs" | tail -1)" \
    "${fails[$t]}" "${retr[$t]}"
done
qc=$(tr ' ' '\n' <<<"${cpu[quell]}" | sed '/^$/d' | median)
kc=$(tr ' ' '\n' <<<"${cpu[kamailio]}" | sed '/^$/d' | median)
(( kc > 0 )) && echo "Quell/Kamailio CPU per INVITE: $(awk -v q="$qc" -v k="$kc" 'BEGIN {printf "%.2f", q / k}') (target <= 1.0)"

# Latency from Quell's histogram, over the fixed-rate runs.
node -e '
  const parse = (t) => Object.fromEntries(t.trim().split("\n").filter(Boolean).map((l) => {
    const m = l.match(/le="([^"]+)"\} (\S+)/); return [m[1], Number(m[2])]; }));
  const a = parse(process.argv[1] || ""), b = parse(process.argv[2] || "");
  const les = Object.keys(b).sort((x, y) => (x === "+Inf" ? 1 : y === "+Inf" ? -1 : x - y));
  const total = (b["+Inf"] || 0) - (a["+Inf"] || 0);
  const q = (p) => { let prev = 0, prevLe = 0;
    for (const le of les) { const c = b[le] - (a[le] || 0);
      if (c >= p * total) { if (le === "+Inf") return ">" + prevLe * 1e6 + " us";
        const x = Number(le), f = (p * total - prev) / Math.max(c - prev, 1);
        return (prevLe + f * (x - prevLe)) * 1e6 + " us"; }
      prev = c; prevLe = Number(le); } };
  if (total > 0) console.log(`Quell latency (arrival to answer, ${total} requests): p50 ${Math.round(parseFloat(q(0.5)))} us, p99 ${Math.round(parseFloat(q(0.99)))} us (bucket interpolation)`);
' "$h0" "$h1"

if ((CEILING)); then
  echo "== ceilings: raise the rate (10 s runs) until calls fail or retransmissions exceed 0.1 %"
  for t in quell kamailio; do
    best=0
    for rate in 5000 10000 15000 20000 25000 30000 40000 50000; do
      read -r a f r c <<<"$(run "$t" "$rate" 10)"
      printf '  %-9s %6d calls/s: attempted %7d failed %5d retrans %5d CPU ms/100k %5d\n' "$t" "$rate" "$a" "$f" "$r" "$c"
      if (( f > 0 || r * 1000 > a )); then break; fi
      best=$rate
    done
    echo "  $t ceiling: $best calls/s"
  done
fi
