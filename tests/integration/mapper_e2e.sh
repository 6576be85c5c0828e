#!/usr/bin/env bash
# mapper_e2e.sh BUILD_DIR SRC_DIR - the commitment mapper end to end, with
# the standard configuration (MAPPER_CONFIG=test for a quicker run):
#  1. get_changed_validators --run-once on a synthetic state of 16
#     validators, then two commitment_mapper workers and light_cleaner until
#     the queue is empty: every task proven exactly once, nothing set aside;
#     the gindex-1 proof verifies with bv_verify against
#     commitment_mapper_40.circuit, its SHA root mixed with the length is the
#     state's validators root and validators_root:{slot}, its Poseidon root
#     the native job's validators_poseidon_root;
#  2. a later slot of the same chain with an effective balance, a slashed
#     flag and an exit epoch changed, a balance changed (not a mapper
#     input) and 4 validators added: exactly the changed leaves and their
#     distinct ancestors are proven, and the new roots are right;
#  3. soundness of the stored proofs: byte flips are rejected by bv_verify,
#     a proof is rejected against another level's circuit.
set -euo pipefail
BUILD=$(cd "${1:?usage: mapper_e2e.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: mapper_e2e.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin
CONFIG=${MAPPER_CONFIG:-standard}
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
for p in commitment_mapper commitment_mapper_circuit_data_generation get_changed_validators \
  light_cleaner bv_verify bv_synth_state bv_state_info balverify; do
  [ -x "$BIN/$p" ] || { echo "FAIL: $BIN/$p not built"; exit 1; }
done
source "$SRC/scripts/env.sh"
TMP=$(mktemp -d "$BUILD/mapper_e2e.XXXXXX")
. "$SRC/tests/integration/lib/redis.sh"
. "$SRC/tests/integration/lib/mapper.sh"
CLEANER=""
cleanup() {
  mapper_stop w1
  mapper_stop w2
  [ -n "$CLEANER" ] && { kill "$CLEANER" 2>/dev/null; wait "$CLEANER" 2>/dev/null || true; }
  redis_stop
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "mapper_e2e: FAIL: $*"; for f in "$TMP"/w*.log; do echo "--- $f"; tail -n 5 "$f"; done; exit 1; }
redis_start "$TMP"
mapper_circuits "$CONFIG"

# ---- two slots of one synthetic chain ------------------------------------
S1=9000000
S2=9000001 # same epoch: bv_synth_state gives the same first validators
"$BIN/bv_synth_state" --validators 16 --seed 11 --slot $S1 --wc-out "$TMP/wc.txt" -o "$TMP/s1.ssz" >/dev/null
"$BIN/bv_synth_state" --validators 20 --seed 11 --slot $S2 -o "$TMP/s2.ssz" >/dev/null
W=$(grep -v '^#' "$TMP/wc.txt" | head -1 | tr -d ', ')
python3 - "$TMP/s1.ssz" "$TMP/s2.ssz" <<'PY'
import struct, sys
VOFF_POS = 524552  # deneb/mainnet: offsets of the validators and balances lists
a = open(sys.argv[1], "rb").read(); b = bytearray(open(sys.argv[2], "rb").read())
va, ba = struct.unpack_from("<II", a, VOFF_POS)
vb, bb = struct.unpack_from("<II", b, VOFF_POS)
assert (ba - va) // 121 == 16 and (bb - vb) // 121 == 20
assert a[va:va + 16 * 121] == bytes(b[vb:vb + 16 * 121]), "the second state does not extend the first"
rec = lambda i: vb + 121 * i
eb, = struct.unpack_from("<Q", b, rec(3) + 80)
struct.pack_into("<Q", b, rec(3) + 80, eb - 10**9 if eb >= 10**9 else eb + 10**9)  # effective balance
b[rec(10) + 88] ^= 1                                                               # slashed
ex, = struct.unpack_from("<Q", b, rec(13) + 105)
struct.pack_into("<Q", b, rec(13) + 105, 281550 if ex != 281550 else 281551)      # exit epoch
bal, = struct.unpack_from("<Q", b, bb + 8 * 5)
struct.pack_into("<Q", b, bb + 8 * 5, bal + 12345)                                 # a balance only
open(sys.argv[2], "wb").write(b)
PY

# ---- 1. the first slot ----------------------------------------------------
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --run-once
N1=$(queued_tasks)
# 16 leaves + their ancestors + the zero leaf + 40 zero subtrees
WANT1=$(( $(expected_tasks "$(seq -s, 0 15)") + 41 ))
[ "$N1" = "$WANT1" ] || fail "the feeder queued $N1 tasks, expected $WANT1"
echo "== slot $S1: $N1 tasks, two workers ($CONFIG configuration) and light_cleaner"
t0=$SECONDS
mapper_start w1 --circuits "$CIRC" --config "$CONFIG" --stop-after 1 --lease-for 60
mapper_start w2 --circuits "$CIRC" --config "$CONFIG" --stop-after 1 --lease-for 60
"$BIN/light_cleaner" --redis-port "$REDIS_PORT" --clean-duration 1000 >"$TMP/cleaner.log" 2>&1 &
CLEANER=$!
mapper_drain 1500 || fail "slot $S1 not proven"
M1=$(proofs_made "$TMP/w1.log" "$TMP/w2.log")
echo "ok: drained in $((SECONDS - t0)) s, $M1 proofs made (w1 $(proofs_made "$TMP/w1.log"), w2 $(proofs_made "$TMP/w2.log"))"
[ "$M1" = "$N1" ] || fail "$M1 proofs made for $N1 tasks"
[ "$(rcli LLEN validator_proof_queue:failed)" = 0 ] || fail "items set aside: $(rcli LRANGE validator_proof_queue:failed 0 -1)"
check_root $S1 "$TMP/s1.ssz" "$CIRC" || fail "slot $S1 root"

# ---- 2. the second slot: only what changed is proven again -----------------
CHANGED=3,10,13,16,17,18,19
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --state "$TMP/s2.ssz"
N2=$(queued_tasks) # the workers are running: count queue and processing at once
WANT2=$(expected_tasks $CHANGED)
[ "$N2" = "$WANT2" ] || fail "the feeder queued $N2 tasks for slot $S2, expected $WANT2 (leaves $CHANGED and ancestors)"
echo "== slot $S2: $N2 tasks (leaves $CHANGED and their distinct ancestors)"
t0=$SECONDS
mapper_drain 1500 || fail "slot $S2 not proven"
M2=$(( $(proofs_made "$TMP/w1.log" "$TMP/w2.log") - M1 ))
echo "ok: drained in $((SECONDS - t0)) s, $M2 proofs made"
[ "$M2" = "$WANT2" ] || fail "$M2 proofs made for slot $S2, expected $WANT2"
[ "$(rcli LLEN validator_proof_queue:failed)" = 0 ] || fail "items set aside: $(rcli LRANGE validator_proof_queue:failed 0 -1)"
check_root $S2 "$TMP/s2.ssz" "$CIRC" || fail "slot $S2 root"
G0=$((1 << 40))
[ "$(rcli ZCARD "validator_proof:$G0:slot_lookup")" = 1 ] || fail "unchanged leaf 0 has a new slot"
[ "$(rcli ZCARD "validator_proof:$((G0 + 3)):slot_lookup")" = 2 ] || fail "changed leaf 3 has no new slot"
mapper_stop w1
mapper_stop w2
grep -h "proofs made" "$TMP/w1.log" "$TMP/w2.log"

# ---- 3. soundness of stored proofs -----------------------------------------
redis_get_bytes "validator_proof_storage:$((G0 + 3)):$S2" "$TMP/leaf3.proof"
"$BIN/bv_verify" --circuit "$CIRC/commitment_mapper_0.circuit" --proof "$TMP/leaf3.proof" >/dev/null ||
  fail "leaf 3 does not verify"
if "$BIN/bv_verify" --circuit "$CIRC/commitment_mapper_1.circuit" --proof "$TMP/leaf3.proof" >/dev/null 2>&1; then
  fail "a leaf proof verified against the level-1 circuit"
fi
python3 - "$TMP/root-$S2.proof" "$TMP/flip" <<'PY'
import random, sys
data = open(sys.argv[1], "rb").read()
rnd = random.Random(7)
for k in range(24):
    b = bytearray(data)
    pos = rnd.randrange(len(b))
    b[pos] ^= 1 << rnd.randrange(8)
    open("%s.%d" % (sys.argv[2], k), "wb").write(b)
PY
for k in $(seq 0 23); do
  if "$BIN/bv_verify" --circuit "$CIRC/commitment_mapper_40.circuit" --proof "$TMP/flip.$k" >/dev/null 2>&1; then
    fail "root proof with a flipped bit (variant $k) verified"
  fi
done
echo "ok: 24 bit flips of the root proof rejected; a leaf proof rejected by the level-1 circuit"
echo "mapper_e2e: all checks passed ($CONFIG configuration)"
