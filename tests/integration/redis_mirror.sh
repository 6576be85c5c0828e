#!/usr/bin/env bash
# The MPI job mirrors to Redis: the feeders fill Redis from a synthetic
# state, `mpirun -np 3 balverify --redis` computes the trees, writes every
# result under DendrETH's keys and completes the feeders' tasks. A second
# run loses Redis (server shut down) in the middle and gets it back (AOF): the job
# goes on from its checkpointed levels, re-syncs, and the end state is the
# same as the undisturbed run's.
# usage: redis_mirror.sh BUILD_DIR SRC_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
help=$("$BIN/balverify" --help 2>&1 || true)
case $help in *--redis*) ;; *) echo "balverify has no --redis option"; exit 1 ;; esac
. "$SRC/scripts/env.sh"
TMP=$(mktemp -d)
JOB=""
cleanup() {
  [ -n "$JOB" ] && kill "$JOB" 2>/dev/null && wait "$JOB" 2>/dev/null
  redis_stop
  rm -rf "$TMP"
}
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
mkdir -p "$TMP/redis"
# AOF: a server that is shut down comes back with its data (SHUTDOWN writes
# the AOF out; what the clients see is the same as a crash: the connection
# drops and new ones are refused until the restart).
redis_start_aof() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync no \
    --dir "$TMP/redis" --logfile "$TMP/redis/redis.log" &
  REDIS_PID=$!
  # PONG only once the AOF is loaded (LOADING before that)
  for _ in $(seq 200); do [ "$(rcli ping 2>/dev/null)" = PONG ] && return 0; sleep 0.05; done
  echo "redis-server did not start"; cat "$TMP/redis/redis.log"; return 1
}
REDIS_PORT=$(redis_free_port)
redis_start_aof

"$BIN/bv_synth_state" --validators 1000 --seed 11 --wc-out "$TMP/wc.txt" -o "$TMP/s.ssz" >/dev/null
W=$(grep -v '^#' "$TMP/wc.txt" | head -1 | tr -d ', ')
SLOT=$("$BIN/bv_state_info" "$TMP/s.ssz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["slot"])')

feed() {
  rcli FLUSHALL >/dev/null
  "$BIN/get_balances_input" --redis-port "$REDIS_PORT" --state "$TMP/s.ssz" --withdrawal-credentials "$W" --protocol lido >/dev/null
  "$BIN/get_changed_validators" --redis-port "$REDIS_PORT" --state "$TMP/s.ssz" --run-once >/dev/null
}

# check RESULT_JSON DUMP_FILE: every expectation on the Redis contents
check() {
  python3 - "$REDIS_PORT" "$1" "$SLOT" "$2" <<'PY'
import hashlib, json, subprocess, sys
port, res_path, slot, dump = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
res = json.load(open(res_path))
def r(*a):
    return subprocess.run(["redis-cli", "-p", port, *a], capture_output=True, text=True).stdout.rstrip("\n")
def mget(keys):
    out = []
    for i in range(0, len(keys), 400):
        out += r("MGET", *keys[i:i + 400]).split("\n")
    return out
fails = 0
def eq(got, want, what):
    global fails
    if got != want:
        fails += 1
        print(f"FAIL: {what}: got {str(got)[:200]!r}, want {str(want)[:200]!r}")
    else:
        print(f"ok: {what}")
R = 1 << 40
for L in range(38):
    q = f"lido:balance_verification_queue:{L}"
    if r("LLEN", f"{q}:queue") != "0" or r("LLEN", f"{q}:processing") != "0" or r("LLEN", f"{q}:failed") != "0":
        eq((r("LLEN", f"{q}:queue"), r("LLEN", f"{q}:processing"), r("LLEN", f"{q}:failed")), ("0", "0", "0"), f"{q} drained")
eq((r("LLEN", "validator_proof_queue:queue"), r("LLEN", "validator_proof_queue:processing"),
    r("LLEN", "validator_proof_queue:failed")), ("0", "0", "0"), "mapper queue drained")
eq(r("--scan", "--pattern", "*:item:*"), "", "no task data left")
# every balance result written, none left as a placeholder
keys = r("--scan", "--pattern", "lido:balance_verification_proof:*").split("\n")
pending = [k for k, v in zip(keys, mget(keys)) if json.loads(v)["needsChange"]]
eq(pending, [], "no balance placeholder left")
want_keys = sum(-(-125 // 2**L) + 1 for L in range(38))
eq(len(keys), want_keys, "balance proof keys (all levels, with zero proofs)")
top = json.loads(r("GET", "lido:balance_verification_proof:37:0"))
eq(top["rangeTotalValue"], str(res["total_locked_gwei"]), "level-37 sum = job result")
eq(r("EXISTS", top["proofKey"]), "1", "level-37 proof bytes stored")
zero = json.loads(r("GET", f"lido:balance_verification_proof:5:{R}"))
eq((zero["needsChange"], zero["rangeTotalValue"]), (False, "0"), "zero proof of level 5 written")
root = json.loads(r("GET", f"validator_proof:1:{slot}"))
bits = root["sha256Hash"]
sha_root = bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, 256, 8))
vr = hashlib.sha256(sha_root + (1000).to_bytes(8, "little") + bytes(24)).hexdigest()
eq(r("GET", f"validators_root:{slot}"), vr, "validators_root = SHA(mapper root || len)")
eq("0x" + vr, res.get("validators_root"), "validators_root = job result")
eq(r("ZRANGE", f"validator_proof:1:slot_lookup", "0", "-1"), slot, "gindex-1 slot lookup")
leaf = json.loads(r("GET", f"validator_proof:{R + 999}:{slot}"))
eq(leaf["needsChange"], False, "leaf 999 proof written")
eq(json.loads(r("GET", "validator_proof:zeroes:7"))["needsChange"], False, "zero subtree proof written")
fin = json.loads(r("GET", "lido:final_layer_proof"))
limbs = fin["balanceSum"]
eq(str(sum(v << (32 * i) for i, v in enumerate(limbs))), str(res["total_locked_gwei"]), "final balanceSum")
eq(str(fin["numberOfActiveValidators"]), str(res["active_validators"]), "final active count")
eq(str(fin["numberOfExitedValidators"]), str(res["exited_validators"]), "final exited count")
# a stable dump of every result value, to compare runs
out = {}
for pat in ["lido:balance_verification_proof:*", "validator_proof:*", "validators_root:*", "lido:final_layer_proof"]:
    ks = [k for k in r("--scan", "--pattern", pat).split("\n") if k and not k.endswith("slot_lookup")]
    out.update(zip(ks, mget(ks)))
json.dump(out, open(dump, "w"), sort_keys=True)
print(f"{len(out)} result keys")
sys.exit(1 if fails else 0)
PY
}

# wait_mirroring: until the job has mirrored its first level (so the outage
# below always falls in the middle of the run, however slow the machine).
wait_mirroring() {
  for _ in $(seq 600); do
    case $(rcli GET lido:balance_verification_proof:0:0 2>/dev/null) in *'"needsChange":false'*) return 0 ;; esac
    sleep 0.05
  done
  echo "FAIL: the job mirrored nothing within 30 s"; fail=1
}

