#!/usr/bin/env bash
# beacon_api_fetch.sh BUILD_DIR SRC_DIR - bv_fetch_input against local beacon
# nodes that replay recorded Beacon-API responses (tests/tools/replay_server.py).
#
# The recordings are made here from a synthetic state (bv_synth_state) and its
# roots (bv_state_info). Checks: the fetched state is byte-identical, the
# header/fork/credential files are right for every kind of state id, balverify
# gives the same result on the fetched input as on the original file; each
# injected fault (HTTP 500, truncated body, slow node, malformed JSON, missing
# or wrong fork header, JSON instead of SSZ, dropped connection, inconsistent
# roots, another chain's genesis) ends in one clear error line and a non-zero
# exit with no state file left behind; a dead or failing first node fails
# over to the second.
set -uo pipefail
BUILD=$(cd "${1:?usage: beacon_api_fetch.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: beacon_api_fetch.sh BUILD_DIR SRC_DIR}" && pwd)
FETCH=$BUILD/bin/bv_fetch_input
SYNTH=$BUILD/bin/bv_synth_state
INFO=$BUILD/bin/bv_state_info
BALVERIFY=$BUILD/bin/balverify
REPLAY=$SRC/tests/tools/replay_server.py
RECORD=$SRC/tests/tools/make_beacon_recordings.py

fail() { echo "beacon_api_fetch: FAIL: $*" >&2; exit 1; }
note() { echo "beacon_api_fetch: $*"; }
for p in "$FETCH" "$SYNTH" "$INFO" "$BALVERIFY"; do [ -x "$p" ] || fail "$p not built"; done
command -v python3 >/dev/null || fail "python3 missing"

WORK=$(mktemp -d "$BUILD/beacon_api_fetch.XXXXXX")
SERVERS=()
cleanup() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# serve NAME RECDIR [--fault PATH=KIND...]: start a replay server; sets PORT.
serve() {
  local name=$1 dir=$2
  shift 2
  rm -f "$WORK/$name.port"
  python3 "$REPLAY" --dir "$dir" --port-file "$WORK/$name.port" --log "$WORK/$name.log" "$@" \
    >"$WORK/$name.stdout" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 100); do [ -s "$WORK/$name.port" ] && break; sleep 0.05; done
  [ -s "$WORK/$name.port" ] || { cat "$WORK/$name.stdout"; fail "replay server $name did not start"; }
  PORT=$(cat "$WORK/$name.port")
}
stop_servers() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  SERVERS=()
}

# ---- a synthetic state and its recordings ----------------------------------
"$SYNTH" --fork deneb --validators 3000 --seed 21 --wc-out "$WORK/wc.txt" -o "$WORK/orig.ssz" ||
  fail "bv_synth_state failed"
"$INFO" "$WORK/orig.ssz" >"$WORK/info.json" || fail "bv_state_info failed"
python3 "$RECORD" --state "$WORK/orig.ssz" --info "$WORK/info.json" --out "$WORK/rec" >/dev/null ||
  fail "making recordings failed"
for t in state-root header-root genesis; do
  python3 "$RECORD" --state "$WORK/orig.ssz" --info "$WORK/info.json" --out "$WORK/rec-$t" \
    --tamper "$t" >/dev/null || fail "making $t recordings failed"
done
jget() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
SLOT=$(jget "$WORK/info.json" slot)
FORK=$(jget "$WORK/info.json" fork)
SROOT=$(jget "$WORK/info.json" state_root)
BROOT=$(jget "$WORK/info.json" block_root)
WC=$(sed 's/#.*//' "$WORK/wc.txt" | tr -s ' \t\r\n,' ',' | sed 's/^,//; s/,$//')
note "state: slot $SLOT, $FORK, root $SROOT"

serve good "$WORK/rec"
GOOD=$PORT

# ---- every kind of state id -------------------------------------------------
for id in head finalized "$SLOT" "$SROOT"; do
  out=$WORK/out-${id:0:10}
  "$FETCH" --beacon-node "http://127.0.0.1:$GOOD" --state-id "$id" --out "$out" \
    --withdrawal-credentials "$WC" >"$WORK/fetch.out" 2>"$WORK/fetch.err" ||
    { cat "$WORK/fetch.err"; fail "fetch of state id $id failed"; }
  cmp -s "$out/state.ssz" "$WORK/orig.ssz" || fail "state id $id: fetched state differs from the original"
  [ "$(cat "$out/fork.txt")" = "$FORK" ] || fail "state id $id: fork.txt is '$(cat "$out/fork.txt")', want $FORK"
  python3 - "$out/header.json" "$WORK/rec/header.json" <<'EOF' || fail "state id $id: header.json differs from the node's header"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(a["data"] != b["data"])
