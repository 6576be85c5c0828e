#!/usr/bin/env bash
# One command: install what is missing, build, and run the main job with 2
# MPI ranks, printing the result JSON.
#
#   bash scripts/run-main.sh            prove inputs/small (64 validators):
#                                       every node of both trees and the final
#                                       layer, standard configuration; the
#                                       final proof is verified before the
#                                       result is printed, and written to
#                                       runs/small.proof (+ .circuit)
#   bash scripts/run-main.sh --native   the native job (no proofs) on
#                                       inputs/default (8,192 validators)
#
# The first proving run writes the circuit files to circuits/ (minutes, with
# a progress line per circuit); later runs load them. More balverify
# arguments may follow.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" Release "$ROOT/build"
source "$ROOT/scripts/env.sh"
if [ "${1:-}" = --native ]; then
  shift
  INPUT=$ROOT/inputs/default
  WC=$(cat "$INPUT/withdrawal_credentials.txt")
  exec mpirun -np 2 "$ROOT/build/bin/balverify" --state "$INPUT/state.ssz" \
    --withdrawal-credentials "$WC" "$@"
fi
INPUT=$ROOT/inputs/small
WC=$(cat "$INPUT/withdrawal_credentials.txt")
mkdir -p "$ROOT/runs"
mpirun -np 2 "$ROOT/build/bin/balverify" --state "$INPUT/state.ssz" \
  --withdrawal-credentials "$WC" --prove --circuits "$ROOT/circuits" \
  --proof-out "$ROOT/runs/small.proof" --verbose "$@"
"$ROOT/build/bin/bv_verify" --circuit "$ROOT/runs/small.proof.circuit" \
  --proof "$ROOT/runs/small.proof" >/dev/null
echo "run-main: the final proof runs/small.proof verifies against runs/small.proof.circuit" >&2
