#!/usr/bin/env bash
# side_by_side.sh [BUILD_DIR] - our prover and plonky2 on the same machine in
# one run (interleaved A B A B), printing the ratios ours / plonky2 that
# docs/PERFORMANCE.md quotes. It runs ../shared/plonky2_bench/side_by_side.sh
# (the plonky2 rebuild kept beside the repository; see its README.md) on our
# bench_poseidon, bench_prove and bench_recursion from BUILD_DIR (default
# build). About 7-9 minutes on 2 cores; run nothing else meanwhile.
#
# Env: PLONKY2_BENCH_DIR  the plonky2_bench folder (default ../shared/plonky2_bench
#                         next to the repository root)
#      P2_BIN, REPS, ROUNDS, OUT, TABLE_ONLY  passed through (see that README)
#      BUILD_P2=1         run its build.sh first when the plonky2 binary is missing
# Exits 2 when the plonky2 bench is not there: no ratio is made up then.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
P2DIR=${PLONKY2_BENCH_DIR:-$ROOT/../shared/plonky2_bench}
BUILD=${1:-build}
if [ ! -f "$P2DIR/side_by_side.sh" ]; then
  echo "side_by_side.sh: no plonky2 bench at $P2DIR (set PLONKY2_BENCH_DIR);" \
       "nothing was compared with plonky2" >&2
  exit 2
fi
P2_BIN=${P2_BIN:-/tmp/plonky2_bench_build/target/release/plonky2_bench}
export P2_BIN
if [ ! -x "$P2_BIN" ]; then
  if [ "${BUILD_P2:-0}" = 1 ]; then
    bash "$P2DIR/build.sh"
  else
    echo "side_by_side.sh: plonky2 benchmark $P2_BIN not built; run" \
         "$P2DIR/build.sh (about 1.5 min) or set BUILD_P2=1" >&2
    exit 2
  fi
fi
cd "$ROOT"
for b in bench_poseidon bench_prove bench_recursion; do
  [ -x "$BUILD/bin/$b" ] || { echo "side_by_side.sh: missing $BUILD/bin/$b (build first:" \
    "cmake -S . -B $BUILD -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD -j2)" >&2; exit 1; }
done
echo "side_by_side.sh: plonky2 bench $P2DIR, ours from $BUILD" >&2
exec bash "$P2DIR/side_by_side.sh" "$BUILD"
