// Builds the JSON values of SYSTEM.md §2.3 the way DendrETH's TypeScript
// feeders and Rust workers produce them (object literals in the writers'
// field order, JSON.stringify, hexToBits/bytesToHex conventions) and writes
// them to tests/data/kv_json/. The C unit test test_keys decodes each one,
// checks the values and re-encodes it byte for byte.
// usage: node make_json_vectors.js OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const out = process.argv[2];

const hex = n => Buffer.from([...Array(n).keys()].map(i => (i * 37 + 11) & 255)).toString('hex');
const hexToBits = h => [...Buffer.from(h.replace(/^0x/, ''), 'hex')]
  .flatMap(b => [7, 6, 5, 4, 3, 2, 1, 0].map(s => (b >> s) & 1));
const leaf64 = v => { const b = Buffer.alloc(32); b.writeBigUInt64LE(BigInt(v)); return b.toString('hex'); };
const root = seed => Buffer.from([...Array(32).keys()].map(i => (i * seed + 5) & 255)).toString('hex');
const FAR = (2n ** 64n - 1n).toString();
const W = '010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f';

const vectors = {};
// convertValidatorToProof (SSZ leaves as hex, no 0x)
vectors.validator_sha_input = {
  pubkey: hex(48), withdrawalCredentials: W, effectiveBalance: leaf64(32000000000n),
  slashed: leaf64(1), activationEligibilityEpoch: leaf64(5), activationEpoch: leaf64(6),
  exitEpoch: 'ffffffffffffffff' + '0'.repeat(48), withdrawableEpoch: 'ffffffffffffffff' + '0'.repeat(48),
};
vectors.validator_sha_input_zero = {
  pubkey: ''.padStart(96, '0'), withdrawalCredentials: ''.padStart(64, '0'),
  effectiveBalance: ''.padStart(64, '0'), slashed: ''.padStart(64, '0'),
  activationEligibilityEpoch: ''.padStart(64, '0'), activationEpoch: ''.padStart(64, '0'),
  exitEpoch: ''.padStart(64, '0'), withdrawableEpoch: ''.padStart(64, '0'),
};
// TS placeholders
vectors.validator_proof_placeholder = { needsChange: true, proofKey: '', poseidonHash: [], sha256Hash: [] };
vectors.validator_proof_zero_placeholder = { needsChange: true, proofKey: 'invalid', poseidonHash: [], sha256Hash: [] };
// Rust ValidatorProof (serde field order)
vectors.validator_proof = {
  needsChange: false, poseidonHash: ['1', '18446744069414584320', '12345678901234567', '0'],
  sha256Hash: hexToBits(root(7)), proofKey: 'validator_proof_storage:1099511627781:6400',
};
// getBalancesInput
const zeroV = {
  pubkey: ''.padStart(96, '0'), withdrawalCredentials: ''.padStart(64, '0'), effectiveBalance: '0',
  slashed: 0, activationEligibilityEpoch: '0', activationEpoch: '0', exitEpoch: '0', withdrawableEpoch: '0',
};
const realV = i => ({
  pubkey: hex(48), withdrawalCredentials: W, effectiveBalance: (32000000000 - i).toString(),
  slashed: i === 1 ? 1 : 0, activationEligibilityEpoch: String(i), activationEpoch: String(i + 1),
  exitEpoch: i === 2 ? '900' : FAR, withdrawableEpoch: i === 2 ? '1156' : FAR,
});
vectors.balances_input = {
  balances: [hexToBits(root(3)), ''.padStart(256, '0').split('').map(Number)],
  validators: [realV(0), realV(1), realV(2), zeroV, zeroV, zeroV, zeroV, zeroV],
  withdrawalCredentials: [hexToBits(W)], currentEpoch: '200',
  validatorIsZero: [0, 0, 0].concat(new Array(5).fill(1)),
};
// getBalancesInput on pending validators (SYSTEM.md §11 Q9): lodestar reads
// FAR_FUTURE_EPOCH (2^64 - 1) as the number Infinity; the feeder writes the
// activation epochs with toString() ("Infinity") and maps Infinity back to
// the decimal number only for the exit and withdrawable epochs.
const lodestarEpoch = e => (BigInt(e) === 2n ** 64n - 1n ? Infinity : Number(e));
const tsPoseidonV = (i, eligibility, activation) => {
  const v = { ...realV(i), exitEpoch: FAR, withdrawableEpoch: FAR };
  const exit = lodestarEpoch(v.exitEpoch), wd = lodestarEpoch(v.withdrawableEpoch);
  return { ...v, activationEligibilityEpoch: lodestarEpoch(eligibility).toString(),
    activationEpoch: lodestarEpoch(activation).toString(),
    exitEpoch: exit === Infinity ? FAR : exit.toString(),
    withdrawableEpoch: wd === Infinity ? FAR : wd.toString() };
};
vectors.balances_input_infinity = {
  balances: [hexToBits(root(3)), ''.padStart(256, '0').split('').map(Number)],
  validators: [tsPoseidonV(0, FAR, FAR), tsPoseidonV(1, '5', FAR), realV(2), zeroV, zeroV, zeroV, zeroV, zeroV],
  withdrawalCredentials: [hexToBits(W)], currentEpoch: '200',
  validatorIsZero: [0, 0, 0].concat(new Array(5).fill(1)),
};
vectors.balances_input_zero = {
  balances: Array(2).fill('').map(() => ''.padStart(256, '0').split('').map(Number)),
  validators: Array(8).fill(zeroV), withdrawalCredentials: [hexToBits(W)], currentEpoch: '200',
  validatorIsZero: Array(8).fill(1),
};
vectors.balance_proof_placeholder = {
  needsChange: true, rangeTotalValue: '0', validatorsCommitment: [], proofKey: '', balancesHash: [],
  withdrawalCredentials: [], currentEpoch: '0', numberOfNonActivatedValidators: 0,
  numberOfActiveValidators: 0, numberOfExitedValidators: 0,
};
vectors.balance_proof = {
  needsChange: false, rangeTotalValue: '95999999997', validatorsCommitment: ['4', '5', '6', '7'],
  balancesHash: hexToBits(root(9)), withdrawalCredentials: [hexToBits(W)], currentEpoch: '200',
  numberOfNonActivatedValidators: 0, numberOfActiveValidators: 2, numberOfExitedValidators: 1,
  numberOfSlashedValidators: 1, proofKey: 'lido:balance_verification_proof_storage:0:0',
};
vectors.final_input = {
  stateRoot: hexToBits(root(11)), stateRootBranch: [1, 2, 3].map(s => hexToBits(root(s + 20))),
  blockRoot: hexToBits(root(13)), slot: '6400', slotBranch: [1, 2, 3, 4, 5].map(s => hexToBits(root(s + 30))),
  withdrawalCredentials: [hexToBits(W)], balanceBranch: [1, 2, 3, 4, 5].map(s => hexToBits(root(s + 40))),
  validatorsBranch: [1, 2, 3, 4, 5].map(s => hexToBits(root(s + 50))),
  validatorsSizeBits: hexToBits(leaf64(3)),
};
vectors.final_proof = {
  needsChange: false, blockRoot: hexToBits(root(13)), withdrawalCredentials: [hexToBits(W)],
  balanceSum: [1525163517, 22], numberOfNonActivatedValidators: 0, numberOfActiveValidators: 2,
  numberOfExitedValidators: 1, numberOfSlashedValidators: 1, proof: [0, 1, 254, 255, 17],
};
vectors.final_proof_zero_sum = { ...vectors.final_proof, balanceSum: [], proof: [] };

fs.mkdirSync(out, { recursive: true });
for (const [name, v] of Object.entries(vectors))
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(v));
console.log(`${Object.keys(vectors).length} vectors written to ${out}`);
