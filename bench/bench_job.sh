#!/usr/bin/env bash
# bench_job.sh [BUILD_DIR] [RUNS] - end-to-end time of the native MPI job on
# the mainnet genesis state (../shared/fixtures, 21,063 validators) on 1 and 2
# ranks, and the scaling efficiency T1 / (2 * T2). Wall-clock time of the
# whole `mpirun` (start-up, load and hash of the state, leaves, 41 levels,
# final checks, JSON), best of RUNS (default 3); once without and once with
# the HDF5 checkpoint. Prints one line per configuration, with the CPU time
# (user + system of mpirun and its ranks) next to the wall time: on a shared,
# busy machine the wall-time efficiency mostly measures the other load, while
# the CPU-time overhead of 2 ranks measures the job's own parallel cost.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
RUNS=${2:-3}
BIN=$BUILD/bin/balverify
GEN=${BV_FIXTURES:-$ROOT/../shared/fixtures}/lighthouse-mainnet-genesis/genesis.ssz
[ -x "$BIN" ] || { echo "bench_job: $BIN not built" >&2; exit 1; }
[ -s "$GEN" ] || { echo "bench_job: SKIP: $GEN absent"; exit 0; }
source "$ROOT/scripts/env.sh"
WC=0x004bbc7d9be9f71c2d51b9e2aa18fa1f178e9c14c0ecf835ec1224456033cfa9
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

best() { # best NP [extra args]: "wall cpu" of the run with the best wall time over RUNS runs
  local np=$1
  shift
  local b=""
  for _ in $(seq 1 "$RUNS"); do
    rm -f "$TMP/c.h5"
    /usr/bin/time -o "$TMP/time" -f "%e %U %S" mpirun -np "$np" --bind-to none "$BIN" \
      --state "$GEN" --withdrawal-credentials "$WC" "$@" --threads 1 --output "$TMP/out.json"
    b=$(awk -v prev="$b" '{ w = $1; c = $2 + $3
      split(prev, p, " "); if (prev == "" || w < p[1]) print w, c; else print prev }' "$TMP/time")
  done
  echo "$b"
}

echo "bench_job: mainnet genesis (21063 validators), 1 thread per rank, best of $RUNS, $(nproc) cores"
for ck in "" "--checkpoint $TMP/c.h5"; do
  label=${ck:+with checkpoint}
  label=${label:-no checkpoint}
  # shellcheck disable=SC2086
  t1=$(best 1 $ck)
  # shellcheck disable=SC2086
  t2=$(best 2 $ck)
  awk -v a="$t1" -v b="$t2" -v l="$label" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    printf "bench_job: %-16s 1 rank %.3f s (cpu %.2f s)   2 ranks %.3f s (cpu %.2f s)   speed-up %.2f   efficiency %.0f %%   cpu overhead of 2 ranks %+.0f %%\n",
           l, x[1], x[2], y[1], y[2], x[1] / y[1], 100 * x[1] / (2 * y[1]), 100 * (y[2] / x[2] - 1) }'
done
