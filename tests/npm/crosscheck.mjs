// crosscheck.mjs - hash a serialized BeaconState with ChainSafe's SSZ
// (@lodestar/types + @chainsafe/ssz) and print the figures balverify's
// bv_state_info prints, so the integration test can compare them.
//
// usage: LODESTAR_PRESET=mainnet|minimal node crosscheck.mjs FORK STATE.ssz [INDEX]
// Prints JSON: state_root, validators_root, balances_root, the four state
// and block branches, the Gloas progressive roots/branches of the registry
// and the Gloas BeaconState field gindices.
import {readFileSync} from "node:fs";
import {ssz} from "@lodestar/types";
import {createProof, ProofType} from "@chainsafe/persistent-merkle-tree";

const [fork, path, indexArg] = process.argv.slice(2);
const index = BigInt(indexArg ?? "0");
const hex = (u) => "0x" + Buffer.from(u).toString("hex");
const types = ssz[fork];
if (!types) {
  console.error(`crosscheck: unknown fork ${fork}`);
  process.exit(2);
}
const bytes = readFileSync(path);
const State = types.BeaconState;
const view = State.deserializeToViewDU(bytes);
const out = {};
out.state_root = hex(view.hashTreeRoot());
out.validators_root = hex(view.validators.hashTreeRoot());
out.balances_root = hex(view.balances.hashTreeRoot());
out.latest_block_header_root = hex(ssz.phase0.BeaconBlockHeader.hashTreeRoot(view.latestBlockHeader.toValue()));

function branch(rootNode, gindex) {
  const p = createProof(rootNode, {type: ProofType.single, gindex: BigInt(gindex)});
  return {leaf: hex(p.leaf), branch: p.witnesses.map(hex)};
}

// Block header with state_root filled in (it is zero in a stored state).
const header = view.latestBlockHeader.toValue();
if (header.stateRoot.every((b) => b === 0)) header.stateRoot = view.hashTreeRoot();
const headerView = ssz.phase0.BeaconBlockHeader.toViewDU(header);
out.block_root = hex(headerView.hashTreeRoot());

for (const name of ["slot", "latestBlockHeader", "validators", "balances"]) {
  const g = State.getPathInfo([name]).gindex;
  const sb = branch(view.node, g);
  const hb = branch(headerView.node, 11n);
  const snake = name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  out[`state_branch_${snake}`] = {gindex: Number(g), branch: sb.branch};
  const depth = BigInt(sb.branch.length);
  const gb = 11n * (1n << depth) + (g - (1n << depth));
  out[`block_branch_${snake}`] = {gindex: Number(gb), branch: sb.branch.concat(hb.branch)};
}

// Gloas: the same registry as progressive lists.
const G = ssz.gloas;
const validators = view.validators.getAllReadonlyValues();
const balances = view.balances.getAll();
const pv = G.Validators.toViewDU(validators);
const pb = G.Balances.toViewDU(balances);
out.progressive_validators_root = hex(pv.hashTreeRoot());
out.progressive_balances_root = hex(pb.hashTreeRoot());
if (index < BigInt(validators.length)) {
  const g = G.Validators.getPathInfo([Number(index)]).gindex;
  out.progressive_validator_branch = {index: Number(index), gindex: Number(g), branch: branch(pv.node, g).branch};
}
if (index < BigInt(balances.length)) {
  const g = G.Balances.getPathInfo([Number(index)]).gindex;
  out.progressive_balance_branch = {index: Number(index / 4n), gindex: Number(g), branch: branch(pb.node, g).branch};
}
const gi = {};
for (const f of Object.keys(G.BeaconState.fields)) {
  const snake = f.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  gi[snake] = Number(G.BeaconState.getPathInfo([f]).gindex);
}
out.gloas_field_gindex = gi;
console.log(JSON.stringify(out, null, 2));
