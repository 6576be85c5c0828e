#!/usr/bin/env bash
# plonk_fuzz.sh BUILD_DIR SRC_DIR - a short libFuzzer run (10 s per target)
# of the proof-file and circuit-file readers; skipped (77) when clang with
# libFuzzer is not installed. Longer runs: scripts/fuzz.sh SECONDS.
set -u
BUILD=${1:?build dir}
SRC=${2:?source dir}
bash "$SRC/scripts/fuzz.sh" "${BV_FUZZ_SECONDS:-10}" "$BUILD/fuzz"
