#!/usr/bin/env bash
# job_genesis.sh BUILD_DIR SRC_DIR - the native MPI job on the mainnet genesis
# state (../shared/fixtures/lighthouse-mainnet-genesis): the published state
# root, validators root, count and per-credential sums of its expected.txt,
# with 1, 2 and 3 ranks. Exits 77 (skipped) when the fixture is absent.
set -uo pipefail
BUILD=$(cd "${1:?usage: job_genesis.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: job_genesis.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin/balverify
fail() { echo "job_genesis: FAIL: $*" >&2; exit 1; }
note() { echo "job_genesis: $*"; }
GEN=${BV_FIXTURES:-$SRC/../shared/fixtures}/lighthouse-mainnet-genesis
if [ ! -s "$GEN/genesis.ssz" ] || [ ! -s "$GEN/expected.txt" ]; then
  echo "job_genesis: SKIP: $GEN/genesis.ssz or expected.txt absent"
  exit 77
fi
[ -x "$BIN" ] || fail "$BIN not built"
command -v mpirun >/dev/null || fail "mpirun not installed"
source "$SRC/scripts/env.sh"
WORK=$(mktemp -d "$BUILD/job_genesis.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

run() { # run NP OUT ARGS...: mpirun the job, JSON into OUT
  local np=$1 out=$2
  shift 2
  mpirun -np "$np" "$BIN" "$@" --output "$out" 2>"$out.err" ||
    { cat "$out.err" >&2; fail "mpirun -np $np balverify $* exited non-zero"; }
  [ -s "$out" ] || fail "no JSON from mpirun -np $np balverify $*"
}

genesis() {
exp() { awk -v k="$1" '$1 == k { print $2 }' "$GEN/expected.txt"; }
creds=$(awk '$1 ~ /^wc_0x[0-9a-f]+_count$/ { sub(/^wc_/, "", $1); sub(/_count$/, "", $1); print $1 }' "$GEN/expected.txt")
[ -n "$creds" ] || fail "no credentials listed in expected.txt"
all=""
sum=0
cnt=0
for w in $creds; do
  run 2 "$WORK/g.json" --state "$GEN/genesis.ssz" --withdrawal-credentials "$w"
  python3 - "$WORK/g.json" "$(exp state_root)" "$(exp validators_root)" "$(exp validator_count)" \
    "$(exp "wc_${w}_active_balances_sum_gwei")" "$(exp "wc_${w}_count")" <<'PY' || fail "genesis: $w differs from expected.txt"
import json, sys
g = json.load(open(sys.argv[1]))
want = {"state_root": sys.argv[2], "validators_root": sys.argv[3], "validator_count": int(sys.argv[4]),
        "total_locked_gwei": sys.argv[5], "active_validators": int(sys.argv[6]),
        "exited_validators": 0, "non_activated_validators": 0, "slashed_validators": 0,
        "slot": 0, "epoch": 0, "fork": "phase0"}
bad = {k: (v, g[k]) for k, v in want.items() if g[k] != v}
if bad:
    print(bad); sys.exit(1)
PY
  all="$all${all:+,}$w"
  sum=$((sum + $(exp "wc_${w}_active_balances_sum_gwei")))
  cnt=$((cnt + $(exp "wc_${w}_count")))
done
run 1 "$WORK/g1.json" --state "$GEN/genesis.ssz" --withdrawal-credentials "$all"
run 3 "$WORK/g3.json" --state "$GEN/genesis.ssz" --withdrawal-credentials "$all"
cmp -s "$WORK/g1.json" "$WORK/g3.json" || fail "genesis: 1 and 3 ranks differ"
grep -q "\"total_locked_gwei\": \"$sum\"" "$WORK/g1.json" || fail "genesis: combined sum is not $sum"
grep -q "\"active_validators\": $cnt," "$WORK/g1.json" || fail "genesis: combined count is not $cnt"
grep -q "\"balances_root\": \"$(exp balances_root)\"" "$WORK/g1.json" || fail "genesis: balances root"
note "mainnet genesis: published roots, count and per-credential sums match"
}
genesis
note "ok"
