#!/usr/bin/env bash
# bench_job.sh [BUILD_DIR] [RUNS] - end-to-end time of the native MPI job on
# the mainnet genesis state (../shared/fixtures, 21,063 validators) on 1 and 2
# ranks, and the scaling efficiency T1 / (2 * T2). Wall-clock time of the
# whole `mpirun` (start-up, load and hash of the state, leaves, 41 levels,
# final checks, JSON), best of RUNS (default 3); once without and once with
# the HDF5 checkpoint. Prints one line per configuration.
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

best() { # best NP [extra args]: best wall time in seconds over RUNS runs
  local np=$1
  shift
  local b=""
  for _ in $(seq 1 "$RUNS"); do
    rm -f "$TMP/c.h5"
    local t0 t1
    t0=$(date +%s.%N)
    mpirun -np "$np" --bind-to none "$BIN" --state "$GEN" --withdrawal-credentials "$WC" "$@" \
      --threads 1 --output "$TMP/out.json"
    t1=$(date +%s.%N)
    b=$(echo "$t0 $t1 $b" | awk '{ d = $2 - $1; if ($3 == "" || d < $3) print d; else print $3 }')
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
    printf "bench_job: %-16s 1 rank %.3f s   2 ranks %.3f s   speed-up %.2f   efficiency %.0f %%\n",
           l, a, b, a / b, 100 * a / (2 * b) }'
done
