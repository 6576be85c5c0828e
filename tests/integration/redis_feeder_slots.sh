#!/usr/bin/env bash
# get_changed_validators and get_balances_input where DendrETH's own feeders
# fix the behaviour: the first slot and last_verified_slot (offline on a
# mid-epoch state, online from the beacon node's finality), and --offset /
# --take (the slice numbered from 0 on both sides, the mapper's Poseidon root
# equal to the balance side's commitment and to the slice's, all computed
# natively by bv_queue_tool poseidon-root).
# usage: redis_feeder_slots.sh BUILD_DIR SRC_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
TMP=$(mktemp -d)
NODE=""
cleanup() {
  [ -n "$NODE" ] && { kill "$NODE" 2>/dev/null || true; wait "$NODE" 2>/dev/null || true; }
  redis_stop; rm -rf "$TMP"
}
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
redis_start "$TMP"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }
R=1099511627776 # 2^40: the first leaf gindex and the zero validator's index

# DendrETH's verify_finalized_epochs walk: every slot from last_verified_slot + 1
# on needs a validator_proof:1 lookup at or before it (the validators root it
# waits for). Walks to max(last_processed_slot, last_verified_slot + 1) + 32:
# the slots it visits as more becomes final.
finality_walk() { # finality_walk WHAT
  local lv lp to s miss=0 first=""
  lv=$(rcli GET last_verified_slot); lp=$(rcli GET last_processed_slot)
  to=$(( (lp > lv + 1 ? lp : lv + 1) + 32 ))
  for ((s = lv + 1; s <= to; s++)); do
    if [ -z "$(rcli ZREVRANGEBYSCORE validator_proof:1:slot_lookup "$s" 0 LIMIT 0 1)" ]; then
      miss=$((miss + 1)); first=${first:-$s}
    fi
  done
  if [ $miss -eq 0 ]; then ok "$1: finality walk $((lv + 1))..$to finds a root lookup for every slot"
  else bad "$1: finality walk from $((lv + 1)): $miss slots without a validators root lookup (first $first)"; fi
}
expect_eq() { # expect_eq GOT WANT WHAT
  if [ "$1" = "$2" ]; then ok "$3 = $2"; else bad "$3: got '$1', want '$2'"; fi
}

EP=1600 # the head's epoch in the online cases (finalized: EP - 2, as bv_synth_state writes)

echo "== offline, first slot in the middle of an epoch"
S=$((32 * 1500 + 21))
"$BIN/bv_synth_state" --validators 96 --seed 5 --slot $S -o "$TMP/mid.ssz" >/dev/null
"$BIN/bv_synth_state" --validators 96 --seed 6 --slot $((S + 40)) -o "$TMP/mid2.ssz" >/dev/null
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/mid.ssz" --run-once >/dev/null
lv=$(rcli GET last_verified_slot)
[ "$lv" -ge $((S - 1)) ] && ok "last_verified_slot $lv >= S - 1 = $((S - 1))" || bad "last_verified_slot $lv < S - 1 = $((S - 1))"
expect_eq "$lv" $((S - 1)) "offline last_verified_slot"
expect_eq "$(rcli GET last_processed_slot)" "$S" "last_processed_slot after --run-once"
finality_walk "one mid-epoch state"
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/mid.ssz" --run-once >"$TMP/out"
expect_eq "$(rcli GET last_processed_slot)" "$S" "last_processed_slot after a re-run"
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/mid.ssz" --state "$TMP/mid2.ssz" >/dev/null
expect_eq "$(rcli GET last_verified_slot)" "$lv" "last_verified_slot kept by later slots"
expect_eq "$(rcli GET last_processed_slot)" $((S + 40)) "last_processed_slot after a later state"
finality_walk "two states"

