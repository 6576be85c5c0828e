# Sourced by the redis_* integration tests (not a test itself: kept out of
# the tests/integration/*.sh glob): a private redis-server on a free
# loopback port, stopped by the caller's EXIT trap (redis_stop).
redis_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# redis_start DIR -> sets REDIS_PORT and REDIS_PID
redis_start() {
  local dir=$1
  REDIS_PORT=${REDIS_PORT:-$(redis_free_port)}
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" &
  REDIS_PID=$!
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "redis-server did not start on port $REDIS_PORT"; cat "$dir/redis.log"
  return 1
}

redis_stop() {
  if [ -n "${REDIS_PID:-}" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
}

rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

# npm_queue_install DIR: install tests/npm-queue's pinned packages into DIR
# (never into the source tree). Exits 77 when the registry is unreachable.
npm_queue_install() {
  local dir=$1
  command -v node >/dev/null && command -v npm >/dev/null || { echo "SKIP: node/npm not installed"; exit 77; }
  cp "$SRC/tests/npm-queue/package.json" "$SRC/tests/npm-queue/package-lock.json" "$SRC"/tests/npm-queue/*.js "$dir/"
  if ! (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >"$dir/npm.log" 2>&1); then
    if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$dir/npm.log"; then
      echo "SKIP: the npm registry is unreachable; cannot install the interop packages"
      cat "$dir/npm.log"
      exit 77
    fi
    cat "$dir/npm.log"; echo "npm ci failed"; exit 1
  fi
}