fail=0
echo "== undisturbed run: mpirun -np 3"
feed
mpirun -np 3 "$BIN/balverify" --state "$TMP/s.ssz" --withdrawal-credentials "$W" --checkpoint "$TMP/ck1.h5" \
  --redis "redis://127.0.0.1:$REDIS_PORT" --protocol lido --output "$TMP/res1.json" --verbose 2>"$TMP/run1.log" \
  || { cat "$TMP/run1.log"; echo "FAIL: job"; exit 1; }
grep "tasks completed" "$TMP/run1.log" | head -3 || true
check "$TMP/res1.json" "$TMP/dump1.json" || fail=1

echo "== Redis gone mid-run and restarted"
feed
BV_TEST_LEVEL_DELAY_MS=250 mpirun -np 3 "$BIN/balverify" --state "$TMP/s.ssz" --withdrawal-credentials "$W" \
  --checkpoint "$TMP/ck2.h5" --redis "redis://127.0.0.1:$REDIS_PORT" --protocol lido --output "$TMP/res2.json" \
  --redis-spool "$TMP/spool" 2>"$TMP/run2.log" &
JOB=$!
wait_mirroring
rcli SHUTDOWN >/dev/null 2>&1 || true; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""
sleep 3
redis_start_aof
rc=0; wait "$JOB" || rc=$?; JOB=""
cat "$TMP/run2.log"
[ $rc -eq 0 ] || { echo "FAIL: job exited $rc after the Redis restart"; fail=1; }
grep -q "goes on from its checkpoint\|unreachable" "$TMP/run2.log" || { echo "FAIL: the loss was not reported"; fail=1; }
grep -q "redis is back" "$TMP/run2.log" || { echo "FAIL: no re-sync reported"; fail=1; }
cmp -s <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("resumed_from_level",None); print(json.dumps(d,sort_keys=True))' "$TMP/res1.json") \
       <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("resumed_from_level",None); print(json.dumps(d,sort_keys=True))' "$TMP/res2.json") \
  || { echo "FAIL: results differ"; fail=1; }
check "$TMP/res2.json" "$TMP/dump2.json" || fail=1
cmp -s "$TMP/dump1.json" "$TMP/dump2.json" && echo "ok: Redis contents identical to the undisturbed run" \
  || { echo "FAIL: Redis contents differ from the undisturbed run"; fail=1; }

echo "== Redis gone for good: missed writes spooled, replayed later"
feed
BV_REDIS_RESYNC_S=2 BV_TEST_LEVEL_DELAY_MS=100 mpirun -np 3 "$BIN/balverify" --state "$TMP/s.ssz" \
  --withdrawal-credentials "$W" --checkpoint "$TMP/ck3.h5" --redis "redis://127.0.0.1:$REDIS_PORT" \
  --protocol lido --output "$TMP/res3.json" --redis-spool "$TMP/spool" 2>"$TMP/run3.log" &
