#!/usr/bin/env bash
# bench_prove_scaling.sh [STATE_DIR] [CONFIG] - strong scaling of the proving
# job: `balverify --prove` on the same input at 1 and 2 ranks (and 4 where
# the machine has 4 cores), the circuits and the
# zero-subtree proofs already in the circuits directory (a first run
# generates them and is not timed): one thread per rank, so N ranks use N
# cores and the efficiency is T(1) / (N T(N)). Prints time, speed-up, efficiency and
# proofs per second, writes docs/prove_scaling.dat and, when gnuplot is
# installed, docs/prove_scaling.png.
#   STATE_DIR  an input directory (default inputs/small)
#   CONFIG     standard (default) or test
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
IN=${1:-$ROOT/inputs/small}
CONFIG=${2:-standard}
BIN=$ROOT/build/bin/balverify
CIRC=$ROOT/circuits
[ "$CONFIG" = standard ] || CIRC=$ROOT/build/tests/circuits-$CONFIG-n1
source "$ROOT/scripts/env.sh"
WC=$(sed 's/#.*//' "$IN/withdrawal_credentials.txt" | tr -s ' \t\r\n,' ',' | sed 's/^,//; s/,$//')
CORES=$(nproc)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
run() { # run NP -> prints seconds and proofs
  local np=$1 th=1
  local t0 t1
  t0=$(date +%s.%N)
  mpirun -np "$np" "$BIN" --state "$IN/state.ssz" --withdrawal-credentials "$WC" --prove \
    --proof-config "$CONFIG" --circuits "$CIRC" --threads "$th" --proof-out "$TMP/p$np.proof" \
    --output "$TMP/r$np.json" 2>"$TMP/e$np.log" || { tail -5 "$TMP/e$np.log"; exit 1; }
  t1=$(date +%s.%N)
  python3 -c 'import json,sys; print("%.2f %d" % (float(sys.argv[2]) - float(sys.argv[1]), json.load(open(sys.argv[3]))["proving"]["proofs"]))' "$t0" "$t1" "$TMP/r$np.json"
}
echo "bench_prove_scaling: $IN, $CONFIG configuration, $CORES cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run 1 >/dev/null # circuits and zero-subtree proofs into the cache, untimed
ranks="1 2"
[ "$CORES" -ge 4 ] && ranks="1 2 4"
[ "$CORES" -ge 2 ] || ranks="1"
: >"$ROOT/docs/prove_scaling.dat"
base=
for np in $ranks; do
  read -r secs proofs < <(run "$np")
  [ -n "$base" ] || base=$secs
  eff=$(python3 -c "print('%.3f' % ($base / ($np * $secs)))")
  printf '%d ranks x 1 thread: %.1f s, speed-up %.2f, efficiency %.0f %%, %d proofs, %.2f proofs/s\n' \
    "$np" "$secs" "$(python3 -c "print($base/$secs)")" "$(python3 -c "print(100*$eff)")" \
    "$proofs" "$(python3 -c "print($proofs/$secs)")"
  echo "$np $secs $eff" >>"$ROOT/docs/prove_scaling.dat"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v gnuplot >/dev/null; then
  gnuplot <<GP
set terminal png size 800,480
set output "$ROOT/docs/prove_scaling.png"
set title "balverify --prove, strong scaling ($CONFIG configuration, $(basename "$IN"))"
set xlabel "MPI ranks (one thread each)"
set ylabel "wall time (s)"
set y2label "parallel efficiency"
set y2range [0:1.1]
set ytics nomirror
set y2tics
set xtics 1
plot "$ROOT/docs/prove_scaling.dat" using 1:2 with linespoints title "time" axes x1y1, \
     "" using 1:3 with linespoints title "efficiency" axes x1y2
GP
  echo "wrote docs/prove_scaling.png"
else
  echo "gnuplot not installed: docs/prove_scaling.dat only (apt-get install gnuplot-nox)"
fi
