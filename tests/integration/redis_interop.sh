#!/usr/bin/env bash
# Interop of the C work queue with DendrETH's TypeScript client
# (@mevitae/redis-work-queue 0.1.5 + ioredis, installed here from the npm
# registry) on a real redis-server started on a free port. The 24 cases of
# WORK_QUEUE.md §6 are run by tests/npm-queue/interop.js.
# usage: redis_interop.sh BUILD_DIR SRC_DIR   (exit 77 = skipped)
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
for p in bv_queue_tool bv_queue_worker light_cleaner; do
  [ -x "$BUILD/bin/$p" ] || { echo "missing $BUILD/bin/$p"; exit 1; }
done
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "SKIP: node/npm not installed"; exit 77; }

TMP=$(mktemp -d)
REDIS_PID=""
cleanup() {
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# The npm client is installed into a scratch directory, never into the tree.
cp "$SRC/tests/npm-queue/package.json" "$SRC/tests/npm-queue/package-lock.json" \
   "$SRC/tests/npm-queue/interop.js" "$TMP/"
if ! (cd "$TMP" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1); then
  if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$TMP/npm.log"; then
    echo "SKIP: the npm registry is unreachable; cannot install @mevitae/redis-work-queue@0.1.5"
    cat "$TMP/npm.log"
    exit 77
  fi
  cat "$TMP/npm.log"; echo "npm ci failed"; exit 1
fi
grep -q '"version": "0.1.5"' "$TMP/node_modules/@mevitae/redis-work-queue/package.json" \
  || { echo "wrong @mevitae/redis-work-queue version installed"; exit 1; }

# A free port: let the kernel pick one, then hand it to redis.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP" \
  --logfile "$TMP/redis.log" &
REDIS_PID=$!
for _ in $(seq 50); do
  redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$PORT" ping >/dev/null || { echo "redis-server did not start"; cat "$TMP/redis.log"; exit 1; }

cd "$TMP" && node interop.js "$BUILD/bin" "$PORT"
