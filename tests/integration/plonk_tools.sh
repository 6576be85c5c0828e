#!/usr/bin/env bash
# plonk_tools.sh BUILD_DIR SRC_DIR - bv_demo_prove + bv_verify through the CLI:
# a valid proof verifies and prints its public inputs (and the circuit digest
# on stderr); tampered, truncated, extended, garbage and mismatched files are
# rejected with a one-line reason and a non-zero exit (never a crash: exit
# codes >= 128 fail the test); a test-configuration circuit file is refused
# unless --config test is given.
set -u
BUILD=${1:?build dir}
BIN="$BUILD/bin"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN/bv_demo_prove" --log-rows 8 --config test --threads 2 --x 4242 --out "$TMP/a" >"$TMP/a.log" 2>&1 \
  || { cat "$TMP/a.log"; fail "bv_demo_prove 2^8"; }
grep -q "prove time" "$TMP/a.log" || fail "no prove time printed"
"$BIN/bv_demo_prove" --log-rows 9 --config test --out "$TMP/b" >/dev/null 2>&1 || fail "bv_demo_prove 2^9"

"$BIN/bv_demo_prove" --log-rows 8 --config test --threads 1 --x 4242 --out "$TMP/a1" >/dev/null 2>&1 \
  || fail "bv_demo_prove 2^8 on 1 thread"
cmp -s "$TMP/a/proof.bin" "$TMP/a1/proof.bin" || fail "proofs on 1 and 2 threads differ"
cmp -s "$TMP/a/circuit.bin" "$TMP/a1/circuit.bin" || fail "circuit files on 1 and 2 threads differ"

out=$("$BIN/bv_verify" --config test --circuit "$TMP/a/circuit.bin" --proof "$TMP/a/proof.bin" \
  2>"$TMP/ok.err") || fail "valid proof rejected"
[ "$(echo "$out" | head -1)" = "4242" ] || fail "first public input is not x: $out"
[ "$(echo "$out" | wc -l)" = "7" ] || fail "expected 7 public inputs"
# the digest checked against: the 32 digest bytes of the circuit file (after
# magic, version, cap height and the 16-digest cap)
want=$(od -An -tx1 -v -j $((8 + 4 + 4 + 16 * 32)) -N 32 "$TMP/a/circuit.bin" | tr -d ' \n')
grep -q "^bv_verify: valid proof of circuit digest 0x$want (test config, 32 conjectured bits)$" \
  "$TMP/ok.err" || fail "digest line: $(cat "$TMP/ok.err") (want 0x$want)"

# the test configuration (32 conjectured bits) only when asked for
"$BIN/bv_verify" --circuit "$TMP/a/circuit.bin" --proof "$TMP/a/proof.bin" >"$TMP/out" 2>"$TMP/err" \
  && fail "test-configuration circuit accepted without --config test"
[ -s "$TMP/out" ] && fail "refused test configuration printed public inputs"
[ "$(wc -l <"$TMP/err")" = "1" ] || fail "test configuration: expected one error line: $(cat "$TMP/err")"
grep -q -- "--config test" "$TMP/err" || fail "test configuration: reason: $(cat "$TMP/err")"
"$BIN/bv_verify" --config standard --circuit "$TMP/a/circuit.bin" --proof "$TMP/a/proof.bin" \
  >/dev/null 2>&1 && fail "test-configuration circuit accepted with --config standard"

# expect_reject NAME CIRCUIT PROOF PATTERN
expect_reject() {
  local name=$1 circ=$2 proof=$3 pat=$4
  "$BIN/bv_verify" --config test --circuit "$circ" --proof "$proof" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [ $rc -ne 0 ] || fail "$name: accepted"
  [ $rc -lt 128 ] || fail "$name: crashed (exit $rc)"
  [ -s "$TMP/out" ] && fail "$name: printed public inputs"
  [ "$(wc -l <"$TMP/err")" = "1" ] || fail "$name: expected one error line, got: $(cat "$TMP/err")"
  grep -qi -- "$pat" "$TMP/err" || fail "$name: reason '$(cat "$TMP/err")' does not match '$pat'"
}

P="$TMP/a/proof.bin"; C="$TMP/a/circuit.bin"
size=$(stat -c %s "$P")
expect_reject "other circuit" "$TMP/b/circuit.bin" "$P" "wrong circuit digest"
head -c $((size - 1)) "$P" >"$TMP/trunc.bin";  expect_reject "truncated proof" "$C" "$TMP/trunc.bin" "truncated\|length"
head -c 20 "$P" >"$TMP/trunc2.bin";            expect_reject "truncated header" "$C" "$TMP/trunc2.bin" "truncated"
{ cat "$P"; printf 'x'; } >"$TMP/ext.bin";      expect_reject "extended proof" "$C" "$TMP/ext.bin" "bytes"
head -c "$size" /dev/urandom >"$TMP/garbage.bin"; expect_reject "garbage proof" "$C" "$TMP/garbage.bin" "magic"
: >"$TMP/empty.bin";                            expect_reject "empty proof" "$C" "$TMP/empty.bin" "truncated"
expect_reject "missing proof" "$C" "$TMP/nope.bin" "cannot open"
head -c 100 "$C" >"$TMP/ctrunc.bin";            expect_reject "truncated circuit" "$TMP/ctrunc.bin" "$P" "truncated"
expect_reject "proof as circuit" "$P" "$P" "magic"

# flip one byte at random positions: always rejected, never a crash
for i in $(seq 1 60); do
  cp "$P" "$TMP/flip.bin"
  pos=$(( (RANDOM * 32768 + RANDOM) % size ))
  printf "$(printf '\\%03o' $(( (RANDOM % 255) + 1 )))" | dd of="$TMP/flip.bin" bs=1 seek=$pos conv=notrunc status=none
  cmp -s "$P" "$TMP/flip.bin" && continue
  expect_reject "flip at $pos" "$C" "$TMP/flip.bin" "."
done

# usage errors
"$BIN/bv_verify" --circuit "$C" >/dev/null 2>&1 && fail "missing --proof accepted"
"$BIN/bv_verify" --config fast --circuit "$C" --proof "$P" >/dev/null 2>&1 && fail "--config fast accepted"
"$BIN/bv_demo_prove" --log-rows 3 --out "$TMP/c" >/dev/null 2>&1 && fail "--log-rows 3 accepted"
"$BIN/bv_demo_prove" --log-rows 8 --config fast --out "$TMP/c" >/dev/null 2>&1 && fail "unknown config accepted"
echo "plonk_tools: OK"
