#!/usr/bin/env bash
# fuzz.sh [SECONDS] [OUT_DIR] - build the libFuzzer targets of tests/fuzz
# with clang (ASan + UBSan + coverage) straight from the proof-system sources
# and run each for SECONDS (default 60). Seeds: a circuit file and a proof
# made by the same sources. Crashing inputs are left in OUT_DIR/NAME/.
# Exit 0: no crash; 1: a target crashed; 77: clang/libFuzzer not available.
set -u
SECS=${1:-60}
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=${2:-$SRC/build-fuzz}
CC=${CC_FUZZ:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "SKIP: $CC not found (needed for libFuzzer)"; exit 77; }
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' >"/tmp/fz_probe_$$.c"
if ! "$CC" -fsanitize=fuzzer "/tmp/fz_probe_$$.c" -o "/tmp/fz_probe_$$" 2>/dev/null; then
  rm -f "/tmp/fz_probe_$$.c"; echo "SKIP: $CC cannot link libFuzzer programs"; exit 77
fi
rm -f "/tmp/fz_probe_$$.c" "/tmp/fz_probe_$$"
mkdir -p "$OUT/obj" "$OUT/bin"
# The proof system needs: src/util (status, byte order, buffers), field,
# Poseidon, challenger, and src/plonk.
SOURCES=$(ls "$SRC"/src/util/*.c "$SRC"/src/field/*.c "$SRC"/src/hash/poseidon*.c \
              "$SRC"/src/hash/challenger*.c "$SRC"/src/hash/sha256_ref.c "$SRC"/src/plonk/*.c "$SRC"/src/plonk/gates/*.c 2>/dev/null)
FLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -march=native -fopenmp -I$SRC/include -I$SRC/src -fsanitize=address,undefined -fno-sanitize-recover=undefined"
objs=()
for f in $SOURCES; do
  o="$OUT/obj/$(echo "${f#$SRC/}" | tr '/' '_').o"
  if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
    "$CC" $FLAGS -fsanitize=fuzzer-no-link -c "$f" -o "$o" || { echo "compile failed: $f"; exit 1; }
  fi
  objs+=("$o")
done
"$CC" $FLAGS "$SRC/tests/fuzz/seed_gen.c" "${objs[@]}" -lm -o "$OUT/seed_gen" || exit 1
mkdir -p "$OUT/seeds"
"$OUT/seed_gen" "$OUT/seeds" || exit 1
status=0
for t in "$SRC"/tests/fuzz/fuzz_*.c; do
  name=$(basename "$t" .c)
  "$CC" $FLAGS -fsanitize=fuzzer "$t" "${objs[@]}" -lm -o "$OUT/bin/$name" || exit 1
  mkdir -p "$OUT/$name/corpus" "$OUT/$name/crashes"
  case $name in
    fuzz_proof) cp "$OUT/seeds/proof.bin" "$OUT/$name/corpus/" ;;
    fuzz_circuit) cp "$OUT/seeds/circuit.bin" "$OUT/$name/corpus/" ;;
  esac
  echo "== $name: ${SECS}s"
  if ! OMP_NUM_THREADS=1 "$OUT/bin/$name" -max_total_time="$SECS" -max_len=200000 -rss_limit_mb=4096 \
       -artifact_prefix="$OUT/$name/crashes/" "$OUT/$name/corpus" >"$OUT/$name/log" 2>&1; then
    echo "CRASH in $name (see $OUT/$name/log and $OUT/$name/crashes/)"; tail -30 "$OUT/$name/log"; status=1
  else
    grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$OUT/$name/log" | tail -1
  fi
done
exit $status
