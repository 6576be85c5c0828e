#!/usr/bin/env bash
# The C feeders against offline inputs: synthetic BeaconStates from
# bv_synth_state, a second state with a few validators changed. What they
# write to Redis is recomputed independently by tests/npm-queue/
# feeders_check.js (TypeScript field order and encodings, node's SHA-256
# for every branch) and compared value by value.
# usage: redis_feeders.sh BUILD_DIR SRC_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
TMP=$(mktemp -d)
cleanup() { redis_stop; rm -rf "$TMP"; }
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
npm_queue_install "$TMP"
redis_start "$TMP"
fail=0

"$BIN/bv_synth_state" --validators 1000 --seed 7 --wc-out "$TMP/wc.txt" -o "$TMP/s1.ssz" >/dev/null
W=$(grep -v '^#' "$TMP/wc.txt" | head -1 | tr -d ', ')
SR=$("$BIN/bv_state_info" "$TMP/s1.ssz" | grep '"state_root"' | cut -d'"' -f4)
(cd "$TMP" && node feeders_check.js mutate s1.ssz s2.ssz) >/dev/null

echo "== get_balances_input, whole registry"
"$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --withdrawal-credentials "$W" --protocol lido
(cd "$TMP" && node feeders_check.js balances "$REDIS_PORT" s1.ssz lido "$W" 0 all "$SR") || fail=1
echo "== get_balances_input, --offset 37 --take 501 (TS alias --withdraw-credentials)"
rcli FLUSHALL >/dev/null
"$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --withdraw-credentials "$W" \
  --protocol diva --offset 37 --take 501
(cd "$TMP" && node feeders_check.js balances "$REDIS_PORT" s1.ssz diva "$W" 37 501) || fail=1

echo "== get_balances_input, electra state (6-level field branches), two credentials"
rcli FLUSHALL >/dev/null
"$BIN/bv_synth_state" --fork electra --validators 64 --seed 3 --wc-out "$TMP/wce.txt" -o "$TMP/electra.ssz" >/dev/null
WE=$(grep -v '^#' "$TMP/wce.txt" | head -2 | tr -d ' ' | paste -sd, | sed 's/,,*/,/g; s/,$//')
SRE=$("$BIN/bv_state_info" "$TMP/electra.ssz" | grep '"state_root"' | cut -d'"' -f4)
"$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/electra.ssz" --withdrawal-credentials "$WE" --protocol lido
(cd "$TMP" && BV_FIELD_DEPTH=6 node feeders_check.js balances "$REDIS_PORT" electra.ssz lido "$WE" 0 all "$SRE") || fail=1

echo "== get_changed_validators, two states, then a re-run that must add nothing"
rcli FLUSHALL >/dev/null
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --run-once
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --state "$TMP/s2.ssz"
(cd "$TMP" && node feeders_check.js changed "$REDIS_PORT" s1.ssz s2.ssz) || fail=1
before=$(rcli LLEN validator_proof_queue:queue)
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --state "$TMP/s2.ssz"
[ "$(rcli LLEN validator_proof_queue:queue)" = "$before" ] || { echo "FAIL: re-run enqueued again"; fail=1; }

echo "== the queued tasks are consumable: a mapper worker drains them"
"$BIN/bv_queue_worker" --redis-port "$REDIS_PORT" --queue validator_proof_queue --kind mapper \
  --results done --pop-timeout 1 --max-seconds 60
[ "$(rcli LLEN validator_proof_queue:failed)" = 0 ] || { echo "FAIL: tasks set aside"; fail=1; }
[ "$(rcli GET done:2:999:$(rcli GET last_processed_slot))" = 1 ] || { echo "FAIL: changed leaf task not run"; fail=1; }

