#!/usr/bin/env bash
# stop-local-slurm.sh - stop the single-node cluster of start-local-slurm.sh.
# Cancels the remaining jobs first (so no job processes outlive the daemons),
# then stops, by the PIDs in their pidfiles, only the daemons that
# start-local-slurm.sh started (BV_SLURM_STOP_ALL=1: every Slurm daemon and
# munged found in the pidfiles). Safe to run when nothing runs.
set -uo pipefail
MARK_DIR=/run/balverify-slurm
say() { echo "stop-local-slurm: $*"; }
[ "$(id -u)" -eq 0 ] || { echo "stop-local-slurm: error: must run as root" >&2; exit 1; }

running() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -cd '0-9' <"$1")
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$2" ] || return 1
  echo "$pid"
}
ours() { [ -e "$MARK_DIR/$1" ] || [ "${BV_SLURM_STOP_ALL:-0}" = 1 ]; }

if running /run/slurmctld.pid slurmctld >/dev/null; then
  jobs=$(squeue -h -o %A 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    say "cancelling jobs $jobs"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null || true
    for _ in $(seq 100); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.2; done
  fi
fi

# Signal every daemon first, then wait: each takes about two seconds to exit.
pids=()
names=()
for d in slurmd:/run/slurmd.pid slurmctld:/run/slurmctld.pid munged:/run/munge/munged.pid; do
  name=${d%%:*}
  file=${d#*:}
  ours "$name" || continue
  if pid=$(running "$file" "$name"); then
    kill "$pid" 2>/dev/null && { pids+=("$pid"); names+=("$name"); }
  fi
  rm -f "$MARK_DIR/$name"
done
for i in "${!pids[@]}"; do
  for _ in $(seq 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "${pids[$i]}" 2>/dev/null; then
    say "${names[$i]} (${pids[$i]}) ignored SIGTERM; killing it"
    kill -9 "${pids[$i]}" 2>/dev/null || true
  else
    say "stopped ${names[$i]} (${pids[$i]})"
  fi
done
# A stale pidfile makes Debian's package scripts call scancel against a dead controller.
running /run/slurmd.pid slurmd >/dev/null || rm -f /run/slurmd.pid
running /run/slurmctld.pid slurmctld >/dev/null || rm -f /run/slurmctld.pid
exit 0
