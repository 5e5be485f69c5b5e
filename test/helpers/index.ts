// The helpers every suite shares: errors with their codes, this process's fds and mappings,
// child processes, and seeded randomness. One copy of each; suites import from './helpers'
// (fixtures from '../helpers'). The CPython oracles have their own module (./oracle.ts).
import { spawnSync, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as assert from 'uvu/assert';

// ---- errors ----

/** What `fn` threw, or undefined when it returned. */
export function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The `code` of what `fn` threw (its text when it has none), or 'ok' when it returned. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'ok';
}

/** assert.throws with the two things every error here promises: its class and its code. */
export function throwsCode(fn: () => unknown, Class: new (...args: never[]) => Error, code: string, label?: string): Error {
  const caught = errorOf(fn);
  const what = label ?? fn.toString().slice(0, 80);
  assert.ok(caught !== undefined, `expected ${code} from ${what}, nothing thrown`);
  assert.ok(caught instanceof Class, `expected ${Class.name} from ${what}, got ${String(caught)}`);
  assert.is((caught as { code?: string }).code, code, `code for ${what}: ${String(caught)}`);
  return caught as Error;
}

/** throwsCode for a promise: it must reject with `Class` and `code`. */
export async function rejectsCode(promise: Promise<unknown>, Class: new (...args: never[]) => Error, code: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${String(error)}`);
    assert.is((error as { code?: string }).code, code, String(error));
    return error as Error;
  }
  assert.unreachable(`expected a rejection with ${code}`);
  throw new Error('unreachable');
}

/** The first stack frame of an error (to check that it points at the caller's line). */
export const firstFrame = (e: Error): string => e.stack!.split('\n').find((l) => l.startsWith('    at '))!;

/** The hostile values every parameter is tried with (the bad-input matrix, open-validation): [label, value]. */
export const HOSTILE_VALUES: ReadonlyArray<[string, () => unknown]> = [
  ['-1', () => -1],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['0.5', () => 0.5],
  ['2**53', () => 2 ** 53],
  ['2**52', () => 2 ** 52],
  ["'1'", () => '1'],
  ['null', () => null],
  ['{}', () => ({})],
  ['[]', () => []],
  ['Symbol()', () => Symbol('x')],
  ['1n', () => 1n],
  ['undefined', () => undefined],
];

// ---- this process: fds, mappings, garbage ----

export function fdCount(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** The fd's open flags as the kernel reports them (/proc/self/fdinfo). */
export function fdFlags(fd: number): number {
  const m = /^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  return parseInt(m![1], 8);
}

/** Every fd of this process on a memfd or a /dev/shm file (fd → link); Node's own fds come and go. */
export function blockFds(prefixes: readonly string[] = ['/memfd:', '/dev/shm/']): Map<number, string> {
  const out = new Map<number, string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const link = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (prefixes.some((p) => link.startsWith(p))) out.set(Number(fd), link);
    } catch {
      // the directory's own fd, closed by now
    }
  }
  return out;
}

/** Mappings of this process whose name contains `fragment` (a memfd by default). */
export function mapCount(fragment = '/memfd:'): number {
  return fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.includes(fragment)).length;
}

export const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20;

/** Runs the garbage collector (the suite runs with --expose-gc) and lets finalizers run. */
export async function settle(rounds = 6): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (scripts/run-tests.js passes it)');
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// ---- children ----

export const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', name);

/** Runs a TypeScript file (through tsx) in a Node child. */
export function nodeTs(file: string, args: string[] = [], options: SpawnSyncOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', timeout: 60_000, ...options }) as SpawnSyncReturns<string>;
}

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

// ---- seeded randomness ----
// Every random test runs from a fixed seed by default, so a failure replays; the seed is printed
// on failure (see `seedFrom`). An environment variable set to a number replays that seed,
// 'random' explores.

const seedsUsed = new Map<string, number>();

/** The seed for `env` (a variable name): fixed by default, a number replays, 'random' picks one. */
export function seedFrom(env: string, fixed: number): number {
  const value = process.env[env];
  let seed = fixed;
  if (value === 'random') seed = Math.floor(Math.random() * 2 ** 31);
  else if (value !== undefined && value !== '') seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`${env}=${value}: a seed is an integer or 'random'`);
  seedsUsed.set(env, seed);
  return seed;
}

// A failed run names every seed it used: the variables to set to replay it (on stderr: a
// fixture's stdout may be data its parent parses).
process.on('exit', (code) => {
  if (code !== 0 && seedsUsed.size > 0) {
    process.stderr.write(`seeds of this run (replay with): ${[...seedsUsed].map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  }
});

/** The data seed: every seededBytes() call of a run derives from it. TEST_SEED replays or explores. */
export const DATA_SEED = seedFrom('TEST_SEED', 20261203);

/** n pseudo-random bytes, the same for the same (seed, label): AES-128-CTR over zeros, fast at any size. */
export function seededBytes(n: number, label: string, seed = DATA_SEED): Buffer {
  const key = createHash('sha256').update(`${seed}:${label}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(Buffer.alloc(n));
}

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** an integer in [lo, hi] */
  int(lo: number, hi: number): number;
  /** an integer in [0, n) */
  below(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

/** mulberry32: a small, fast seeded PRNG, good enough to drive generators and fuzzers. */
export function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number): number => Math.floor(next() * n);
  const int = (lo: number, hi: number): number => lo + below(hi - lo + 1);
  return { next, int, below, pick: (xs) => xs[int(0, xs.length - 1)] };
}
