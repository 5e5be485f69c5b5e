// TextHandle against CPython's TextIOWrapper (the runner: helpers/oracle.ts): seeded random op
// scripts over every text mode × encoding × errors × newline combination (buffering incl. line
// buffering and tiny buffers random), initial bytes with \r\n, lone \r, a \r or a multi-byte
// character on the 8 KiB chunk boundary, non-ASCII and invalid data. Every op's outcome (tell()
// cookies as oracle-driver.py explains), what another reader sees, the close and the final bytes
// must match. A failure prints the seed and the smallest failing script; TEXT_ORACLE_SEED replays
// it or, set to 'random', explores; TEXT_ORACLE_SCRIPTS sets the count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng, seedFrom, type Rng } from './helpers';
import { describeMismatch, findMismatch, type Op, type Script } from './helpers/oracle';

// ---- the generator ----

const ENCODINGS = ['utf-8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'latin-1', 'ascii', 'cp1252'] as const;
const NEWLINES = [null, '', '\n', '\r', '\r\n'] as const;
const ERRORS = ['strict', 'replace', 'ignore'] as const;
const MODES = ['r', 'r+', 'w', 'w+', 'a', 'a+', 'x+', 'rt'] as const;
const BUFFERINGS = [undefined, undefined, -1, 1, 1, 2, 3, 7, 64] as const;
const PIECES = ['a', 'b', 'xyz', 'hello', ' ', '\t', '\n', '\n', '\r', '\r\n', '\r\n', '\r\r\n', 'é', 'ÿ', '€', '中', '\u0085', '\u2028', '\x00', '\ufffd', '\u0160'];
const ASTRAL = ['😀', '𝄞'];
// (never a complete astral character: lengths count code points in Python, UTF-16 units here)
const BAD_BYTES = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x41], [0x00], [0xfe, 0xff], [0x0d], [0x81], [0x9d]];

function text(r: Rng, pieces: number, astral: boolean): string {
  let s = '';
  for (let i = 0; i < pieces; i++) s += astral && r.next() < 0.15 ? r.pick(ASTRAL) : r.pick(PIECES);
  return s;
}

function utf16(s: string, be: boolean): Buffer {
  const b = Buffer.from(s, 'utf16le');
  return be ? b.swap16() : b;
}

/** The script's encoding of s, as a file written by someone else might hold it. */
function encodeInitial(r: Rng, s: string, encoding: string, bom: boolean): Buffer {
  switch (encoding) {
    case 'utf-8': return Buffer.from(s, 'utf8');
    case 'utf-8-sig': return Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(s, 'utf8')]);
    case 'utf-16': {
      const k = r.next();
      if (k < 0.45) return Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(s, false)]);
      if (k < 0.9) return Buffer.concat([Buffer.from([0xfe, 0xff]), utf16(s, true)]);
      return utf16(s, false); // no BOM: CPython's error path
    }
    case 'utf-16-le': return utf16(s, false);
    case 'utf-16-be': return utf16(s, true);
    case 'latin-1': return Buffer.from(s.replace(/[^\x00-\xff]/gu, '?'), 'latin1');
    case 'cp1252': return Buffer.from(s.replace(/[^\x00-\x7f\xa0-\xff]/gu, (c) => CP1252[c] ?? '?'), 'latin1');
    default: return Buffer.from(r.next() < 0.5 ? s.replace(/[^\x00-\x7f]/gu, '') : s.replace(/[^\x00-\xff]/gu, '?'), 'latin1');
  }
}

function corrupt(r: Rng, b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let k = r.int(1, 3); k > 0; k--) {
    const cut = r.int(at, b.length);
    parts.push(b.subarray(at, cut), Buffer.from(r.pick(BAD_BYTES)));
    at = cut;
  }
  parts.push(b.subarray(at));
  return Buffer.concat(parts);
}

/** Content where `special` straddles the 8192-byte chunk boundary (a '\r' before its '\n', a split character). */
function boundary(r: Rng, encoding: string, astral: boolean): Buffer {
  const specials = ['\r\n', '\r', '\r\r\n', 'é', '€', '\n', ...(astral ? ASTRAL : [])];
  const special = r.pick(specials);
  const wide = encoding.startsWith('utf-16');
  const enc = (s: string): Buffer => (wide ? utf16(s, encoding === 'utf-16-be') : Buffer.from(s, encoding === 'latin-1' || encoding === 'ascii' || encoding === 'cp1252' ? 'latin1' : 'utf8'));
  const head = encoding === 'utf-16' ? Buffer.from([0xff, 0xfe]) : encoding === 'utf-8-sig' ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0);
  const s = enc(special);
  const split = r.int(0, s.length);
  const w = wide ? 2 : 1;
  let padBytes = 8192 - split - head.length;
  padBytes -= padBytes % w;
  const padChars = padBytes / w;
  let pad = '';
  while (pad.length < padChars) pad += 'x'.repeat(Math.min(r.int(20, 90), padChars - pad.length - 1)) + '\n';
  pad = pad.slice(0, padChars);
  return Buffer.concat([head, enc(pad), s, enc(text(r, r.int(0, 6), false))]);
}

function initialFor(r: Rng, encoding: string, astral: boolean): Buffer {
  const k = r.next();
  if (k < 0.1) return Buffer.alloc(0);
  let b = k < 0.25 ? boundary(r, encoding, astral) : encodeInitial(r, text(r, r.int(1, 24), astral), encoding, r.next() < 0.7);
  if (r.next() < 0.2) b = corrupt(r, b);
  return b;
}

