// Independent checks of what the C feeders wrote to Redis, recomputed from
// the SSZ state files with the TypeScript feeders' conventions (object
// literals in their field order + JSON.stringify, hexToBits, DataView
// big-endian payloads) and node's own SHA-256. Only mainnet-preset states
// are parsed here (the validators and balances offsets sit at the same place
// in every fork's fixed part).
//
//   node feeders_check.js mutate IN.ssz OUT.ssz
//       copy IN with slot + 32 and a few validators changed (prints indices)
//   node feeders_check.js balances PORT STATE PROTO WC[,WC...] OFFSET TAKE [STATE_ROOT]
//       (env BV_FIELD_DEPTH=6 for electra/fulu states: 6-level field branches)
//   node feeders_check.js changed PORT STATE1 STATE2
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const Redis = require('ioredis');

const R = 1099511627776n;
const VOFF_POS = 524552; // mainnet: offset of the validators list in the fixed part (every fork)
function parseState(path) {
  const b = fs.readFileSync(path);
  const voff = b.readUInt32LE(VOFF_POS), boff = b.readUInt32LE(VOFF_POS + 4);
  const n = (boff - voff) / 121;
  if (!Number.isInteger(n)) throw new Error(`${path}: not a mainnet-preset state`);
  const recs = [...Array(n).keys()].map(i => b.subarray(voff + 121 * i, voff + 121 * (i + 1)));
  const bals = b.subarray(boff, boff + 8 * n);
  return { buf: b, slot: b.readBigUInt64LE(40), header: b.subarray(64, 176), recs, bals, voff, boff };
}

const sha = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const Z = [Buffer.alloc(32)];
for (let i = 1; i < 64; i++) Z.push(sha(Z[i - 1], Z[i - 1]));
function merkleize(chunks, depth) {
  let level = chunks.slice();
  for (let d = 0; d < depth; d++) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha(level[i], i + 1 < level.length ? level[i + 1] : Z[d]));
    level = next.length ? next : [];
  }
  return level.length ? level[0] : Z[depth];
}
const leaf64 = v => { const b = Buffer.alloc(32); b.writeBigUInt64LE(BigInt(v)); return b; };
const mixLen = (root, n) => sha(root, leaf64(n));
function validatorRoot(r) {
  const pk = sha(r.subarray(0, 32), Buffer.concat([r.subarray(32, 48), Buffer.alloc(16)]));
  const slashed = Buffer.alloc(32); slashed[0] = r[88];
  const l = (a, b) => Buffer.concat([r.subarray(a, b), Buffer.alloc(32 - (b - a))]);
  return merkleize([pk, r.subarray(48, 80), l(80, 88), slashed, l(89, 97), l(97, 105), l(105, 113), l(113, 121)], 3);
}
function branchRoot(leaf, branch, gindex) {
  let h = leaf, g = BigInt(gindex);
  for (const s of branch) { h = (g & 1n) ? sha(s, h) : sha(h, s); g >>= 1n; }
  if (g !== 1n) throw new Error('branch length does not match gindex');
  return h;
}
const hexToBits = h => [...Buffer.from(h, 'hex')].flatMap(b => [7, 6, 5, 4, 3, 2, 1, 0].map(s => (b >> s) & 1));
const bitsToBuf = bits => { const b = Buffer.alloc(32); bits.forEach((x, i) => { if (x) b[i >> 3] |= 0x80 >> (i & 7); }); return b; };
const u64 = (r, a) => r.readBigUInt64LE(a).toString();

