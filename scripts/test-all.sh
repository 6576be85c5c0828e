#!/usr/bin/env bash
# One command: install what is missing, build (Release and Asan), and run every
# test (CUnit suites + integration scripts) through ctest. Exits non-zero on
# any failure. Set BV_SKIP_ASAN=1 to skip the sanitizer pass.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
bash "$ROOT/scripts/install-deps.sh"
source "$ROOT/scripts/env.sh"
JOBS=$(nproc)

bash "$ROOT/scripts/build.sh" Release "$ROOT/build"
echo "=== ctest (Release) ==="
(cd "$ROOT/build" && ctest --output-on-failure -j"$JOBS" "$@")

if [ "${BV_SKIP_ASAN:-0}" != 1 ]; then
  bash "$ROOT/scripts/build.sh" Asan "$ROOT/build-asan"
  echo "=== ctest (ASan+UBSan, unit suites) ==="
  # LeakSanitizer is not usable under every ptrace-restricted sandbox; leaks are
  # checked where it works (detect_leaks defaults to on).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  (cd "$ROOT/build-asan" && ctest --output-on-failure -j"$JOBS" -L unit "$@")
fi
echo "test-all: all tests passed"