// A few cp1252 characters above 0x7f outside latin-1 (as the bytes that encode them).
const CP1252: Record<string, string> = { '€': '\x80', '\u0160': '\x8a', '\u2026': '\x85' };

function writeText(r: Rng, astral: boolean): string {
  if (r.next() < 0.06) return ''; // write(''): a BOM at the start of utf-16 / utf-8-sig
  let s = text(r, r.int(1, 6), astral);
  if (r.next() < 0.08) s += '\ud800'; // lone surrogate: unencodable everywhere
  if (r.next() < 0.05) s = 'z'.repeat(r.int(3000, 9000)) + s; // crosses the 8 KiB pending limit
  return s;
}

function randomOp(r: Rng, astral: boolean, big: boolean, tells: number): Op {
  const counts = astral ? [-1] : [-1, 0, 1, 2, 3, 5, 8, 20, 100, ...(big ? [4000, 8190, 9000] : [])];
  const ops: Array<[number, () => Op]> = [
    [5, () => ['write', writeText(r, astral)]],
    [5, () => ['read', r.pick(counts)]],
    [5, () => ['readline', r.next() < 0.6 ? -1 : r.pick(astral ? [-1] : [0, 1, 2, 3, 7, 50])]],
    [1, () => ['readlines', r.pick(astral ? [-1, 0] : [-1, 0, 1, 5, 20])]],
    [4, () => ['tell']],
    [tells > 0 ? 4 : 0, () => ['seek_tell', r.int(0, tells - 1)]],
    [2, () => {
      const k = r.int(0, 6);
      if (k === 0) return ['seek', 0, 2];
      if (k === 1) return ['seek', 0, 1];
      if (k === 2) return ['seek', r.pick([3, 2]), r.pick([1, 2])];
      if (k === 3) return ['seek', -1, 0];
      return ['seek', r.int(0, 12), 0];
    }],
    [1, () => ['truncate', r.next() < 0.5 ? null : r.int(0, 20)]],
    [1, () => ['flush']],
    [1, () => ['newlines']],
    [2, () => ['peer']],
  ];
  const total = ops.reduce((n, [w]) => n + w, 0);
  let x = r.next() * total;
  for (const [w, make] of ops) {
    if (x < w) return make();
    x -= w;
  }
  return ['tell'];
}

/** One script per (mode, encoding, errors, newline) combination, cycling; buffering and content random. */
export function generateScripts(seed: number, count: number): Script[] {
  const r = prng(seed);
  const scripts: Script[] = [];
  for (let i = 0; i < count; i++) {
    let c = i;
    const mode = MODES[c % MODES.length];
    c = Math.floor(c / MODES.length);
    const encoding = ENCODINGS[c % ENCODINGS.length];
    c = Math.floor(c / ENCODINGS.length);
    const errors = ERRORS[c % ERRORS.length];
    c = Math.floor(c / ERRORS.length);
    const newline = NEWLINES[c % NEWLINES.length];
    const astral = r.next() < 0.12;
    const initial = mode.startsWith('x') ? Buffer.alloc(0) : initialFor(r, encoding, astral);
    const big = initial.length > 4096;
    const ops: Op[] = [];
    let tells = 0;
    for (let k = r.int(3, 14); k > 0; k--) {
      const op = randomOp(r, astral, big, tells);
      if (op[0] === 'tell') tells++;
      ops.push(op);
    }
    const buffering = r.pick(BUFFERINGS);
    scripts.push({
      mode,
      options: { ...(buffering === undefined ? {} : { buffering }), encoding, errors, newline },
      initial: initial.toString('hex'),
      ops,
    });
  }
  return scripts;
}

const COMBINATIONS = MODES.length * ENCODINGS.length * ERRORS.length * NEWLINES.length;
const SCRIPTS = Number(process.env.TEXT_ORACLE_SCRIPTS ?? COMBINATIONS);
const SEED = seedFrom('TEXT_ORACLE_SEED', 20261203);

test(`${SCRIPTS} random text scripts match CPython (seed ${SEED})`, () => {
  const mismatch = findMismatch('text', generateScripts(SEED, SCRIPTS));
  if (mismatch !== null) assert.unreachable(describeMismatch(mismatch, SEED, 'TEXT_ORACLE_SEED'));
});

test('the generator covers every combination and the interesting content', () => {
  const scripts = generateScripts(1, COMBINATIONS);
  const combos = new Set(scripts.map((s) => `${s.mode}|${s.options.encoding}|${s.options.errors}|${s.options.newline}`));
  assert.is(combos.size, COMBINATIONS);
  const has = (pred: (b: Buffer) => boolean): boolean => scripts.some((s) => pred(Buffer.from(s.initial, 'hex')));
  assert.ok(has((b) => b.length > 8192 && b[8191] === 0x0d), 'a \\r as the last byte of the first chunk');
  assert.ok(has((b) => b.includes(Buffer.from('\r\n'))), '\\r\\n');
  assert.ok(has((b) => /\r[^\n]/.test(b.toString('latin1'))), 'a lone \\r');
  assert.ok(has((b) => b.includes(Buffer.from([0xff]))), 'invalid bytes');
  const ops = new Set(scripts.flatMap((s) => s.ops.map((o) => o[0])));
  for (const op of ['write', 'read', 'readline', 'readlines', 'tell', 'seek_tell', 'seek', 'truncate', 'flush', 'newlines', 'peer']) {
    assert.ok(ops.has(op), op);
  }
  const bufferings = new Set(scripts.map((s) => s.options.buffering));
  for (const b of [undefined, 1, 2, 3, 7]) assert.ok(bufferings.has(b), `buffering ${b}`);
});

test.run();
