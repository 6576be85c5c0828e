#!/usr/bin/env bash
# ssz_crosscheck.sh BUILD_DIR SRC_DIR
#
# Independent cross-check of balverify's SSZ hashing against ChainSafe's
# JavaScript implementation (@chainsafe/ssz + @lodestar/types, pinned in
# tests/npm/package-lock.json). For every fork phase0..gloas (Gloas with
# the types of @lodestar/types 1.50.0), both presets and several seeds, it
# generates a synthetic state with
# bv_synth_state and compares state root, validators root, balances root,
# latest_block_header root, block root, the state and block branches of
# slot / latest_block_header / validators / balances, and the Gloas
# progressive-list roots, branches and BeaconState field gindices, as
# printed by bv_state_info and by tests/npm/crosscheck.mjs.
#
# Skips (77) only when npm/node are missing or the registry is unreachable.
set -euo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
SYNTH=$BUILD/bin/bv_synth_state
INFO=$BUILD/bin/bv_state_info

for tool in node npm python3; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: $tool not installed"
        exit 77
    fi
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC/tests/npm/package.json" "$SRC/tests/npm/package-lock.json" "$SRC/tests/npm/crosscheck.mjs" "$WORK/"
if ! (cd "$WORK" && timeout 300 npm ci --no-audit --no-fund >npm.log 2>&1); then
    if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network|ECONNRESET' "$WORK/npm.log"; then
        echo "SKIP: npm cannot reach the registry:"
        tail -5 "$WORK/npm.log"
        exit 77
    fi
    echo "FAIL: npm ci failed:"
    tail -20 "$WORK/npm.log"
    exit 1
fi

compare() { # c.json js.json label
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); j = json.load(open(sys.argv[2])); label = sys.argv[3]
bad = [k for k in j if c.get(k) != j[k]]
for k in bad:
    print(f"{label}: MISMATCH {k}:\n  balverify: {c.get(k)}\n  chainsafe: {j[k]}")
print(f"{label}: {len(j) - len(bad)}/{len(j)} figures agree")
sys.exit(1 if bad else 0)
PY
}

fail=0
cases=0
for preset in minimal mainnet; do
    for fork in phase0 altair bellatrix capella deneb electra fulu gloas; do
        for seed in 1 2 3; do
            case $seed in 1) n=1 ;; 2) n=37 ;; 3) n=300 ;; esac
            st=$WORK/$fork-$preset-$seed.ssz
            "$SYNTH" --fork $fork --preset $preset --validators $n --seed $seed -o "$st"
            idx=$(( (seed * 7) % n ))
            "$INFO" --branches --progressive $idx "$st" >"$WORK/c.json"
            (cd "$WORK" && LODESTAR_PRESET=$preset node crosscheck.mjs $fork "$st" $idx >"$WORK/js.json")
            cases=$((cases + 1))
            compare "$WORK/c.json" "$WORK/js.json" "$fork/$preset/seed $seed/$n validators" || fail=$((fail + 1))
        done
    done
done
echo "ssz_crosscheck: $cases states, $fail with mismatches"
[ $fail -eq 0 ]
