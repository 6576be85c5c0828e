#!/usr/bin/env bash
# job_bad_input.sh BUILD_DIR SRC_DIR - bad input to the native MPI job.
#
# Every case must end with a non-zero exit status, exactly one line
# "balverify: error: ..." naming the problem, nothing on stdout and no
# --output file: never a partial result presented as a result. Covers
# missing/empty/truncated/garbled SSZ, wrong or unknown fork, malformed
# credentials, a header whose state root does not match, malformed headers,
# bad options, unusable checkpoints, and a rank killed mid-run. A run with
# more ranks than leaves is valid and must succeed.
set -uo pipefail
BUILD=$(cd "${1:?usage: job_bad_input.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: job_bad_input.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin/balverify
SYNTH=$BUILD/bin/bv_synth_state
fail() { echo "job_bad_input: FAIL: $*" >&2; exit 1; }
note() { echo "job_bad_input: $*"; }
[ -x "$BIN" ] && [ -x "$SYNTH" ] || fail "balverify / bv_synth_state not built"
source "$SRC/scripts/env.sh"
WORK=$(mktemp -d "$BUILD/job_bad_input.XXXXXX")
BGPID=
cleanup() {
  [ -n "$BGPID" ] && kill -9 -- "-$BGPID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

ST=$WORK/state.ssz
"$SYNTH" --fork deneb --validators 300 --seed 3 --wc-out "$WORK/wc.txt" -o "$ST" || fail synth
WC=$(grep -v '^#' "$WORK/wc.txt" | tr -d ' \n')
W1=${WC%%,*}
SIZE=$(stat -c %s "$ST")

bad() { # bad NP WHAT PATTERN ARGS...
  local np=$1 what=$2 pattern=$3
  shift 3
  rm -f "$WORK/out.json"
  mpirun -np "$np" "$BIN" "$@" --output "$WORK/out.json" >"$WORK/stdout" 2>"$WORK/stderr"
  local rc=$?
  [ $rc -ne 0 ] || fail "$what: exit status 0"
  [ ! -e "$WORK/out.json" ] || fail "$what: wrote a result file"
  [ ! -s "$WORK/stdout" ] || fail "$what: printed on stdout"
  local n
  n=$(grep -c '^balverify: error: ' "$WORK/stderr")
  [ "$n" = 1 ] || { cat "$WORK/stderr"; fail "$what: $n error lines instead of 1"; }
  grep -q "^balverify: error: .*$pattern" "$WORK/stderr" ||
    { cat "$WORK/stderr"; fail "$what: the message does not mention '$pattern'"; }
  note "$what -> $(grep '^balverify: error: ' "$WORK/stderr")"
}

# Files.
bad 2 "missing state file" "$WORK/nope.ssz" --state "$WORK/nope.ssz" --withdrawal-credentials "$W1"
: >"$WORK/empty.ssz"
bad 2 "empty state file" "empty" --state "$WORK/empty.ssz" --withdrawal-credentials "$W1"
head -c $((SIZE - 1000)) "$ST" >"$WORK/trunc.ssz"
bad 2 "truncated state" "trunc.ssz" --state "$WORK/trunc.ssz" --withdrawal-credentials "$W1"
head -c 1000 "$ST" >"$WORK/short.ssz"
bad 2 "state shorter than the fixed part" "short.ssz" --state "$WORK/short.ssz" --withdrawal-credentials "$W1"
cp "$ST" "$WORK/garbled.ssz"
printf '\xff\xff\xff\x7f' | dd of="$WORK/garbled.ssz" bs=1 seek=524552 conv=notrunc status=none
bad 2 "garbled validators offset" "garbled.ssz" --state "$WORK/garbled.ssz" --withdrawal-credentials "$W1"
head -c "$SIZE" /dev/urandom >"$WORK/random.ssz"
bad 2 "random bytes" "random.ssz" --state "$WORK/random.ssz" --withdrawal-credentials "$W1"
# A validator whose slashed byte is not an SSZ boolean (validator 7, byte 88).
python3 - "$ST" "$WORK/slashed.ssz" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
voff = struct.unpack_from("<I", d, 524552)[0]
d[voff + 121 * 7 + 88] = 2
open(sys.argv[2], "wb").write(d)
PY
bad 2 "non-boolean slashed byte" "slashed" --state "$WORK/slashed.ssz" --withdrawal-credentials "$W1"
mkdir -p "$WORK/dir.ssz"
bad 1 "state path is a folder" "dir.ssz" --state "$WORK/dir.ssz" --withdrawal-credentials "$W1"

# Forks.
bad 2 "unknown fork" "unknown fork" --state "$ST" --fork shanghai --withdrawal-credentials "$W1"
bad 2 "wrong fork for the file" "electra" --state "$ST" --fork electra --withdrawal-credentials "$W1"

# Credentials.
bad 2 "credential too short" "withdrawal-credentials" --state "$ST" --withdrawal-credentials "${W1%?}"
bad 2 "credential not hex" "withdrawal-credentials" --state "$ST" --withdrawal-credentials "0x$(printf 'zz%.0s' {1..32})"
bad 2 "credential too long" "withdrawal-credentials" --state "$ST" --withdrawal-credentials "${W1}00"
bad 2 "empty credential list" "withdrawal-credentials" --state "$ST" --withdrawal-credentials ""
bad 2 "empty item in credential list" "withdrawal-credentials" --state "$ST" --withdrawal-credentials "$W1,,$W1"
bad 2 "no credentials" "withdrawal-credentials" --state "$ST"
bad 2 "missing credentials file" "withdrawal-credentials-file" --state "$ST" --withdrawal-credentials-file "$WORK/none.txt"

# Headers.
python3 - "$ST" "$WORK/header.ssz" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
# latest_block_header sits after genesis_time, genesis_validators_root, slot, fork (16 bytes)
off = 8 + 32 + 8 + 16
h = bytearray(d[off:off + 112])
h[48:80] = bytes(range(1, 33))  # a state root that is not this state's
open(sys.argv[2], "wb").write(h)
PY
bad 2 "header for another state" "state root mismatch" --state "$ST" --header "$WORK/header.ssz" --withdrawal-credentials "$W1"
head -c 50 /dev/urandom >"$WORK/garbage.header"
bad 2 "garbage header" "garbage.header" --state "$ST" --header "$WORK/garbage.header" --withdrawal-credentials "$W1"
echo '{"data": {"header": {"message": {"slot": "x"}}}}' >"$WORK/bad.json"
bad 2 "malformed header JSON" "bad.json" --state "$ST" --header "$WORK/bad.json" --withdrawal-credentials "$W1"
bad 2 "missing header" "nohdr" --state "$ST" --header "$WORK/nohdr" --withdrawal-credentials "$W1"

# Options.
bad 2 "unknown option" "unknown option" --state "$ST" --withdrawal-credentials "$W1" --frobnicate
bad 2 "missing --state" "--state" --withdrawal-credentials "$W1"
bad 2 "--resume without --checkpoint" "--checkpoint" --state "$ST" --withdrawal-credentials "$W1" --resume
bad 2 "bad --threads" "--threads" --state "$ST" --withdrawal-credentials "$W1" --threads 0
bad 2 "bad --stop-after-level" "--stop-after-level" --state "$ST" --withdrawal-credentials "$W1" --stop-after-level 41
bad 2 "stray argument" "unexpected argument" --state "$ST" --withdrawal-credentials "$W1" extra

# Proof stores.
bad 2 "unknown proof store" "unknown store URI" --state "$ST" --withdrawal-credentials "$W1" --proof-store "ftp:$WORK/x"
bad 2 "HDF5 proof store on 2 ranks" "single-process" --state "$ST" --withdrawal-credentials "$W1" --proof-store "hdf5:$WORK/p.h5"
: >"$WORK/plainfile"
bad 2 "proof store folder is a file" "not a folder" --state "$ST" --withdrawal-credentials "$W1" --proof-store "file:$WORK/plainfile"

# Checkpoints.
head -c 4096 /dev/urandom >"$WORK/garbage.h5"
bad 2 "unreadable checkpoint" "not a readable HDF5 file" --state "$ST" --withdrawal-credentials "$W1" --checkpoint "$WORK/garbage.h5" --resume
bad 2 "checkpoint in a missing folder" "cannot create" --state "$ST" --withdrawal-credentials "$W1" --checkpoint "$WORK/no/dir/c.h5"
mkdir -p "$WORK/ckdir"
bad 2 "checkpoint path is a folder" "ckdir" --state "$ST" --withdrawal-credentials "$W1" --checkpoint "$WORK/ckdir" --resume
# An HDF5 file that is not a checkpoint.
mpirun -np 1 "$BIN" --state "$ST" --withdrawal-credentials "$W1" --checkpoint "$WORK/c.h5" --stop-after-level 0 2>/dev/null
h5copy -i "$WORK/c.h5" -o "$WORK/other.h5" -s /level_00 -d /x || fail "h5copy"
bad 2 "HDF5 file that is not a checkpoint" "not a checkpoint" --state "$ST" --withdrawal-credentials "$W1" --checkpoint "$WORK/other.h5" --resume

# A rank killed mid-run: the job fails and leaves no result.
BV_TEST_LEVEL_DELAY_MS=500 setsid mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$W1" \
  --verbose --output "$WORK/killed.json" >"$WORK/k.out" 2>"$WORK/k.err" &
BGPID=$!
for _ in $(seq 1 300); do grep -q "level 2 done" "$WORK/k.err" && break; sleep 0.1; done
grep -q "level 2 done" "$WORK/k.err" || { cat "$WORK/k.err"; fail "job did not start"; }
victim=$(pgrep -s "$BGPID" -x balverify | tail -n 1)
[ -n "$victim" ] || fail "no rank process found"
kill -9 "$victim"
wait "$BGPID"
rc=$?
BGPID=
[ $rc -ne 0 ] || fail "job with a killed rank exited 0"
[ ! -e "$WORK/killed.json" ] && [ ! -s "$WORK/k.out" ] || fail "job with a killed rank produced a result"
note "rank killed mid-run -> exit $rc, no result"

# More ranks than leaves is valid.
"$SYNTH" --validators 3 --seed 9 --wc-out "$WORK/wc3.txt" -o "$WORK/tiny.ssz" || fail synth
mpirun -np 5 "$BIN" --state "$WORK/tiny.ssz" --withdrawal-credentials-file "$WORK/wc3.txt" --output "$WORK/t5.json" ||
  fail "5 ranks on 3 validators"
mpirun -np 1 "$BIN" --state "$WORK/tiny.ssz" --withdrawal-credentials-file "$WORK/wc3.txt" --output "$WORK/t1.json" ||
  fail "1 rank on 3 validators"
cmp -s "$WORK/t1.json" "$WORK/t5.json" || fail "5 ranks on 3 validators differ from 1 rank"
note "all checks passed"
