// Differential testing against CPython: the same op script runs through
// python3's open() on a /dev/shm file (oracle-driver.py, one process per batch)
// and through MemFile.open(); per-op outcomes and the final bytes must match.
// Mode-agnostic: binary and text suites share it (see README of this file's
// exports below).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { MemFile, type OpenOptions } from '../../ts/index';

/** An argument: {b: hex} is bytes; anything else is passed as is (numbers, strings, null, arrays). */
export type Arg = { b: string } | number | string | null | boolean | Arg[];
export interface Op { op: string; args?: Arg[] }
export interface Script {
  mode: string;
  options: { buffering?: number; encoding?: string; errors?: string; newline?: string | null };
  /** hex */
  initial: string;
  ops: Op[];
}
/** A value: {b: hex} for bytes, JSON otherwise. */
export type Outcome = { ok: unknown } | { err: string };
export interface Result { open: Outcome; ops: Outcome[]; final: string; closeError?: string }

const DRIVER = path.join(__dirname, 'oracle-driver.py');

/** Runs every script through CPython in one python3 process. */
export function runPython(scripts: Script[]): Result[] {
  const out = spawnSync('python3', [DRIVER], {
    input: JSON.stringify({ scripts }),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandle = any;

const CLASS_NAMES: Record<string, string> = {
  RawHandle: 'FileIO', BufferedReader: 'BufferedReader', BufferedWriter: 'BufferedWriter',
  BufferedRandom: 'BufferedRandom', TextHandle: 'TextIOWrapper',
};

function runOp(h: AnyHandle, mf: MemFile, op: string, args: unknown[]): unknown {
  switch (op) {
    case 'peer': return mf.bytes();
    case 'attrs': return [h.mode, h.readable, h.writable, h.seekable, h.closed, CLASS_NAMES[h.constructor.name]];
    case 'readinto': {
      const buf = Buffer.alloc(args[0] as number);
      const n = h.readinto(buf) as number;
      return [n, buf.subarray(0, n)];
    }
    case 'iter': return [...h];
    default:
      if (typeof h[op] !== 'function') throw Object.assign(new Error(`no method ${op}`), { code: 'EBADF' });
      return h[op](...args);
  }
}

/** Runs one script through MemFile.open(); same Result shape as the driver. */
export function runOurs(script: Script): Result {
  const mf = MemFile.from(Buffer.from(script.initial, 'hex'));
  const result: Result = { open: { ok: null }, ops: [], final: '' };
  try {
    let h: AnyHandle;
    try {
      h = mf.open(script.mode, script.options as OpenOptions);
    } catch (e) {
      result.open = { err: (e as { code?: string }).code ?? String(e) };
      h = null;
    }
    if (h !== null) {
      for (const step of script.ops) {
        try {
          result.ops.push({ ok: encode(runOp(h, mf, step.op, (step.args ?? []).map(decodeArg))) });
        } catch (e) {
          result.ops.push({ err: (e as { code?: string }).code ?? String(e) });
        }
      }
      try {
        h.close();
      } catch (e) {
        result.closeError = (e as { code?: string }).code ?? String(e);
      }
    }
    result.final = mf.bytes().toString('hex');
  } finally {
    mf.close();
  }
  return result;
}

/** Index of the first op whose outcome differs, -1 for open, ops.length for final bytes/close; null when equal. */
export function firstDifference(ours: Result, theirs: Result): number | null {
  if (JSON.stringify(ours.open) !== JSON.stringify(theirs.open)) return -1;
  const n = Math.max(ours.ops.length, theirs.ops.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(ours.ops[i]) !== JSON.stringify(theirs.ops[i])) return i;
  }
  if (ours.final !== theirs.final || ours.closeError !== theirs.closeError) return n;
  return null;
}

/** Drops ops (and then the initial bytes) while the script still fails; one python3 run per round. */
export function shrink(script: Script): Script {
  let current = script;
  for (;;) {
    const candidates: Script[] = current.ops.map((_, i) => ({ ...current, ops: current.ops.filter((_, j) => j !== i) }));
    if (current.initial !== '') candidates.push({ ...current, initial: '' });
    if (candidates.length === 0) return current;
    const theirs = runPython(candidates);
    const next = candidates.find((c, i) => firstDifference(runOurs(c), theirs[i]) !== null);
    if (next === undefined) return current;
    current = next;
  }
}

export interface Mismatch { script: Script; ours: Result; theirs: Result; at: number }

/** Runs all scripts both ways; returns the first mismatch (already shrunk) or null. */
export function compareAll(scripts: Script[]): Mismatch | null {
  const theirs = runPython(scripts);
  for (let i = 0; i < scripts.length; i++) {
    const ours = runOurs(scripts[i]);
    if (firstDifference(ours, theirs[i]) !== null) {
      const small = shrink(scripts[i]);
      const smallOurs = runOurs(small);
      const smallTheirs = runPython([small])[0];
      return { script: small, ours: smallOurs, theirs: smallTheirs, at: firstDifference(smallOurs, smallTheirs) ?? -2 };
    }
  }
  return null;
}

/** A readable report of a mismatch: the script, then each op with both outcomes. */
export function describeMismatch(m: Mismatch, seed: number): string {
  const lines = [`seed ${seed}: smallest failing script (first difference at ${m.at === -1 ? 'open' : m.at === m.script.ops.length ? 'final bytes/close' : `op ${m.at}`}):`,
    `  open(${JSON.stringify(m.script.mode)}, ${JSON.stringify(m.script.options)}) over ${JSON.stringify(m.script.initial)} (hex)`,
    `  open -> ours ${JSON.stringify(m.ours.open)} python ${JSON.stringify(m.theirs.open)}`];
  m.script.ops.forEach((op, i) => {
    lines.push(`  ${i}: ${op.op}(${(op.args ?? []).map((a) => JSON.stringify(a)).join(', ')}) -> ours ${JSON.stringify(m.ours.ops[i])} python ${JSON.stringify(m.theirs.ops[i])}`);
  });
  lines.push(`  final: ours ${m.ours.final} python ${m.theirs.final}; close error ours ${m.ours.closeError} python ${m.theirs.closeError}`);
  return lines.join('\n');
}

/**
 * The seed of a random oracle run: fixed by default so CI is reproducible; a number from the
 * environment replays a run, 'random' explores new scripts (printed on failure either way).
 */
export function oracleSeed(env: string | undefined, fixed: number): number {
  if (env === 'random') return Math.floor(Math.random() * 1e9);
  if (env !== undefined && env !== '') return Number(env);
  return fixed;
}

/** mulberry32: a small seeded PRNG so a failing seed reproduces. */
export function prng(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)] };
}
