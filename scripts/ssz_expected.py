#!/usr/bin/env python3
"""ssz_expected.py - figures of a BeaconState computed independently of the C code.

Reads a serialized BeaconState (phase0..fulu), takes the validators and
balances lists from their offsets (spec/CONSENSUS.md section 3: bytes
524552/524556 on mainnet, 4360/4364 on minimal; the list after balances
starts at the offset found after the randao_mixes and slashings vectors),
and computes with
Python's hashlib only:
  - slot, epoch, validator count,
  - hash_tree_root(validators) and hash_tree_root(balances),
  - for each withdrawal credential W (all 32 bytes compared) and for the set
    of all of them: number of validators, of active / not-yet-activated /
    exited ones at the state's epoch (DendrETH's split: active iff
    activation_epoch <= epoch < exit_epoch), the sum of the balances of the
    active ones (the proven "TVL"), the sum over all of them, the slashed
    count among them,
  - the number of slashed validators in the whole registry.

usage: ssz_expected.py [--preset mainnet|minimal] STATE.ssz CREDENTIALS_FILE > expected.json
The credentials file uses the docs/INPUT_FORMAT.md syntax (0x + 64 hex,
comma or newline separated, '#' comments).
"""
import hashlib
import json
import re
import struct
import sys

# validators offset position, slots per epoch, fixed bytes between the balances
# offset and the next offset (randao_mixes + slashings vectors)
OFFSETS = {"mainnet": (524552, 32, 65536 * 32 + 8192 * 8), "minimal": (4360, 8, 64 * 32 + 64 * 8)}


def H(a, b):
    return hashlib.sha256(a + b).digest()


ZERO = [b"\0" * 32]
for _ in range(64):
    ZERO.append(H(ZERO[-1], ZERO[-1]))


def merkleize(chunks, depth):
    level = list(chunks)
    for d in range(depth):
        if len(level) % 2:
            level.append(ZERO[d])
        level = [H(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        if not level:
            level = [ZERO[d + 1]]
    return level[0] if level else ZERO[depth]


def mix(root, n):
    return H(root, n.to_bytes(32, "little"))


def validator_root(v):
    leaves = [hashlib.sha256(v[0:48] + b"\0" * 16).digest(), v[48:80]]
    leaves.append(v[80:88] + b"\0" * 24)
    leaves.append(v[88:89] + b"\0" * 31)
    for off in (89, 97, 105, 113):
        leaves.append(v[off:off + 8] + b"\0" * 24)
    return merkleize(leaves, 3)


def main():
    args = sys.argv[1:]
    preset = "mainnet"
    if len(args) >= 2 and args[0] == "--preset":
        preset = args[1]
        args = args[2:]
    if len(args) != 2 or preset not in OFFSETS:
        sys.exit(__doc__)
    data = open(args[0], "rb").read()
    text = open(args[1]).read()
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    creds = [t for t in re.split(r"[\s,]+", text) if t]
    for c in creds:
        if not re.fullmatch(r"0[xX][0-9a-fA-F]{64}", c):
            sys.exit(f"bad credential {c!r}")
    wcs = [bytes.fromhex(c[2:]) for c in creds]

    voff_pos, spe, gap = OFFSETS[preset]
    slot = struct.unpack_from("<Q", data, 40)[0]
    epoch = slot // spe
    vstart, bstart = struct.unpack_from("<II", data, voff_pos)
    # next variable field: previous_epoch_attestations (phase0) or
    # previous_epoch_participation (altair on), after two fixed vectors
    bend = struct.unpack_from("<I", data, voff_pos + 8 + gap)[0]
    if (bstart - vstart) % 121 or (bend - bstart) % 8:
        sys.exit("validators/balances lengths are not multiples of 121/8")
    n = (bstart - vstart) // 121
    if (bend - bstart) // 8 != n:
        sys.exit("validator and balance counts differ")
    vals = [data[vstart + 121 * i: vstart + 121 * (i + 1)] for i in range(n)]
    bals = list(struct.unpack_from(f"<{n}Q", data, bstart))

    vroot = mix(merkleize([validator_root(v) for v in vals], 40), n)
    braw = data[bstart:bend] + b"\0" * ((-(bend - bstart)) % 32)
    broot = mix(merkleize([braw[i:i + 32] for i in range(0, len(braw), 32)], 38), n)

    def figures(match):
        f = {"count": 0, "active_count": 0, "not_activated_count": 0, "exited_count": 0,
             "slashed_count": 0, "active_balance_sum_gwei": 0, "balance_sum_gwei": 0}
        for v, b in zip(vals, bals):
            if v[48:80] not in match:
                continue
            ae, ee = struct.unpack_from("<Q", v, 97)[0], struct.unpack_from("<Q", v, 105)[0]
            f["count"] += 1
            f["balance_sum_gwei"] += b
            f["slashed_count"] += v[88]
            if ae > epoch:
                f["not_activated_count"] += 1
            elif epoch < ee:
                f["active_count"] += 1
                f["active_balance_sum_gwei"] += b
            else:
                f["exited_count"] += 1
        for k in ("active_balance_sum_gwei", "balance_sum_gwei"):
            f[k] = str(f[k])  # decimal strings, as the Beacon API writes Gwei
        return f

    out = {
        "state_file_bytes": len(data),
        "slot": slot,
        "epoch": epoch,
        "validator_count": n,
        "validators_root": "0x" + vroot.hex(),
        "balances_root": "0x" + broot.hex(),
        "registry_slashed_count": sum(v[88] for v in vals),
        "credentials": {"0x" + w.hex(): figures({w}) for w in wcs},
        "all_credentials": figures(set(wcs)),
    }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
