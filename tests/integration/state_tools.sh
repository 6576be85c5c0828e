#!/usr/bin/env bash
# state_tools.sh BUILD_DIR SRC_DIR
#
# The state programs end to end:
#  - bv_synth_state + bv_state_info agree with scripts/ssz_expected.py (an
#    independent Python hashlib implementation) on the registry roots and the
#    per-credential figures, for every fork phase0..fulu in both presets;
#  - the embedded default input matches inputs/default/expected.json;
#  - bad arguments and damaged files give "PROGRAM: error: ..." and a
#    non-zero exit status.
set -euo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
SYNTH=$BUILD/bin/bv_synth_state
INFO=$BUILD/bin/bv_state_info
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail=0

check_figures() { # info.json expected.json label
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2])); label = sys.argv[3]
a = e["all_credentials"]
pairs = [("validators_root", c["validators_root"], e["validators_root"]),
         ("balances_root", c["balances_root"], e["balances_root"]),
         ("validator_count", c["validator_count"], e["validator_count"]),
         ("slot", c["slot"], e["slot"]),
         ("wc_count", c["wc_count"], a["count"]),
         ("wc_active_count", c["wc_active_count"], a["active_count"]),
         ("wc_active_balances_sum_gwei", c["wc_active_balances_sum_gwei"], a["active_balance_sum_gwei"]),
         ("wc_balances_sum_gwei", c["wc_balances_sum_gwei"], a["balance_sum_gwei"])]
bad = [p for p in pairs if p[1] != p[2]]
for name, x, y in bad:
    print(f"{label}: MISMATCH {name}: balverify {x} python {y}")
if a["count"] == 0:
    print(f"{label}: no validator matched; the test would prove nothing"); bad.append(1)
print(f"{label}: {len(pairs) - len(bad)}/{len(pairs)} figures agree")
sys.exit(1 if bad else 0)
PY
}

for preset in minimal mainnet; do
    for fork in phase0 altair bellatrix capella deneb electra fulu; do
        st=$WORK/s.ssz
        "$SYNTH" --fork $fork --preset $preset --validators 2000 --seed 11 --shared 2 \
            --wc-out "$WORK/wc.txt" -o "$st"
        wcs=$(grep -v '^#' "$WORK/wc.txt" | tr -d '\n ')
        "$INFO" --wc "$wcs" "$st" >"$WORK/c.json"
        python3 "$SRC/scripts/ssz_expected.py" --preset $preset "$st" "$WORK/wc.txt" >"$WORK/e.json"
        check_figures "$WORK/c.json" "$WORK/e.json" "$fork/$preset" || fail=$((fail + 1))
    done
done

# the embedded default input
D=$SRC/inputs/default
"$INFO" --wc "$(grep -v '^#' "$D/withdrawal_credentials.txt" | tr -d '\n ')" "$D/state.ssz" >"$WORK/c.json"
check_figures "$WORK/c.json" "$D/expected.json" "inputs/default" || fail=$((fail + 1))

# error paths: exit status != 0 and one "PROGRAM: error: ..." line naming the problem
expect_error() { # needle command...
    local needle=$1
    shift
    set +e
    "$@" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    set -e
    if [ $rc -eq 0 ] || ! grep -q "error: .*$needle" "$WORK/err"; then
        echo "FAIL: '$*' (rc=$rc) should fail mentioning '$needle'; stderr:"
        cat "$WORK/err"
        fail=$((fail + 1))
    else
        echo "ok: $(head -1 "$WORK/err")"
    fi
}
"$SYNTH" --fork deneb --preset minimal --validators 40 -o "$WORK/ok.ssz"
size=$(stat -c %s "$WORK/ok.ssz")
head -c $((size - 100)) "$WORK/ok.ssz" >"$WORK/trunc.ssz"
head -c 3000 "$WORK/ok.ssz" >"$WORK/short.ssz"
expect_error "truncated" "$INFO" "$WORK/trunc.ssz"
expect_error "truncated: 3000 bytes" "$INFO" "$WORK/short.ssz"
expect_error "cannot open" "$INFO" "$WORK/missing.ssz"
expect_error "layout of fork altair" "$INFO" --fork altair "$WORK/ok.ssz"
expect_error "unknown fork" "$INFO" --fork pectra "$WORK/ok.ssz"
expect_error "withdrawal credential 1" "$INFO" --wc 0x1234 "$WORK/ok.ssz"
expect_error "trailing comma" "$INFO" --wc "$(grep -v '^#' "$D/withdrawal_credentials.txt"),"  "$WORK/ok.ssz"
expect_error "validator count" "$SYNTH" --validators 0 -o "$WORK/x.ssz"
expect_error "unknown fork" "$SYNTH" --fork heze -o "$WORK/x.ssz"
expect_error "not a non-negative integer" "$SYNTH" --seed -3 -o "$WORK/x.ssz"
expect_error "cannot create" "$SYNTH" -o /nonexistent-dir/x.ssz

echo "state_tools: $fail failure(s)"
[ $fail -eq 0 ]
