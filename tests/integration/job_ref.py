#!/usr/bin/env python3
"""Independent reference for the job's sum and counters (used by the job_*
integration tests): reads a serialized mainnet BeaconState (phase0..fulu)
straight from its SSZ offsets and prints, as JSON, slot, epoch,
validator_count, total_locked_gwei and the four counters for the given
withdrawal credentials. It shares no code with balverify.

usage: job_ref.py STATE.ssz 0xWC[,0xWC...]
"""
import json
import struct
import sys

VALIDATORS_OFFSET_POS = 524552  # mainnet, every fork phase0..fulu
SLOTS_PER_EPOCH = 32


def main():
    data = open(sys.argv[1], "rb").read()
    creds = {bytes.fromhex(w.strip()[2:]) for w in sys.argv[2].split(",") if w.strip()}
    slot = struct.unpack_from("<Q", data, 40)[0]
    epoch = slot // SLOTS_PER_EPOCH
    v_off, b_off = struct.unpack_from("<II", data, VALIDATORS_OFFSET_POS)
    n = (b_off - v_off) // 121
    total = active = exited = pending = slashed = 0
    for i in range(n):
        rec = data[v_off + 121 * i: v_off + 121 * (i + 1)]
        if rec[48:80] not in creds:
            continue
        act, ext = struct.unpack_from("<QQ", rec, 97)
        bal = struct.unpack_from("<Q", data, b_off + 8 * i)[0]
        slashed += rec[88]
        if act > epoch:
            pending += 1
        elif epoch < ext:
            active += 1
            total += bal
        else:
            exited += 1
    print(json.dumps({
        "slot": slot, "epoch": epoch, "validator_count": n,
        "total_locked_gwei": str(total % (1 << 64)), "active_validators": active,
        "exited_validators": exited, "non_activated_validators": pending,
        "slashed_validators": slashed}))


if __name__ == "__main__":
    main()