// convertValidatorToValidatorPoseidonInput / getZeroValidatorPoseidonInput
const poseidonInput = r => ({
  pubkey: r.subarray(0, 48).toString('hex'), withdrawalCredentials: r.subarray(48, 80).toString('hex'),
  effectiveBalance: u64(r, 80), slashed: r[88], activationEligibilityEpoch: u64(r, 89),
  activationEpoch: u64(r, 97), exitEpoch: u64(r, 105), withdrawableEpoch: u64(r, 113),
});
const zeroPoseidon = () => ({
  pubkey: ''.padStart(96, '0'), withdrawalCredentials: ''.padStart(64, '0'), effectiveBalance: '0', slashed: 0,
  activationEligibilityEpoch: '0', activationEpoch: '0', exitEpoch: '0', withdrawableEpoch: '0',
});
// convertValidatorToProof (SSZ leaves as hex)
const shaInput = r => {
  const l = (a, b) => Buffer.concat([r.subarray(a, b), Buffer.alloc(32 - (b - a))]).toString('hex');
  return { pubkey: r.subarray(0, 48).toString('hex'), withdrawalCredentials: r.subarray(48, 80).toString('hex'),
    effectiveBalance: l(80, 88), slashed: l(88, 89), activationEligibilityEpoch: l(89, 97),
    activationEpoch: l(97, 105), exitEpoch: l(105, 113), withdrawableEpoch: l(113, 121) };
};
const balancePlaceholder = JSON.stringify({ needsChange: true, rangeTotalValue: '0', validatorsCommitment: [],
  proofKey: '', balancesHash: [], withdrawalCredentials: [], currentEpoch: '0',
  numberOfNonActivatedValidators: 0, numberOfActiveValidators: 0, numberOfExitedValidators: 0 });
const proofPlaceholder = key => JSON.stringify({ needsChange: true, proofKey: key, poseidonHash: [], sha256Hash: [] });
const be = (v, len = 8) => { const b = Buffer.alloc(len); b.writeBigUInt64BE(BigInt(v)); return b; };

