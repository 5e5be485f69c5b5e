// Differential fuzzing: MemFile pread/pwrite/truncate/view/size against a tiny
// pure-TS model (a growable, zero-initialised Uint8Array), on seeded random
// scripts biased toward the edges that matter to the native side: page
// boundaries (4096·k ± 1), the 64 KiB capacity steps, the current end of
// file, and sparse jumps far past it.
//
// MEMFILE_FUZZ_OPS   ops per backing (default 100,000; a fifth of that for
//                    the memfd exposed midway through)
// MEMFILE_FUZZ_SEED  a number, or 'random' (default: a fixed seed per backing,
//                    so CI is reproducible)
// On a divergence the failure prints the seed and the shortest failing prefix
// (binary search on the prefix length, each prefix replayed on a fresh file
// and ended with a whole-content comparison) and a command to replay it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeSync } from 'node:fs';
import { MemFile } from '../ts/index';
import { prng, seedFrom } from './helpers';

const OPS = Number(process.env.MEMFILE_FUZZ_OPS ?? 100_000);
const LIMIT = 3 << 20; // model size cap: crosses many 64 KiB steps and several doublings
const PAGE = 4096;
const STEP = 64 << 10;
const EXPOSE_AT = 5000;
const UNTOUCHED = Buffer.alloc(80_000, 0xee);

type Variant = 'memfd' | 'memfd-exposed' | 'memfd-exposed-midway' | 'shm' | 'heap';
const VARIANTS: Variant[] = ['memfd', 'memfd-exposed', 'memfd-exposed-midway', 'shm', 'heap'];

class Model {
  buf = new Uint8Array(0);
  size = 0;

  private reserve(end: number): void {
    if (end <= this.buf.length) return;
    const next = new Uint8Array(Math.max(end, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }

  write(offset: number, data: Uint8Array): void {
    if (data.length === 0) return; // as write(2) and Python's files: an empty write changes nothing
    this.reserve(offset + data.length);
    this.buf.set(data, offset);
    this.size = Math.max(this.size, offset + data.length);
  }

  truncate(n: number): void {
    if (n < this.size) this.buf.fill(0, n, this.size);
    else this.reserve(n);
    this.size = n;
  }

  slice(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + length);
    return offset >= end ? new Uint8Array(0) : this.buf.subarray(offset, end);
  }
}

interface LiveView {
  view: Buffer;
  offset: number;
  length: number;
  /** this process shrank the file below the view's end: it must be detached */
  mustDetach: boolean;
  /** heap growth moved the memory: it may be detached */
  mayDetach: boolean;
}

class Divergence extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function firstDiff(a: Uint8Array, b: Uint8Array): string {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `first difference at +${i}: got ${a[i]}, model ${b[i]}`;
  return `lengths differ: got ${a.length}, model ${b.length}`;
}

function makeFile(variant: Variant): MemFile {
  const backing = variant.startsWith('memfd') ? 'memfd' : (variant as 'shm' | 'heap');
  const file = new MemFile('fuzz', { backing });
  if (variant === 'memfd-exposed') void file.fd;
  return file;
}

/**
 * Runs the first `count` ops of script `seed` on a fresh file; throws a
 * Divergence at the first mismatch, then compares the whole content. Returns
 * the op log (for the report).
 */
function run(variant: Variant, seed: number, count: number, log: string[] | null, sabotageAt = -1): void {
  const r = prng(seed).below;
  const model = new Model();
  const file = makeFile(variant);
  const views: LiveView[] = [];
  let i = 0;
  const note = (s: string): void => {
    if (log) log.push(`#${i} ${s}`);
  };
  const fail = (message: string): never => {
    throw new Divergence(i, message);
  };

  const offset = (): number => {
    let o: number;
    switch (r(10)) {
      case 0: o = PAGE * r(LIMIT / PAGE) + r(3) - 1; break;
      case 1: o = STEP * r(LIMIT / STEP) + r(3) - 1; break;
      case 2: o = model.size + r(9) - 4; break;
      case 3: o = r(300); break;
      case 4: o = r(LIMIT); break; // sparse jump
      case 5: o = PAGE * r(4) + r(3) - 1; break;
      default: o = r(model.size + 1);
    }
    return Math.min(Math.max(0, o), LIMIT);
  };
  const length = (): number => {
    switch (r(12)) {
      case 0: return r(5000);
      case 1: return PAGE + r(3) - 1;
      case 2: return r(70_000);
      case 3: return 0;
      default: return r(64) + 1;
    }
  };
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    const fill = 1 + r(255);
    if (r(4) === 0) out.fill(fill);
    else {
      const step = 1 + 2 * r(64);
      for (let k = 0; k < n; k++) out[k] = (fill + k * step) & 0xff;
      if (n > 0) out[r(n)] ^= 0xff;
    }
    return out;
  };