EOF
  [ "$(tr -d '\n' <"$out/withdrawal_credentials.txt")" = "$WC" ] || fail "state id $id: credentials file differs"
  [ "$(jget "$out/source.json" state_root)" = "$SROOT" ] || fail "state id $id: source.json state_root"
  [ "$(jget "$out/source.json" block_root)" = "$BROOT" ] || fail "state id $id: source.json block_root"
  grep -q "state_root $SROOT block_root $BROOT" "$WORK/fetch.out" || fail "state id $id: summary line"
done
note "head, finalized, slot and state-root ids: byte-identical state, header, fork, credentials"
# The named id was pinned to the header's slot for the state request.
grep -q "GET /eth/v2/debug/beacon/states/$SLOT accept=application/octet-stream -> 200" "$WORK/good.log" ||
  fail "state was not requested by the header's slot"

# A slot without a block: no header from the node, the input goes without
# header.json and balverify derives the header from the state.
python3 "$RECORD" --state "$WORK/orig.ssz" --info "$WORK/info.json" --out "$WORK/rec-empty" \
  --no-slot-header >/dev/null || fail "making empty-slot recordings failed"
serve empty "$WORK/rec-empty"
"$FETCH" --beacon-node "http://127.0.0.1:$PORT" --state-id "$SLOT" --out "$WORK/out-empty" \
  >/dev/null 2>"$WORK/empty.err" || { cat "$WORK/empty.err"; fail "fetch of a slot without a header failed"; }
grep -q "note: slot $SLOT has no block" "$WORK/empty.err" || fail "empty slot: no note"
[ ! -e "$WORK/out-empty/header.json" ] || fail "empty slot: a header.json was written"
cmp -s "$WORK/out-empty/state.ssz" "$WORK/orig.ssz" || fail "empty slot: state differs"
[ "$(jget "$WORK/out-empty/source.json" header_from_node)" = False ] || fail "empty slot: source.json header_from_node"
[ "$(jget "$WORK/out-empty/source.json" block_root)" = "$BROOT" ] || fail "empty slot: derived block root"
note "slot without a block: state fetched, header derived from the state"

# ---- balverify on the fetched input == on the original file -----------------
source "$SRC/scripts/env.sh"
IN=$WORK/out-head
mpirun -np 2 "$BALVERIFY" --state "$WORK/orig.ssz" --withdrawal-credentials "$WC" \
  --output "$WORK/direct.json" >"$WORK/bv1.log" 2>&1 || { cat "$WORK/bv1.log"; fail "balverify on the original failed"; }
mpirun -np 2 "$BALVERIFY" --state "$IN/state.ssz" --header "$IN/header.json" \
  --withdrawal-credentials "$(cat "$IN/withdrawal_credentials.txt")" \
  --output "$WORK/fetched.json" >"$WORK/bv2.log" 2>&1 || { cat "$WORK/bv2.log"; fail "balverify on the fetched input failed"; }
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:3]); sys.exit(a!=b)' \
  "$WORK/direct.json" "$WORK/fetched.json" || fail "balverify results differ between original and fetched input"
[ "$(jget "$WORK/fetched.json" block_root)" = "$BROOT" ] || fail "balverify block_root differs from the header's"
note "balverify: same result on fetched and original input"

# ---- POST validators through the replay server (what feeders use) ----------
python3 - "$GOOD" "$WORK/rec/validators.json" <<'EOF' || fail "POST validators replay"
import json, sys, urllib.request
port, rec = sys.argv[1], json.load(open(sys.argv[2]))
req = urllib.request.Request(f"http://127.0.0.1:{port}/eth/v1/beacon/states/head/validators",
                             data=json.dumps({"ids": ["3", "1"], "statuses": []}).encode(),
                             headers={"Content-Type": "application/json"})
got = json.load(urllib.request.urlopen(req))["data"]
assert [v["index"] for v in got] == ["3", "1"], got
want = {"active_ongoing", "active_exiting", "active_slashed"}
req = urllib.request.Request(req.full_url, data=b'{"statuses":["active"]}',
                             headers={"Content-Type": "application/json"})
got = json.load(urllib.request.urlopen(req))["data"]
assert got and all(v["status"] in want for v in got)
assert len(got) == sum(v["status"] in want for v in rec["data"])
EOF

