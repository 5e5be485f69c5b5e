// Differential testing against CPython's io, one runner for binary and text handles: the same op
// script runs through python3's open() on a /dev/shm file (oracle-driver.py, one process per
// batch) and through MemFile.open(); every op's outcome, what another reader sees, the close and
// the final bytes must match. A mismatch is shrunk (again against CPython) to a small script.
// A kind ('binary', 'text') says how an op runs on our handle; the scripts come from the suites
// (handles-oracle.test.ts, handles-text-oracle.test.ts).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { MemFile, type OpenOptions } from '../../ts/index';

/** An argument: {b: hex} is bytes; anything else is passed as is (numbers, strings, null, arrays). */
export type Arg = { b: string } | number | string | null | boolean | Arg[];
/** An op: its name, then its arguments. */
export type Op = [string, ...Arg[]];
export interface Script {
  mode: string;
  options: { buffering?: number; encoding?: string; errors?: string; newline?: string | null };
  /** hex */
  initial: string;
  ops: Op[];
}
/** A value: {b: hex} for bytes, JSON otherwise. */
export type Outcome = { ok: unknown } | { err: string; msg?: string };
export interface Result { open: Outcome; ops: Outcome[]; close?: Outcome; final: string }
export type Kind = 'binary' | 'text';

const DRIVER = path.join(__dirname, 'oracle-driver.py');
/** TextHandle cookies at or above this are opaque (not byte offsets). */
export const OPAQUE = 2 ** 52;