  const checkViews = (all: boolean): void => {
    const pick = views.length > 0 ? r(views.length) : 0;
    views.forEach((v, k) => {
      if (v.view.length === 0) {
        if (!v.mustDetach && !v.mayDetach) fail(`view(${v.offset}, ${v.length}) detached without a shrink below it`);
        return;
      }
      if (v.mustDetach) fail(`view(${v.offset}, ${v.length}) still attached after a shrink below its end`);
      if (!all && k !== pick) return;
      const want = model.buf.subarray(v.offset, v.offset + v.length);
      if (!equalBytes(v.view, want)) fail(`view(${v.offset}, ${v.length}) differs from the model: ${firstDiff(v.view, want)}`);
    });
  };

  try {
    for (i = 0; i < count; i++) {
      // A fixed index (not count / 2), so every prefix of a script is the same script.
      if (variant === 'memfd-exposed-midway' && i === EXPOSE_AT) {
        note('fd (expose)');
        void file.fd;
      }
      const op = r(100);
      if (op < 35) {
        const o = offset();
        const n = Math.min(length(), LIMIT + 70_000 - o);
        const data = bytes(n);
        const shape = r(8);
        let arg: string | Uint8Array | ArrayBuffer | DataView = data;
        if (shape === 0) arg = data.slice().buffer;
        else if (shape === 1) arg = new DataView(data.buffer);
        note(`pwrite(${o}, <${n} bytes${shape === 0 ? ', ArrayBuffer' : shape === 1 ? ', DataView' : ''}>)`);
        const heapGrowth = o + n > model.size;
        const written = file.pwrite(o, arg);
        if (written !== n) fail(`pwrite returned ${written}, expected ${n}`);
        model.write(o, data);
        if (variant === 'heap' && heapGrowth) for (const v of views) v.mayDetach = true;
      } else if (op < 65) {
        const o = offset();
        const n = length();
        const own = r(4) === 0;
        note(`pread(${o}, ${n}${own ? ', buffer' : ''})`);
        const want = model.slice(o, n);
        if (own) {
          const target = Buffer.alloc(n + 8, 0xee);
          const res = file.pread(o, n, target);
          if (res.buffer !== target) fail('pread did not return the caller buffer');
          if (res.bytesRead !== want.length) fail(`pread bytesRead ${res.bytesRead}, model ${want.length}`);
          if (!equalBytes(target.subarray(0, res.bytesRead), want)) fail(`pread: ${firstDiff(target.subarray(0, res.bytesRead), want)}`);
          const rest = target.subarray(res.bytesRead);
          if (Buffer.compare(rest, UNTOUCHED.subarray(0, rest.length)) !== 0) fail('pread wrote past bytesRead');
        } else {
          const res = file.pread(o, n);
          if (res.bytesRead !== want.length || res.buffer.length !== want.length) {
            fail(`pread bytesRead ${res.bytesRead} (buffer ${res.buffer.length}), model ${want.length}`);
          }
          if (!equalBytes(res.buffer, want)) fail(`pread: ${firstDiff(res.buffer, want)}`);
        }
      } else if (op < 73) {
        const kind = r(4);
        const n = kind === 0 ? 0 : kind === 1 ? Math.max(0, model.size - r(5000)) : offset();
        note(`truncate(${n})`);
        const got = file.truncate(n);
        if (got !== n) fail(`truncate returned ${got}`);
        for (const v of views) {
          if (n < v.offset + v.length) v.mustDetach = true;
          else if (variant === 'heap' && n > model.size) v.mayDetach = true;
        }
        model.truncate(n);
      } else if (op < 79) {
        const o = r(model.size + 1);
        const n = r(8) === 0 ? model.size - o : r(Math.min(model.size - o, 9000) + 1);
        note(`view(${o}, ${n})`);
        const v = file.view(o, n);
        const want = model.buf.subarray(o, o + n);
        if (!equalBytes(v, want)) fail(`fresh view(${o}, ${n}): ${firstDiff(v, want)}`);
        if (n > 0) {
          if (views.length >= 4) views.splice(r(views.length), 1);
          views.push({ view: v, offset: o, length: n, mustDetach: false, mayDetach: false });
        }
      } else if (op < 85) {
        note('check views');
        checkViews(false);
        const live = views.filter((v) => v.view.length > 0);
        if (live.length > 0) {
          const v = live[r(live.length)];
          const k = r(v.length);
          const b = r(256);
          note(`view(${v.offset}, ${v.length})[${k}] = ${b}`);
          v.view[k] = b;
          model.buf[v.offset + k] = b;
        }
      } else if (op < 95) {
        note('size');
        if (file.size !== model.size) fail(`size ${file.size}, model ${model.size}`);
      } else if (op < 99) {
        const o = offset();
        const n = r(40);
        const text = Buffer.from(Array.from({ length: n }, () => String.fromCodePoint(0x20 + r(0x300))).join(''), 'utf8');
        note(`pwrite(${o}, <string, ${text.length} UTF-8 bytes>)`);
        const written = file.pwrite(o, text.toString('utf8'));
        if (written !== text.length) fail(`pwrite(string) returned ${written}, expected ${text.length}`);
        if (variant === 'heap' && o + text.length > model.size) for (const v of views) v.mayDetach = true;
        model.write(o, text);
      } else if (r(8) === 0) {
        note('bytes()');
        const all = file.bytes();
        const want = model.slice(0, model.size);
        if (!equalBytes(all, want)) fail(`bytes(): ${firstDiff(all, want)}`);
      }
      if (i === sabotageAt) {
        // Test of the harness: a byte appended behind the model's back.
        note('sabotage');
        writeSync(file.fd, Uint8Array.of(1), 0, 1, model.size);
      }
    }
    i = count;
    note('final: size, bytes(), views');
    if (file.size !== model.size) fail(`final size ${file.size}, model ${model.size}`);
    const all = file.bytes();
    if (!equalBytes(all, model.slice(0, model.size))) fail(`final bytes(): ${firstDiff(all, model.slice(0, model.size))}`);
    checkViews(true);
  } finally {
    file.close();
  }
  for (const v of views) if (v.view.length !== 0) throw new Divergence(count, 'a view survived close()');
}