# ---- faults: one line, non-zero exit, no state left behind -----------------
# expect_fail NAME "PATTERN" FETCH-ARGS...: bv_fetch_input must fail with PATTERN.
expect_fail() {
  local name=$1 pattern=$2
  shift 2
  local out=$WORK/fail-$name
  "$FETCH" "$@" --out "$out" >"$WORK/$name.out" 2>"$WORK/$name.err"
  local rc=$?
  [ $rc -ne 0 ] || fail "$name: exit status 0"
  grep -q "^bv_fetch_input: error: .*$pattern" "$WORK/$name.err" ||
    { cat "$WORK/$name.err"; fail "$name: no error line matching '$pattern'"; }
  [ "$(grep -c 'error:' "$WORK/$name.err")" = 1 ] || fail "$name: more than one error line"
  [ ! -e "$out/state.ssz" ] && [ ! -e "$out/state.ssz.part" ] || fail "$name: a state file was left behind"
  note "fault $name: exit $rc: $(grep 'error:' "$WORK/$name.err" | cut -c1-150)"
}
SP=/eth/v2/debug/beacon/states/$SLOT
HP=/eth/v1/beacon/headers/head
serve f500 "$WORK/rec" --fault "$SP=500"
expect_fail http500 "HTTP 500" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve ftrunc "$WORK/rec" --fault "$SP=truncate"
expect_fail truncated "truncated response" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve fslow "$WORK/rec" --fault "$HP=slow:3"
expect_fail slow "[Tt]imed out" --beacon-node "http://127.0.0.1:$PORT" --state-id head --timeout 0.5
serve fmal "$WORK/rec" --fault "$HP=malformed"
expect_fail malformed "malformed JSON" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve fnover "$WORK/rec" --fault "$SP=no-version"
expect_fail no-version "no Eth-Consensus-Version" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve fjson "$WORK/rec" --fault "$SP=as-json"
expect_fail as-json "JSON instead of SSZ" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve freset "$WORK/rec" --fault "$SP=reset"
expect_fail reset "$SP" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve fsr "$WORK/rec-state-root"
expect_fail state-root "state root mismatch" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve fhr "$WORK/rec-header-root"
expect_fail header-root "header root mismatch" --beacon-node "http://127.0.0.1:$PORT" --state-id head
serve fgen "$WORK/rec-genesis"
expect_fail genesis "genesis_validators_root mismatch" --beacon-node "http://127.0.0.1:$PORT" --state-id head
expect_fail not-found "HTTP 404" --beacon-node "http://127.0.0.1:$GOOD" --state-id 0x"$(printf '%064d' 7)"
expect_fail limit "larger than the limit" --beacon-node "http://127.0.0.1:$GOOD" --state-id head --max-state-mb 1
# Bad arguments fail before any request.
before=$(wc -l <"$WORK/good.log")
expect_fail bad-id "bad state id" --beacon-node "http://127.0.0.1:$GOOD" --state-id latest
expect_fail bad-wc "" --beacon-node "http://127.0.0.1:$GOOD" --state-id head --withdrawal-credentials 0x1234
expect_fail bad-url "must start with http" --beacon-node "127.0.0.1:$GOOD" --state-id head
[ "$(wc -l <"$WORK/good.log")" = "$before" ] || fail "bad arguments still reached the node"

# ---- fail-over ----------------------------------------------------------------
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
serve all500 "$WORK/rec" --fault "*=503"
B500=$PORT
"$FETCH" --beacon-node "http://127.0.0.1:$DEAD" --beacon-node "http://127.0.0.1:$B500,http://127.0.0.1:$GOOD" \
  --state-id head --out "$WORK/failover" >/dev/null 2>"$WORK/failover.err" ||
  { cat "$WORK/failover.err"; fail "fail-over to the third node did not work"; }
cmp -s "$WORK/failover/state.ssz" "$WORK/orig.ssz" || fail "fail-over fetched a different state"
grep -q "/eth/v2/debug/beacon/states/$SLOT .* -> 503" "$WORK/all500.log" || fail "the failing node was not tried first"
[ "$(jget "$WORK/failover/source.json" beacon_node)" = "http://127.0.0.1:$GOOD" ] || fail "source.json does not name the node that answered"
expect_fail all-down "failed on all 2 beacon nodes" --beacon-node "http://127.0.0.1:$DEAD,http://127.0.0.1:$B500" --state-id head
note "fail-over: dead node and 503 node skipped, third node served the state"
stop_servers

# ---- the committed recordings still match the generator ----------------------
DATA=$SRC/tests/data/beacon_api/minimal-deneb-64
if [ -d "$DATA" ]; then
  "$SYNTH" --fork deneb --preset minimal --validators 64 --seed 5 -o "$WORK/m.ssz" || fail "bv_synth_state (minimal) failed"
  "$INFO" "$WORK/m.ssz" >"$WORK/m.json" || fail "bv_state_info (minimal) failed"
  python3 "$RECORD" --state "$WORK/m.ssz" --info "$WORK/m.json" --out "$WORK/m-rec" >/dev/null || fail "recording (minimal) failed"
  diff -r "$WORK/m-rec" "$DATA" -x README.md >/dev/null || fail "tests/data/beacon_api/minimal-deneb-64 is stale: regenerate it (see its README.md)"
  serve committed "$DATA"
  "$FETCH" --beacon-node "http://127.0.0.1:$PORT" --state-id finalized --out "$WORK/m-out" >/dev/null 2>&1 ||
    fail "fetch from the committed recordings failed"
  cmp -s "$WORK/m-out/state.ssz" "$DATA/state.ssz" || fail "committed recordings: state differs"
  note "committed recordings match the generator and fetch cleanly"
fi
note "PASS"
