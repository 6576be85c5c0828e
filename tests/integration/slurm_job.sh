#!/usr/bin/env bash
# slurm_job.sh BUILD_DIR SRC_DIR - the batch job on a real single-node Slurm.
#
# Starts the project's local cluster (scripts/start-local-slurm.sh), submits
# slurm/balverify.sbatch through slurm/submit.sh with jobs/default.env (the
# embedded default input, 2 ranks) with `sbatch --wait`, once with srun and
# once with mpirun as the launcher, and checks that each job exits 0 and
# writes the same JSON as a direct `mpirun -np 2` run. Then: a checkpointed
# job requeued with scontrol restarts and resumes from its checkpoint; a new
# submission finding that checkpoint resumes too (same JSON); a job on a garbled
# state exits non-zero through sbatch --wait, with balverify's one-line error
# in the job log; a job with a bad launcher setting fails too. A job given a
# beacon node (BV_BEACON_NODE) fetches its input from a local replay server;
# one rank with two OpenMP threads gives the same JSON.
# Slurm is stopped at the end when this test started it.
set -uo pipefail
BUILD=$(cd "${1:?usage: slurm_job.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: slurm_job.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin/balverify
INPUT=$SRC/inputs/default

fail() { echo "slurm_job: FAIL: $*" >&2; exit 1; }
note() { echo "slurm_job: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_job: SKIP: needs root to run slurmctld/slurmd"
  exit 77
fi
[ -x "$BIN" ] || fail "$BIN not built"
[ -s "$INPUT/state.ssz" ] || fail "embedded default input $INPUT/state.ssz missing"
[ -s "$INPUT/withdrawal_credentials.txt" ] || fail "$INPUT/withdrawal_credentials.txt missing"
command -v sbatch >/dev/null || fail "sbatch not installed (scripts/install-deps.sh installs Slurm)"
source "$SRC/scripts/env.sh"

WORK=$(mktemp -d "$BUILD/slurm_job.XXXXXX")
was_up=0
scontrol ping 2>/dev/null | grep -q UP && was_up=1
cleanup() {
  if [ "$was_up" = 0 ]; then bash "$SRC/scripts/stop-local-slurm.sh" >/dev/null 2>&1; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! bash "$SRC/scripts/start-local-slurm.sh" >"$WORK/start.log" 2>&1; then
  cat "$WORK/start.log"
  if grep -q "slurmctld" "$WORK/start.log"; then
    echo "slurm_job: SKIP: slurmctld cannot be started in this environment"
    exit 77
  fi
  fail "start-local-slurm.sh failed"
fi
tail -n 1 "$WORK/start.log"

WC=$(sed 's/#.*//' "$INPUT/withdrawal_credentials.txt" | tr -s ' \t\r\n,' ',' | sed 's/^,//; s/,$//')

# Reference: a direct run with the same ranks.
mpirun -np 2 "$BIN" --state "$INPUT/state.ssz" --withdrawal-credentials "$WC" \
  --output "$WORK/direct.json" >"$WORK/direct.log" 2>&1 ||
  { cat "$WORK/direct.log"; fail "direct mpirun run failed"; }

same_json() {  # same_json A B: equal as JSON values
  python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:3]); sys.exit(a!=b)' "$1" "$2"
}

# submit NAME [VAR=value...]: run jobs/default.env through sbatch --wait; sets rc.
submit() {
  local name=$1 t
  t=$(date +%s)
  shift
  env "$@" BV_OUTPUT="$WORK/$name.json" BV_LOG="$WORK/$name.out" \
    bash "$SRC/slurm/submit.sh" "$SRC/jobs/default.env" --wait --quiet
  rc=$?
  note "$name: sbatch --wait exit status $rc ($(( $(date +%s) - t )) s)"
}

# submit_poll NAME [VAR=value...]: the same, but polls the job every 0.2 s
# (sbatch --wait polls every 2 to 10 s) and takes rc from its ExitCode.
submit_poll() {
  local name=$1 t j info state=""
  t=$(date +%s)
  shift
  j=$(env "$@" BV_OUTPUT="$WORK/$name.json" BV_LOG="$WORK/$name.out" \
    bash "$SRC/slurm/submit.sh" "$SRC/jobs/default.env" --parsable) || fail "$name: sbatch failed"
  j=${j%%;*}
  for _ in $(seq 900); do
    info=$(scontrol show job "$j" 2>/dev/null)
    state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$info")
    case $state in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
    sleep 0.2
  done
  rc=$(sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p' <<<"$info")
  [ -n "$rc" ] || fail "$name: no exit code for job $j (state '$state')"
  note "$name: job $j $state, exit status $rc ($(( $(date +%s) - t )) s)"
}

t0=$(date +%s)
for launcher in srun mpirun; do
  submit "$launcher" BV_LAUNCHER="$launcher" BV_ROOT="$SRC" BV_BIN="$BIN"
  [ "$rc" = 0 ] || { cat "$WORK/$launcher.out"; fail "$launcher job exited with $rc"; }
  grep -q "launcher $launcher" "$WORK/$launcher.out" || fail "$launcher job log does not show its launcher"
  grep -q "2 ranks" "$WORK/$launcher.out" || fail "$launcher job did not run 2 ranks"
  same_json "$WORK/direct.json" "$WORK/$launcher.json" ||
    { diff "$WORK/direct.json" "$WORK/$launcher.json"; fail "$launcher job output differs from the direct run"; }
done

# One rank with two threads (the rank-per-node layout): same result.
submit_poll threads BV_ROOT="$SRC" BV_BIN="$BIN" BV_NTASKS=1 BV_CPUS_PER_TASK=2
[ "$rc" = 0 ] || { cat "$WORK/threads.out"; fail "1-rank 2-thread job exited with $rc"; }
grep -q "1 ranks on 1 node(s) \[localhost\], 2 thread(s) per rank" "$WORK/threads.out" ||
  { cat "$WORK/threads.out"; fail "1-rank job did not get 2 threads"; }
same_json "$WORK/direct.json" "$WORK/threads.json" || fail "1-rank 2-thread job output differs"

# Requeue: Slurm restarts the job (SLURM_RESTART_COUNT=1) and it resumes from
# its checkpoint. The job may already have finished when the requeue arrives;
# Slurm restarts a finished batch job as well, so the check holds either way.
t=$(date +%s)
J=$(env BV_ROOT="$SRC" BV_BIN="$BIN" BV_CHECKPOINT="$WORK/rq.h5" BV_OUTPUT="$WORK/rq.json" \
  BV_LOG="$WORK/rq.out" bash "$SRC/slurm/submit.sh" "$SRC/jobs/default.env" --parsable) ||
  fail "submitting the requeue job failed"
J=${J%%;*}
for _ in $(seq 300); do [ -s "$WORK/rq.h5" ] && break; sleep 0.1; done
scontrol requeue "$J" || fail "scontrol requeue $J failed"
for _ in $(seq 360); do
  state=$(scontrol show job "$J" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  restarts=$(scontrol show job "$J" 2>/dev/null | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
  [ "$restarts" = 1 ] && [ "$state" = COMPLETED ] && break
  case $state in FAILED | CANCELLED | TIMEOUT | NODE_FAIL) break ;; esac
  sleep 0.5
done
[ "$restarts" = 1 ] && [ "$state" = COMPLETED ] ||
  { cat "$WORK/rq.out"; fail "requeued job ended in state '$state' after $restarts restarts"; }
grep -q "resuming from $WORK/rq.h5 (restart count 1)" "$WORK/rq.out" ||
  { cat "$WORK/rq.out"; fail "requeued job did not resume"; }
same_json "$WORK/direct.json" "$WORK/rq.json" || fail "requeued job output differs"
note "requeue: job $J restarted once and resumed from its checkpoint ($(( $(date +%s) - t )) s)"

# A new submission that finds the checkpoint of an earlier run resumes from it.
submit_poll resubmit BV_ROOT="$SRC" BV_BIN="$BIN" BV_CHECKPOINT="$WORK/rq.h5"
[ "$rc" = 0 ] || { cat "$WORK/resubmit.out"; fail "resubmitted job exited with $rc"; }
grep -q "resuming from $WORK/rq.h5 (restart count 0)" "$WORK/resubmit.out" ||
  fail "resubmitted job did not resume from the existing checkpoint"
same_json "$WORK/direct.json" "$WORK/resubmit.json" || fail "resubmitted job output differs"

# Input from a beacon node: the job fetches it (bv_fetch_input) from a local
# node replaying recordings of the default state, then runs on it.
"$BUILD/bin/bv_state_info" "$INPUT/state.ssz" >"$WORK/info.json" || fail "bv_state_info failed"
python3 "$SRC/tests/tools/make_beacon_recordings.py" --state "$INPUT/state.ssz" \
  --info "$WORK/info.json" --out "$WORK/rec" >/dev/null || fail "making recordings failed"
python3 "$SRC/tests/tools/replay_server.py" --dir "$WORK/rec" --port-file "$WORK/node.port" \
  --log "$WORK/node.log" >/dev/null 2>&1 &
NODE_PID=$!
trap 'kill $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do [ -s "$WORK/node.port" ] && break; sleep 0.05; done
[ -s "$WORK/node.port" ] || fail "replay server did not start"
submit_poll fetch BV_ROOT="$SRC" BV_BIN="$BIN" BV_FETCH_BIN="$BUILD/bin/bv_fetch_input" \
  BV_BEACON_NODE="http://127.0.0.1:$(cat "$WORK/node.port")" BV_STATE_ID=finalized \
  BV_INPUT_DIR="$WORK/fetched" BV_WITHDRAWAL_CREDENTIALS="$WC"
[ "$rc" = 0 ] || { cat "$WORK/fetch.out"; fail "job with a beacon-node input exited with $rc"; }
cmp -s "$WORK/fetched/state.ssz" "$INPUT/state.ssz" || fail "the job fetched a different state"
grep -q "header $WORK/fetched/header.json" "$WORK/fetch.out" || fail "the job did not use the fetched header"
same_json "$WORK/direct.json" "$WORK/fetch.json" || fail "beacon-node job output differs"

# Bad input: the job's failure reaches sbatch --wait.
head -c 100000 "$INPUT/state.ssz" >"$WORK/truncated.ssz"
submit bad BV_ROOT="$SRC" BV_BIN="$BIN" BV_INPUT_DIR= BV_STATE="$WORK/truncated.ssz" \
  BV_WITHDRAWAL_CREDENTIALS="$WC"
[ "$rc" != 0 ] || fail "job on a truncated state exited 0"
grep -q "balverify: error:" "$WORK/bad.out" || { cat "$WORK/bad.out"; fail "no one-line error in the failed job's log"; }
[ ! -s "$WORK/bad.json" ] || fail "failed job left a result file"

submit_poll badlauncher BV_ROOT="$SRC" BV_BIN="$BIN" BV_LAUNCHER=ssh
[ "$rc" != 0 ] || fail "job with BV_LAUNCHER=ssh exited 0"
grep -q "BV_LAUNCHER must be srun or mpirun" "$WORK/badlauncher.out" || fail "bad launcher not reported"

note "PASS ($(( $(date +%s) - t0 )) s of jobs)"
