#!/usr/bin/env bash
# submit.sh JOBFILE [SBATCH-OPTION...] - submit slurm/balverify.sbatch with a
# job configuration from jobs/.
#
# A job file is a shell fragment of VAR=value lines (see jobs/default.env).
# The scheduling variables become sbatch options:
#   BV_NTASKS -> --ntasks      BV_NODES -> --nodes         BV_TIME -> --time
#   BV_CPUS_PER_TASK -> --cpus-per-task   BV_PARTITION -> --partition
#   BV_JOB_NAME -> --job-name  BV_MEM -> --mem             BV_LOG -> --output
#   BV_ACCOUNT -> --account
# Every BV_* variable is exported to the job (sbatch --export=ALL), relative
# paths being resolved against the project root first. Further options pass
# through to sbatch, e.g. --wait (then the exit status is the job's) or
# --dependency=afterok:123. Variables already set in the environment win over
# the job file (BV_LAUNCHER=mpirun slurm/submit.sh jobs/default.env).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 JOBFILE [sbatch options...]" >&2; exit 2; }
JOBFILE=$1
shift
[ -r "$JOBFILE" ] || { echo "submit.sh: error: cannot read job file $JOBFILE" >&2; exit 2; }

# Environment overrides win: remember what the caller set.
declare -A preset=()
while IFS='=' read -r name _; do
  [[ $name == BV_* ]] && preset[$name]=${!name}
done < <(env)

set -a
# shellcheck source=/dev/null
source "$JOBFILE"
set +a
for name in "${!preset[@]}"; do export "$name=${preset[$name]}"; done

export BV_ROOT=${BV_ROOT:-$ROOT}
# Paths in job files are relative to the project root: the job may start in
# another directory (and on another node).
for v in BV_STATE BV_HEADER BV_INPUT_DIR BV_CHECKPOINT BV_OUTPUT BV_WITHDRAWAL_CREDENTIALS_FILE BV_BIN BV_LOG BV_CIRCUITS BV_PROOF_OUT; do
  val=${!v:-}
  if [ -n "$val" ] && [[ $val != /* ]]; then export "$v=$BV_ROOT/$val"; fi
done

opts=()
[ -n "${BV_NTASKS:-}" ] && opts+=(--ntasks="$BV_NTASKS")
[ -n "${BV_NODES:-}" ] && opts+=(--nodes="$BV_NODES")
[ -n "${BV_TIME:-}" ] && opts+=(--time="$BV_TIME")
[ -n "${BV_CPUS_PER_TASK:-}" ] && opts+=(--cpus-per-task="$BV_CPUS_PER_TASK")
[ -n "${BV_PARTITION:-}" ] && opts+=(--partition="$BV_PARTITION")
[ -n "${BV_JOB_NAME:-}" ] && opts+=(--job-name="$BV_JOB_NAME")
[ -n "${BV_MEM:-}" ] && opts+=(--mem="$BV_MEM")
[ -n "${BV_ACCOUNT:-}" ] && opts+=(--account="$BV_ACCOUNT")
[ -n "${BV_LOG:-}" ] && opts+=(--output="$BV_LOG")

exec sbatch --export=ALL --chdir="$BV_ROOT" "${opts[@]}" "$@" "$ROOT/slurm/balverify.sbatch"
