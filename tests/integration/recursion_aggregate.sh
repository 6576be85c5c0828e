#!/usr/bin/env bash
# recursion_aggregate.sh BUILD_DIR SRC_DIR - bv_demo_prove --aggregate-depth:
# 8 leaf proofs (values 1..8) aggregated pairwise over 3 levels; bv_verify
# accepts the root proof and prints its public inputs (sum 36, count 8);
# a standard-config tree of 4 leaves gives (10, 4); the root proof under
# another root circuit, and with flipped bytes, is
# rejected with a one-line reason (never a crash).
set -u
BUILD=${1:?build dir}
BIN="$BUILD/bin"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN/bv_demo_prove" --aggregate-depth 3 --config test --threads 2 --out "$TMP/d3" >"$TMP/d3.log" 2>&1 \
  || { cat "$TMP/d3.log"; fail "bv_demo_prove --aggregate-depth 3"; }
grep -q "sum 36, count 8" "$TMP/d3.log" || { cat "$TMP/d3.log"; fail "no summary line"; }
out=$("$BIN/bv_verify" --config test --circuit "$TMP/d3/circuit.bin" --proof "$TMP/d3/proof.bin") \
  || fail "root proof rejected"
[ "$(echo "$out" | wc -l)" = "2" ] || fail "expected 2 public inputs, got: $out"
[ "$(echo "$out" | sed -n 1p)" = "36" ] || fail "sum is not 1+...+8: $out"
[ "$(echo "$out" | sed -n 2p)" = "8" ] || fail "count is not 8: $out"

"$BIN/bv_demo_prove" --aggregate-depth 1 --config test --out "$TMP/d1" >/dev/null 2>&1 \
  || fail "bv_demo_prove --aggregate-depth 1"
out=$("$BIN/bv_verify" --config test --circuit "$TMP/d1/circuit.bin" --proof "$TMP/d1/proof.bin") \
  || fail "depth-1 root rejected"
[ "$(echo "$out" | tr '\n' ' ')" = "3 2 " ] || fail "depth 1: expected 3 2, got: $out"

# standard config (100 conjectured bits): 4 leaves, values 1..4
"$BIN/bv_demo_prove" --aggregate-depth 2 --out "$TMP/s2" >"$TMP/s2.log" 2>&1 \
  || { cat "$TMP/s2.log"; fail "bv_demo_prove --aggregate-depth 2 (standard)"; }
grep -q "config: standard" "$TMP/s2.log" || fail "standard config not the default"
out=$("$BIN/bv_verify" --circuit "$TMP/s2/circuit.bin" --proof "$TMP/s2/proof.bin" 2>"$TMP/s2.err") \
  || fail "standard depth-2 root rejected"
grep -q "^bv_verify: valid proof of circuit digest 0x[0-9a-f]\{64\} (standard config, 100 conjectured bits)$" \
  "$TMP/s2.err" || fail "standard: digest line: $(cat "$TMP/s2.err")"
[ "$(echo "$out" | tr '\n' ' ')" = "10 4 " ] || fail "standard depth 2: expected 10 4, got: $out"

# expect_reject NAME CIRCUIT PROOF
expect_reject() {
  "$BIN/bv_verify" --config test --circuit "$2" --proof "$3" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [ $rc -ne 0 ] || fail "$1: accepted"
  [ $rc -lt 128 ] || fail "$1: crashed (exit $rc)"
  [ -s "$TMP/out" ] && fail "$1: printed public inputs"
  [ "$(wc -l <"$TMP/err")" = "1" ] || fail "$1: expected one error line, got: $(cat "$TMP/err")"
}

P="$TMP/d3/proof.bin"; C="$TMP/d3/circuit.bin"
expect_reject "depth-3 proof under the depth-1 circuit" "$TMP/d1/circuit.bin" "$P"
size=$(stat -c %s "$P")
for i in $(seq 1 30); do
  cp "$P" "$TMP/flip.bin"
  pos=$(( (RANDOM * 32768 + RANDOM) % size ))
  printf "$(printf '\\%03o' $(( (RANDOM % 255) + 1 )))" | dd of="$TMP/flip.bin" bs=1 seek=$pos conv=notrunc status=none
  cmp -s "$P" "$TMP/flip.bin" && continue
  expect_reject "flip at $pos" "$C" "$TMP/flip.bin"
done

# usage errors
"$BIN/bv_demo_prove" --aggregate-depth 17 --out "$TMP/x" >/dev/null 2>&1 && fail "depth 17 accepted"
"$BIN/bv_demo_prove" --aggregate-depth abc --out "$TMP/x" >/dev/null 2>&1 && fail "depth abc accepted"
echo "recursion_aggregate: ok"
exit 0