JOB=$!
wait_mirroring
rcli SHUTDOWN >/dev/null 2>&1 || true; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""
rc=0; wait "$JOB" || rc=$?; JOB=""
cat "$TMP/run3.log"
[ $rc -eq 0 ] || { echo "FAIL: job exited $rc with Redis gone"; fail=1; }
cmp -s <(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_locked_gwei"])' "$TMP/res1.json") \
       <(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_locked_gwei"])' "$TMP/res3.json") \
  || { echo "FAIL: result without Redis differs"; fail=1; }
grep -q "saved to" "$TMP/run3.log" || { echo "FAIL: no spool reported"; fail=1; }
redis_start_aof
for f in "$TMP"/spool.rank*; do
  "$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" - replay "$f" || fail=1
done
# the tasks that could not be completed while Redis was away are still queued
left=$(rcli LLEN lido:balance_verification_queue:37:queue)
echo "tasks of level 37 still queued: $left (for any worker; none lost)"
python3 - "$REDIS_PORT" "$TMP/dump1.json" <<'PY' || fail=1
import json, subprocess, sys
port, dump = sys.argv[1], sys.argv[2]
want = json.load(open(dump))
keys = sorted(want)
got = []
for i in range(0, len(keys), 400):
    got += subprocess.run(["redis-cli", "-p", port, "MGET", *keys[i:i + 400]], capture_output=True,
                          text=True).stdout.rstrip("\n").split("\n")
bad = [k for k, v in zip(keys, got) if want[k] != v]
print(f"{len(keys) - len(bad)} of {len(keys)} result keys identical after the replay")
sys.exit(1 if bad else 0)
PY

echo "== --redis-policy stop: the job stops cleanly, spools, and --resume finishes it"
feed
BV_REDIS_RESYNC_S=1 BV_TEST_LEVEL_DELAY_MS=100 mpirun -np 3 "$BIN/balverify" --state "$TMP/s.ssz" \
  --withdrawal-credentials "$W" --checkpoint "$TMP/ck4.h5" --redis "redis://127.0.0.1:$REDIS_PORT" \
  --protocol lido --output "$TMP/res4.json" --redis-spool "$TMP/spool4" --redis-policy stop 2>"$TMP/run4.log" &
JOB=$!
wait_mirroring
rcli SHUTDOWN >/dev/null 2>&1 || true; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""
rc=0; wait "$JOB" || rc=$?; JOB=""
cat "$TMP/run4.log"
[ $rc -ne 0 ] || { echo "FAIL: stop policy: the job did not stop"; fail=1; }
grep -q "balverify: error: .*stopping after level [0-9]* (checkpointed)" "$TMP/run4.log" \
  || { echo "FAIL: stop policy: no clean stop message"; fail=1; }
[ ! -e "$TMP/res4.json" ] || { echo "FAIL: stop policy: a result was written"; fail=1; }
redis_start_aof
for f in "$TMP"/spool4.rank*; do
  [ -e "$f" ] && { "$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" - replay "$f" || fail=1; }
done
mpirun -np 3 "$BIN/balverify" --state "$TMP/s.ssz" --withdrawal-credentials "$W" --checkpoint "$TMP/ck4.h5" \
  --resume --redis "redis://127.0.0.1:$REDIS_PORT" --protocol lido --output "$TMP/res4.json" 2>"$TMP/run4b.log" \
  || { cat "$TMP/run4b.log"; echo "FAIL: --resume after the stop"; fail=1; }
python3 - "$REDIS_PORT" "$TMP/dump1.json" <<'PY' || fail=1
import json, subprocess, sys
port, dump = sys.argv[1], sys.argv[2]
want = json.load(open(dump))
keys = sorted(want)
got = []
for i in range(0, len(keys), 400):
    got += subprocess.run(["redis-cli", "-p", port, "MGET", *keys[i:i + 400]], capture_output=True,
                          text=True).stdout.rstrip("\n").split("\n")
bad = [k for k, v in zip(keys, got) if want[k] != v]
print(f"stop + spool replay + resume: {len(keys) - len(bad)} of {len(keys)} result keys identical", bad[:3])
sys.exit(1 if bad else 0)
PY

echo "== bad options"
out=$("$BIN/balverify" --state "$TMP/s.ssz" --withdrawal-credentials "$W" --redis "redis://127.0.0.1:$REDIS_PORT" 2>&1) && fail=1
echo "$out" | grep -q "needs --protocol" || { echo "FAIL: --redis without --protocol: $out"; fail=1; }
out=$(mpirun -np 2 "$BIN/balverify" --state "$TMP/s.ssz" --withdrawal-credentials "$W" --redis "redis://127.0.0.1:1" \
  --protocol lido --redis-policy stop 2>&1) && fail=1
echo "$out" | grep -q "balverify: error: .*cannot connect" || { echo "FAIL: stop policy without Redis: $out"; fail=1; }

if [ $fail -ne 0 ]; then echo "mirror: 1 failed"; exit 1; fi
echo "mirror: all checks passed"
