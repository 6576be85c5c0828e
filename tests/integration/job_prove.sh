#!/usr/bin/env bash
# job_prove.sh BUILD_DIR SRC_DIR - the proving MPI job end to end, in the test
# configuration (the circuits are the product's; only the FRI query count is
# smaller).
#
#  1. A phase0 state (40 validators, two credentials, every status, slashed
#     validators, a partial last leaf) on 2 ranks: `balverify --prove`
#     generates the circuits, proves both trees and the final layer, and
#     writes a proof that bv_verify accepts against the written final
#     circuit; the JSON statement equals the native run's, and the proof's
#     public inputs are that statement (state and block roots, slot,
#     credentials, total, counters, DendrETH's commitment).
#  2. An electra state (depth-6 state tree) on 3 ranks with the same circuits
#     directory: only the depth-6 final circuit is new; same checks.
#  3. Stop after level 5 (checkpoint), then --resume: fewer proofs made than
#     a fresh run, the same statement, a verifying proof.
#  4. Refusals with a one-line error: the circuits directory requested with
#     another configuration, an unwritable --proof-out, --circuits without
#     --prove.
set -uo pipefail
BUILD=$(cd "${1:?usage: job_prove.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: job_prove.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin/balverify
SYNTH=$BUILD/bin/bv_synth_state
VERIFY=$BUILD/bin/bv_verify
fail() { echo "job_prove: FAIL: $*" >&2; exit 1; }
note() { echo "job_prove: $*"; }
[ -x "$BIN" ] && [ -x "$SYNTH" ] && [ -x "$VERIFY" ] || fail "programs not built"
source "$SRC/scripts/env.sh"
WORK=$(mktemp -d "$BUILD/job_prove.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# the test circuits directory shared with the other end-to-end proving tests
CIRC=$BUILD/tests/circuits-test-n2
mkdir -p "$BUILD/tests"

wc_of() { grep -v '^#' "$1" | head -2 | tr -d ' \n' | sed 's/,$//'; }

# check NATIVE_JSON PROVE_JSON: statement equal, proof verifies, public inputs
check() {
  local native=$1 proved=$2
  python3 - "$native" "$proved" <<'PY' || fail "proving run's statement differs from the native run"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for k in a:
    assert a[k] == b[k], (k, a[k], b[k])
for k in ("proof", "final_circuit", "proving"):
    assert k in b, k
PY
  local proof circ
  proof=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["proof"])' "$proved")
  circ=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["final_circuit"])' "$proved")
  "$VERIFY" --config test --circuit "$circ" --proof "$proof" >"$WORK/pis.txt" 2>"$WORK/verify.err" ||
    { cat "$WORK/verify.err"; fail "the final proof does not verify"; }
  python3 - "$proved" "$WORK/pis.txt" <<'PY' || fail "the final proof's public inputs are not the statement"
import json, sys, hashlib
r = json.load(open(sys.argv[1])); pi = [int(x) for x in open(sys.argv[2]).read().split()]
wc = r["withdrawal_credentials"]; n = len(wc)
assert len(pi) == 36 + 8 * n, len(pi)
def words(h): b = bytes.fromhex(h[2:] if h.startswith("0x") else h); return [int.from_bytes(b[i:i+4], "big") for i in range(0, 32, 4)]
def u64(i): return pi[i] | (pi[i + 1] << 32)
assert pi[0:8] == words(r["state_root"]); assert pi[8:16] == words(r["block_root"])
assert u64(16) == r["slot"]
for k in range(n): assert pi[18 + 8 * k:26 + 8 * k] == words(wc[k])
o = 18 + 8 * n
assert u64(o) == int(r["total_locked_gwei"])
assert [u64(o + 2), u64(o + 4), u64(o + 6), u64(o + 8)] == [r["active_validators"], r["exited_validators"], r["non_activated_validators"], r["slashed_validators"]]
m = bytes.fromhex(r["block_root"][2:] if r["block_root"].startswith("0x") else r["block_root"])
for w in wc: m += bytes.fromhex(w[2:])
for v in (int(r["total_locked_gwei"]), r["non_activated_validators"], r["active_validators"], r["exited_validators"], r["slashed_validators"]):
    m += v.to_bytes(8, "big")
h = bytearray(hashlib.sha256(m).digest()); h[0] &= 0x1F
assert pi[o + 10:o + 18] == [int.from_bytes(h[i:i+4], "big") for i in range(0, 32, 4)]
PY
}

