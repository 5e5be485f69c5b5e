// Binary handles against CPython's open() (the runner: helpers/oracle.ts): seeded random op
// scripts over every binary mode × buffering (raw, tiny buffers, default) × initial bytes; every
// op's outcome, what a second reader sees, and the final bytes must match. ORACLE_SEED replays a
// printed seed or, set to 'random', explores; ORACLE_SCRIPTS sets the count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng, seedFrom, type Rng } from './helpers';
import { describeMismatch, findMismatch, firstDifference, runOurs, runPython, type Arg, type Op, type Script } from './helpers/oracle';

const MODES = ['rb', 'br', 'wb', 'ab', 'xb', 'rb+', 'r+b', 'wb+', 'ab+', 'xb+', '+bw'] as const;
const BUFFERINGS = [0, 1, 2, 3, 7, 16, -1, undefined] as const;
const ALPHABET = Buffer.from('ab\n\n\r\x00\xff\xe9xyz\n');
const SCRIPTS = Number(process.env.ORACLE_SCRIPTS ?? 800);

function bytes(r: Rng, max: number): { b: string } {
  const n = r.int(0, max);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = r.pick([...ALPHABET]);
  return { b: out.toString('hex') };
}

function size(r: Rng): Arg {
  const k = r.int(0, 9);
  if (k === 0) return -1;
  if (k === 1) return 0;
  if (k <= 6) return r.int(1, 6);
  return r.int(7, 30);
}

function randomOp(r: Rng, raw: boolean): Op {
  const ops: Array<[number, () => Op]> = [
    [6, () => ['write', bytes(r, r.next() < 0.8 ? 6 : 24)]],
    [5, () => (r.next() < 0.15 ? ['read'] : ['read', size(r)])],
    [3, () => (r.next() < 0.5 ? ['readline'] : ['readline', size(r)])],
    [1, () => (r.next() < 0.5 ? ['readlines'] : ['readlines', r.int(0, 12)])],
    [2, () => ['readinto', r.int(0, 20)]],
    [4, () => ['seek', r.int(-4, 24), r.pick([0, 0, 1, 2])]],
    [3, () => ['tell']],
    [1, () => (r.next() < 0.5 ? ['truncate'] : ['truncate', r.int(0, 24)])],
    [2, () => ['flush']],
    [3, () => ['peer']],
    [1, () => ['writelines', [bytes(r, 4), bytes(r, 4)]]],
    [1, () => ['iter']],
    [1, () => ['attrs']],
  ];
  if (raw) ops.push([1, () => ['readall']]);
  else {
    ops.push([2, () => (r.next() < 0.2 ? ['read1'] : ['read1', size(r)])]);
    ops.push([2, () => (r.next() < 0.3 ? ['peek'] : ['peek', r.int(0, 8)])]);
  }
  const total = ops.reduce((s, [w]) => s + w, 0);
  let x = r.next() * total;
  for (const [w, make] of ops) {
    x -= w;
    if (x < 0) return make();
  }
  return ops[0][1]();
}

function randomScript(r: Rng, i: number): Script {
  // Cycle through mode × buffering so every pair is covered in every run.
  const mode = MODES[i % MODES.length];
  const buffering = BUFFERINGS[Math.floor(i / MODES.length) % BUFFERINGS.length];
  const raw = buffering === 0;
  const initial = r.next() < 0.2 ? { b: '' } : bytes(r, 30);
  const ops: Op[] = [['attrs']];
  const n = r.int(1, 24);
  for (let k = 0; k < n; k++) ops.push(randomOp(r, raw));
  if (r.next() < 0.1) ops.push(['close'], randomOp(r, raw), ['attrs']);
  return { mode, options: buffering === undefined ? {} : { buffering }, initial: initial.b, ops };
}

const SEED = seedFrom('ORACLE_SEED', 20261203);

test(`${SCRIPTS} random binary scripts behave exactly as CPython's open() (seed ${SEED})`, () => {
  const r = prng(SEED);
  const scripts = Array.from({ length: SCRIPTS }, (_, i) => randomScript(r, i));
  const mismatch = findMismatch('binary', scripts);
  if (mismatch !== null) assert.unreachable(describeMismatch(mismatch, SEED, 'ORACLE_SEED'));
});

test('the comparison sees a difference in one op, the final bytes and the open outcome', () => {
  const script: Script = {
    mode: 'rb+', options: { buffering: 3 }, initial: Buffer.from('abc\ndef').toString('hex'),
    ops: [['read', 2], ['write', { b: '5a' }], ['readline']],
  };
  const theirs = runPython('binary', [script])[0];
  const ours = runOurs('binary', script);
  assert.is(firstDifference(ours, theirs), null);
  assert.equal(theirs.ops[2], { ok: { b: Buffer.from('\n').toString('hex') } });
  assert.is(theirs.final, Buffer.from('abZ\ndef').toString('hex'));
  assert.is(firstDifference({ ...ours, ops: [ours.ops[0], { ok: 99 }, ours.ops[2]] }, theirs), 1);
  assert.is(firstDifference({ ...ours, final: '' }, theirs), 3);
  assert.is(firstDifference({ ...ours, open: { err: 'EEXIST' } }, theirs), -1);
});

test('append + read: read(-1) returns the buffered head taken before pending writes are flushed, as CPython', () => {
  // Seed 323567460's shrunk script: 'ab+' buffers a write after peek(); CPython's read(-1)
  // returns the read-ahead first, then flushes (the append lands at the end).
  const script: Script = {
    mode: 'ab+', options: { buffering: 1 }, initial: 'c3610ac30a00c379',
    ops: [['write', { b: 'bf0a00620d' }], ['write', { b: '790d6179' }],
      ['seek', 12, 0], ['peek'], ['write', { b: '007878' }],
      ['read', -1], ['seek', 12, 0], ['peek'],
      ['write', { b: '01' }], ['read', 3], ['tell']],
  };
  const theirs = runPython('binary', [script])[0];
  assert.is(firstDifference(runOurs('binary', script), theirs), null);
  assert.equal(theirs.ops[5], { ok: { b: '6179' } });
});

test.run();
