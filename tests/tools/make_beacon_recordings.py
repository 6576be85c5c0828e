#!/usr/bin/env python3
"""make_beacon_recordings.py - build a replay_server.py recording directory
(the responses a beacon node would give) from a serialized BeaconState.

Usage:
  make_beacon_recordings.py --state STATE.ssz --info INFO.json --out DIR
                            [--validators N] [--tamper state-root|header-root|genesis]
                            [--extra-state FILE]...

INFO.json is what `bv_state_info STATE.ssz` prints (fork, preset, slot,
state_root, block_root, ...): the roots come from the project's hasher, and
this script only lays the bytes out in the Beacon API's formats:

  header.json      GET /eth/v1/beacon/headers/{head,finalized,SLOT,0xBLOCKROOT}
                   (the state's latest_block_header with its state_root set,
                   i.e. the block whose post-state this is)
  state.ssz        GET /eth/v2/debug/beacon/states/{head,finalized,SLOT,0xSTATEROOT}
                   (Accept: application/octet-stream, Eth-Consensus-Version)
  genesis.json     GET /eth/v1/beacon/genesis (time and validators root from the state)
  finality.json    GET /eth/v1/beacon/states/{...}/finality_checkpoints (from the
                   state's justified and finalized checkpoints)
  validators.json  POST /eth/v1/beacon/states/{...}/validators (the first N
                   validators with their Beacon-API status at the state's epoch)

--extra-state FILE (repeatable) also serves FILE, a state of the same fork
and preset, as GET /eth/v2/debug/beacon/states/{its slot}: the states of
earlier slots of the chain whose head is --state.
--no-slot-header leaves out the header by slot number (a node answers 404
there for a slot without a block). --tamper makes an inconsistent node for negative tests: a header whose
state_root is wrong (with a block root that matches it), a header whose block
root does not match its message, or a genesis from another chain.
Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import shutil
import struct

FAR_FUTURE = 2**64 - 1
PRESETS = {  # SLOTS_PER_HISTORICAL_ROOT, EPOCHS_PER_HISTORICAL_VECTOR, EPOCHS_PER_SLASHINGS_VECTOR, SLOTS_PER_EPOCH
    "mainnet": (8192, 65536, 8192, 32),
    "minimal": (64, 64, 64, 8),
}


def u64(b, off):
    return struct.unpack_from("<Q", b, off)[0]


def u32(b, off):
    return struct.unpack_from("<I", b, off)[0]


def hx(b):
    return "0x" + b.hex()


def header_root(slot, proposer, parent, state_root, body):
    """hash_tree_root(BeaconBlockHeader): 5 leaves padded to 8."""
    leaves = [struct.pack("<Q", slot) + bytes(24), struct.pack("<Q", proposer) + bytes(24),
              parent, state_root, body, bytes(32), bytes(32), bytes(32)]
    while len(leaves) > 1:
        leaves = [hashlib.sha256(leaves[i] + leaves[i + 1]).digest()
                  for i in range(0, len(leaves), 2)]
    return leaves[0]


def status_of(v, balance, epoch):
    act, exit_, wd, elig = v["activation_epoch"], v["exit_epoch"], v["withdrawable_epoch"], \
        v["activation_eligibility_epoch"]
    if act > epoch:
        return "pending_initialized" if elig == FAR_FUTURE else "pending_queued"
    if epoch < exit_:
        if v["slashed"]:
            return "active_slashed"
        return "active_ongoing" if exit_ == FAR_FUTURE else "active_exiting"
    if epoch < wd:
        return "exited_slashed" if v["slashed"] else "exited_unslashed"
    return "withdrawal_done" if balance == 0 else "withdrawal_possible"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state", required=True)
    ap.add_argument("--info", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--validators", type=int, default=64)
    ap.add_argument("--tamper", choices=["state-root", "header-root", "genesis"])
    ap.add_argument("--extra-state", action="append", default=[],
                    help="another state of the same fork, served by its slot number")
    ap.add_argument("--no-slot-header", action="store_true",
                    help="answer 404 for the header by slot number, as for an empty slot")
    a = ap.parse_args()

    with open(a.state, "rb") as f:
        ssz = f.read()
    with open(a.info, encoding="utf-8") as f:
        info = json.load(f)
    fork, preset, slot = info["fork"], info["preset"], int(info["slot"])
    hist, vec, slashings, spe = PRESETS[preset]
    epoch = slot // spe
    state_root = bytes.fromhex(info["state_root"][2:])
    block_root = bytes.fromhex(info["block_root"][2:])

    # Fixed part (identical field order phase0..fulu): 0 genesis_time, 1 gvr,
    # 2 slot, 3 fork (16), 4 latest_block_header (112), 5/6 block/state roots,
    # 7 historical_roots (offset), 8 eth1_data (72), 9 votes (offset),
    # 10 deposit index, 11 validators (offset), 12 balances (offset),
    # 13 randao_mixes, 14 slashings, 15/16 participation (offsets),
    # 17 justification_bits (1), 18..20 checkpoints (40 each).
    genesis_time, gvr = u64(ssz, 0), ssz[8:40]
    assert u64(ssz, 40) == slot, "info slot does not match the state"
    hdr = ssz[64:176]
    off = 176 + 2 * 32 * hist + 4 + 72 + 4 + 8
    val_off, bal_off = u32(ssz, off), u32(ssz, off + 4)
    off += 8 + 32 * vec + 8 * slashings
    next_off = u32(ssz, off)  # previous epoch participation: ends the balances
    off += 8 + 1
    checkpoints = [(u64(ssz, off + 40 * i), ssz[off + 40 * i + 8: off + 40 * i + 40])
                   for i in range(3)]

    h_slot, h_prop = u64(hdr, 0), u64(hdr, 8)
    h_parent, h_state, h_body = hdr[16:48], hdr[48:80], hdr[80:112]
    if h_state == bytes(32):
        h_state = state_root  # what process_slot fills in
    if a.tamper == "state-root":
        h_state = bytes([h_state[0] ^ 1]) + h_state[1:]
    root = header_root(h_slot, h_prop, h_parent, h_state, h_body)
    if a.tamper != "state-root":
        assert root == block_root or h_slot != slot, "block root differs from bv_state_info's"
    if a.tamper == "header-root":
        root = bytes([root[0] ^ 0x80]) + root[1:]

    os.makedirs(a.out, exist_ok=True)
    shutil.copyfile(a.state, os.path.join(a.out, "state.ssz"))

    def dump(name, obj):
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f)
            f.write("\n")

    dump("header.json", {
        "execution_optimistic": False, "finalized": True,
        "data": {"root": hx(root), "canonical": True, "header": {
            "message": {"slot": str(h_slot), "proposer_index": str(h_prop),
                        "parent_root": hx(h_parent), "state_root": hx(h_state),
                        "body_root": hx(h_body)},
            # the BLS point at infinity: well-formed, and plainly not a real signature
            "signature": "0xc0" + "00" * 95}}})
    if a.tamper == "genesis":
        gvr = bytes([gvr[0] ^ 0xff]) + gvr[1:]
    dump("genesis.json", {"data": {"genesis_time": str(genesis_time),
                                   "genesis_validators_root": hx(gvr),
                                   "genesis_fork_version": "0x00000000"}})
    names = ("previous_justified", "current_justified", "finalized")
    dump("finality.json", {"execution_optimistic": False, "finalized": True, "data": {
        n: {"epoch": str(e), "root": hx(r)} for n, (e, r) in zip(names, checkpoints)}})

    count = (bal_off - val_off) // 121
    assert (next_off - bal_off) // 8 == count, "validators and balances differ in length"
    vals = []
    for i in range(min(count, a.validators)):
        rec = ssz[val_off + 121 * i: val_off + 121 * (i + 1)]
        v = {"pubkey": rec[0:48], "withdrawal_credentials": rec[48:80],
             "effective_balance": u64(rec, 80), "slashed": rec[88] == 1,
             "activation_eligibility_epoch": u64(rec, 89), "activation_epoch": u64(rec, 97),
             "exit_epoch": u64(rec, 105), "withdrawable_epoch": u64(rec, 113)}
        bal = u64(ssz, bal_off + 8 * i)
        vals.append({"index": str(i), "balance": str(bal), "status": status_of(v, bal, epoch),
                     "validator": {k: (hx(x) if isinstance(x, bytes) else
                                       x if isinstance(x, bool) else str(x))
                                   for k, x in v.items()}})
    dump("validators.json", {"execution_optimistic": False, "finalized": True, "data": vals})

    state_ids = ["head", "finalized", str(slot), hx(state_root)]
    block_ids = [b for b in ("head", "finalized", str(h_slot), hx(root))
                 if not (a.no_slot_header and b == str(h_slot))]
    routes = [
        {"method": "GET", "paths": ["/eth/v1/beacon/genesis"], "file": "genesis.json",
         "headers": {"Content-Type": "application/json"}},
        {"method": "GET", "paths": [f"/eth/v1/beacon/headers/{b}" for b in block_ids],
         "file": "header.json", "headers": {"Content-Type": "application/json"}},
        {"method": "GET", "paths": [f"/eth/v2/debug/beacon/states/{s}" for s in state_ids],
         "accept": "application/octet-stream", "file": "state.ssz",
         "headers": {"Content-Type": "application/octet-stream",
                     "Eth-Consensus-Version": fork}},
        {"method": "GET",
         "paths": [f"/eth/v1/beacon/states/{s}/finality_checkpoints" for s in state_ids],
         "file": "finality.json", "headers": {"Content-Type": "application/json"}},
        {"method": "POST", "paths": [f"/eth/v1/beacon/states/{s}/validators" for s in state_ids],
         "validators_file": "validators.json"},
    ]
    for k, path in enumerate(a.extra_state):
        with open(path, "rb") as f:
            extra_slot = u64(f.read(48), 40)
        assert extra_slot != slot, "--extra-state has the slot of --state"
        name = f"state_{k}.ssz"
        shutil.copyfile(path, os.path.join(a.out, name))
        routes.append({"method": "GET", "paths": [f"/eth/v2/debug/beacon/states/{extra_slot}"],
                       "accept": "application/octet-stream", "file": name,
                       "headers": {"Content-Type": "application/octet-stream",
                                   "Eth-Consensus-Version": fork}})
    dump("routes.json", {"routes": routes})
    print(f"recordings for slot {slot} ({fork}, {count} validators) in {a.out}")


if __name__ == "__main__":
    main()
