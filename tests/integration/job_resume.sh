#!/usr/bin/env bash
# job_resume.sh BUILD_DIR SRC_DIR - checkpoint and resume of the native job.
#
#  1. --stop-after-level K (the job exits 75 right after level K is in the
#     HDF5 checkpoint) for several K, then --resume on 2, 1 or 3 ranks: the
#     JSON equals an uninterrupted run's, and the log says where it resumed.
#  2. A real crash: mpirun and all its ranks are killed with SIGKILL part-way
#     (during the leaves, and after some levels, on a bigger state with a
#     pause after each level so the kill lands mid-run); --resume gives the
#     uninterrupted result.
#  3. Refusals that must leave the checkpoint untouched: other credentials,
#     another state, a corrupt or truncated file, an existing file without
#     --resume.
set -uo pipefail
BUILD=$(cd "${1:?usage: job_resume.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: job_resume.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin/balverify
SYNTH=$BUILD/bin/bv_synth_state
fail() { echo "job_resume: FAIL: $*" >&2; exit 1; }
note() { echo "job_resume: $*"; }
[ -x "$BIN" ] && [ -x "$SYNTH" ] || fail "balverify / bv_synth_state not built"
source "$SRC/scripts/env.sh"
WORK=$(mktemp -d "$BUILD/job_resume.XXXXXX")
BGPID=
cleanup() {
  [ -n "$BGPID" ] && kill -9 -- "-$BGPID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

ST=$WORK/state.ssz
"$SYNTH" --fork deneb --validators 3000 --seed 21 --wc-out "$WORK/wc.txt" -o "$ST" || fail "synth"
WC=$(grep -v '^#' "$WORK/wc.txt" | tr -d ' \n')
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --output "$WORK/ref.json" ||
  fail "uninterrupted run"

# ---- 1. stop after level K, resume ------------------------------------------
for spec in "0 2" "1 1" "5 3" "12 2" "37 2" "38 1" "40 2"; do
  set -- $spec
  k=$1 np=$2
  ck=$WORK/ck-$k.h5
  mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$ck" \
    --stop-after-level "$k" --output "$WORK/stopped.json" >"$WORK/stop.out" 2>"$WORK/stop.err"
  rc=$?
  [ $rc -ne 0 ] || fail "stop after level $k exited 0"
  [ ! -e "$WORK/stopped.json" ] || fail "stopped run wrote a result"
  [ ! -s "$WORK/stop.out" ] || fail "stopped run printed on stdout"
  grep -q "stopped after level $k" "$WORK/stop.err" || { cat "$WORK/stop.err"; fail "no stop message"; }
  mpirun -np "$np" "$BIN" --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$ck" --resume \
    --verbose --output "$WORK/res-$k.json" 2>"$WORK/res.err" || { cat "$WORK/res.err"; fail "resume after $k"; }
  grep -q "resuming from level $k " "$WORK/res.err" || { cat "$WORK/res.err"; fail "did not resume from level $k"; }
  cmp -s "$WORK/ref.json" "$WORK/res-$k.json" || fail "resume after level $k on $np ranks differs"
  note "stopped after level $k, resumed on $np rank(s): identical"
done
# A finished checkpoint resumes at the top and gives the same result again.
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/ck-40.h5" --resume \
  --verbose --output "$WORK/again.json" 2>"$WORK/again.err" || fail "resume of a finished checkpoint"
grep -q "resuming from level 40 " "$WORK/again.err" || fail "finished checkpoint not recognised"
cmp -s "$WORK/ref.json" "$WORK/again.json" || fail "resume of a finished checkpoint differs"

# ---- 2. SIGKILL part-way ---------------------------------------------------
BIG=$WORK/big.ssz
"$SYNTH" --fork electra --validators 20000 --seed 5 --wc-out "$WORK/wcb.txt" -o "$BIG" || fail "synth big"
WCB=$(grep -v '^#' "$WORK/wcb.txt" | tr -d ' \n')
mpirun -np 2 "$BIN" --state "$BIG" --withdrawal-credentials "$WCB" --output "$WORK/bigref.json" ||
  fail "uninterrupted big run"

crash_after() { # crash_after PATTERN CKPT: start the job, SIGKILL everything once PATTERN is logged
  local pattern=$1 ck=$2
  : >"$WORK/crash.err"
  BV_TEST_LEVEL_DELAY_MS=300 setsid mpirun -np 2 "$BIN" --state "$BIG" --withdrawal-credentials "$WCB" \
    --checkpoint "$ck" --resume --verbose --output "$WORK/crash.json" 2>"$WORK/crash.err" &
  BGPID=$!
  for _ in $(seq 1 600); do
    grep -q "$pattern" "$WORK/crash.err" && break
    kill -0 "$BGPID" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "$pattern" "$WORK/crash.err" || { cat "$WORK/crash.err"; fail "job never logged '$pattern'"; }
  kill -9 -- "-$BGPID" 2>/dev/null
  wait "$BGPID" 2>/dev/null
  BGPID=
  [ ! -e "$WORK/crash.json" ] || fail "killed run left a result"
}

# Killed while computing the leaves (checkpoint created, no level complete).
crash_after "loaded" "$WORK/crash0.h5"
mpirun -np 2 "$BIN" --state "$BIG" --withdrawal-credentials "$WCB" --checkpoint "$WORK/crash0.h5" --resume \
  --output "$WORK/crash0.json" 2>"$WORK/c0.err" || { cat "$WORK/c0.err"; fail "resume after a kill during the leaves"; }
cmp -s "$WORK/bigref.json" "$WORK/crash0.json" || fail "resume after a kill during the leaves differs"
note "SIGKILL during the leaves, resumed: identical"

# Killed after level 6 (with levels still to come), resumed twice over.
crash_after "level 6 done" "$WORK/crash.h5"
crash_after "level 14 done" "$WORK/crash.h5"
grep -q "resuming from level" "$WORK/crash.err" || fail "second run did not resume the killed one"
mpirun -np 2 "$BIN" --state "$BIG" --withdrawal-credentials "$WCB" --checkpoint "$WORK/crash.h5" --resume \
  --verbose --output "$WORK/crash.json" 2>"$WORK/c1.err" || { cat "$WORK/c1.err"; fail "resume after SIGKILL"; }
grep -Eq "resuming from level (1[4-9]|[2-4][0-9]) " "$WORK/c1.err" || { cat "$WORK/c1.err"; fail "resume did not start from level >= 14"; }
cmp -s "$WORK/bigref.json" "$WORK/crash.json" || fail "resume after SIGKILL differs"
note "SIGKILL after levels 6 and 14, resumed: identical"

# ---- 3. refusals -------------------------------------------------------------
CK=$WORK/ck-12.h5
sum0=$(md5sum <"$CK")
expect_refusal() { # expect_refusal WHAT PATTERN ARGS...
  local what=$1 pattern=$2
  shift 2
  mpirun -np 2 "$BIN" "$@" --output "$WORK/refused.json" >"$WORK/ref.out" 2>"$WORK/ref.err"
  local rc=$?
  [ $rc -ne 0 ] || fail "$what: exit status 0"
  [ ! -e "$WORK/refused.json" ] && [ ! -s "$WORK/ref.out" ] || fail "$what: a result was produced"
  local lines
  lines=$(grep -c 'balverify: error:' "$WORK/ref.err")
  [ "$lines" = 1 ] || { cat "$WORK/ref.err"; fail "$what: expected one error line, got $lines"; }
  grep -q "balverify: error: .*$pattern" "$WORK/ref.err" || { cat "$WORK/ref.err"; fail "$what: message does not say '$pattern'"; }
  note "refused ($what): $(grep 'balverify: error:' "$WORK/ref.err")"
}
expect_refusal "other credentials" "other withdrawal credentials" \
  --state "$ST" --withdrawal-credentials "${WC%%,*}" --checkpoint "$CK" --resume
expect_refusal "another state" "belongs to state root" \
  --state "$BIG" --withdrawal-credentials "$WC" --checkpoint "$CK" --resume
expect_refusal "existing checkpoint without --resume" "already exists" \
  --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$CK"
[ "$(md5sum <"$CK")" = "$sum0" ] || fail "a refused run modified the checkpoint"

cp "$CK" "$WORK/trunc.h5"
truncate -s $(( $(stat -c %s "$CK") / 2 )) "$WORK/trunc.h5"
s1=$(md5sum <"$WORK/trunc.h5")
expect_refusal "truncated checkpoint" "checkpoint" \
  --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/trunc.h5" --resume
[ "$(md5sum <"$WORK/trunc.h5")" = "$s1" ] || fail "the truncated checkpoint was modified"

head -c 100000 /dev/urandom >"$WORK/garbage.h5"
s2=$(md5sum <"$WORK/garbage.h5")
expect_refusal "garbage checkpoint" "not a readable HDF5 file" \
  --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/garbage.h5" --resume
[ "$(md5sum <"$WORK/garbage.h5")" = "$s2" ] || fail "the garbage checkpoint was modified"

# Corrupt node data inside a well-formed HDF5 file: overwrite the stored
# public values of a level with non-canonical field elements.
mpirun -np 2 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/badnodes.h5" \
  --stop-after-level 5 2>/dev/null
[ -s "$WORK/badnodes.h5" ] || fail "no checkpoint to corrupt"
h5dump -d /level_05/mapper/public_values -b LE -o "$WORK/pv.bin" "$WORK/badnodes.h5" >/dev/null ||
  fail "h5dump could not read the stored public values"
python3 - "$WORK/badnodes.h5" "$WORK/pv.bin" <<'PY' || fail "could not corrupt the checkpoint"
import sys
data = open(sys.argv[1], "rb").read()
rows = open(sys.argv[2], "rb").read()
pos = data.find(rows)  # the dataset's raw bytes, stored contiguously
if pos < 0 or data.find(rows, pos + 1) >= 0:
    sys.exit(1)
with open(sys.argv[1], "r+b") as f:
    f.seek(pos + 32)        # node 0, Poseidon root element 0
    f.write(b"\xff" * 8)    # >= p: not a canonical field element
PY
expect_refusal "corrupt node data" "fails its checksum" \
  --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/badnodes.h5" --resume
# Random damage: bytes flipped anywhere in a checkpoint. Every resume either
# refuses the file with one error line or gives exactly the reference result
# (damage to parts it does not need); never a crash, never a wrong result.
mpirun -np 1 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/fz.h5" \
  --stop-after-level 3 2>/dev/null
[ -s "$WORK/fz.h5" ] || fail "no checkpoint to damage"
refused=0
for seed in $(seq 1 40); do
  python3 - "$WORK/fz.h5" "$WORK/fzd.h5" "$seed" <<'PY'
import random, sys
random.seed(int(sys.argv[3]))
d = bytearray(open(sys.argv[1], "rb").read())
for _ in range(random.randint(1, 8)):
    d[random.randrange(len(d))] ^= random.randint(1, 255)
open(sys.argv[2], "wb").write(d)
PY
  rm -f "$WORK/fz.json"
  mpirun -np 1 "$BIN" --state "$ST" --withdrawal-credentials "$WC" --checkpoint "$WORK/fzd.h5" --resume \
    --output "$WORK/fz.json" >/dev/null 2>"$WORK/fz.err"
  rc=$?
  if [ $rc -eq 0 ]; then
    cmp -s "$WORK/ref.json" "$WORK/fz.json" || fail "damaged checkpoint (seed $seed) gave a different result"
  else
    [ $rc -lt 64 ] || { cat "$WORK/fz.err"; fail "damaged checkpoint (seed $seed): exit $rc (crash?)"; }
    [ "$(grep -c '^balverify: error: ' "$WORK/fz.err")" = 1 ] || { cat "$WORK/fz.err"; fail "seed $seed: not one error line"; }
    [ ! -e "$WORK/fz.json" ] || fail "seed $seed: refused run wrote a result"
    refused=$((refused + 1))
  fi
done
note "40 randomly damaged checkpoints: $refused refused with one error line, the rest gave the reference result"
note "all checks passed"
