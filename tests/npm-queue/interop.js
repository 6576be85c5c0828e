// Interop cases between the C work queue (bv_queue_tool, bv_queue_worker,
// light_cleaner) and the TypeScript client DendrETH uses
// (@mevitae/redis-work-queue 0.1.5 + ioredis), against a real redis-server.
//
// usage: node interop.js BIN_DIR PORT
// Prints "case N (name): ok" per case and "N passed, M failed" at the end;
// exits 1 if any case failed.
'use strict';
const { execFileSync, spawn } = require('child_process');
const Redis = require('ioredis');
const { WorkQueue, KeyPrefix, Item } = require('@mevitae/redis-work-queue/dist/WorkQueue');

const BIN = process.argv[2];
const PORT = Number(process.argv[3]);
const P = 'validator_proof_queue';
const db = new Redis({ host: '127.0.0.1', port: PORT, lazyConnect: false });
const sleep = ms => new Promise(r => setTimeout(r, ms));
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function tool(opts, prefix, ...args) {
  return execFileSync(`${BIN}/bv_queue_tool`,
    ['--redis-port', String(PORT), ...opts, prefix, ...args.map(String)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
const C = (...args) => tool([], P, ...args);
function cLease(secs, mode, timeout, opts = [], prefix = P) {
  const out = tool(opts, prefix, 'lease', secs, mode, timeout);
  if (out === 'none') return null;
  const [id, hex, had] = out.split(' ');
  return { id, data: hex === '-' ? Buffer.alloc(0) : Buffer.from(hex, 'hex'), hadData: had === '1' };
}
const cClean = (prefix = P) => tool([], prefix, 'clean');

class Fail extends Error {}
function expect(cond, msg) { if (!cond) throw new Fail(msg); }
function eq(a, b, msg) {
  const sa = JSON.stringify(a), sb = JSON.stringify(b);
  if (sa !== sb) throw new Fail(`${msg}: got ${sa}, want ${sb}`);
}
const K = (p = P) => ({ q: `${p}:queue`, pr: `${p}:processing`, cl: `${p}:cleaning`,
  item: id => `${p}:item:${id}`, lease: id => `${p}:leased_by_session:${id}` });
const k = K();
const lr = key => db.lrange(key, 0, -1);

// DendrETH's cleaner (light_cleaner_common.ts) transcribed from the spec:
// library phase 1/2 with RPUSH, borrowing the 0.1.5 leaseExists.
async function dc(prefix = P) {
  const wq = new WorkQueue(new KeyPrefix(prefix)); const kk = K(prefix);
  for (const id of await lr(kk.pr)) {
    if (!(await wq.leaseExists(db, id))) {
      await db.lpush(kk.cl, id);
      const removed = await db.lrem(kk.pr, 0, id);
      if (removed > 0) await db.rpush(kk.q, id);
      await db.lrem(kk.cl, 0, id);
    }
  }
  for (const id of await lr(kk.cl)) {
    if (!(await wq.leaseExists(db, id)) && (await db.lpos(kk.q, id)) == null &&
        (await db.lpos(kk.pr, id)) == null)
      await db.rpush(kk.q, id);
    await db.lrem(kk.cl, 0, id);
  }
}

// Commands seen by MONITOR while fn runs: [[source, cmd, args...], ...]
async function monitored(fn) {
  const mon = await db.monitor();
  const seen = [];
  mon.on('monitor', (time, args, source) => seen.push([source.includes('lua') ? 'lua' : 'client', ...args]));
  await sleep(50);
  await fn();
  await sleep(150);
  mon.disconnect();
  return seen;
}
// The data commands only (scripting/transaction wrappers dropped), upper-cased names.
const dataCmds = seen => seen.map(s => s.slice(1)).filter(a =>
  !['multi', 'exec', 'evalsha', 'eval', 'ping', 'info', 'select', 'monitor', 'client'].includes(a[0].toLowerCase()))
  .map(a => [a[0].toUpperCase(), ...a.slice(1)]);

// How MONITOR prints an argument (redis sdscatrepr, without the quotes).
function monRepr(buf) {
  let out = '';
  for (const c of buf) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out;
}

const ts = new WorkQueue(new KeyPrefix(P));
const tag2 = Buffer.from('02' + '0000000000000005' + '00000000000004d2', 'hex');

const cases = [
  ['TS add, exact key layout', async () => {
    const it = new Item(tag2); await ts.addItem(db, it);
    expect(UUID4.test(it.id), `id ${it.id} is not a v4 UUID`);
    eq(await lr(k.q), [it.id], 'Q'); eq(await lr(k.pr), [], 'Pr');
    expect((await db.getBuffer(k.item(it.id))).equals(tag2), 'data bytes');
    eq((await db.keys('*')).sort(), [k.item(it.id), k.q].sort(), 'keys');
  }],
  ['C lease(30s, block 1s) of a TS item', async () => {
    const it = new Item(tag2); await ts.addItem(db, it);
    const got = cLease(30, 'block', 1);
    eq(got.id, it.id, 'id'); expect(got.data.equals(tag2), 'data');
    eq(await lr(k.q), [], 'Q'); eq(await lr(k.pr), [it.id], 'Pr');
    const ttl = await db.ttl(k.lease(it.id)); expect(ttl >= 29 && ttl <= 30, `lease ttl ${ttl}`);
    const sess = await db.get(k.lease(it.id));
    expect(UUID4.test(sess) && sess !== ts.session, `lease value ${sess} is not C's session`);
  }],
  ['C complete deletes data and lease', async () => {
    const it = new Item(tag2); await ts.addItem(db, it);
    cLease(30, 'block', 1);
    eq(C('complete', it.id), 'true', 'complete');
    eq(await lr(k.pr), [], 'Pr'); eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['C complete twice: second is false and sends only LREM', async () => {
    const it = new Item(tag2); await ts.addItem(db, it);
    cLease(30, 'block', 1); C('complete', it.id);
    let out;
    const seen = await monitored(async () => { out = C('complete', it.id); });
    eq(out, 'false', 'second complete');
    eq(dataCmds(seen), [['LREM', k.pr, '0', it.id]], 'commands');
    eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['C add binary data; TS lease and complete', async () => {
    const data = Buffer.from([0, 255, 0, 1, 255, 0x0d, 0x0a, 0, 0x22]);
    const id = C('add', data.toString('hex'));
    expect(UUID4.test(id), 'C id is a v4 UUID');
    const it = await ts.lease(db, 30, true, 1);
    eq(it.id, id, 'id'); expect(it.data.equals(data), 'TS sees exact bytes');
    eq(await ts.complete(db, it), true, 'TS complete'); eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['FIFO: TS adds A,B,C; C leases x3 non-blocking', async () => {
    const ids = [];
    for (const x of ['a', 'b', 'c']) { const it = new Item(Buffer.from(x)); ids.push(it.id); await ts.addItem(db, it); }
    const got = [1, 2, 3].map(() => cLease(30, 'nonblock', 0).id);
    eq(got, ids, 'lease order'); eq(await lr(k.pr), [...ids].reverse(), 'Pr');
  }],
  ['C lease on empty queue, non-blocking and blocking 1 s', async () => {
    eq(cLease(30, 'nonblock', 0), null, 'non-blocking');
    const t0 = Date.now(); eq(cLease(30, 'block', 1), null, 'blocking');
    const dt = Date.now() - t0; expect(dt >= 800 && dt < 3000, `blocking returned after ${dt} ms`);
    eq(await db.dbsize(), 0, 'no keys created');
  }],
  ['lease expiry alone moves nothing', async () => {
    const it = new Item(tag2); await ts.addItem(db, it);
    cLease(1, 'block', 1); await sleep(2100);
    eq(await db.exists(k.lease(it.id)), 0, 'lease gone'); eq(await lr(k.pr), [it.id], 'Pr');
    eq(await lr(k.q), [], 'Q'); expect((await db.getBuffer(k.item(it.id))).equals(tag2), 'data intact');
  }],
  ['DendrETH cleaner re-queues an expired item at the consumer end', async () => {
    const a = new Item(tag2); await ts.addItem(db, a); cLease(1, 'block', 1);
    const b = new Item(Buffer.from('b')); await ts.addItem(db, b); await sleep(2100);
    await dc();
    eq(await lr(k.pr), [], 'Pr'); eq(await lr(k.q), [b.id, a.id], 'Q'); eq(await db.exists(k.cl), 0, 'Cl');
    eq(cLease(30, 'nonblock', 0).id, a.id, 'next lease');
  }],
  ['C cleaner: same final state as the DendrETH cleaner', async () => {
    const a = new Item(tag2); await ts.addItem(db, a); cLease(1, 'block', 1);
    const b = new Item(Buffer.from('b')); await ts.addItem(db, b); await sleep(2100);
    cClean();
    eq(await lr(k.pr), [], 'Pr'); eq(await lr(k.q), [b.id, a.id], 'Q'); eq(await db.exists(k.cl), 0, 'Cl');
    eq(cLease(30, 'nonblock', 0).id, a.id, 'next lease');
  }],
  ['live lease untouched by both cleaners', async () => {
    const a = new Item(tag2); await ts.addItem(db, a); cLease(30, 'block', 1);
    const before = await db.pttl(k.lease(a.id));
    await dc(); cClean();
    eq(await lr(k.pr), [a.id], 'Pr'); eq(await lr(k.q), [], 'Q');
    const after = await db.pttl(k.lease(a.id)); expect(after <= before && before - after < 2000, 'ttl unchanged');
  }],
  ['stale completion after re-queue is false; the item runs again', async () => {
    const a = new Item(tag2); await ts.addItem(db, a);
    const w1 = cLease(1, 'block', 1); await sleep(2100); cClean();
    eq(C('complete', w1.id), 'false', 'W1 complete');
    eq(await lr(k.q), [a.id], 'Q'); expect(await db.exists(k.item(a.id)), 'data kept');
    const w2 = await ts.lease(db, 30, true, 1); eq(w2.id, a.id, 'W2 lease');
    eq(await ts.complete(db, w2), true, 'W2 complete'); eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['stale completion after re-lease steals it (W1 true, W2 false)', async () => {
    const a = new Item(tag2); await ts.addItem(db, a);
    cLease(30, 'block', 1); await db.del(k.lease(a.id)); await dc();
    const w2 = await ts.lease(db, 30, true, 1); eq(w2.id, a.id, 'W2 lease');
    eq(C('complete', a.id), 'true', 'W1 complete');
    eq(await ts.complete(db, w2), false, 'W2 complete'); eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['journal recovery (C cleaner and DendrETH cleaner)', async () => {
    for (const which of ['C', 'DC']) {
      await db.flushall(); await db.set(k.item('A'), 'x'); await db.lpush(k.cl, 'A');
      if (which === 'C') cClean(); else await dc();
      eq(await lr(k.q), ['A'], `${which}: Q`); eq(await db.exists(k.cl), 0, `${which}: Cl`);
    }
  }],
  ['completed item in the journal: DC resurrects an orphan, C does not', async () => {
    await db.lpush(k.cl, 'A'); await dc();
    eq(await lr(k.q), ['A'], 'DC: Q (orphan)'); eq(await db.exists(k.item('A')), 0, 'no data');
    await db.flushall(); await db.lpush(k.cl, 'A'); cClean();
    eq(await lr(k.q), [], 'C: Q'); eq(await db.exists(k.cl), 0, 'C: Cl');
  }],
  ['orphan id: Legacy lease hands it out; drop mode skips it', async () => {
    await db.lpush(k.q, 'ghost');
    const g = cLease(30, 'block', 1);
    eq(g.id, 'ghost', 'id'); eq(g.data.length, 0, 'empty data'); eq(g.hadData, false, 'had data');
    eq(await lr(k.pr), ['ghost'], 'Pr'); eq(await db.exists(k.lease('ghost')), 1, 'lease');
    eq(C('complete', 'ghost'), 'true', 'complete'); eq(await db.dbsize(), 0, 'DBSIZE');
    for (const mode of ['block', 'nonblock']) {
      await db.lpush(k.q, 'ghost'); const x = new Item(Buffer.from('x')); await ts.addItem(db, x);
      const got = cLease(30, mode, 1, ['--orphan', 'drop']);
      eq(got.id, x.id, `${mode}: next real item`); eq(await lr(k.pr), [x.id], `${mode}: Pr`);
      await db.flushall();
    }
    await db.lpush(k.q, 'ghost');
    eq(cLease(30, 'nonblock', 0, ['--orphan', 'drop']), null, 'only orphan: none');
    eq(await db.dbsize(), 0, 'orphan removed');
  }],
  ['TS library lightClean "0" bug is survived', async () => {
    const a = new Item(tag2); await ts.addItem(db, a); cLease(30, 'block', 1); await db.del(k.lease(a.id));
    await ts.lightClean(db);
    eq(await lr(k.q), [a.id, '0'], 'Q');
    const z = cLease(30, 'nonblock', 0); eq(z.id, '0', 'stray id'); eq(z.data.length, 0, 'empty');
    eq(C('complete', '0'), 'true', 'complete "0"');
    eq(await db.exists(k.item('0'), k.lease('0')), 0, 'no P:item:0 / lease');
    const again = cLease(30, 'nonblock', 0); eq(again.id, a.id, 'real item'); C('complete', a.id);
    eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['duplicate add of one id (Legacy)', async () => {
    C('add', Buffer.from('d1').toString('hex'), 'X'); C('add', Buffer.from('d2').toString('hex'), 'X');
    eq(await lr(k.q), ['X', 'X'], 'Q'); eq(await db.get(k.item('X')), 'd2', 'D(X)');
    const l1 = cLease(30, 'nonblock', 0), l2 = cLease(30, 'nonblock', 0);
    eq([l1.id, l1.data.toString(), l2.id, l2.data.toString()], ['X', 'd2', 'X', 'd2'], 'leases');
    eq(await lr(k.pr), ['X', 'X'], 'Pr');
    eq(C('complete', 'X'), 'true', 'first'); eq(C('complete', 'X'), 'false', 'second');
    eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['profiles never mix lease key names', async () => {
    const id = C('add', '01'); cLease(30, 'block', 1);
    eq(await db.keys(`${P}:lease:*`), [], 'Legacy: no P:lease:*');
    eq((await db.keys(`${P}:leased_by_session:*`)).length, 1, 'Legacy lease key');
    C('complete', id);
    const v = ['--profile', 'v3'];
    const id3 = tool(v, P, 'add', '02'); cLease(30, 'block', 1, v);
    eq(await db.keys(`${P}:leased_by_session:*`), [], 'V3: no leased_by_session');
    eq(await db.keys(`${P}:lease:*`), [`${P}:lease:${id3}`], 'V3 lease key');
    eq(tool(v, P, 'complete', id3), 'true', 'V3 complete'); eq(await db.dbsize(), 0, 'DBSIZE');
  }],
  ['lease of 0 s is refused before popping', async () => {
    const it = new Item(tag2); await ts.addItem(db, it);
    let failed = false;
    try { C('lease', 0, 'block', 1); } catch (e) { failed = /at least 1 second/.test(String(e.stderr)); }
    expect(failed, 'C tool must fail naming the lease');
    eq(await lr(k.q), [it.id], 'Q unchanged'); eq(await lr(k.pr), [], 'Pr');
  }],
  ['payload golden vectors (C encoders = TS DataView encoders = spec)', async () => {
    const be = (v, len = 8) => { const b = Buffer.alloc(len); b.writeBigUInt64BE(BigInt(v), 0); return b; };
    const R = 1099511627776n;
    const tsVec = {
      'mapper 1 39': Buffer.concat([Buffer.from([1]), be(39)]),
      'mapper 2 5 1234': Buffer.concat([Buffer.from([2]), be(5), be(1234)]),
      'mapper 0 3 77': Buffer.concat([Buffer.from([0]), be(3), be(77)]),
      'mapper 3 9 8': Buffer.concat([Buffer.from([3]), be(9), be(8)]),
      'balance 0 3': be(3),
      'balance 0 1099511627776': be(R),
      'balance 5 1099511627776': be(R, 24),
      'balance 5 2': be(2),
    };
    for (const [spec, buf] of Object.entries(tsVec))
      eq(C('payload', ...spec.split(' ')), buf.toString('hex'), spec);
    eq(C('payload', 'mapper', 1, 39), '010000000000000027', 'spec: tag 1 depth 39');
    eq(C('payload', 'balance', 0, 3), '0000000000000003', 'spec: level 0 index 3');
    eq(C('payload', 'balance', 0, R), '0000010000000000', 'spec: zero task L0');
    eq(C('payload', 'balance', 1, R), '0000010000000000' + '00'.repeat(16), 'spec: zero task L>=1');
  }],
  ['wire transcript under MONITOR (Legacy)', async () => {
    let id, sess;
    const seen = {};
    seen.add = dataCmds(await monitored(async () => { id = C('add', tag2.toString('hex')); }));
    seen.lease = dataCmds(await monitored(async () => { cLease(30, 'block', 1); }));
    sess = await db.get(k.lease(id));
    seen.complete = dataCmds(await monitored(async () => { C('complete', id); }));
    seen.complete2 = dataCmds(await monitored(async () => { C('complete', id); }));
    seen.emptyBlock = dataCmds(await monitored(async () => { cLease(30, 'block', 1); }));
    seen.emptyNb = dataCmds(await monitored(async () => { cLease(30, 'nonblock', 0); }));
    const b = C('add', '62'); cLease(30, 'block', 1); await db.del(k.lease(b));
    seen.clean = dataCmds(await monitored(async () => { cClean(); }));
    eq(seen.add, [['SET', k.item(id), monRepr(tag2)], ['LPUSH', k.q, id]], 'add');
    eq(seen.lease, [['BRPOPLPUSH', k.q, k.pr, '1'], ['GET', k.item(id)], ['SETEX', k.lease(id), '30', sess]], 'lease');
    eq(seen.complete, [['LREM', k.pr, '0', id], ['DEL', k.item(id)], ['DEL', k.lease(id)]], 'complete');
    eq(seen.complete2, [['LREM', k.pr, '0', id]], 'second complete');
    eq(seen.emptyBlock, [['BRPOPLPUSH', k.q, k.pr, '1']], 'lease on empty (blocking)');
    eq(seen.emptyNb, [['RPOPLPUSH', k.q, k.pr]], 'lease on empty (non-blocking)');
    // Documented divergence: the per-id script needs no journal entry and
    // checks the data key before re-queueing.
    eq(seen.clean, [['LRANGE', k.pr, '0', '-1'], ['EXISTS', k.lease(b)], ['LREM', k.pr, '0', b],
      ['EXISTS', k.item(b)], ['RPUSH', k.q, b], ['LRANGE', k.cl, '0', '-1']], 'light clean');
  }],
  // The slow worker outlives its 2 s lease on every item (3.5 s): the
  // DendrETH cleaner, running every second, must hand each of its items to
  // another worker, so duplicates are certain whatever the machine's speed.
  ['soak: 200 items, 4 C workers (one always slower than its lease), DendrETH cleaner every 1 s and the C cleaner together', async () => {
    const pr = 'soak_queue'; const kk = K(pr); const wq = new WorkQueue(new KeyPrefix(pr));
    for (let i = 0; i < 200; i++) {
      const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(i)); await wq.addItem(db, new Item(b));
    }
    const workers = [0, 1, 2, 3].map(w => spawn(`${BIN}/bv_queue_worker`, ['--redis-port', String(PORT),
      '--queue', pr, '--kind', 'index', '--results', 'soak', '--lease', '2', '--pop-timeout', '1',
      '--max-seconds', '90', ...(w === 0 ? ['--slow-every', '1', '--slow-ms', '3500'] : [])],
      { stdio: ['ignore', 'inherit', 'inherit'] }));
    // The C cleaner runs at the same time as DendrETH's: both must coexist.
    const cCleaner = spawn(`${BIN}/light_cleaner`, ['--redis-port', String(PORT), '--queue', pr,
      '--clean-duration', '700'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exits = workers.map(p => new Promise(res => p.on('exit', code => res(code))));
    let done = false; const all = Promise.all(exits).then(c => { done = true; return c; });
    while (!done) { await dc(pr); await sleep(1000); }
    const codes = await all;
    cCleaner.kill('SIGTERM');
    await new Promise(res => cCleaner.on('exit', res));
    eq(codes, [0, 0, 0, 0], 'worker exit codes');
    eq(await lr(kk.q), [], 'Q'); eq(await lr(kk.pr), [], 'Pr');
    eq(await db.keys(`${pr}:item:*`), [], 'no item data left');
    eq(await db.get('soak:completed'), '200', 'completions that removed the id');
    for (let i = 0; i < 200; i++)
      eq(await db.get(`soak:${i}`), String((BigInt(i) * 2654435761n) & 0xffffffffn), `result ${i}`);
    const runs = Number(await db.get('soak:runs'));
    expect(runs > 200, `duplicates observed (runs ${runs})`);
    const failed = await lr(`${pr}:failed`);
    for (const f of failed) expect(/no item data/.test(JSON.parse(f).reason), `only orphans set aside: ${f}`);
    console.log(`    soak: ${runs} runs for 200 items, ${failed.length} orphan duplicates set aside`);
  }],
  ['balance queue prefixes 0..38 and light_cleaner covers them', async () => {
    const want = [...Array(39).keys()].map(l => `lido:balance_verification_queue:${l}`);
    eq(tool([], '-', 'keys', 'balance-queues', 'lido').split('\n'), want, 'prefixes');
    const ids = [];
    for (const l of [0, 17, 37, 38]) {
      const pr = `lido:balance_verification_queue:${l}`; const kk = K(pr);
      const id = tool([], pr, 'add', '0000000000000000'); ids.push([pr, id]);
      cLease(30, 'nonblock', 0, [], pr); await db.del(kk.lease(id));
    }
    const mp = new Item(tag2); await ts.addItem(db, mp); cLease(30, 'nonblock', 0); await db.del(k.lease(mp.id));
    execFileSync(`${BIN}/light_cleaner`, ['--redis-port', String(PORT), '--protocol', 'lido', '--run-once', '--clean-duration', '100'], { stdio: 'ignore' });
    for (const [pr, id] of ids) { eq(await lr(`${pr}:queue`), [id], `${pr} re-queued`); eq(await lr(`${pr}:processing`), [], `${pr} Pr`); }
    eq(await lr(k.q), [mp.id], 'mapper queue re-queued');
  }],
];

(async () => {
  let passed = 0, failed = 0;
  for (let i = 0; i < cases.length; i++) {
    const [name, fn] = cases[i];
    await db.flushall();
    try {
      await fn();
      console.log(`case ${i + 1} (${name}): ok`); passed++;
    } catch (e) {
      console.log(`case ${i + 1} (${name}): FAILED: ${e instanceof Fail ? e.message : e.stack}`); failed++;
    }
  }
  db.disconnect();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
