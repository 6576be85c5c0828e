#!/usr/bin/env bash
# mapper_faults.sh BUILD_DIR SRC_DIR - the commitment mapper's tools and
# worker under bad input and faults (test configuration, proofs in a
# file:DIR proof storage, Redis with an append-only file):
#  1. circuit data generation: a level without its child's files, a
#     directory of another configuration (generation and worker), bad
#     options: one-line errors, non-zero exits; a re-run changes nothing;
#  2. bad items (short payload, unknown validator, a numeric chunk with a
#     non-zero high byte, a leaf gindex as a node, depth 40 as a zero
#     subtree) are set aside with their reasons and the worker goes on;
#  3. a leaf task held back: its ancestors are returned to the queue while
#     the leaf is pending and never proven with a zero proof instead;
#  4. a worker killed with SIGKILL while proving: its lease expires, the
#     cleaner re-queues the item, another worker proves it; every task is
#     proven once (a result saved before the kill is found, not re-proven);
#  5. Redis restarted mid-run: workers and cleaner reconnect, nothing is lost;
#  then the root proof is checked against the state (SSZ and Poseidon roots).
set -euo pipefail
BUILD=$(cd "${1:?usage: mapper_faults.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: mapper_faults.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
for p in commitment_mapper commitment_mapper_circuit_data_generation get_changed_validators \
  light_cleaner bv_verify bv_synth_state bv_state_info balverify bv_queue_tool; do
  [ -x "$BIN/$p" ] || { echo "FAIL: $BIN/$p not built"; exit 1; }
done
source "$SRC/scripts/env.sh"
TMP=$(mktemp -d "$BUILD/mapper_faults.XXXXXX")
. "$SRC/tests/integration/lib/redis.sh"
. "$SRC/tests/integration/lib/mapper.sh"
CLEANER=""
cleanup() {
  for w in w1 w2 w3; do
    pid=$(eval echo "\${WPID_$w:-}")
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  [ -n "$CLEANER" ] && { kill "$CLEANER" 2>/dev/null; wait "$CLEANER" 2>/dev/null || true; }
  redis_stop
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
  echo "mapper_faults: FAIL: $*"
  for f in "$TMP"/w*.log "$TMP"/cleaner.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 8 "$f"; }; done
  exit 1
}
expect_fail() { # expect_fail PATTERN CMD...
  local pat=$1 rc=0
  shift
  "$@" >"$TMP/out" 2>&1 || rc=$?
  if [ $rc -eq 0 ] || ! grep -q -- "$pat" "$TMP/out" || [ "$(grep -c error "$TMP/out")" != 1 ]; then
    cat "$TMP/out"
    fail "'$*' (rc $rc) did not fail with one line saying '$pat'"
  fi
  echo "ok: $(grep error "$TMP/out")"
}
# Redis with an append-only file (fsync on every write), so a restart keeps
# the data; restartable on the same port.
REDIS_PORT=$(redis_free_port)
redis_up() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always \
    --dir "$TMP" --logfile "$TMP/redis.log" &
  REDIS_PID=$!
  for _ in $(seq 100); do rcli ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  fail "redis-server did not start"
}
redis_up