let failures = 0, checks = 0;
function eq(a, b, what) {
  checks++;
  if (a !== b) { failures++; if (failures < 20) console.log(`FAIL: ${what}:\n  got  ${String(a).slice(0, 300)}\n  want ${String(b).slice(0, 300)}`); }
}
function done(name) {
  console.log(`${name}: ${checks - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}
async function queueItems(db, prefix) {
  const ids = (await db.lrange(`${prefix}:queue`, 0, -1)).reverse(); // enqueue order
  const out = [];
  for (const id of ids) out.push((await db.getBuffer(`${prefix}:item:${id}`)).toString('hex'));
  return out;
}

async function checkBalances(port, statePath, proto, wc, offset, take, stateRootHex) {
  const db = new Redis({ port });
  const s = parseState(statePath);
  const lo = Math.min(offset, s.recs.length), hi = Math.min(s.recs.length, lo + take);
  const recs = s.recs.slice(lo, hi), n = recs.length;
  const bals = s.bals.subarray(8 * lo, 8 * hi);
  const epoch = (s.slot / 32n).toString();
  const Ws = wc.split(',').map(w => w.replace(/^0x/, ''));
  const wcBits = Ws.map(hexToBits);
  const depth = Number(process.env.BV_FIELD_DEPTH || 5);
  // field gindices: slot 2, validators 11, balances 12 under a 2^depth-leaf container
  const G = f => 2 ** depth + f;
  const chunks = [];
  for (let c = 0; c < Math.ceil(n / 4); c++) {
    const b = Buffer.alloc(32); bals.copy(b, 0, 32 * c, Math.min(32 * c + 32, 8 * n)); chunks.push(b);
  }
  const bitChunks = chunks.map(c => hexToBits(c.toString('hex')));
  if (bitChunks.length % 2) bitChunks.push(''.padStart(256, '0').split('').map(Number));
  const ninputs = Math.ceil(n / 8);
  for (let j = 0; j < ninputs; j++) {
    const size = Math.min(8, n - 8 * j);
    const want = JSON.stringify({
      balances: bitChunks.slice(2 * j, 2 * j + 2),
      validators: [...recs.slice(8 * j, 8 * j + 8).map(poseidonInput), ...Array(8 - size).fill(zeroPoseidon())],
      withdrawalCredentials: wcBits, currentEpoch: epoch,
      validatorIsZero: new Array(size).fill(0).concat(new Array(8 - size).fill(1)),
    });
    eq(await db.get(`${proto}:validator_balance_input:${j}`), want, `input ${j}`);
  }
  eq(await db.get(`${proto}:validator_balance_input:${ninputs}`), null, 'no input past the end');
  eq(await db.get(`${proto}:validator_balance_input:${R}`), JSON.stringify({
    balances: Array(2).fill('').map(() => ''.padStart(256, '0').split('').map(Number)),
    validators: Array(8).fill(zeroPoseidon()), withdrawalCredentials: wcBits, currentEpoch: epoch,
    validatorIsZero: Array(8).fill(1) }), 'zero input');
  for (let L = 0; L < 38; L++) {
    const count = Math.ceil(n / 8 / 2 ** L);
    eq(await db.get(`${proto}:balance_verification_proof:${L}:${R}`), balancePlaceholder, `placeholder ${L}:R`);
    for (let k = 0; k < count; k++)
      eq(await db.get(`${proto}:balance_verification_proof:${L}:${k}`), balancePlaceholder, `placeholder ${L}:${k}`);
    eq(await db.get(`${proto}:balance_verification_proof:${L}:${count}`), null, `no placeholder ${L}:${count}`);
    const want = [be(R, L ? 24 : 8), ...[...Array(count).keys()].map(k => be(k))].map(b => b.toString('hex'));
    eq(JSON.stringify(await queueItems(db, `${proto}:balance_verification_queue:${L}`)), JSON.stringify(want), `queue ${L}`);
  }
  eq(await db.exists(`${proto}:balance_verification_queue:38:queue`), 0, 'no level-38 queue');
  const fin = JSON.parse(await db.get(`${proto}:final_proof_input`));
  eq(JSON.stringify(Object.keys(fin)), JSON.stringify(['stateRoot', 'stateRootBranch', 'blockRoot', 'slot', 'slotBranch',
    'withdrawalCredentials', 'balanceBranch', 'validatorsBranch', 'validatorsSizeBits']), 'final input field order');
  const stateRoot = bitsToBuf(fin.stateRoot);
  const vroot = mixLen(merkleize(recs.map(validatorRoot), 40), n);
  const broot = mixLen(merkleize(chunks, 38), n);
  eq(branchRoot(vroot, fin.validatorsBranch.map(bitsToBuf), G(11)).toString('hex'), stateRoot.toString('hex'), 'validators branch to state root');
  eq(branchRoot(broot, fin.balanceBranch.map(bitsToBuf), G(12)).toString('hex'), stateRoot.toString('hex'), 'balances branch to state root');
  eq(branchRoot(leaf64(s.slot), fin.slotBranch.map(bitsToBuf), G(2)).toString('hex'), stateRoot.toString('hex'), 'slot branch to state root');
  const header = Buffer.from(s.header); stateRoot.copy(header, 48);
  const hroot = merkleize([leaf64(header.readBigUInt64LE(0)), leaf64(header.readBigUInt64LE(8)),
    header.subarray(16, 48), header.subarray(48, 80), header.subarray(80, 112)], 3);
  eq(bitsToBuf(fin.blockRoot).toString('hex'), hroot.toString('hex'), 'block root = header with computed state root');
  eq(branchRoot(stateRoot, fin.stateRootBranch.map(bitsToBuf), 11).toString('hex'), hroot.toString('hex'), 'state root branch to block root');
  eq(fin.slot, s.slot.toString(), 'slot');
  eq(JSON.stringify(fin.withdrawalCredentials), JSON.stringify(wcBits), 'credentials');
  eq(JSON.stringify(fin.validatorsSizeBits), JSON.stringify(hexToBits(leaf64(n).toString('hex'))), 'validatorsSizeBits');
  if (stateRootHex) eq('0x' + stateRoot.toString('hex'), stateRootHex, 'unsliced state root = bv_state_info');
  db.disconnect();
  done(`balances (${n} validators from offset ${lo})`);
}

function changedSet(a, b) {
  const out = [];
  for (let i = 0; i < b.recs.length; i++) {
    if (i >= a.recs.length) { out.push(i); continue; }
    if (!a.recs[i].subarray(80).equals(b.recs[i].subarray(80))) out.push(i);
  }
  return out;
}
function ancestors(leafIdx) {
  const out = [];
  let level = leafIdx.map(i => (1n << 40n) + BigInt(i));
  while (level.length && level[0] > 1n) {
    level = [...new Set(level.map(g => (g >> 1n).toString()))].map(BigInt).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    out.push(...level);
  }
  return out;
}
const tag = (t, a, b) => Buffer.concat([Buffer.from([t]), be(a), ...(t === 1 ? [] : [be(b)])]).toString('hex');

async function checkChanged(port, p1, p2) {
  const db = new Redis({ port });
  const a = parseState(p1), b = parseState(p2);
  const s1 = a.slot, s2 = b.slot, n = b.recs.length;
  const ch = changedSet(a, b);
  console.log(`changed between slots ${s1} and ${s2}: ${ch.join(',')}`);
  const want = [tag(2, R, s1), ...[...Array(40).keys()].reverse().map(d => tag(1, d))];
  want.push(...a.recs.map((_, i) => tag(2, i, s1)), ...ancestors(a.recs.map((_, i) => i)).map(g => tag(0, g, s1)));
  want.push(...ch.map(i => tag(2, i, s2)), ...ancestors(ch).map(g => tag(0, g, s2)));
  const got = await queueItems(db, 'validator_proof_queue');
  eq(got.length, want.length, 'number of mapper tasks');
  eq(JSON.stringify(got), JSON.stringify(want), 'mapper tasks in enqueue order');
  const zeroSha = JSON.stringify(shaInput(Buffer.alloc(121)));
  eq(await db.get(`validator:${R}:${s1}`), zeroSha, 'zero validator input');
  for (let d = 0; d <= 40; d++) eq(await db.get(`validator_proof:zeroes:${d}`), proofPlaceholder('invalid'), `zeroes:${d}`);
  const chs = new Set(ch);
  for (let i = 0; i < n; i++) {
    eq(await db.get(`validator:${i}:${s1}`), JSON.stringify(shaInput(a.recs[i])), `validator:${i}:${s1}`);
    eq(await db.get(`validator:${i}:${s2}`), chs.has(i) ? JSON.stringify(shaInput(b.recs[i])) : null, `validator:${i}:${s2}`);
    const wantLookup = chs.has(i) ? [String(s1), String(s2)] : [String(s1)];
    eq(JSON.stringify(await db.zrange(`validator:${i}:slot_lookup`, 0, -1)), JSON.stringify(wantLookup), `lookup ${i}`);
    const g = (1n << 40n) + BigInt(i);
    eq(await db.get(`validator_proof:${g}:${s1}`), proofPlaceholder(''), `leaf placeholder ${i}`);
    eq(JSON.stringify(await db.zrange(`validator_proof:${g}:slot_lookup`, 0, -1)), JSON.stringify(wantLookup), `leaf lookup ${i}`);
  }
  for (const g of ancestors(ch)) {
    eq(await db.get(`validator_proof:${g}:${s2}`), proofPlaceholder(''), `node placeholder ${g}`);
    eq((await db.zrange(`validator_proof:${g}:slot_lookup`, 0, -1)).includes(String(s2)), true, `node lookup ${g}`);
  }
  eq(await db.get(`validators_length:${s1}`), String(a.recs.length), 'validators_length 1');
  eq(await db.get(`validators_length:${s2}`), String(n), 'validators_length 2');
  eq(await db.get('last_processed_slot'), String(s2), 'last_processed_slot');
  db.disconnect();
  done(`changed validators (${ch.length} of ${n})`);
}

function mutate(inp, out) {
  const s = parseState(inp);
  const b = Buffer.from(s.buf);
  b.writeBigUInt64LE(s.slot + 32n, 40);
  const rec = i => s.voff + 121 * i;
  const n = s.recs.length;
  const picks = [3, 10, Math.floor(n / 2), n - 1];
  b.writeBigUInt64LE(b.readBigUInt64LE(rec(picks[0]) + 80) - 1000000000n, rec(picks[0]) + 80); // effective balance
  b[rec(picks[1]) + 88] = 1;                                                                     // slashed
  b.writeBigUInt64LE(s.slot / 32n + 300n, rec(picks[2]) + 105);                                  // exit epoch
  b.writeBigUInt64LE(b.readBigUInt64LE(rec(picks[3]) + 97) + 1n, rec(picks[3]) + 97);            // activation epoch
  fs.writeFileSync(out, b);
  console.log(picks.join(','));
}

const [cmd, ...a] = process.argv.slice(2);
if (cmd === 'mutate') mutate(a[0], a[1]);
else if (cmd === 'balances') checkBalances(Number(a[0]), a[1], a[2], a[3], Number(a[4]), a[5] === 'all' ? Infinity : Number(a[5]), a[6]);
else if (cmd === 'changed') checkChanged(Number(a[0]), a[1], a[2]);
else { console.error('usage: feeders_check.js mutate|balances|changed ...'); process.exit(2); }