/** The smallest prefix length that fails, by binary search (a prefix of a failing script fails or not; monotone in practice). */
function shortestFailingPrefix(variant: Variant, seed: number, failingAt: number, sabotageAt = -1): number {
  let lo = 0;
  let hi = failingAt;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    let failed = false;
    try {
      run(variant, seed, mid, null, sabotageAt);
    } catch {
      failed = true;
    }
    if (failed) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

// A fixed seed per backing by default; MEMFILE_FUZZ_SEED (a number, or 'random') gives every backing that seed.
const SEED = seedFrom('MEMFILE_FUZZ_SEED', 0x5eed0000);
const seedFor = (index: number): number => (process.env.MEMFILE_FUZZ_SEED ? SEED : SEED + index);

const test = suite('reliability: differential fuzzing against a model');

test('the model itself: zero-filled gaps, shrink forgets, regrow is zeros', () => {
  const m = new Model();
  m.write(5, Uint8Array.of(1, 2));
  assert.equal(Array.from(m.slice(0, 10)), [0, 0, 0, 0, 0, 1, 2]);
  m.truncate(6);
  m.truncate(9);
  assert.equal(Array.from(m.slice(0, 10)), [0, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.is(m.slice(20, 5).length, 0);
});

test('the harness catches a planted divergence and shrinks to the op that caused it', () => {
  const sabotageAt = 1234;
  let caught: unknown;
  try {
    run('memfd-exposed', 42, sabotageAt + 1, null, sabotageAt);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Divergence, `planted divergence not detected: ${String(caught)}`);
  assert.ok((caught as Divergence).index > sabotageAt);
  assert.is(shortestFailingPrefix('memfd-exposed', 42, sabotageAt + 1, sabotageAt), sabotageAt + 1);
  run('memfd-exposed', 42, sabotageAt + 1, null); // and without the sabotage the same prefix passes
});

VARIANTS.forEach((variant, index) => {
  // The midway exposure is one transition; a fifth of the ops covers it.
  const ops = variant === 'memfd-exposed-midway' ? Math.max(EXPOSE_AT * 2, Math.ceil(OPS / 5)) : OPS;
  test(`${ops} random ops on ${variant} match the model`, () => {
    const seed = seedFor(index);
    try {
      const t0 = Date.now();
      run(variant, seed, ops, null);
      if (process.env.MEMFILE_FUZZ_TIME) console.log(variant, Date.now() - t0, 'ms');
    } catch (error) {
      if (!(error instanceof Divergence)) {
        throw new Error(`${variant}, seed ${seed}: unexpected ${String((error as Error).stack ?? error)}`, { cause: error });
      }
      const n = shortestFailingPrefix(variant, seed, Math.min(ops, error.index + 1));
      const log: string[] = [];
      let message = error.message;
      try {
        run(variant, seed, n, log);
      } catch (again) {
        message = (again as Error).message;
      }
      assert.unreachable(
        `${variant} diverged from the model: ${message}\n` +
          `seed ${seed}; shortest failing prefix: ${n} ops; replay: ` +
          `MEMFILE_FUZZ_SEED=${seed} MEMFILE_FUZZ_OPS=${n} node --expose-gc --import tsx node_modules/uvu/bin.js test reliability-model\n` +
          `last ops:\n  ${log.slice(-25).join('\n  ')}`,
      );
    }
  });
});

test.run();
