#!/usr/bin/env bash
# The Do-Not-Call register at full size (docs/benchmarks.md "Do-Not-Call"):
#   1. memory: 10^9 protected numbers from a generated snapshot (bytes/number);
#   2. in memory: list checks and whole scrubs against a 10^8-number register
#      (Google Benchmark, REPS repetitions: median and spread);
#   3. `quell dnc scrub` of a 10-million-line mixed-format list with 1 % invalid
#      rows against the 10^8 register, end to end (process start, snapshot load,
#      numbering plan from the data directory's cache, result file, receipt):
#      one cold run (no cache yet), then RUNS runs interleaved with a baseline
#      that only reads the list's first column (awk);
#   4. recovery: the 10^8 register plus 1,000,000 changes after its snapshot,
#      `quell serve` killed with SIGKILL, restarted: time to /readyz 200.
#
#   bench/load/dnc.sh [QUELL_BINARY]
#   BIG=0 bench/load/dnc.sh          # skip the 10^9 memory run (45 s, 1 GiB)
#   STEPS="3 4" bench/load/dnc.sh    # only some parts (the 10^8 register is built for 2-4)
set -euo pipefail
cd "$(dirname "$0")/../.."
QUELL=${1:-build/release/src/quell/cli/quell}
TOOL=${TOOL:-build/release/bench/dnc_tool}
BENCH=${DNC_BENCH:-build/release/bench/dnc_bench}
RUNS=${RUNS:-5}
REPS=${REPS:-5}
BIG=${BIG:-1}
STEPS=${STEPS:-"1 2 3 4"}
step() { [[ " $STEPS " == *" $1 "* ]]; }
LINES=${LINES:-10000000}
for f in "$QUELL" "$TOOL" "$BENCH"; do
  [[ -x $f ]] || { echo "missing $f (make build)" >&2; exit 1; }
done
tmp=$(mktemp -d)
server=""
cleanup() {
  [[ -n $server ]] && kill -9 "$server" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# Private copies: a rebuild during the run must not change what is measured.
cp "$QUELL" "$tmp/quell"; cp "$TOOL" "$tmp/dnc_tool"; cp "$BENCH" "$tmp/dnc_bench"
QUELL=$tmp/quell; TOOL=$tmp/dnc_tool; BENCH=$tmp/dnc_bench

median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f (min %.3f, max %.3f)", m, a[1], a[NR]}'; }

if [[ $BIG == 1 ]] && step 1; then
  echo "== 1. memory at 10^9 protected numbers"
  "$TOOL" snapshot --dir "$tmp/big" --numbers 1000000000
  "$TOOL" memory --dir "$tmp/big"
  rm -rf "$tmp/big"
fi

"$TOOL" snapshot --dir "$tmp/r8" --numbers 100000000
if step 2; then
  echo "== 2. in memory against 10^8 (repetitions: $REPS)"
  "$TOOL" list --out "$tmp/list1m.csv" --count 1000000
  DNC_DIR="$tmp/r8" DNC_LIST="$tmp/list1m.csv" "$BENCH" --benchmark_repetitions="$REPS" \
    --benchmark_report_aggregates_only=true 2>&1 | grep -E "Benchmark|median|stddev|cv"
fi

if step 3; then
echo "== 3. quell dnc scrub of $LINES lines, end to end (runs: $RUNS, interleaved with the baseline)"
"$TOOL" list --out "$tmp/list.csv" --count "$LINES"
"$QUELL" admin create-user --data "$tmp/r8" --username bench1 --role business \
  --org "Bench Marketing" --password "bench-password-1" >/dev/null 2>&1
# The first run meets every number block cold (no <data>/numbering-plan.cache
# yet) and is reported apart; the median is of the runs after it.
rm -f "$tmp/r8/numbering-plan.cache"
s=$(date +%s.%N)
"$QUELL" dnc scrub --data "$tmp/r8" --org "Bench Marketing" --in "$tmp/list.csv" \
  --out "$tmp/result.csv" > /dev/null 2>&1
e=$(date +%s.%N)
echo "first run, numbering plan cold: $(awk -v a="$s" -v b="$e" -v n="$LINES" 'BEGIN {printf "%.3f s, %.0f numbers/s", b - a, n / (b - a)}')"
: > "$tmp/quell.times"; : > "$tmp/awk.times"
for i in $(seq "$RUNS"); do
  s=$(date +%s.%N)
  awk -F, '{print $1}' "$tmp/list.csv" > /dev/null
  e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN {print b - a}' >> "$tmp/awk.times"
  s=$(date +%s.%N)
  "$QUELL" dnc scrub --data "$tmp/r8" --org "Bench Marketing" --in "$tmp/list.csv" \
    --out "$tmp/result.csv" > "$tmp/scrub.out" 2>/dev/null
  e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN {print b - a}' >> "$tmp/quell.times"
done
echo "quell dnc scrub: $(median < "$tmp/quell.times") s; $(awk -v n="$LINES" '{print n/$1}' "$tmp/quell.times" | median) numbers/s"
echo "baseline awk first column: $(median < "$tmp/awk.times") s"
cat "$tmp/scrub.out"
fi

step 4 || exit 0
echo "== 4. recovery: 10^8 register + 1,000,000 changes after the snapshot, SIGKILL, restart to /readyz"
"$TOOL" changes --dir "$tmp/r8" --count 1000000
port=$((20000 + RANDOM % 20000)); sip=$((port + 1))
: > "$tmp/recovery.times"
for i in $(seq "$RUNS"); do
  s=$(date +%s.%N)
  "$QUELL" serve --data "$tmp/r8" --http 127.0.0.1:$port --sip 127.0.0.1:$sip > "$tmp/serve.log" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.05; done
  e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN {print b - a}' >> "$tmp/recovery.times"
  kill -9 "$server"; wait "$server" 2>/dev/null || true; server=""
done
echo "kill -9 to /readyz: $(median < "$tmp/recovery.times") s"
grep -m1 "snapshot at version" "$tmp/serve.log" || true
