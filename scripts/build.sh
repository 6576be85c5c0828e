#!/usr/bin/env bash
# Configure and build. Usage: scripts/build.sh [BUILD_TYPE] [BUILD_DIR]
#   BUILD_TYPE: Release (default), Debug or Asan
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TYPE=${1:-Release}
DIR=${2:-$ROOT/build}
[ "$TYPE" = Release ] || [ $# -ge 2 ] || DIR=$ROOT/build-$(echo "$TYPE" | tr A-Z a-z)
cmake -S "$ROOT" -B "$DIR" -DCMAKE_BUILD_TYPE="$TYPE" >/dev/null
cmake --build "$DIR" -j"$(nproc)"
