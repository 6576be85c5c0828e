#!/usr/bin/env bash
# One command: install what is missing, build, and run the main job on the
# embedded default input with 2 MPI ranks, printing the result.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" Release "$ROOT/build"
source "$ROOT/scripts/env.sh"
INPUT=$ROOT/inputs/default
WC=$(cat "$INPUT/withdrawal_credentials.txt")
exec mpirun -np 2 "$ROOT/build/bin/balverify" --state "$INPUT/state.ssz" \
  --withdrawal-credentials "$WC" "$@"
