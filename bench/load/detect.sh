#!/usr/bin/env bash
# Behavioural detection at full size (docs/benchmarks.md "Behavioural detection"):
#   1. quality: the default scenario (10^6 subscribers, 24 h, 200 campaigns of
#      each nuisance kind, 1,000 legitimate high-volume callers) and SEEDS more
#      seeds with every simulator parameter perturbed by up to ±50 %, each
#      simulated and replayed through the engine by `quell eval` with the
#      committed thresholds (bench/detect/eval.toml only describes the
#      simulated network's cell ids); JSON reports are kept in OUT;
#   2. `quell ingest` of the default scenario's CDR file (mixed number formats)
#      with 1 % of its rows made bad, end to end with findings persisted to a
#      fresh store, RUNS runs interleaved with a baseline that only splits the
#      file's fields (awk); rows/s and CPU seconds per million rows.
#
#   bench/load/detect.sh [QUELL_BINARY]
#   STEPS=2 SEEDS=2 RUNS=3 bench/load/detect.sh
#   FIRST_SEED=7 STEPS=1 bench/load/detect.sh   # perturbed seeds 7-11 (fresh ones)
set -euo pipefail
cd "$(dirname "$0")/../.."
QUELL=${1:-build/release/src/quell/cli/quell}
SEEDS=${SEEDS:-5}
FIRST_SEED=${FIRST_SEED:-2}
RUNS=${RUNS:-5}
STEPS=${STEPS:-"1 2"}
OUT=${OUT:-bench/detect/out}
step() { [[ " $STEPS " == *" $1 "* ]]; }
[[ -x $QUELL ]] || { echo "missing $QUELL (make build)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$QUELL" "$tmp/quell"
QUELL=$tmp/quell
mkdir -p "$OUT"
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f (min %.3f, max %.3f)", m, a[1], a[NR]}'; }

echo "thresholds: commit $(git rev-parse --short HEAD) (src/quell/detect/engine.h defaults)"
"$QUELL" simulate --seed 1 --out "$tmp/cdr.csv" --truth "$tmp/truth.csv"
if step 1; then
  echo "== 1. quality, default scenario (seed 1)"
  "$QUELL" eval --config bench/detect/eval.toml --data "$tmp/var" --cdr "$tmp/cdr.csv" \
    --truth "$tmp/truth.csv" --json "$OUT/eval-seed1.json" 2>/dev/null
  for s in $(seq "$FIRST_SEED" $((FIRST_SEED + SEEDS - 1))); do
    echo "== 1. quality, seed $s, every parameter perturbed by up to ±50 %"
    "$QUELL" simulate --seed "$s" --perturb 0.5 --out "$tmp/p.csv" --truth "$tmp/p-truth.csv" \
      2>/dev/null >/dev/null
    "$QUELL" eval --config bench/detect/eval.toml --data "$tmp/var" --cdr "$tmp/p.csv" \
      --truth "$tmp/p-truth.csv" --json "$OUT/eval-seed$s-perturbed.json" 2>/dev/null
  done
  rm -f "$tmp/p.csv" "$tmp/p-truth.csv"
fi

if step 2; then
  echo "== 2. quell ingest, default scenario with 1 % bad rows (runs: $RUNS, interleaved with awk)"
  # Every 100th row loses its callee: a bad row the reader must report.
  awk -F, -v OFS=, 'NR > 1 && NR % 100 == 0 { $3 = "not-a-number" } { print }' "$tmp/cdr.csv" \
    > "$tmp/bad.csv"
  rm -f "$tmp/cdr.csv"
  rows=$(($(wc -l < "$tmp/bad.csv") - 1))
  : > "$tmp/ingest.txt"; : > "$tmp/awk.txt"; : > "$tmp/ingest-cpu.txt"
  for r in $(seq "$RUNS"); do
    rm -rf "$tmp/var"
    /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$QUELL" ingest --config bench/detect/eval.toml \
      --data "$tmp/var" "$tmp/bad.csv" > "$tmp/ingest.log" 2>/dev/null || true
    read -r wall user sys < "$tmp/t"
    awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%.0f\n", r / w }' >> "$tmp/ingest.txt"
    awk -v r="$rows" -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f\n", (u + s) / r * 1e6 }' \
      >> "$tmp/ingest-cpu.txt"
    /usr/bin/time -f "%e" -o "$tmp/t" awk -F, '{ n += NF } END { print n }' "$tmp/bad.csv" > /dev/null
    awk -v r="$rows" -v w="$(cat "$tmp/t")" 'BEGIN { printf "%.0f\n", r / w }' >> "$tmp/awk.txt"
  done
  tail -2 "$tmp/ingest.log"
  echo "rows: $rows"
  echo "quell ingest rows/s: $(median < "$tmp/ingest.txt")"
  echo "quell ingest CPU s per million rows: $(median < "$tmp/ingest-cpu.txt")"
  echo "awk field split rows/s (baseline): $(median < "$tmp/awk.txt")"
fi
