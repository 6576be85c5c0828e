#!/usr/bin/env bash
# Interop of the C work queue with DendrETH's TypeScript client
# (@mevitae/redis-work-queue 0.1.5 + ioredis, installed here from the npm
# registry into a scratch directory) on a real redis-server started on a
# free port. The 24 cases of WORK_QUEUE.md §6 are run by
# tests/npm-queue/interop.js.
# usage: redis_interop.sh BUILD_DIR SRC_DIR   (exit 77 = skipped)
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
for p in bv_queue_tool bv_queue_worker light_cleaner; do
  [ -x "$BUILD/bin/$p" ] || { echo "missing $BUILD/bin/$p"; exit 1; }
done
command -v redis-server >/dev/null || { echo "SKIP: redis-server not installed"; exit 77; }
TMP=$(mktemp -d)
cleanup() { redis_stop; rm -rf "$TMP"; }
trap cleanup EXIT
. "$SRC/tests/integration/lib/redis.sh"
npm_queue_install "$TMP"
grep -q '"version": "0.1.5"' "$TMP/node_modules/@mevitae/redis-work-queue/package.json" \
  || { echo "wrong @mevitae/redis-work-queue version installed"; exit 1; }
redis_start "$TMP"
cd "$TMP" && node interop.js "$BUILD/bin" "$REDIS_PORT"