# ---- 1. circuit data generation and configuration checks ------------------
mapper_circuits test
GEN=$BIN/commitment_mapper_circuit_data_generation
sum_before=$(cat "$CIRC"/* | sha256sum)
"$GEN" --circuits "$CIRC" --config test >"$TMP/regen.log"
[ "$(grep -c ': present' "$TMP/regen.log")" = 41 ] || fail "re-run did not find 41 present levels"
[ "$(cat "$CIRC"/* | sha256sum)" = "$sum_before" ] || fail "re-run changed the files"
"$GEN" --circuits "$CIRC" --config test --level 7 >/dev/null
[ "$(cat "$CIRC"/* | sha256sum)" = "$sum_before" ] || fail "--level 7 again changed the files"
echo "ok: generation is idempotent (41 levels present, files unchanged)"
expect_fail "needs level 4's files" "$GEN" --circuits "$TMP/empty" --config test --level 5
expect_fail "one circuits directory holds one configuration" "$GEN" --circuits "$CIRC" --config standard
expect_fail "one circuits directory holds one configuration" "$GEN" --circuits "$CIRC" --config standard --level 0
expect_fail "not 'all' or a level" "$GEN" --circuits "$CIRC" --level 41
expect_fail "unknown circuit config" "$GEN" --circuits "$CIRC" --config fast
expect_fail "one circuits directory holds one configuration" "$BIN/commitment_mapper" --redis "redis://127.0.0.1:$REDIS_PORT/" --circuits "$CIRC"
expect_fail "is missing" "$BIN/commitment_mapper" --redis "redis://127.0.0.1:$REDIS_PORT/" --circuits "$TMP/empty" --config test
expect_fail "lease" "$BIN/commitment_mapper" --circuits "$CIRC" --config test --lease-for 0
expect_fail "not an option" "$BIN/commitment_mapper" --circuits "$CIRC" --config test --bogus 1

# ---- the chain: 8 validators ----------------------------------------------
S=9000000
G0=$((1 << 40))
"$BIN/bv_synth_state" --validators 8 --seed 21 --slot $S --wc-out "$TMP/wc.txt" -o "$TMP/s.ssz" >/dev/null
W=$(grep -v '^#' "$TMP/wc.txt" | head -1 | tr -d ', ')
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s.ssz" --run-once
N=$(rcli LLEN validator_proof_queue:queue)
[ "$N" = $(( $(expected_tasks "$(seq -s, 0 7)") + 41 )) ] || fail "the feeder queued $N tasks"
QT="$BIN/bv_queue_tool --redis-port $REDIS_PORT validator_proof_queue"
# hold back the leaf task of validator 0
LEAF0=$($QT payload mapper 2 0 $S)
found=""
for id in $(rcli LRANGE validator_proof_queue:queue 0 -1); do
  h=$(redis-cli -p "$REDIS_PORT" --raw GET "validator_proof_queue:item:$id" | od -An -tx1 | tr -d ' \n')
  if [ "${h%0a}" = "$LEAF0" ]; then
    rcli LREM validator_proof_queue:queue 0 "$id" >/dev/null
    rcli DEL "validator_proof_queue:item:$id" >/dev/null
    found=1
  fi
done
[ -n "$found" ] || fail "leaf task of validator 0 not found in the queue"

# ---- 2. bad items -----------------------------------------------------------
python3 - "$(rcli GET "validator:1:$S")" >"$TMP/bad.json" <<'PY'
import json, sys
v = json.loads(sys.argv[1])
eb = v["effectiveBalance"]
v["effectiveBalance"] = eb[:20] + "01" + eb[22:]   # byte 10 of the chunk
print(json.dumps(v, separators=(",", ":")))
PY
rcli SET "validator:500:$S" "$(cat "$TMP/bad.json")" >/dev/null
rcli ZADD "validator:500:slot_lookup" $S $S >/dev/null
$QT add 0102 >/dev/null
$QT add "$($QT payload mapper 2 999 $S)" >/dev/null
$QT add "$($QT payload mapper 2 500 $S)" >/dev/null
$QT add "$($QT payload mapper 0 $((G0 + 5)) $S)" >/dev/null
$QT add "$($QT payload mapper 1 40)" >/dev/null
NBAD=5

PS=$TMP/proofs
W_ARGS=(--circuits "$CIRC" --config test --proof-storage "file:$PS" --stop-after 1 --lease-for 4)
made_all() { proofs_made "$TMP"/w*.log; }
done_all() { cat "$TMP"/w*.log | grep -c -e '^commitment_mapper: proved ' -e '^commitment_mapper: already proven' || true; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
  local limit=$1 what=$2 t0=$SECONDS
  shift 2
  until "$@"; do
    [ $((SECONDS - t0)) -lt "$limit" ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}

# ---- 4. SIGKILL while proving -----------------------------------------------
mapper_start w1 "${W_ARGS[@]}"
proving() { [ "$(made_all)" -ge 6 ] && [ "$(rcli LLEN validator_proof_queue:processing)" = 1 ]; }
wait_for 600 "w1 to be proving after 6 proofs" proving
sleep 0.$((RANDOM % 5))
kill -KILL "$WPID_w1"
wait "$WPID_w1" 2>/dev/null || true
WPID_w1=""
KILLED_AT=$(made_all)
echo "ok: w1 killed with SIGKILL after $KILLED_AT proofs, $(rcli LLEN validator_proof_queue:processing) item(s) left leased"
mapper_start w2 "${W_ARGS[@]}"
mapper_start w3 "${W_ARGS[@]}"
"$BIN/light_cleaner" --redis-port "$REDIS_PORT" --clean-duration 500 >"$TMP/cleaner.log" 2>&1 &
CLEANER=$!

# ---- 5. Redis restarted mid-run ---------------------------------------------
more() { [ "$(made_all)" -ge $((KILLED_AT + 12)) ]; }
wait_for 900 "12 more proofs" more
kill -TERM "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null || true
echo "ok: Redis stopped after $(made_all) proofs"
sleep 3
redis_up
echo "ok: Redis restarted"

# ---- 3. everything but the held-back leaf's chain, then the leaf -------------
# leaf 0's 40 ancestors wait for it; every other task finishes
rest() { [ "$(done_all)" -ge $((N - 41)) ]; }
wait_for 1500 "every task but leaf 0's chain" rest
sleep 3
P39=$(rcli GET "validator_proof:$((G0 / 2)):$S")
case "$P39" in *'"needsChange":true'*) ;; *) fail "the parent of the held-back leaf was saved: $P39" ;; esac
grep -q "returned to the queue: validator_proof:$G0:$S is still pending" "$TMP"/w*.log ||
  fail "no task was returned to the queue while leaf 0 was pending"
echo "ok: leaf 0's ancestors returned to the queue while it was pending ($(cat "$TMP"/w*.log | grep -c 'returned to the queue') times), none proven"
$QT add "$LEAF0" >/dev/null
mapper_drain 1500 || fail "the queue did not drain"
mapper_stop w2
mapper_stop w3
grep -h "proofs made" "$TMP/w2.log" "$TMP/w3.log"
grep -q "retrying" "$TMP/w2.log" "$TMP/w3.log" || fail "no worker saw Redis go away"
grep -q "Redis answers again" "$TMP/w2.log" "$TMP/w3.log" || fail "no worker saw Redis come back"

MADE=$(made_all)
SKIPPED=$(cat "$TMP"/w*.log | grep -c '^commitment_mapper: already proven' || true)
echo "tasks $N: $MADE proofs made, $SKIPPED found already proven"
[ "$MADE" -le "$N" ] || fail "$MADE proofs made for $N tasks: a task was proven twice"
[ $((MADE + SKIPPED)) -ge "$N" ] && [ $((MADE + SKIPPED)) -le $((N + 1)) ] ||
  fail "$MADE made + $SKIPPED skipped for $N tasks"

# bad items set aside with their reasons
[ "$(rcli LLEN validator_proof_queue:failed)" = $NBAD ] || fail "$(rcli LLEN validator_proof_queue:failed) items set aside, expected $NBAD"
FAILED=$(rcli LRANGE validator_proof_queue:failed 0 -1)
for reason in "needs 9 bytes, got 2" "validator:999:slot_lookup has no slot" "validator:500:$S: effectiveBalance: chunk has non-zero high bytes" \
  "is not an inner node" "depth 40 out of 0..39"; do
  echo "$FAILED" | grep -q "$reason" || fail "no item set aside for '$reason': $FAILED"
done
[ "$(cat "$TMP"/w*.log | grep -c 'set aside: ')" = $NBAD ] || fail "set-aside items not logged"
echo "ok: $NBAD bad items set aside with their reasons and logged"

# every result saved, once, and right
for g in $(seq $G0 $((G0 + 7))) 1 2; do
  case "$(rcli GET "validator_proof:$g:$S")" in *'"needsChange":false'*) ;; *) fail "validator_proof:$g:$S not done" ;; esac
done
PROOF_DIR=$PS check_root $S "$TMP/s.ssz" "$CIRC" || fail "root"
echo "mapper_faults: all checks passed"
