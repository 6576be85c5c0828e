# Sourced by the mapper_* integration tests (kept out of the
# tests/integration/*.sh glob): circuits, workers and checks of the
# commitment mapper against a private redis-server (lib/redis.sh).
# Needs BUILD, SRC, BIN, TMP, REDIS_PORT.

# mapper_circuits CONFIG -> sets CIRC: the circuits directory of CONFIG,
# kept in the build directory between runs (generation is idempotent).
mapper_circuits() {
  CIRC=$BUILD/circuits-$1
  "$BIN/commitment_mapper_circuit_data_generation" --circuits "$CIRC" --config "$1" >"$TMP/gen-$1.log" 2>&1 ||
    { cat "$TMP/gen-$1.log"; echo "FAIL: circuit generation ($1)"; exit 1; }
  tail -n 1 "$TMP/gen-$1.log"
}

# mapper_start NAME ARGS... -> starts a worker (1 thread), pid in WPID_NAME,
# log in $TMP/NAME.log
mapper_start() {
  local name=$1
  shift
  OMP_NUM_THREADS=1 "$BIN/commitment_mapper" --redis "redis://127.0.0.1:$REDIS_PORT/" "$@" \
    >>"$TMP/$name.log" 2>&1 &
  eval "WPID_$name=$!"
}

# mapper_stop NAME: SIGTERM and wait (the worker finishes its task)
mapper_stop() {
  local pid
  pid=$(eval echo "\${WPID_$1:-}")
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  eval "WPID_$1="
}

# mapper_drain SECONDS: waits until validator_proof_queue is empty (queue
# and processing); fails after SECONDS.
mapper_drain() {
  local limit=$1 t0=$SECONDS
  while :; do
    local q p
    q=$(rcli LLEN validator_proof_queue:queue)
    p=$(rcli LLEN validator_proof_queue:processing)
    [ "$q" = 0 ] && [ "$p" = 0 ] && return 0
    if [ $((SECONDS - t0)) -ge "$limit" ]; then
      echo "FAIL: queue not drained after $limit s ($q queued, $p processing)"
      return 1
    fi
    sleep 1
  done
}

# queued_tasks: items in validator_proof_queue, waiting or leased (one atomic
# read, so a worker's pop in between does not hide an item)
queued_tasks() {
  rcli EVAL "return redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])" 2 \
    validator_proof_queue:queue validator_proof_queue:processing
}

# redis_get_bytes KEY FILE: the exact bytes of a string key
redis_get_bytes() {
  python3 - "$REDIS_PORT" "$1" "$2" <<'PY'
import socket, sys
port, key, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(key), key))
buf = b""
while b"\r\n" not in buf:
    buf += s.recv(65536)
head, rest = buf.split(b"\r\n", 1)
n = int(head[1:])
if n < 0:
    sys.exit("no key %s" % key.decode())
while len(rest) < n + 2:
    rest += s.recv(1 << 20)
open(out, "wb").write(rest[:n])
PY
}

# proofs_made LOG...: number of "proved" lines
proofs_made() {
  cat "$@" | grep -c '^commitment_mapper: proved ' || true
}

# check_root SLOT STATE CIRCDIR: the gindex-1 proof of SLOT verifies against
# commitment_mapper_40.circuit; its SHA root mixed with the length is the
# state's validators root and validators_root:SLOT; its Poseidon root is the
# native job's validators_poseidon_root. Leaves the proof in $TMP/root-SLOT.proof.
check_root() {
  local slot=$1 state=$2 circ=$3
  local json key
  json=$(rcli GET "validator_proof:1:$slot")
  key=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); assert j["needsChange"] is False, j; print(j["proofKey"])' "$json") ||
    { echo "FAIL: validator_proof:1:$slot is not done: $json"; return 1; }
  [ "$key" = "validator_proof_storage:1:$slot" ] || { echo "FAIL: proofKey $key"; return 1; }
  if [ -n "${PROOF_DIR:-}" ]; then cp "$PROOF_DIR/$key" "$TMP/root-$slot.proof"; else redis_get_bytes "$key" "$TMP/root-$slot.proof"; fi
  "$BIN/bv_verify" --circuit "$circ/commitment_mapper_40.circuit" --proof "$TMP/root-$slot.proof" >"$TMP/pi-$slot.txt" ||
    { echo "FAIL: the root proof of slot $slot does not verify"; return 1; }
  "$BIN/bv_state_info" "$state" >"$TMP/info-$slot.json"
  mpirun -np 1 "$BIN/balverify" --state "$state" --withdrawal-credentials "$W" --output "$TMP/job-$slot.json" 2>"$TMP/job-$slot.err" ||
    { cat "$TMP/job-$slot.err"; echo "FAIL: balverify on $state"; return 1; }
  python3 - "$TMP/pi-$slot.txt" "$TMP/info-$slot.json" "$TMP/job-$slot.json" "$(rcli GET "validators_root:$slot")" "$json" <<'PY' || return 1
import hashlib, json, struct, sys
pi = [int(x) for x in open(sys.argv[1]).read().split()]
info = json.load(open(sys.argv[2])); job = json.load(open(sys.argv[3]))
vroot_key, jp = sys.argv[4], json.loads(sys.argv[5])
assert len(pi) == 12, pi
sha = b"".join(struct.pack(">I", w) for w in pi[4:])
mixed = hashlib.sha256(sha + struct.pack("<Q", info["validator_count"]) + bytes(24)).hexdigest()
assert "0x" + mixed == info["validators_root"], ("SSZ validators root", mixed, info["validators_root"])
assert mixed == vroot_key, ("validators_root key", mixed, vroot_key)
assert [str(x) for x in pi[:4]] == job["validators_poseidon_root"], ("poseidon", pi[:4], job["validators_poseidon_root"])
bits = [int(b) for byte in sha for b in format(byte, "08b")]
assert jp["sha256Hash"] == bits and jp["poseidonHash"] == [str(x) for x in pi[:4]], "JSON roots differ from the proof"
print("ok: root proof verifies; SHA root mixed with %d = %s; Poseidon root = native" % (info["validator_count"], info["validators_root"]))
PY
}

# expected_tasks N_CHANGED_LIST: leaves + distinct ancestors of the given
# validator indices (comma-separated)
expected_tasks() {
  python3 -c '
import sys
idx = [int(x) for x in sys.argv[1].split(",")]
nodes = set()
for i in idx:
    g = (1 << 40) + i
    while g > 1:
        g >>= 1
        nodes.add(g)
print(len(idx) + len(nodes))' "$1"
}
