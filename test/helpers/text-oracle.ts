// Differential testing of TextHandle against CPython's TextIOWrapper: seeded random op
// scripts run through python3's open() on /dev/shm files (text-oracle-driver.py, one
// process per batch) and through MemFile.open(); every op's outcome, what another reader
// sees, the close and the final bytes must match. Cookies are compared as the driver
// explains: equal when Python's is a byte offset, otherwise both "opaque", and then by
// what seeking back to them does.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { MemFile } from '../../ts/index';
import type { TextHandle } from '../../ts/handles/text';
import { prng } from './oracle-runner';

export type TextOp = [string, ...Array<string | number | null>];
export interface TextScript {
  mode: string;
  options: { buffering?: number; encoding: string; errors: string; newline: string | null };
  initial: string;
  ops: TextOp[];
}
export type Outcome = { ok: unknown } | { err: string; msg?: string };
export interface TextResult { open: Outcome; ops: Outcome[]; close?: Outcome; final: string }

const DRIVER = path.join(__dirname, 'text-oracle-driver.py');
const OPAQUE = 2 ** 52;

export function runPythonText(scripts: TextScript[]): TextResult[] {
  const out = spawnSync('python3', [DRIVER], { input: JSON.stringify({ scripts }), maxBuffer: 1 << 30, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`text-oracle-driver.py failed (${out.status}): ${out.stderr}`);
  return (JSON.parse(out.stdout) as { results: TextResult[] }).results;
}

function outcomeOf(error: unknown): Outcome {
  const e = error as { code?: string; message?: string };
  if (e.code === undefined) return { err: String(error) };
  if (e.code.startsWith('ERR_ENCODING_')) return { err: e.code, msg: e.message };
  return { err: e.code };
}

const showCookie = (c: number): number | string => (c >= OPAQUE ? 'opaque' : c);

function runOp(h: TextHandle, mf: MemFile, tells: Array<number | null>, op: TextOp): unknown {
  const [name, a, b] = op;
  switch (name) {
    case 'write': return h.write(a as string);
    case 'read': return h.read(a as number);
    case 'readline': return h.readline(a as number);
    case 'readlines': return h.readlines(a as number);
    case 'tell': {
      let cookie: number;
      try {
        cookie = h.tell();
      } catch (error) {
        tells.push(null);
        throw error;
      }
      tells.push(cookie);
      return showCookie(cookie);
    }
    case 'seek_tell': {
      const cookie = tells[a as number];
      if (cookie === null || cookie === undefined) return 'no cookie';
      return showCookie(h.seek(cookie));
    }
    case 'seek': return showCookie(h.seek(a as number, b as 0 | 1 | 2));
    case 'truncate': return h.truncate(a as number | null);
    case 'flush': return h.flush() ?? null;
    case 'newlines': return h.newlines;
    case 'peer': return mf.bytes().toString('hex');
    default: throw new Error(`unknown op ${name}`);
  }
}

export function runOursText(script: TextScript): TextResult {
  const mf = MemFile.from(Buffer.from(script.initial, 'hex'));
  const result: TextResult = { open: { ok: null }, ops: [], final: '' };
  try {
    let h: TextHandle | null = null;
    try {
      h = mf.open(script.mode as 'r', script.options as never) as TextHandle;
    } catch (error) {
      result.open = outcomeOf(error);
    }
    if (h !== null) {
      const tells: Array<number | null> = [];
      for (const op of script.ops) {
        try {
          const value = runOp(h, mf, tells, op);
          result.ops.push({ ok: value === undefined ? null : value });
        } catch (error) {
          result.ops.push(outcomeOf(error));
        }
      }
      try {
        h.close();
        result.close = { ok: null };
      } catch (error) {
        result.close = outcomeOf(error);
      }
    }
    result.final = mf.bytes().toString('hex');
  } finally {
    mf.close();
  }
  return result;
}

/** -1 open, i the first differing op, ops.length close/final bytes; null when equal. */
export function firstTextDifference(ours: TextResult, theirs: TextResult): number | null {
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  if (!same(ours.open, theirs.open)) return -1;
  const n = Math.max(ours.ops.length, theirs.ops.length);
  for (let i = 0; i < n; i++) if (!same(ours.ops[i], theirs.ops[i])) return i;
  if (!same(ours.close, theirs.close) || ours.final !== theirs.final) return n;
  return null;
}

function candidatesOf(s: TextScript): TextScript[] {
  const out = s.ops.map((_, i) => ({ ...s, ops: s.ops.filter((__, j) => j !== i) }));
  s.ops.forEach((op, i) => {
    if (op[0] === 'write' && (op[1] as string).length > 16) {
      const text = op[1] as string;
      const shorter: TextOp = ['write', text.slice(Math.floor(text.length / 2))];
      out.push({ ...s, ops: s.ops.map((o, j) => (j === i ? shorter : o)) });
    }
  });
  const bytes = s.initial.length / 2;
  if (bytes > 0) {
    const half = Math.floor(bytes / 2) * 2;
    out.push({ ...s, initial: '' }, { ...s, initial: s.initial.slice(0, half) }, { ...s, initial: s.initial.slice(half) });
  }
  return out;
}

/** Smaller scripts (fewer ops, fewer initial bytes) while one still fails; one python3 run per round. */
export function shrinkText(script: TextScript): TextScript {
  let current = script;
  for (let round = 0; round < 200; round++) {
    const candidates = candidatesOf(current);
    if (candidates.length === 0) return current;
    const theirs = runPythonText(candidates);
    const next = candidates.find((c, i) => firstTextDifference(runOursText(c), theirs[i]) !== null);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

const clip = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 200)}…(${s.length} chars)…${s.slice(-200)}` : s;
};

export function describeText(script: TextScript, seed: number, index: number): string {
  const ours = runOursText(script);
  const theirs = runPythonText([script])[0];
  const at = firstTextDifference(ours, theirs);
  const lines = [
    `seed ${seed}, script ${index}: smallest failing script (first difference at ${at === -1 ? 'open' : at === script.ops.length ? 'close/final bytes' : `op ${at}`}):`,
    `  open(${JSON.stringify(script.mode)}, ${JSON.stringify(script.options)}) over ${script.initial.length / 2} bytes: ${clip(script.initial)}`,
    `  open -> ours ${JSON.stringify(ours.open)} python ${JSON.stringify(theirs.open)}`,
  ];
  script.ops.forEach((op, i) => {
    lines.push(`  ${i}: ${clip(op)} -> ours ${clip(ours.ops[i])} python ${clip(theirs.ops[i])}`);
  });
  lines.push(`  close: ours ${JSON.stringify(ours.close)} python ${JSON.stringify(theirs.close)}`);
  lines.push(`  final: ours ${clip(ours.final)}`);
  lines.push(`      python ${clip(theirs.final)}`);
  return lines.join('\n');
}

// ---- the generator ----

export const ENCODINGS = ['utf-8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'latin-1', 'ascii', 'cp1252'] as const;
export const NEWLINES = [null, '', '\n', '\r', '\r\n'] as const;
export const ERRORS = ['strict', 'replace', 'ignore'] as const;
export const MODES = ['r', 'r+', 'w', 'w+', 'a', 'a+', 'x+', 'rt'] as const;
const BUFFERINGS = [undefined, undefined, -1, 1, 1, 2, 3, 7, 64] as const;
const PIECES = ['a', 'b', 'xyz', 'hello', ' ', '\t', '\n', '\n', '\r', '\r\n', '\r\n', '\r\r\n', 'é', 'ÿ', '€', '中', '\u0085', '\u2028', '\x00', '\ufffd', '\u0160'];
const ASTRAL = ['😀', '𝄞'];
// (never a complete astral character: lengths count code points in Python, UTF-16 units here)
const BAD_BYTES = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x41], [0x00], [0xfe, 0xff], [0x0d], [0x81], [0x9d]];

type Rng = ReturnType<typeof prng>;

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

function randomOp(r: Rng, astral: boolean, big: boolean, tells: number): TextOp {
  const counts = astral ? [-1] : [-1, 0, 1, 2, 3, 5, 8, 20, 100, ...(big ? [4000, 8190, 9000] : [])];
  const ops: Array<[number, () => TextOp]> = [
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
export function generateTextScripts(seed: number, count: number): TextScript[] {
  const r = prng(seed);
  const scripts: TextScript[] = [];
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
    const ops: TextOp[] = [];
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
