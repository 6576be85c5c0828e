#!/usr/bin/env bash
# Reliability: 6 worker processes lease from one queue of 1,000 items while
# workers are killed with SIGKILL at random moments (and replaced) and the C
# light cleaner runs. At the end every item's result is written with the
# right value, the queue and processing lists are empty, no item data is
# left and nothing was set aside.
# usage: redis_reliability.sh BUILD_DIR SRC_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
BIN=$BUILD/bin
TMP=$(mktemp -d)
declare -A WPIDS=()
CLEANER=""
cleanup() {
  for p in "${!WPIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$CLEANER" ]; then kill "$CLEANER" 2>/dev/null || true; wait "$CLEANER" 2>/dev/null || true; fi
  redis_stop
  rm -rf "$TMP"
}
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
redis_start "$TMP"

Q=rel_queue
N=1000
"$BIN/bv_queue_tool" --redis-port "$REDIS_PORT" $Q add-index 0 $N
[ "$(rcli LLEN $Q:queue)" = "$N" ] || { echo "queue not filled"; exit 1; }

"$BIN/light_cleaner" --redis-port "$REDIS_PORT" --clean-duration 300 --queue $Q >"$TMP/cleaner.log" 2>&1 &
CLEANER=$!

nw=0
start_worker() {
  nw=$((nw + 1))
  "$BIN/bv_queue_worker" --redis-port "$REDIS_PORT" --queue $Q --kind index --results rel \
    --lease 2 --pop-timeout 1 --work-ms 30 --max-seconds 100 2>>"$TMP/workers.log" &
  WPIDS[$!]=1
}
for _ in 1 2 3 4 5 6; do start_worker; done

kills=0
deadline=$((SECONDS + 100))
while [ ${#WPIDS[@]} -gt 0 ]; do
  [ $SECONDS -lt $deadline ] || { echo "FAIL: workers still running after 100 s"; exit 1; }
  sleep 0.$((RANDOM % 3 + 2))
  # reap finished workers (each must exit 0)
  for p in "${!WPIDS[@]}"; do
    if ! kill -0 "$p" 2>/dev/null; then
      rc=0; wait "$p" || rc=$?
      unset "WPIDS[$p]"
      [ $rc -eq 0 ] || [ $rc -eq 137 ] || { echo "FAIL: worker $p exited $rc"; cat "$TMP/workers.log"; exit 1; }
    fi
  done
  # while work remains, kill a random worker with SIGKILL and start another
  if [ $kills -lt 15 ] && [ "$(rcli LLEN $Q:queue)" -gt 50 ] && [ ${#WPIDS[@]} -gt 0 ]; then
    pids=("${!WPIDS[@]}")
    victim=${pids[$((RANDOM % ${#pids[@]}))]}
    kill -9 "$victim" 2>/dev/null || true
    wait "$victim" 2>/dev/null || true
    unset "WPIDS[$victim]"
    kills=$((kills + 1))
    start_worker
  fi
done
echo "workers done; $kills killed with SIGKILL, $nw started"

fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: got '$2', want '$3'"; fail=1; else echo "ok: $1"; fi; }
check "queue empty" "$(rcli LLEN $Q:queue)" 0
check "processing empty" "$(rcli LLEN $Q:processing)" 0
check "no item data left" "$(rcli --scan --pattern "$Q:item:*" | wc -l)" 0
check "nothing set aside" "$(rcli LLEN $Q:failed)" 0
check "no cleaning journal" "$(rcli EXISTS $Q:cleaning)" 0
# every result present with the value derived from its payload
missing=$(python3 - "$REDIS_PORT" "$N" <<'PY'
import subprocess, sys
port, n = sys.argv[1], int(sys.argv[2])
keys = [f"rel:{i}" for i in range(n)]
out = subprocess.run(["redis-cli", "-p", port, "MGET", *keys], capture_output=True, text=True).stdout.split("\n")
bad = [i for i in range(n) if out[i] != str((i * 2654435761) & 0xffffffff)]
print(len(bad))
PY
)
check "all $N results written and correct" "$missing" 0
runs=$(rcli GET rel:runs)
completed=$(rcli GET rel:completed)
echo "processing runs: $runs for $N items; completions recorded: $completed (a kill between complete and the counter can drop one)"
[ "$runs" -ge "$N" ] || { echo "FAIL: fewer runs than items"; fail=1; }
[ "$completed" -le "$N" ] || { echo "FAIL: more completions than items"; fail=1; }
grep -h "requeued" "$TMP/cleaner.log" | tail -3 || true
if [ $fail -ne 0 ]; then echo "1 failed"; exit 1; fi
echo "reliability: all checks passed"