# ---- 1. phase0, 2 ranks -----------------------------------------------------
ST=$WORK/p0.ssz
"$SYNTH" --fork phase0 --validators 40 --seed 7 --shared 20 --wc-out "$WORK/wc0.txt" -o "$ST" || fail synth
WC=$(wc_of "$WORK/wc0.txt")
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --output "$WORK/n0.json" || fail "native run"
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --prove --proof-config test \
  --circuits "$CIRC" --proof-out "$WORK/p0.proof" --verbose --output "$WORK/p0.json" 2>"$WORK/p0.err" ||
  { tail -20 "$WORK/p0.err"; fail "proving run (phase0, 2 ranks)"; }
# (the circuits may already be there from another test: then no progress line)
ls "$CIRC"/commitment_mapper_40.circuit >/dev/null || fail "no circuit files written"
check "$WORK/n0.json" "$WORK/p0.json"
FRESH=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["proving"]["proofs"])' "$WORK/p0.json")
note "phase0 on 2 ranks: $FRESH proofs, final proof verified, statement = native"

# ---- 2. electra, 3 ranks, same circuits -------------------------------------
ST6=$WORK/el.ssz
"$SYNTH" --fork electra --validators 33 --seed 9 --shared 17 --wc-out "$WORK/wc6.txt" -o "$ST6" || fail synth
WC6=$(wc_of "$WORK/wc6.txt")
mpirun -np 3 "$BIN" --state "$ST6" --withdrawal-credentials "$WC6" --output "$WORK/n6.json" || fail "native run"
mpirun -np 3 "$BIN" --state "$ST6" --withdrawal-credentials "$WC6" --prove --proof-config test \
  --circuits "$CIRC" --proof-out "$WORK/el.proof" --verbose --output "$WORK/el.json" 2>"$WORK/el.err" ||
  { tail -20 "$WORK/el.err"; fail "proving run (electra, 3 ranks)"; }
grep -q "generated commitment_mapper" "$WORK/el.err" && fail "mapper circuits regenerated"
[ -s "$CIRC/final_layer_d6.circuit" ] || fail "no depth-6 final circuit"
check "$WORK/n6.json" "$WORK/el.json"
note "electra on 3 ranks: final proof verified, statement = native"

# ---- 3. stop after level 5, resume -------------------------------------------
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --prove --proof-config test \
  --circuits "$CIRC" --checkpoint "$WORK/ck.h5" --stop-after-level 5 --output "$WORK/s.json" \
  >/dev/null 2>"$WORK/s.err"
[ $? -eq 75 ] || { cat "$WORK/s.err"; fail "stop after level 5 did not exit 75"; }
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --prove --proof-config test \
  --circuits "$CIRC" --checkpoint "$WORK/ck.h5" --resume --proof-out "$WORK/r.proof" --verbose \
  --output "$WORK/r.json" 2>"$WORK/r.err" || { tail -20 "$WORK/r.err"; fail "resume"; }
grep -q "resuming from level 5 " "$WORK/r.err" || fail "did not resume from level 5"
check "$WORK/n0.json" "$WORK/r.json"
RES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["proving"]["proofs"])' "$WORK/r.json")
[ "$RES" -lt "$FRESH" ] || fail "resume made $RES proofs, a fresh run $FRESH"
note "resumed after level 5: $RES proofs (fresh run: $FRESH), same statement"

# ---- 4. refusals ---------------------------------------------------------------
one_line_error() { # one_line_error NAME PATTERN CMD...
  local name=$1 pat=$2
  shift 2
  "$@" >"$WORK/o" 2>"$WORK/e"
  local rc=$?
  [ $rc -ne 0 ] && [ $rc -lt 128 ] || fail "$name: exit $rc"
  grep -q "balverify: error: .*$pat" "$WORK/e" || { cat "$WORK/e"; fail "$name: no error naming '$pat'"; }
}
one_line_error "other configuration" "configuration" mpirun -np 2 "$BIN" --state "$ST" \
  --withdrawal-credentials "$WC" --prove --circuits "$CIRC" --output "$WORK/x.json"
one_line_error "unwritable proof path" "/nonexistent-dir/x.proof" mpirun -np 2 "$BIN" --state "$ST" \
  --withdrawal-credentials "$WC" --prove --proof-config test --circuits "$CIRC" \
  --proof-out /nonexistent-dir/x.proof --output "$WORK/x.json"
one_line_error "--circuits without --prove" "need --prove" mpirun -np 1 "$BIN" --state "$ST" \
  --withdrawal-credentials "$WC" --circuits "$CIRC" --output "$WORK/x.json"
note "refusals: ok"