echo "== online: the first slot and last_verified_slot from the node's finality"
H=$((32 * EP + 17))            # head slot, mid-epoch
F=$((32 * (EP - 2) + 31))      # DendrETH's last_verified_slot: 32·(finalized epoch) + 31
"$BIN/bv_synth_state" --validators 96 --seed 8 --slot $H -o "$TMP/head.ssz" >/dev/null
"$BIN/bv_synth_state" --validators 96 --seed 8 --slot $((F + 1)) -o "$TMP/fin1.ssz" >/dev/null
"$BIN/bv_synth_state" --validators 96 --seed 8 --slot $((F - 36)) -o "$TMP/sync.ssz" >/dev/null
"$BIN/bv_state_info" "$TMP/head.ssz" >"$TMP/head.json"
python3 "$SRC/tests/tools/make_beacon_recordings.py" --state "$TMP/head.ssz" --info "$TMP/head.json" \
  --extra-state "$TMP/fin1.ssz" --extra-state "$TMP/sync.ssz" --out "$TMP/rec" >/dev/null
python3 "$SRC/tests/tools/replay_server.py" --dir "$TMP/rec" --port-file "$TMP/node.port" --log "$TMP/node.log" >/dev/null 2>&1 &
NODE=$!
for _ in $(seq 100); do [ -s "$TMP/node.port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$TMP/node.port")
online() { "$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --beacon-node "$URL" --run-once "$@"; }

rcli FLUSHALL >/dev/null
online >/dev/null
expect_eq "$(rcli GET last_processed_slot)" $((F + 1)) "no --sync-slot: first slot = first non-finalized slot"
expect_eq "$(rcli GET last_verified_slot)" "$F" "last_verified_slot = 32·finalized epoch + 31"
finality_walk "online, first non-finalized slot"
online >/dev/null
expect_eq "$(rcli GET last_processed_slot)" "$H" "second run: the head"
expect_eq "$(rcli GET last_verified_slot)" "$F" "last_verified_slot unchanged"
online >"$TMP/out"
grep -q "slot $H is already processed" "$TMP/out" && ok "third run: head already processed" || { bad "third run: $(cat "$TMP/out")"; }
finality_walk "online, then the head"

rcli FLUSHALL >/dev/null
online --sync-slot $((F - 36)) >/dev/null
expect_eq "$(rcli GET last_processed_slot)" $((F - 36)) "--sync-slot before the finalized boundary: that slot"
expect_eq "$(rcli GET last_verified_slot)" "$F" "last_verified_slot"
finality_walk "online, earlier --sync-slot"

rcli FLUSHALL >/dev/null
online --sync-slot "$H" >/dev/null
expect_eq "$(rcli GET last_processed_slot)" $((F + 1)) "--sync-slot past the finalized boundary: min(sync, first non-finalized)"
finality_walk "online, later --sync-slot"
if grep -q "/eth/v2/debug/beacon/states/$H " "$TMP/node.log"; then bad "the head state was fetched on a fresh database"; fi

# a node that answers the first non-finalized slot with the head's state
kill "$NODE"; wait "$NODE" 2>/dev/null || true; NODE=""
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for r in d["routes"]:
    if r.get("file") == "state_0.ssz":
        r["file"] = "state.ssz"
json.dump(d, open(sys.argv[1], "w"))' "$TMP/rec/routes.json"
rm -f "$TMP/node.port"
python3 "$SRC/tests/tools/replay_server.py" --dir "$TMP/rec" --port-file "$TMP/node.port" --log "$TMP/node.log" >/dev/null 2>&1 &
NODE=$!
for _ in $(seq 100); do [ -s "$TMP/node.port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$TMP/node.port")
rcli FLUSHALL >/dev/null
rc=0; online >"$TMP/out" 2>&1 || rc=$?
if [ $rc -ne 0 ] && grep -q "sent the state of slot $H for slot $((F + 1))" "$TMP/out" && [ "$(rcli DBSIZE)" = 0 ]; then
  ok "a state of the wrong slot is refused: $(tail -1 "$TMP/out")"
else bad "wrong-slot state (rc $rc, $(rcli DBSIZE) keys): $(cat "$TMP/out")"; fi

echo "== --offset / --take: the slice numbered from 0 on both sides"
"$BIN/bv_synth_state" --validators 300 --seed 9 --wc-out "$TMP/wc.txt" -o "$TMP/s.ssz" >/dev/null
W=$(grep -v '^#' "$TMP/wc.txt" | head -1 | tr -d ', ')
SL=$("$BIN/bv_state_info" "$TMP/s.ssz" | grep '"slot"' | tr -dc '0-9')
payloads() { # hex payloads of validator_proof_queue, sorted
  rcli EVAL "local o = {} for _, id in ipairs(redis.call('LRANGE', KEYS[1] .. ':queue', 0, -1)) do
    local d = redis.call('GET', KEYS[1] .. ':item:' .. id)
    o[#o + 1] = (string.gsub(d, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
    return o" 1 validator_proof_queue | sort
}
slice_case() { # slice_case OFFSET TAKE N
  local off=$1 take=$2 n=$3 j
  rcli FLUSHALL >/dev/null
  "$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s.ssz" --offset "$off" --take "$take" --run-once >/dev/null
  "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s.ssz" --offset "$off" --take "$take" \
    --withdrawal-credentials "$W" --protocol lido >/dev/null
  expect_eq "$(rcli GET validators_length:$SL)" "$n" "[$off, +$take) validators_length"
  local missing=0
  for ((j = 0; j < n; j++)); do
    [ "$(rcli EXISTS validator:$j:$SL validator_proof:$((R + j)):$SL)" = 2 ] || missing=$((missing + 1))
  done
  [ $missing -eq 0 ] && ok "validator:{0..$((n - 1))} and their leaf placeholders present" || bad "$missing of validator:{0..$((n - 1))} missing"
  expect_eq "$(rcli EXISTS validator:$n:$SL validator:$n:slot_lookup validator_proof:$((R + n)):slot_lookup)" 0 \
    "keys of index $n (past the slice)"
  payloads | awk '/^02/ {print substr($0, 3, 16)}' | while read -r h; do echo $((16#$h)); done | sort -n >"$TMP/leaves"
  { echo "$R"; seq 0 $((n - 1)); } | sort -n >"$TMP/want"
  cmp -s "$TMP/leaves" "$TMP/want" && ok "UPDATE_VALIDATOR_PROOF tasks: indices 0..$((n - 1)) and R" \
    || bad "UPDATE_VALIDATOR_PROOF indices: $(diff "$TMP/want" "$TMP/leaves" | head -3 | tr '\n' ' ')"
  # the slice's validator j is registry validator off + j
  for j in 0 $((n / 2)) $((n - 1)); do
    rcli GET validator:$j:$SL >"$TMP/v$j"
  done
  local m b t
  m=$("$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" - poseidon-root mapper "$SL")
  b=$("$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" - poseidon-root balance lido)
  t=$("$BIN/bv_queue_tool" - poseidon-root state "$TMP/s.ssz" "$off" "$take")
  expect_eq "$m" "$b" "[$off, +$take) mapper Poseidon root = balance commitment"
  expect_eq "$m" "$t" "[$off, +$take) mapper Poseidon root = root of the slice"
  rcli FLUSHALL >/dev/null
  "$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s.ssz" --run-once >/dev/null
  for j in 0 $((n / 2)) $((n - 1)); do
    [ "$(rcli GET validator:$((off + j)):$SL)" = "$(cat "$TMP/v$j")" ] || bad "slice validator:$j is not registry validator $((off + j))"
  done
  [ "$m" != "$("$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" - poseidon-root mapper "$SL")" ] || [ "$off" = 0 ] \
    || bad "the slice's root equals the whole registry's"
}
slice_case 37 201 201
slice_case 250 100 50
expect_eq "$("$BIN/bv_queue_tool" - poseidon-root state "$TMP/s.ssz" 0 300)" \
  "$("$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" - poseidon-root mapper "$SL")" "whole registry: mapper root = state root"

if [ $fail -ne 0 ]; then echo "feeder slots: failed"; exit 1; fi
echo "feeder slots: all checks passed"
