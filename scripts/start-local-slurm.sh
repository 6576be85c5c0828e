#!/usr/bin/env bash
# start-local-slurm.sh - bring up a real single-node Slurm cluster on this
# machine (Debian 12, Slurm 22.05) so the batch job in slurm/ can be tested
# without a site cluster. Run as root. Idempotent: when the cluster is already
# up with the same configuration it only checks it.
#
# What it does: installs the Slurm/munge packages when missing, writes
# /etc/slurm/slurm.conf for one node named "localhost" with this machine's
# CPUs and memory, starts munged (unless BV_SLURM_AUTH=none), slurmctld and
# slurmd, and waits until the node accepts jobs. It prints "SLURM READY" last.
#
# No systemd and no cgroups are needed (proctrack/linuxproc, task/none), so it
# also works in containers. Daemons it starts are recorded in $MARK_DIR so
# stop-local-slurm.sh stops only those.
#
# Environment:
#   BV_SLURM_AUTH=munge|none   authentication (default munge)
#   BV_SLURM_CPUS=N            CPUs to advertise (default: the real count; more
#                              than the real count lets tests place more ranks)
#   BV_SLURM_WAIT=60           seconds to wait for each daemon
set -euo pipefail

AUTH=${BV_SLURM_AUTH:-munge}
WAIT=${BV_SLURM_WAIT:-60}
NODE=localhost
CONF=/etc/slurm/slurm.conf
MARK_DIR=/run/balverify-slurm
LOGS=/var/log/slurm

say() { echo "start-local-slurm: $*"; }
fail() { echo "start-local-slurm: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (slurmd runs jobs as their users)"
[ "$AUTH" = munge ] || [ "$AUTH" = none ] || fail "BV_SLURM_AUTH must be munge or none, not '$AUTH'"

# --- packages -------------------------------------------------------------
need=(slurmctld slurmd slurm-client libpmix-dev)   # libpmix-dev: srun --mpi=pmix dlopens libpmix.so
[ "$AUTH" = munge ] && need+=(munge)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not try to start services here (there is no init system to ask).
  blocker=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    blocker=/usr/sbin/policy-rc.d
  fi
  ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" ||
    { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"; }
  [ -n "$blocker" ] && rm -f "$blocker"
fi

mkdir -p "$MARK_DIR" /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$LOGS"
chown slurm:slurm /var/spool/slurmctld "$LOGS"

# running PIDFILE NAME: print the pid when the pidfile names a live NAME process.
running() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -cd '0-9' <"$1")
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$2" ] || return 1
  echo "$pid"
}
stop_daemon() {  # stop_daemon PID NAME
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# --- configuration --------------------------------------------------------
# Hardware fields come from slurmd -C so slurmd never finds the node "inconsistent".
hw=$(slurmd -C | head -1)
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$hw"; }
real_cpus=$(field CPUs)
cpus=${BV_SLURM_CPUS:-$real_cpus}
mem=$(( $(field RealMemory) * 9 / 10 ))   # headroom: a node short of memory gets drained
if [ "$cpus" = "$real_cpus" ]; then
  node_hw="CPUs=$cpus Boards=$(field Boards) SocketsPerBoard=$(field SocketsPerBoard) CoresPerSocket=$(field CoresPerSocket) ThreadsPerCore=$(field ThreadsPerCore)"
  select_params=CR_Core
  overrides=""
else
  node_hw="CPUs=$cpus"
  select_params=CR_CPU
  overrides="SlurmdParameters=config_overrides"
fi
if [ "$AUTH" = munge ]; then auth="AuthType=auth/munge
CredType=cred/munge"; else auth="AuthType=auth/none
CredType=cred/none"; fi

new=$(mktemp)
cat >"$new" <<EOF
# Written by balverify scripts/start-local-slurm.sh: one-node test cluster.
ClusterName=balverify-local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
$auth
# A requeued job may start again only after cred_expire seconds (default 120).
AuthInfo=cred_expire=10
# Debian's Open MPI talks to srun through PMIx only.
MpiDefault=pmix
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
# Start queued jobs at once instead of batching them every 3 s.
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=$select_params
DependencyParameters=kill_invalid_depend
MailProg=/bin/true
ReturnToService=2
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
$overrides
NodeName=$NODE NodeAddr=127.0.0.1 $node_hw RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
changed=0
if ! cmp -s "$new" "$CONF"; then
  install -m 644 "$new" "$CONF"
  changed=1
  say "wrote $CONF ($cpus CPUs, ${mem} MB)"
fi
rm -f "$new"

# --- munge ----------------------------------------------------------------
if [ "$AUTH" = munge ]; then
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null ||
      head -c 1024 /dev/urandom >/etc/munge/munge.key
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
  chmod 700 /etc/munge
  chmod 400 /etc/munge/munge.key
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --force   # --force: a killed munged leaves its socket
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n | unmunge >/dev/null 2>&1 || fail "munged does not answer (see /var/log/munge/munged.log)"
    touch "$MARK_DIR/munged"
    say "munged started"
  fi
fi

# --- slurm daemons --------------------------------------------------------
if [ $changed = 1 ]; then   # daemons read the configuration only at start
  if pid=$(running /run/slurmd.pid slurmd); then stop_daemon "$pid" slurmd; fi
  if pid=$(running /run/slurmctld.pid slurmctld); then stop_daemon "$pid" slurmctld; fi
fi
if ! running /run/slurmctld.pid slurmctld >/dev/null; then
  /usr/sbin/slurmctld || fail "slurmctld did not start (see $LOGS/slurmctld.log)"
  touch "$MARK_DIR/slurmctld"
  say "slurmctld started"
fi
for _ in $(seq $((WAIT * 5))); do
  scontrol ping 2>/dev/null | grep -q UP && break
  sleep 0.2
done
scontrol ping 2>/dev/null | grep -q UP ||
  { tail -n 20 "$LOGS/slurmctld.log" >&2; fail "slurmctld does not answer after ${WAIT}s"; }

if ! running /run/slurmd.pid slurmd >/dev/null; then
  # -N: the node is "localhost" whatever this machine's hostname is.
  /usr/sbin/slurmd -N "$NODE" || fail "slurmd did not start (see $LOGS/slurmd.log)"
  touch "$MARK_DIR/slurmd"
  say "slurmd started"
fi
state=unknown
for _ in $(seq $((WAIT * 5))); do
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
  case $state in
    idle* | mixed* | allocated* | completing*) break ;;
    drain* | down* | fail*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
case $state in
  idle* | mixed* | allocated* | completing*) ;;
  *) tail -n 20 "$LOGS/slurmd.log" >&2; fail "node $NODE is '$state' after ${WAIT}s" ;;
esac
say "SLURM READY: node $NODE, $cpus CPUs, auth $AUTH, config $CONF"
