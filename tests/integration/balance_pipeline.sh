#!/usr/bin/env bash
# The proven balance-verification pipeline end to end against a real
# redis-server, for a phase0 state (5-level field branches) and an electra
# state (6-level), each with 61 validators (every status, slashed ones, a
# padded last leaf) and two withdrawal credentials:
#   circuits (balance levels 0..37, commitment mapper 0..40, final layers),
#   the C feeders (get_changed_validators, get_balances_input), the mapper
#   root (bv_test_mapper_tree: the whole tree proven with the library),
#   balance_verification workers of every level (level 1 started before
#   level 0 is proven: it waits for its pending children), final_layer, and
#   bv_verify --json on the final proof, which must print exactly the
#   statement lines of the native balverify job for the same state.
# Also: every stored proof object is a file bv_verify accepts; the final
# proof is rejected by the other final circuit and after byte flips; the
# FinalProof JSON carries the exited count (DendrETH's Q3 fixed).
# usage: balance_pipeline.sh BUILD_DIR SRC_DIR [standard]
# The circuits are kept in BUILD_DIR/tests/circuits-CONFIG-n2 between runs
# (generation is idempotent). BV_PIPELINE_CONFIG=standard selects the
# standard configuration (default: test).
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin
CONFIG=${3:-${BV_PIPELINE_CONFIG:-test}}
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
for p in balance_verification_circuit_data_generation balance_verification final_layer bv_verify \
  get_balances_input get_changed_validators bv_synth_state balverify; do
  [ -x "$BIN/$p" ] || { echo "FAIL: $BIN/$p is not built"; exit 1; }
done
DRIVER=$BUILD/tests/bv_test_mapper_tree
[ -x "$DRIVER" ] || { echo "FAIL: $DRIVER is not built"; exit 1; }
TMP=$(mktemp -d)
BGPID=""
cleanup() {
  [ -n "$BGPID" ] && kill "$BGPID" 2>/dev/null || true
  redis_stop; rm -rf "$TMP"
}
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
. "$SRC/scripts/env.sh" >/dev/null 2>&1 || true
redis_start "$TMP"
URI=redis://127.0.0.1:$REDIS_PORT
CIRC=$BUILD/tests/circuits-$CONFIG-n2
fail=0
t0=$(date +%s)

echo "== circuits ($CONFIG configuration, 2 credentials) in $CIRC"
"$BIN/balance_verification_circuit_data_generation" --level all --credentials 2 --circuits "$CIRC" \
  --config "$CONFIG" | tail -2

echo "== a circuits directory holds one configuration and one credential count"
OTHER=$([ "$CONFIG" = test ] && echo standard || echo test)
for bad in "--credentials 1 --config $CONFIG" "--credentials 2 --config $OTHER"; do
  # shellcheck disable=SC2086
  if "$BIN/balance_verification_circuit_data_generation" --level 0 $bad --circuits "$CIRC" >"$TMP/mix.out" 2>&1; then
    echo "FAIL: generation with $bad accepted in $CIRC"; fail=1
  else echo "ok: refused: $(tail -1 "$TMP/mix.out")"; fi
done

