# Sourced by the redis_* integration tests: a private redis-server on a free
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
