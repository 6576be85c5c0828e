#!/usr/bin/env bash
# job_native.sh BUILD_DIR SRC_DIR - the native MPI job end to end.
#
#  1. The embedded default input (inputs/default): 1, 2 and 3 ranks give
#     byte-identical JSON, equal to inputs/default/expected.json (computed
#     independently of the job).
#  2. Synthetic states of several forks and awkward sizes (1 validator, fewer
#     validators than ranks x 8, not a multiple of 8): 1..4 ranks and 1 or 2
#     threads give identical JSON, sum and counters equal to job_ref.py (an
#     independent reader of the SSZ file).
# The mainnet genesis fixture is checked by job_genesis.sh.
set -uo pipefail
BUILD=$(cd "${1:?usage: job_native.sh BUILD_DIR SRC_DIR}" && pwd)
SRC=$(cd "${2:?usage: job_native.sh BUILD_DIR SRC_DIR}" && pwd)
BIN=$BUILD/bin/balverify
SYNTH=$BUILD/bin/bv_synth_state
REF=$SRC/tests/integration/job_ref.py
fail() { echo "job_native: FAIL: $*" >&2; exit 1; }
note() { echo "job_native: $*"; }
[ -x "$BIN" ] || fail "$BIN not built"
[ -x "$SYNTH" ] || fail "$SYNTH not built"
source "$SRC/scripts/env.sh"
WORK=$(mktemp -d "$BUILD/job_native.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

run() { # run NP OUT ARGS...: mpirun the job, JSON into OUT
  local np=$1 out=$2
  shift 2
  mpirun -np "$np" "$BIN" "$@" --output "$out" 2>"$out.err" ||
    { cat "$out.err" >&2; fail "mpirun -np $np balverify $* exited non-zero"; }
  [ -s "$out" ] || fail "no JSON from mpirun -np $np balverify $*"
}

# Compare the keys job_ref.py computes with the job's JSON.
check_ref() { # check_ref STATE WC JSON
  python3 "$REF" "$1" "$2" >"$WORK/ref.json" || fail "job_ref.py failed on $1"
  python3 - "$WORK/ref.json" "$3" <<'PY' || fail "job result differs from the independent reference for $1"
import json, sys
ref = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
want_keys = ["slot", "epoch", "fork", "state_root", "block_root", "validators_root",
             "balances_root", "validators_poseidon_root", "validator_count",
             "withdrawal_credentials", "total_locked_gwei", "active_validators",
             "exited_validators", "non_activated_validators", "slashed_validators"]
assert list(got.keys()) == want_keys, ("keys", list(got.keys()))
bad = {k: (ref[k], got[k]) for k in ref if ref[k] != got[k]}
if bad:
    print("mismatch:", bad); sys.exit(1)
for k in ["state_root", "block_root", "validators_root", "balances_root"]:
    v = got[k]; assert v.startswith("0x") and len(v) == 66 and v == v.lower(), (k, v)
assert len(got["validators_poseidon_root"]) == 4
assert all(isinstance(x, str) and int(x) < 2**64 - 2**32 + 1 for x in got["validators_poseidon_root"])
PY
}

# ---- 2. synthetic states --------------------------------------------------
for spec in "phase0 1 11" "altair 13 12" "capella 100 13" "electra 1001 14" "fulu 4099 15"; do
  set -- $spec
  fork=$1 n=$2 seed=$3
  st=$WORK/synth-$fork.ssz
  "$SYNTH" --fork "$fork" --validators "$n" --seed "$seed" --wc-out "$WORK/wc-$fork.txt" -o "$st" ||
    fail "bv_synth_state $fork"
  wc=$(grep -v '^#' "$WORK/wc-$fork.txt" | tr -d ' \n')
  # one shared credential, then all of them plus an unknown one
  w1=${wc%%,*}
  for creds in "$w1" "$wc,0x$(printf 'ab%.0s' {1..32})"; do
    nps="2 3 4"
    [ "$n" -gt 200 ] && nps="3"
    run 1 "$WORK/s.1.json" --state "$st" --withdrawal-credentials "$creds" --threads 2
    for np in $nps; do
      run $np "$WORK/s.$np.json" --state "$st" --withdrawal-credentials "$creds" --threads 1
      cmp -s "$WORK/s.1.json" "$WORK/s.$np.json" || fail "$fork/$n: 1 and $np ranks differ"
    done
    check_ref "$st" "$creds" "$WORK/s.1.json"
  done
  grep -q "\"fork\": \"$fork\"" "$WORK/s.1.json" || fail "$fork not reported"
  note "synthetic $fork, $n validators: 1 and $nps ranks, 2 and 1 threads identical, matches job_ref.py"
done

# ---- 2b. proof store: every node kept, the roots agree with the JSON ------
st=$WORK/synth-capella.ssz
wc=$(grep -v '^#' "$WORK/wc-capella.txt" | tr -d ' \n')
run 2 "$WORK/ps.json" --state "$st" --withdrawal-credentials "$wc" --proof-store "file:$WORK/ps"
python3 - "$WORK/ps" "$WORK/ps.json" <<'PY' || fail "proof store contents differ from the result"
import hashlib, json, os, struct, sys
d, res = sys.argv[1], json.load(open(sys.argv[2]))
n = res["validator_count"]
def count(leaves, top):
    return sum(-(-leaves // (1 << L)) for L in range(top + 1))
want = count(n, 40) + count(-(-n // 8), 37) + 1
keys = os.listdir(d)
assert len(keys) == want, (len(keys), want)
def node(key):
    b = open(os.path.join(d, key), "rb").read()
    assert b[:4] == b"BVND" and struct.unpack_from("<H", b, 4)[0] == 1, key
    pvlen = struct.unpack_from("<I", b, 20)[0]
    return b[6], b[24:24 + pvlen]
kind, pv = node("mapper:40:0")
assert kind == 2
vroot = hashlib.sha256(pv[:32] + n.to_bytes(32, "little")).hexdigest()
assert "0x" + vroot == res["validators_root"], vroot
assert [str(x) for x in struct.unpack_from("<4Q", pv, 32)] == res["validators_poseidon_root"]
kind, pv = node("balance:37:0")
assert kind == 1
assert str(struct.unpack_from("<Q", pv, 0)[0]) == res["total_locked_gwei"]
broot = hashlib.sha256(pv[40:72] + n.to_bytes(32, "little")).hexdigest()
assert "0x" + broot == res["balances_root"]
kind, pv = node("final")
assert kind == 3 and pv[:32].hex() == res["block_root"][2:] and pv[32:64].hex() == res["state_root"][2:]
PY
note "proof store: every node stored, roots and sum agree with the JSON"

# ---- 1. (checked last) embedded default input ------------------------------------------
DEF=$SRC/inputs/default
if [ -s "$DEF/state.ssz" ] && [ -s "$DEF/withdrawal_credentials.txt" ]; then
  hdr=()
  [ -s "$DEF/header.json" ] && hdr=(--header "$DEF/header.json")
  for np in 1 2 3; do
    run $np "$WORK/default.$np.json" --state "$DEF/state.ssz" "${hdr[@]}" \
      --withdrawal-credentials-file "$DEF/withdrawal_credentials.txt"
  done
  cmp -s "$WORK/default.1.json" "$WORK/default.2.json" || fail "default input: 1 and 2 ranks differ"
  cmp -s "$WORK/default.1.json" "$WORK/default.3.json" || fail "default input: 1 and 3 ranks differ"
  [ -s "$DEF/expected.json" ] || fail "inputs/default/expected.json missing"
  python3 - "$DEF/expected.json" "$WORK/default.1.json" <<'PY' || fail "default input: result differs from inputs/default/expected.json"
import json, sys
exp = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
creds = exp["credentials"]
allc = exp["all_credentials"]
want = {
    "slot": exp["slot"], "epoch": exp["epoch"], "validator_count": exp["validator_count"],
    "validators_root": exp["validators_root"], "balances_root": exp["balances_root"],
    "withdrawal_credentials": list(creds.keys()),
    "total_locked_gwei": allc["active_balance_sum_gwei"],
    "active_validators": allc["active_count"], "exited_validators": allc["exited_count"],
    "non_activated_validators": allc["not_activated_count"],
    "slashed_validators": allc["slashed_count"],
}
bad = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
if bad:
    print("mismatch (expected, got):", bad); sys.exit(1)
PY
  note "default input: 1/2/3 ranks identical and equal to expected.json"
else
  fail "embedded default input missing (inputs/default/state.ssz, withdrawal_credentials.txt)"
fi

