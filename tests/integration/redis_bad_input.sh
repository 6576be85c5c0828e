#!/usr/bin/env bash
# Bad input: payloads of the wrong length, unknown tags, item ids without
# data, balance inputs that are missing or have JSON with a missing field.
# Each is logged with its item id and set aside under PREFIX:failed (a JSON
# record {id, reason, data, length}); the good items around them are still
# processed, the worker exits 0, and nothing stays queued or leased.
# usage: redis_bad_input.sh BUILD_DIR SRC_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
BIN=$BUILD/bin
TMP=$(mktemp -d)
cleanup() { redis_stop; rm -rf "$TMP"; }
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
redis_start "$TMP"
T() { "$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" "$@"; }
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: got '$2', want '$3'"; fail=1; else echo "ok: $1"; fi; }

# ---- commitment-mapper queue ----
M=validator_proof_queue
good1=$(T $M add "$(T - payload mapper 2 5 1234)")
bad_len=$(T $M add "$(T - payload mapper 2 5 1234 | cut -c1-18)")   # tag 2 with 9 bytes
bad_tag=$(T $M add "07$(printf '%032d' 0)")                          # unknown tag 7
bad_empty=$(T $M add "")                                            # empty payload
rcli LPUSH $M:queue ghost-id-without-data >/dev/null               # id without data
good2=$(T $M add "$(T - payload mapper 1 39)")
"$BIN/bv_queue_worker" --redis-port "$REDIS_PORT" --queue $M --kind mapper --results res \
  --pop-timeout 1 --max-seconds 30 2>"$TMP/mapper.log"
cat "$TMP/mapper.log"
check "mapper: good tag-2 result" "$(rcli GET res:2:5:1234)" 1
check "mapper: good tag-1 result" "$(rcli GET res:1:39:0)" 1
check "mapper: 4 items set aside" "$(rcli LLEN $M:failed)" 4
for id in "$bad_len" "$bad_tag" "$bad_empty" ghost-id-without-data; do
  grep -q "item $id set aside" "$TMP/mapper.log" || { echo "FAIL: no log line for $id"; fail=1; }
  rcli LRANGE $M:failed 0 -1 | grep -q "\"id\":\"$id\"" || { echo "FAIL: no record for $id"; fail=1; }
done
rcli LRANGE $M:failed 0 -1 | grep -q 'tag 2 needs 17 bytes, got 9' || { echo "FAIL: length reason"; fail=1; }
rcli LRANGE $M:failed 0 -1 | grep -q 'unknown tag 7' || { echo "FAIL: tag reason"; fail=1; }
rcli LRANGE $M:failed 0 -1 | grep -q 'no item data' || { echo "FAIL: orphan reason"; fail=1; }
check "mapper: queue empty" "$(rcli LLEN $M:queue)" 0
check "mapper: processing empty" "$(rcli LLEN $M:processing)" 0
check "mapper: no item data" "$(rcli --scan --pattern "$M:item:*" | wc -l)" 0
check "mapper: no leases" "$(rcli --scan --pattern "$M:leased_by_session:*" | wc -l)" 0

# ---- balance queue, level 0 ----
B=lido:balance_verification_queue:0
V="$SRC/tests/data/kv_json/balances_input.json"
rcli -x SET lido:validator_balance_input:0 <"$V" >/dev/null
python3 - "$V" >"$TMP/missing_field.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1])); del v["validators"][2]["exitEpoch"]
sys.stdout.write(json.dumps(v, separators=(",", ":")))
PY
rcli -x SET lido:validator_balance_input:1 <"$TMP/missing_field.json" >/dev/null
printf '{"balances":[' | rcli -x SET lido:validator_balance_input:3 >/dev/null   # truncated JSON
g0=$(T $B add "$(T - payload balance 0 0)")
j1=$(T $B add "$(T - payload balance 0 1)")
m2=$(T $B add "$(T - payload balance 0 2)")     # no input stored for index 2
t3=$(T $B add "$(T - payload balance 0 3)")
s7=$(T $B add 00000000000000)                    # 7 bytes
"$BIN/bv_queue_worker" --redis-port "$REDIS_PORT" --queue $B --kind balance --level 0 \
  --protocol lido --results res --pop-timeout 1 --max-seconds 30 2>"$TMP/balance.log"
cat "$TMP/balance.log"
# validators 0..2 of the vector are real: 32000000000 + 31999999999 + 31999999998
check "balance: good input processed" "$(rcli GET res:0:0)" 95999999997
check "balance: 4 items set aside" "$(rcli LLEN $B:failed)" 4
rcli LRANGE $B:failed 0 -1 | grep -q 'validators\[2\].exitEpoch: missing field' || { echo "FAIL: missing-field reason"; fail=1; }
rcli LRANGE $B:failed 0 -1 | grep -q 'validator_balance_input:2 is missing' || { echo "FAIL: missing-input reason"; fail=1; }
rcli LRANGE $B:failed 0 -1 | grep -q 'invalid JSON' || { echo "FAIL: truncated-JSON reason"; fail=1; }
rcli LRANGE $B:failed 0 -1 | grep -q 'payload of 7 bytes' || { echo "FAIL: 7-byte reason"; fail=1; }
for id in "$j1" "$m2" "$t3" "$s7"; do
  grep -q "item $id set aside" "$TMP/balance.log" || { echo "FAIL: no log line for $id"; fail=1; }
done
check "balance: queue empty" "$(rcli LLEN $B:queue)" 0
check "balance: processing empty" "$(rcli LLEN $B:processing)" 0
check "balance: no item data" "$(rcli --scan --pattern "$B:item:*" | wc -l)" 0

# ---- the cleaner outlives a Redis restart ----
"$BIN/light_cleaner" --redis-port "$REDIS_PORT" --clean-duration 200 --queue cq >"$TMP/cleaner.log" 2>&1 &
CLEANER=$!
sleep 0.5
redis_stop
sleep 1
redis_start "$TMP"
id=$(T cq add 01)
T cq lease 1 nonblock 0 >/dev/null
sleep 2.5
check "cleaner after a Redis restart: expired item re-queued" "$(rcli LRANGE cq:queue 0 -1)" "$id"
kill "$CLEANER" 2>/dev/null; wait "$CLEANER" 2>/dev/null || true
cat "$TMP/cleaner.log"
grep -q "retrying" "$TMP/cleaner.log" || { echo "FAIL: the cleaner did not report the outage"; cat "$TMP/cleaner.log"; fail=1; }

# ---- Redis gone: the worker reports it and exits non-zero ----
T $M add "$(T - payload mapper 2 1 1)" >/dev/null
redis_stop
rc=0
"$BIN/bv_queue_worker" --redis-port "$REDIS_PORT" --queue $M --kind mapper --results res \
  --max-seconds 5 2>"$TMP/gone.log" || rc=$?
cat "$TMP/gone.log"
[ $rc -ne 0 ] && grep -q "bv_queue_worker: error: .*cannot connect" "$TMP/gone.log" \
  || { echo "FAIL: worker without Redis: rc=$rc"; fail=1; }
rc=0
"$BIN/light_cleaner" --redis-port "$REDIS_PORT" --run-once 2>"$TMP/gone2.log" || rc=$?
cat "$TMP/gone2.log"
[ $rc -ne 0 ] && grep -q "light_cleaner: error: " "$TMP/gone2.log" || { echo "FAIL: cleaner without Redis"; fail=1; }

if [ $fail -ne 0 ]; then echo "bad input: 1 failed"; exit 1; fi
echo "bad input: all checks passed"
