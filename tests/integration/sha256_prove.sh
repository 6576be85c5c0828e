#!/usr/bin/env bash
# sha256_prove.sh BUILD_DIR SRC_DIR - bv_prove_sha256 + bv_verify through the
# CLI in the standard configuration: for several 64-byte messages (zeros, all
# ones, random) the proof verifies and its public inputs are the 16 message
# words then the 8 words of SHA-256 as Python's hashlib computes it; 100
# random byte flips of a proof are all rejected (never a crash); bad
# --message values get a one-line error.
set -u
BUILD=${1:?build dir}
BIN="$BUILD/bin"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

words() { # HEX -> one decimal u32 per line (big-endian words)
  python3 -c "import sys; b=bytes.fromhex(sys.argv[1]); [print(int.from_bytes(b[i:i+4],'big')) for i in range(0,len(b),4)]" "$1"
}

n=0
for msg in $(printf '00%.0s' $(seq 64)) $(printf 'ff%.0s' $(seq 64)) \
           $(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n') \
           $(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n'); do
  n=$((n + 1))
  "$BIN/bv_prove_sha256" --message "$msg" --out "$TMP/p$n" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "prove message $n"; }
  out=$("$BIN/bv_verify" --circuit "$TMP/p$n/circuit.bin" --proof "$TMP/p$n/proof.bin" 2>/dev/null) \
    || fail "message $n: valid proof rejected"
  digest=$(python3 -c "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())" "$msg")
  want=$( { words "$msg"; words "$digest"; } )
  [ "$out" = "$want" ] || fail "message $n: public inputs differ from message + hashlib digest"
  grep -q "sha256: $digest" "$TMP/log" || fail "message $n: printed digest differs"
done
echo "ok: $n messages proven and verified"

P="$TMP/p3/proof.bin"; C="$TMP/p3/circuit.bin"
size=$(stat -c %s "$P")
rejected=0
for i in $(seq 1 100); do
  cp "$P" "$TMP/flip.bin"
  pos=$(( (RANDOM * 32768 + RANDOM) % size ))
  orig=$(od -An -tu1 -j "$pos" -N1 "$P" | tr -d ' ')
  new=$(( (orig + 1 + RANDOM % 255) % 256 ))
  printf "$(printf '\\%03o' "$new")" | dd of="$TMP/flip.bin" bs=1 seek="$pos" conv=notrunc status=none
  "$BIN/bv_verify" --circuit "$C" --proof "$TMP/flip.bin" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  [ $rc -ne 0 ] || fail "flip at $pos accepted"
  [ $rc -lt 128 ] || fail "flip at $pos crashed bv_verify (exit $rc)"
  [ -s "$TMP/out" ] && fail "flip at $pos printed public inputs"
  rejected=$((rejected + 1))
done
echo "ok: $rejected byte flips rejected"

for bad in "abc" "$(printf '0%.0s' $(seq 127))" "$(printf 'zz%.0s' $(seq 64))"; do
  "$BIN/bv_prove_sha256" --message "$bad" --out "$TMP/bad" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  [ $rc -ne 0 ] && [ $rc -lt 128 ] || fail "bad message '$bad': exit $rc"
  [ "$(wc -l <"$TMP/err")" = "1" ] || fail "bad message: expected one error line: $(cat "$TMP/err")"
  grep -q "message" "$TMP/err" || fail "bad message: error does not name --message"
done
echo "ok: bad messages refused"