run_state() { # run_state FORK SEED PROTO DEPTH STORAGE
  local fork=$1 seed=$2 proto=$3 depth=$4 storage=$5
  echo "== $fork state, protocol $proto, proof storage $storage"
  rcli FLUSHALL >/dev/null
  "$BIN/bv_synth_state" --fork "$fork" --validators 61 --seed "$seed" --shared 2 \
    --wc-out "$TMP/$fork.wc" -o "$TMP/$fork.ssz" >/dev/null
  local W
  W=$(grep -v '^#' "$TMP/$fork.wc" | tr -d ' \n' | sed 's/,$//')
  # make sure every status occurs among the matching validators: the first
  # three matching ones become non-activated, exited and slashed
  python3 - "$TMP/$fork.ssz" "$W" <<'EOF'
import struct, sys
path, ws = sys.argv[1], [bytes.fromhex(w[2:]) for w in sys.argv[2].split(",")]
b = bytearray(open(path, "rb").read())
voff, boff = struct.unpack_from("<II", b, 524552)  # mainnet preset, every fork
slot = struct.unpack_from("<Q", b, 40)[0]; epoch = slot // 32
match = [i for i in range((boff - voff) // 121) if b[voff + 121 * i + 48:voff + 121 * i + 80] in ws]
assert len(match) >= 3, "too few matching validators"
r = lambda i: voff + 121 * i
struct.pack_into("<QQ", b, r(match[0]) + 89, epoch + 5, 2**64 - 1)   # eligibility, activation
struct.pack_into("<QQ", b, r(match[1]) + 105, epoch - 3, epoch + 250) # exit, withdrawable
b[r(match[2]) + 88] = 1                                               # slashed
open(path, "wb").write(b)
EOF
  mpirun -np 2 "$BIN/balverify" --state "$TMP/$fork.ssz" --withdrawal-credentials "$W" \
    --output "$TMP/$fork.native.json" 2>/dev/null
  python3 - "$TMP/$fork.native.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("active_validators", "exited_validators", "non_activated_validators", "slashed_validators"):
    assert j[k] > 0, f"synthetic state has no {k}"
assert j["validator_count"] % 8 != 0, "want a padded last leaf"
EOF

  # feeders, mapper root
  "$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/$fork.ssz" --run-once >/dev/null
  "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/$fork.ssz" \
    --withdrawal-credentials "$W" --protocol "$proto" >/dev/null
  "$DRIVER" --state "$TMP/$fork.ssz" --circuits "$CIRC" --config "$CONFIG" --redis "$URI" \
    --proof-storage "$storage" 2>"$TMP/driver.log" || { cat "$TMP/driver.log"; return 1; }
  # the final layers need commitment_mapper_40 (made by the driver on the first run)
  "$BIN/balance_verification_circuit_data_generation" --level all --credentials 2 --circuits "$CIRC" \
    --config "$CONFIG" | grep final_layer

  # level 1 starts first: its children are pending and must be waited for
  local W1="$BIN/balance_verification --redis $URI --protocol $proto --circuits $CIRC --config $CONFIG --proof-storage $storage --stop-after 0"
  $W1 --level 1 --child-wait 600 >"$TMP/l1.log" 2>&1 &
  BGPID=$!
  for _ in $(seq 600); do grep -q "waiting for a child" "$TMP/l1.log" && break; sleep 0.1; done
  $W1 --level 0 >"$TMP/l0.log" 2>&1 || { cat "$TMP/l0.log"; return 1; }
  wait "$BGPID" || { cat "$TMP/l1.log"; BGPID=""; return 1; }
  BGPID=""
  grep -q "waiting for a child" "$TMP/l1.log" || { echo "FAIL: level 1 did not wait for its children"; fail=1; }
  for L in $(seq 2 37); do
    $W1 --level "$L" >"$TMP/l.log" 2>&1 || { cat "$TMP/l.log"; return 1; }
  done
  for L in $(seq 0 37); do
    local q="$proto:balance_verification_queue:$L"
    [ "$(rcli LLEN "$q:queue")$(rcli LLEN "$q:processing")$(rcli LLEN "$q:failed")" = 000 ] ||
      { echo "FAIL: queue $L not drained cleanly"; fail=1; }
  done
  rcli GET "$proto:balance_verification_proof:1:0" | grep -q '"needsChange":false' ||
    { echo "FAIL: level-1 proof not written"; fail=1; }

  # the final layer
  "$BIN/final_layer" --redis "$URI" --protocol "$proto" --circuits "$CIRC" --config "$CONFIG" \
    --proof-storage "$storage" --out "$TMP/out-$fork" >"$TMP/final.stdout"
  local FC="$TMP/out-$fork/final_layer_d$depth.circuit"
  "$BIN/bv_verify" --circuit "$FC" --proof "$TMP/out-$fork/final.proof" --json >"$TMP/$fork.proven.json"
  # exactly the native job's lines for these keys
  python3 - "$TMP/$fork.native.json" "$TMP/$fork.proven.json" "$TMP/final.stdout" <<'EOF' || fail=1
import json, sys
native = open(sys.argv[1]).read().splitlines()
proven = open(sys.argv[2]).read()
keys = ["slot", "epoch", "state_root", "block_root", "withdrawal_credentials", "total_locked_gwei",
        "active_validators", "exited_validators", "non_activated_validators", "slashed_validators"]
want = ["{"] + [l for l in native if l.strip().split(":")[0].strip('"') in keys] + ["}"]
want[-2] = want[-2].rstrip(",")
got = proven.splitlines()
if got != want:
    print("FAIL: bv_verify --json differs from the native statement:")
    print("\n".join(got)); print("--- want"); print("\n".join(want)); sys.exit(1)
if open(sys.argv[3]).read() != proven:
    print("FAIL: final_layer printed another statement"); sys.exit(1)
print("ok: bv_verify --json prints the native statement (" + json.loads(proven)["total_locked_gwei"] + " gwei)")
EOF
  # FinalProof JSON: the exited count, the proof bytes of final.proof
  rcli GET "$proto:final_layer_proof" >"$TMP/fp.json"
  python3 - "$TMP/fp.json" "$TMP/$fork.native.json" "$TMP/out-$fork/final.proof" <<'EOF' || fail=1
import json, sys
fp = json.load(open(sys.argv[1])); nat = json.load(open(sys.argv[2]))
limbs = fp["balanceSum"]; total = sum(v << (32 * i) for i, v in enumerate(limbs))
assert total == int(nat["total_locked_gwei"]), "balanceSum"
assert fp["numberOfExitedValidators"] == nat["exited_validators"], "exited (Q3)"
assert fp["numberOfNonActivatedValidators"] == nat["non_activated_validators"]
assert fp["numberOfActiveValidators"] == nat["active_validators"]
assert fp["numberOfSlashedValidators"] == nat["slashed_validators"]
assert len(fp["withdrawalCredentials"]) == 2
assert bytes(fp["proof"]) == open(sys.argv[3], "rb").read(), "proof bytes"
print("ok: final_layer_proof JSON (counters, sum limbs, proof bytes)")
EOF

  # soundness of the pipeline's checks
  local other=$((11 - depth))
  if "$BIN/bv_verify" --circuit "$CIRC/final_layer_d$other.circuit" --proof "$TMP/out-$fork/final.proof" \
    >"$TMP/v.out" 2>&1; then
    echo "FAIL: final proof accepted by final_layer_d$other"; fail=1
  else echo "ok: rejected by final_layer_d$other: $(head -1 "$TMP/v.out")"; fi
  local size
  size=$(stat -c %s "$TMP/out-$fork/final.proof")
  for off in 20 200 $((size / 2)) $((size - 9)); do
    cp "$TMP/out-$fork/final.proof" "$TMP/flip.proof"
    python3 -c 'import sys; p=sys.argv[1]; o=int(sys.argv[2]); b=bytearray(open(p,"rb").read()); b[o]^=1; open(p,"wb").write(b)' \
      "$TMP/flip.proof" "$off"
    if "$BIN/bv_verify" --circuit "$FC" --proof "$TMP/flip.proof" >/dev/null 2>&1; then
      echo "FAIL: byte $off flipped accepted"; fail=1
    fi
  done
  echo "ok: byte flips rejected"
}

run_state phase0 5 lido 5 "file:$TMP/proofs"
# stored proof objects are proof files bv_verify reads
"$BIN/bv_verify" --circuit "$CIRC/balance_verification_0.circuit" \
  --proof "$TMP/proofs/lido:balance_verification_proof_storage:0:0" --json >"$TMP/pi.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert isinstance(a, list) and len(a) == 40, a' "$TMP/pi.json" \
  && echo "ok: a stored level-0 proof object verifies (40 public inputs)" || fail=1
"$BIN/bv_verify" --circuit "$CIRC/balance_verification_37.circuit" \
  --proof "$TMP/proofs/lido:balance_verification_proof_storage:37:0" >/dev/null \
  && echo "ok: the stored level-37 proof object verifies" || { echo "FAIL: level-37 object"; fail=1; }
if "$BIN/bv_verify" --circuit "$CIRC/balance_verification_1.circuit" \
  --proof "$TMP/proofs/lido:balance_verification_proof_storage:0:0" >/dev/null 2>&1; then
  echo "FAIL: a level-0 proof accepted by the level-1 circuit"; fail=1
fi

run_state electra 6 diva 6 "$URI"

echo "pipeline: $(( $(date +%s) - t0 )) s"
if [ $fail -ne 0 ]; then echo "balance pipeline: failures"; exit 1; fi
echo "balance pipeline: all checks passed"