echo "== the same through a Beacon node (recorded responses replayed locally)"
dump() { # every key and value, sorted (item ids are random: queues by their payloads)
  (cd "$TMP" && node -e '
const Redis = require("ioredis");
const db = new Redis({ port: Number(process.argv[1]) });
(async () => {
  const keys = (await db.keys("*")).filter(k => !k.includes(":item:") && !k.includes(":leased_by_session:")).sort();
  const p = db.pipeline(); keys.forEach(k => p.type(k)); const types = (await p.exec()).map(x => x[1]);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (types[i] === "list") {
      const ids = await db.lrange(k, 0, -1); const q = k.slice(0, k.lastIndexOf(":"));
      const items = ids.length ? (await db.mgetBuffer(ids.map(id => `${q}:item:${id}`))).map(b => b.toString("hex")) : [];
      console.log(k, items.length, JSON.stringify(items.sort()));
    } else if (types[i] === "zset") console.log(k, JSON.stringify(await db.zrange(k, 0, -1)));
    else console.log(k, await db.get(k));
  }
  db.disconnect();
})();' "$REDIS_PORT")
}
INFO_JSON=$TMP/info.json
"$BIN/bv_state_info" "$TMP/s1.ssz" >"$INFO_JSON"
SLOT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["slot"])' "$INFO_JSON")
# On a fresh database the mapper feeder starts at min(--sync-slot, first
# non-finalized slot): s1's finalized epoch is its epoch - 2, so the node also
# serves s0, the state of the first slot of the epoch before s1's.
FIRST=$((32 * (SLOT / 32 - 1)))
"$BIN/bv_synth_state" --validators 1000 --seed 7 --slot "$FIRST" -o "$TMP/s0.ssz" >/dev/null
python3 "$SRC/tests/tools/make_beacon_recordings.py" --state "$TMP/s1.ssz" --info "$INFO_JSON" \
  --extra-state "$TMP/s0.ssz" --out "$TMP/rec" >/dev/null
python3 "$SRC/tests/tools/replay_server.py" --dir "$TMP/rec" --port-file "$TMP/node.port" --log "$TMP/node.log" >/dev/null 2>&1 &
NODE=$!
for _ in $(seq 100); do [ -s "$TMP/node.port" ] && break; sleep 0.05; done
NODE_URL=http://127.0.0.1:$(cat "$TMP/node.port")
rcli FLUSHALL >/dev/null
"$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --withdrawal-credentials "$W" --protocol lido >/dev/null
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s0.ssz" --run-once >/dev/null
dump >"$TMP/offline.txt"
rcli FLUSHALL >/dev/null
"$BIN/get_balances_input" --redis-port "$REDIS_PORT" --beacon-node "$NODE_URL" --slot "$SLOT" --withdrawal-credentials "$W" --protocol lido \
  || fail=1
"$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --beacon-node "$NODE_URL" --sync-slot "$SLOT" --run-once || fail=1
dump >"$TMP/online.txt"
kill "$NODE" 2>/dev/null; wait "$NODE" 2>/dev/null || true
if cmp -s "$TMP/offline.txt" "$TMP/online.txt"; then
  echo "ok: Beacon-node feed identical to the offline feed ($(wc -l <"$TMP/online.txt") keys)"
else
  echo "FAIL: Beacon-node feed differs from the offline feed"; diff "$TMP/offline.txt" "$TMP/online.txt" | head -5; fail=1
fi

echo "== bad input"
expect_fail() { # expect_fail PATTERN CMD...
  local pat=$1; shift
  local rc=0; "$@" >"$TMP/out" 2>&1 || rc=$?
  if [ $rc -eq 0 ] || ! grep -q -- "$pat" "$TMP/out"; then
    echo "FAIL: '$*' (rc $rc) did not report '$pat':"; cat "$TMP/out"; fail=1
  else echo "ok: $(head -1 "$TMP/out")"; fi
}
head -c 100000 "$TMP/s1.ssz" >"$TMP/trunc.ssz"
expect_fail "error:" "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/trunc.ssz" --withdrawal-credentials "$W" --protocol lido
expect_fail "withdrawal-credentials" "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --withdrawal-credentials 0x1234 --protocol lido
expect_fail "protocol" "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --withdrawal-credentials "$W"
expect_fail "protocol name" "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" --withdrawal-credentials "$W" --protocol "a:b"
expect_fail "more than 8 credentials" "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" \
  --withdrawal-credentials "$W,$W,$W,$W,$W,$W,$W,$W,$W" --protocol lido
expect_fail "credential 2" "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s1.ssz" \
  --withdrawal-credentials "$W," --protocol lido
expect_fail "does not follow" "$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s2.ssz" --state "$TMP/s1.ssz" --sync-slot 0
expect_fail "exactly one of" "$BIN/get_changed_validators" --redis-port "$REDIS_PORT"
expect_fail "cannot connect" "$BIN/get_changed_validators" --redis-port 1 --state "$TMP/s1.ssz"

if [ $fail -ne 0 ]; then echo "feeders: 1 failed"; exit 1; fi
echo "feeders: all checks passed"
