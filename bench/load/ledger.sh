#!/usr/bin/env bash
# The enforcement ledger (docs/benchmarks.md "Enforcement ledger"):
#
#  1. Appends at a steady RATE signed records/s for SECONDS (60), each
#     acknowledged durably (fdatasync, group commit): achieved rate, p50/p99/max
#     acknowledgement latency counted from each record's scheduled time, records
#     per fdatasync (bench/ledger_tool append). Then the ceiling: as fast as it
#     goes for 10 s (ledger_tool ceiling).
#  2. `quell ledger verify` of a RECORDS-record ledger (written by ledger_tool
#     fill): framing and chain only, and with every signature on all cores —
#     interleaved RUNS times with `openssl speed ed25519` (one process, and
#     -multi 2), reporting median and spread (min-max) of each, the verifier's
#     CPU time per record (utime+stime of the child), and whether the targets
#     hold: chain+framing >= 200,000 records/s; with signatures >= 0.8 x openssl's
#     Ed25519 verify/s on the same cores.
#
#   bench/load/ledger.sh [QUELL_BINARY]
#   RUNS=3 SECONDS_STEADY=10 RECORDS=100000 bench/load/ledger.sh   # a quick run
#
# Environment: RATE (5000), SECONDS_STEADY (60), THREADS (32), RECORDS (1000000),
# RUNS (5), BUILD_DIR (build/release), BUILD (1), OUT (bench/ledger/out, gitignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-5000}
SECONDS_STEADY=${SECONDS_STEADY:-60}
THREADS=${THREADS:-32}
RECORDS=${RECORDS:-1000000}
RUNS=${RUNS:-5}
[[ -n ${1:-} ]] && BUILD_DIR=${1%/src/quell/cli/quell}
BUILD_DIR=${BUILD_DIR:-build/release}
BUILD=${BUILD:-1}
OUT=${OUT:-bench/ledger/out}
command -v openssl >/dev/null || { echo "openssl is missing: scripts/setup test" >&2; exit 1; }

if ((BUILD)); then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUELL_TESTS=ON -DQUELL_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target quell ledger_tool >/dev/null
fi
QUELL=$BUILD_DIR/src/quell/cli/quell
TOOL=$BUILD_DIR/bench/ledger_tool
mkdir -p "$OUT"

echo "== steady appends: $RATE records/s for ${SECONDS_STEADY}s, durable acknowledgements"
"$TOOL" append --dir "$OUT/steady" --rate "$RATE" --seconds "$SECONDS_STEADY" --threads "$THREADS"
echo "== ceiling: as fast as it goes for 10 s ($((THREADS * 2)) threads)"
"$TOOL" ceiling --dir "$OUT/ceiling" --seconds 10 --threads $((THREADS * 2))
rm -rf "$OUT/steady" "$OUT/ceiling"

if [[ ! -f $OUT/verify-$RECORDS/ledger.qlg ]]; then
  echo "== writing a $RECORDS-record ledger"
  "$TOOL" fill --dir "$OUT/verify-$RECORDS" --records "$RECORDS"
fi
FILE=$OUT/verify-$RECORDS/ledger.qlg

python3 - "$QUELL" "$FILE" "$RECORDS" "$RUNS" <<'PY'
import os, re, resource, statistics, subprocess, sys, time
quell, path, records, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cores = os.cpu_count()

def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

def verify(sigs):
    args = [quell, "ledger", "verify", "--file", path] + ([] if sigs else ["--no-signatures"])
    c0, t0 = child_cpu(), time.monotonic()
    out = subprocess.run(args, capture_output=True, text=True)
    wall, cpu = time.monotonic() - t0, child_cpu() - c0
    if out.returncode != 0 or "ok:" not in out.stdout:
        sys.exit("verify failed: " + out.stdout + out.stderr)
    return records / wall, cpu / records * 1e6

def openssl(multi):
    args = ["openssl", "speed", "-seconds", "3"] + (["-multi", str(multi)] if multi > 1 else []) + ["ed25519"]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    # " 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  45000.0  15000.0"
    for line in out.splitlines():
        if "Ed25519" in line and re.search(r"\d+\.\d+\s+\d+\.\d+\s*$", line):
            sign, ver = line.split()[-2:]
            return float(ver)
    sys.exit("cannot read openssl speed output:\n" + out)

rows = {"chain": [], "sigs": [], "ossl1": [], "osslN": []}
cpu = {"chain": [], "sigs": []}
for i in range(runs):
    r, c = verify(False); rows["chain"].append(r); cpu["chain"].append(c)
    r, c = verify(True); rows["sigs"].append(r); cpu["sigs"].append(c)
    rows["ossl1"].append(openssl(1))
    rows["osslN"].append(openssl(cores))
    print(f"run {i+1}: chain {rows['chain'][-1]:,.0f}/s  signatures {rows['sigs'][-1]:,.0f}/s  "
          f"openssl verify {rows['ossl1'][-1]:,.0f}/s (1 process), {rows['osslN'][-1]:,.0f}/s (-multi {cores})",
          flush=True)

def med(v): return statistics.median(v)
def spread(v): return f"{min(v):,.0f}-{max(v):,.0f}"
print(f"\n{records:,} records, {os.path.getsize(path):,} bytes, {runs} interleaved runs, {cores} cores")
print(f"  verify --no-signatures : median {med(rows['chain']):,.0f} records/s (spread {spread(rows['chain'])}), "
      f"{med(cpu['chain']):.2f} us CPU/record")
print(f"  verify (all signatures): median {med(rows['sigs']):,.0f} records/s (spread {spread(rows['sigs'])}), "
      f"{med(cpu['sigs']):.1f} us CPU/record")
print(f"  openssl speed ed25519 verify: median {med(rows['ossl1']):,.0f}/s one process "
      f"(spread {spread(rows['ossl1'])}); {med(rows['osslN']):,.0f}/s with -multi {cores} (spread {spread(rows['osslN'])})")
ratio_multi = med(rows['sigs']) / med(rows['osslN'])
ratio_one = med(rows['sigs']) / med(rows['ossl1'])
print(f"  signatures vs openssl on {cores} cores: {ratio_multi:.2f} x (target >= 0.8); vs one openssl process: {ratio_one:.2f} x")
print(f"  chain+framing target >= 200,000 records/s: {'met' if med(rows['chain']) >= 200000 else 'NOT met'}")
print(f"  signature target: {'met' if ratio_multi >= 0.8 else 'NOT met'}")
PY
