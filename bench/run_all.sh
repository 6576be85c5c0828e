#!/usr/bin/env bash
# run_all.sh [BUILD_DIR] - run every benchmark in sequence and print its
# figures (the input for docs/PERFORMANCE.md). Wall-clock timing
# (BV_BENCH_WALL=1) and passive OpenMP waiting; run it on an otherwise idle
# machine. Takes about 10 minutes on 2 cores.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
B=$BUILD/bin
export BV_BENCH_WALL=1 OMP_WAIT_POLICY=passive
source "$ROOT/scripts/env.sh"

section() { echo; echo "=== $* ==="; }
run() { echo "\$ $*"; "$@" || echo "(exit $?)"; }

section "machine"
lscpu | grep -E "Model name|^CPU\(s\)|Flags" | sed 's/Flags:.*\(avx512f\).*/Flags: ... avx512f .../'
uptime

section "field";     OMP_NUM_THREADS=1 run "$B/bench_field"
section "poseidon";  OMP_NUM_THREADS=1 run "$B/bench_poseidon" 2
section "sha256";    OMP_NUM_THREADS=1 run "$B/bench_sha256" 1
section "ssz";       OMP_NUM_THREADS=1 run "$B/bench_ssz" 1048576 3
for t in 1 2; do
  section "ntt, $t thread(s)";    OMP_NUM_THREADS=$t run "$B/bench_ntt" 20 3 5
  section "merkle, $t thread(s)"; OMP_NUM_THREADS=$t run "$B/bench_merkle" 16 135 3
done
section "fri";   OMP_NUM_THREADS=2 run "$B/bench_fri" 12 standard
section "gates"; OMP_NUM_THREADS=1 run "$B/bench_gates"
section "prove"; run "$B/bench_prove" --log-rows 12,14,16 --threads 1,2 --reps 1
section "recursion"; run "$B/bench_recursion" --reps 1
section "job (mainnet genesis)"; run bash "$ROOT/bench/bench_job.sh" "$BUILD" 3