/** Runs every script through CPython in one python3 process. */
export function runPython(kind: Kind, scripts: Script[]): Result[] {
  const out = spawnSync('python3', [DRIVER], { input: JSON.stringify({ kind, scripts }), maxBuffer: 1 << 30, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`oracle-driver.py failed (${out.status}): ${out.stderr}`);
  return (JSON.parse(out.stdout) as { results: Result[] }).results;
}

function decodeArg(a: Arg): unknown {
  if (Array.isArray(a)) return a.map(decodeArg);
  if (a !== null && typeof a === 'object') return Buffer.from(a.b, 'hex');
  return a;
}

function encode(v: unknown): unknown {
  if (v instanceof Uint8Array) return { b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
  if (Array.isArray(v)) return v.map(encode);
  if (v === undefined) return null;
  return v;
}

function outcomeOf(error: unknown): Outcome {
  const e = error as { code?: string; message?: string };
  if (e.code === undefined) return { err: String(error) };
  if (e.code.startsWith('ERR_ENCODING_')) return { err: e.code, msg: e.message };
  return { err: e.code };
}

/** A handle of any class, called by method name as the script says. */
type AnyHandle = Record<string, unknown> & { close(): void };
type Method = (...args: unknown[]) => unknown;

const CLASS_NAMES: Record<string, string> = {
  RawHandle: 'FileIO', BufferedReader: 'BufferedReader', BufferedWriter: 'BufferedWriter',
  BufferedRandom: 'BufferedRandom', TextHandle: 'TextIOWrapper',
};

function binaryOp(h: AnyHandle, mf: MemFile, name: string, args: unknown[]): unknown {
  switch (name) {
    case 'peer': return mf.bytes();
    case 'attrs': return [h.mode, h.readable, h.writable, h.seekable, h.closed, CLASS_NAMES[h.constructor.name]];
    case 'readinto': {
      const buf = Buffer.alloc(args[0] as number);
      const n = (h.readinto as Method)(buf) as number;
      return [n, buf.subarray(0, n)];
    }
    case 'iter': return [...(h as unknown as Iterable<unknown>)];
    default:
      if (typeof h[name] !== 'function') throw Object.assign(new Error(`no method ${name}`), { code: 'EBADF' });
      return (h[name] as Method)(...args);
  }
}

const showCookie = (c: number): number | string => (c >= OPAQUE ? 'opaque' : c);

/** Text ops (see oracle-driver.py); `tells` holds this script's tell() cookies for seek_tell. */
function textOp(h: AnyHandle, mf: MemFile, name: string, args: unknown[], tells: Array<number | null>): unknown {
  const call = (method: string, ...a: unknown[]): unknown => (h[method] as Method)(...a);
  switch (name) {
    case 'tell': {
      let cookie: number;
      try {
        cookie = call('tell') as number;
      } catch (error) {
        tells.push(null);
        throw error;
      }
      tells.push(cookie);
      return showCookie(cookie);
    }
    case 'seek_tell': {
      const cookie = tells[args[0] as number];
      if (cookie === null || cookie === undefined) return 'no cookie';
      return showCookie(call('seek', cookie) as number);
    }
    case 'seek': return showCookie(call('seek', ...args) as number);
    case 'newlines': return h.newlines;
    case 'peer': return mf.bytes().toString('hex');
    case 'write': case 'read': case 'readline': case 'readlines': case 'truncate': case 'flush':
      return call(name, ...args);
    default: throw new Error(`unknown op ${name}`);
  }
}

/** Runs one script through MemFile.open(); same Result shape as the driver. */
export function runOurs(kind: Kind, script: Script): Result {
  const mf = MemFile.from(Buffer.from(script.initial, 'hex'));
  const result: Result = { open: { ok: null }, ops: [], final: '' };
  try {
    let h: AnyHandle | null = null;
    try {
      h = mf.open(script.mode, script.options as OpenOptions) as unknown as AnyHandle;
    } catch (error) {
      result.open = outcomeOf(error);
    }
    if (h !== null) {
      const tells: Array<number | null> = [];
      for (const [name, ...raw] of script.ops) {
        const args = raw.map(decodeArg);
        try {
          result.ops.push({ ok: encode(kind === 'binary' ? binaryOp(h, mf, name, args) : textOp(h, mf, name, args, tells)) });
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

/** -1 for open, i for the first differing op, ops.length for close/final bytes; null when equal. */
export function firstDifference(ours: Result, theirs: Result): number | null {
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  if (!same(ours.open, theirs.open)) return -1;
  const n = Math.max(ours.ops.length, theirs.ops.length);
  for (let i = 0; i < n; i++) if (!same(ours.ops[i], theirs.ops[i])) return i;
  if (!same(ours.close, theirs.close) || ours.final !== theirs.final) return n;
  return null;
}

/** Smaller scripts: one op less, a long text write halved, the initial bytes gone or halved. */
function candidatesOf(s: Script): Script[] {
  const out = s.ops.map((_, i) => ({ ...s, ops: s.ops.filter((__, j) => j !== i) }));
  s.ops.forEach((op, i) => {
    if (op[0] === 'write' && typeof op[1] === 'string' && op[1].length > 16) {
      const shorter: Op = ['write', op[1].slice(Math.floor(op[1].length / 2))];
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

/** Shrinks a failing script while a smaller one still fails; one python3 run per round. */
export function shrink(kind: Kind, script: Script): Script {
  let current = script;
  for (let round = 0; round < 200; round++) {
    const candidates = candidatesOf(current);
    if (candidates.length === 0) return current;
    const theirs = runPython(kind, candidates);
    const next = candidates.find((c, i) => firstDifference(runOurs(kind, c), theirs[i]) !== null);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

export interface Mismatch { kind: Kind; index: number; script: Script; ours: Result; theirs: Result; at: number }

/** Runs all scripts both ways; the first mismatch (shrunk), or null. */
export function findMismatch(kind: Kind, scripts: Script[]): Mismatch | null {
  const theirs = runPython(kind, scripts);
  for (let i = 0; i < scripts.length; i++) {
    if (firstDifference(runOurs(kind, scripts[i]), theirs[i]) !== null) {
      const small = shrink(kind, scripts[i]);
      const smallOurs = runOurs(kind, small);
      const smallTheirs = runPython(kind, [small])[0];
      return { kind, index: i, script: small, ours: smallOurs, theirs: smallTheirs, at: firstDifference(smallOurs, smallTheirs) ?? -2 };
    }
  }
  return null;
}

const clip = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 200)}…(${s.length} chars)…${s.slice(-200)}` : s;
};

/** A readable report: the seed and how to replay it, the script, then each op with both outcomes. */
export function describeMismatch(m: Mismatch, seed: number, seedEnv: string): string {
  const where = m.at === -1 ? 'open' : m.at === m.script.ops.length ? 'close/final bytes' : `op ${m.at}`;
  const lines = [
    `${seedEnv}=${seed}, script ${m.index}: smallest failing script (first difference at ${where}):`,
    `  open(${JSON.stringify(m.script.mode)}, ${JSON.stringify(m.script.options)}) over ${m.script.initial.length / 2} bytes: ${clip(m.script.initial)} (hex)`,
    `  open -> ours ${JSON.stringify(m.ours.open)} python ${JSON.stringify(m.theirs.open)}`,
  ];
  m.script.ops.forEach((op, i) => {
    lines.push(`  ${i}: ${clip(op)} -> ours ${clip(m.ours.ops[i])} python ${clip(m.theirs.ops[i])}`);
  });
  lines.push(`  close: ours ${JSON.stringify(m.ours.close)} python ${JSON.stringify(m.theirs.close)}`);
  lines.push(`  final: ours ${clip(m.ours.final)}`);
  lines.push(`      python ${clip(m.theirs.final)}`);
  return lines.join('\n');
}
