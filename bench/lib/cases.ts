// The bench cases. Each returns CaseResults (and cost curves); run.ts prints and charts them.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Volume } from 'memfs';
import { MemFile } from '../../ts/memfile';
import { ConcatCollector, GrowableBuffer } from './peers';
import { benchLines } from './text-data';
import { HANDLE_CASES, PHASES } from './handle-child';
import { CaseResult, Curve, fmtSize as fmt, interleave, KiB, Level, median, MiB, mibps, now, opsPerSec, progress, stat, Stat, wallAndCpu } from './measure';

export interface Config {
  level: Level;
  runs: number;
  budgetMs: number; // per timed-loop sample
  preadFile: number;
  preadSizes: number[];
  appendBytes: number; // memfile and the growable Buffer
  slowAppendBytes: number; // 64 B appends through syscalls / memfs / per-chunk objects
  randomFile: number;
  bufferedBytes: number;
  lines: number;
  handleBytes: number; // binary file for the per-process handle cases
  streamBytes: number;
  shaBytes: number;
  rssBytes: number;
}

export function config(level: Level): Config {
  if (level === 'full') {
    return { level, runs: 5, budgetMs: 200, preadFile: 64 * MiB, preadSizes: [64, 4 * KiB, 64 * KiB, MiB, 16 * MiB],
      appendBytes: 1024 * MiB, slowAppendBytes: 64 * MiB, randomFile: 1024 * MiB, bufferedBytes: 64 * MiB,
      lines: 2_000_000, handleBytes: 32 * MiB, streamBytes: 256 * MiB, shaBytes: 256 * MiB, rssBytes: 1024 * MiB };
  }
  if (level === 'quick') {
    return { level, runs: 5, budgetMs: 20, preadFile: 64 * MiB, preadSizes: [64, 4 * KiB, 64 * KiB, MiB, 16 * MiB],
      appendBytes: 64 * MiB, slowAppendBytes: 16 * MiB, randomFile: 64 * MiB, bufferedBytes: 8 * MiB,
      lines: 200_000, handleBytes: 8 * MiB, streamBytes: 64 * MiB, shaBytes: 64 * MiB, rssBytes: 64 * MiB };
  }
  return { level, runs: 5, budgetMs: 2, preadFile: 4 * MiB, preadSizes: [64, 4 * KiB, 64 * KiB, MiB],
    appendBytes: 4 * MiB, slowAppendBytes: MiB, randomFile: 4 * MiB, bufferedBytes: MiB,
    lines: 20_000, handleBytes: MiB, streamBytes: 4 * MiB, shaBytes: 4 * MiB, rssBytes: 8 * MiB };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const shmPath = (tag: string): string => path.join('/dev/shm', `memfile-bench-${process.pid}-${tag}`);
const rm = (p: string): void => fs.rmSync(p, { force: true });

/** Bytes that are really written (no zero pages), deterministic. */
function pattern(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  const block = Buffer.allocUnsafe(64 * KiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131 + (i >> 8)) & 0xff;
  for (let off = 0; off < size; off += block.length) block.copy(b, off, 0, Math.min(block.length, size - off));
  return b;
}

// ---------------------------------------------------------------- pread / pwrite
export async function preadPwrite(cfg: Config): Promise<CaseResult[]> {
  const data = pattern(cfg.preadFile);
  const hidden = MemFile.from(data); // fd never asked for: the JS fast path
  const exposed = MemFile.from(data);
  const fd = exposed.fd; // once exposed, other processes may resize it: size is re-checked per op
  const limit = Buffer.from(data);
  const shm = shmPath('pread');
  fs.writeFileSync(shm, data);
  const shmFd = fs.openSync(shm, 'r+');
  const vol = new Volume();
  vol.writeFileSync('/f', data);
  const volFd = vol.openSync('/f', 'r+');
  const out: CaseResult[] = [];
  try {
    for (const size of cfg.preadSizes) {
      progress(`pread/pwrite ${size} B`);
      const slots = Math.floor(cfg.preadFile / size);
      const pos = (i: number): number => ((i * 7919) % slots) * size;
      const target = Buffer.alloc(size);
      const payload = Buffer.alloc(size, 0x5a);
      const b = cfg.budgetMs;
      const reads = await interleave(cfg.runs, [
        ['memfile', () => opsPerSec(b, size, (i) => hidden.pread(pos(i), size, target))],
        ['memfile (fd exposed)', () => opsPerSec(b, size, (i) => exposed.pread(pos(i), size, target))],
        ['limit (Buffer.copy)', () => opsPerSec(b, size, (i) => { const p = pos(i); limit.copy(target, 0, p, p + size); })],
        ['fs on memfile fd', () => opsPerSec(b, size, (i) => fs.readSync(fd, target, 0, size, pos(i)))],
        ['fs /dev/shm', () => opsPerSec(b, size, (i) => fs.readSync(shmFd, target, 0, size, pos(i)))],
        ['memfs', () => opsPerSec(b, size, (i) => vol.readSync(volFd, target, 0, size, pos(i)))],
      ]);
      const writes = await interleave(cfg.runs, [
        ['memfile', () => opsPerSec(b, size, (i) => hidden.pwrite(pos(i), payload))],
        ['memfile (fd exposed)', () => opsPerSec(b, size, (i) => exposed.pwrite(pos(i), payload))],
        ['limit (Buffer.copy)', () => opsPerSec(b, size, (i) => { payload.copy(limit, pos(i)); })],
        ['fs on memfile fd', () => opsPerSec(b, size, (i) => fs.writeSync(fd, payload, 0, size, pos(i)))],
        ['fs /dev/shm', () => opsPerSec(b, size, (i) => fs.writeSync(shmFd, payload, 0, size, pos(i)))],
        ['memfs', () => opsPerSec(b, size, (i) => vol.writeSync(volFd, payload, 0, size, pos(i)))],
      ]);
      const toMiB = (s: Stat): Stat => ({ ...s, median: (s.median * size) / MiB, min: (s.min * size) / MiB, max: (s.max * size) / MiB, samples: s.samples.map((x) => (x * size) / MiB) });
      out.push({ id: `pread-${size}`, group: 'pread', title: `pread ${fmt(size)} (random offsets in ${fmt(cfg.preadFile)})`, unit: 'MiB/s', bytes: size, results: reads.map(toMiB) });
      out.push({ id: `pwrite-${size}`, group: 'pwrite', title: `pwrite ${fmt(size)} (random offsets in ${fmt(cfg.preadFile)})`, unit: 'MiB/s', bytes: size, results: writes.map(toMiB) });
    }
  } finally {
    hidden.close();
    exposed.close();
    fs.closeSync(shmFd);
    rm(shm);
  }
  return out;
}

// ---------------------------------------------------------------- shared files (issue 11)
// Once the fd is handed out, other processes may change the file. Unsealed: at most one
// syscall per small operation; seal('shrink'): no syscall below the known size; seal():
// none at all; the same in a Node child that wraps the sealed fd with fromFd. Against fs
// on the same fd and Buffer.copy, random offsets, 64 B to 1 MiB.
const SHARED_CHILD = path.join(__dirname, 'shared-child.ts');

export async function sharedFiles(cfg: Config): Promise<CaseResult[]> {
  const sizes = [64, 4 * KiB, MiB];
  const data = pattern(cfg.preadFile);
  const plain = MemFile.from(data);
  const plainFd = plain.fd;
  const shrink = MemFile.from(data);
  void shrink.fd;
  shrink.seal('shrink');
  const sealed = MemFile.from(data);
  sealed.seal();
  const sealedFd = sealed.fd;
  const shm = new MemFile(undefined, { backing: 'shm' });
  shm.pwrite(0, data);
  const shmFd = shm.fd;
  const limit = Buffer.from(data);
  const out: CaseResult[] = [];
  const toMiB = (size: number) => (s: Stat): Stat => ({ ...s, median: (s.median * size) / MiB, min: (s.min * size) / MiB, max: (s.max * size) / MiB, samples: s.samples.map((x) => (x * size) / MiB) });
  // One child per round reads every size; its figures are handed out size by size.
  const childRates: Array<Record<string, number>> = [];
  const child = (): Record<string, number> => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SHARED_CHILD, String(cfg.budgetMs), ...sizes.map(String)],
      { encoding: 'utf8', cwd: path.join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe', sealedFd] });
    if (r.status !== 0) throw new Error(`shared child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  };
  try {
    for (const size of sizes) {
      progress(`shared files ${fmt(size)}: memfd (unsealed, 'shrink', seal(), fromFd child), shm, fs on the same fds`);
      const slots = Math.floor(cfg.preadFile / size);
      const pos = (i: number): number => ((i * 7919) % slots) * size;
      const target = Buffer.alloc(size);
      const payload = Buffer.alloc(size, 0x5a);
      const b = cfg.budgetMs;
      let round = 0;
      const reads = await interleave(cfg.runs, [
        ['memfile shared', () => opsPerSec(b, size, (i) => plain.pread(pos(i), size, target))],
        ["memfile shared + seal('shrink')", () => opsPerSec(b, size, (i) => shrink.pread(pos(i), size, target))],
        ['memfile shared + seal()', () => opsPerSec(b, size, (i) => sealed.pread(pos(i), size, target))],
        ['memfile fromFd child, sealed', () => {
          if (size === sizes[0]) childRates[round] = child();
          return childRates[round++][size];
        }],
        ['memfile shm', () => opsPerSec(b, size, (i) => shm.pread(pos(i), size, target))],
        ['limit (Buffer.copy)', () => opsPerSec(b, size, (i) => { const p = pos(i); limit.copy(target, 0, p, p + size); })],
        ['fs on memfile fd', () => opsPerSec(b, size, (i) => fs.readSync(plainFd, target, 0, size, pos(i)))],
        ['fs on shm fd', () => opsPerSec(b, size, (i) => fs.readSync(shmFd, target, 0, size, pos(i)))],
      ]);
      const writes = await interleave(cfg.runs, [
        ['memfile shared', () => opsPerSec(b, size, (i) => plain.pwrite(pos(i), payload))],
        ["memfile shared + seal('shrink')", () => opsPerSec(b, size, (i) => shrink.pwrite(pos(i), payload))],
        ['memfile shm', () => opsPerSec(b, size, (i) => shm.pwrite(pos(i), payload))],
        ['limit (Buffer.copy)', () => opsPerSec(b, size, (i) => { payload.copy(limit, pos(i)); })],
        ['fs on memfile fd', () => opsPerSec(b, size, (i) => fs.writeSync(plainFd, payload, 0, size, pos(i)))],
        ['fs on shm fd', () => opsPerSec(b, size, (i) => fs.writeSync(shmFd, payload, 0, size, pos(i)))],
      ]);
      out.push({ id: `shared-pread-${size}`, group: 'shared', title: `shared file: pread ${fmt(size)} (random offsets in ${fmt(cfg.preadFile)})`, unit: 'MiB/s', bytes: size, results: reads.map(toMiB(size)) });
      out.push({ id: `shared-pwrite-${size}`, group: 'shared', title: `shared file: pwrite ${fmt(size)} (random offsets in ${fmt(cfg.preadFile)})`, unit: 'MiB/s', bytes: size, results: writes.map(toMiB(size)) });
    }
  } finally {
    for (const f of [plain, shrink, sealed, shm]) f.close();
  }
  return out;
}

// ---------------------------------------------------------------- random 64 B reads
export async function randomReads(cfg: Config): Promise<CaseResult[]> {
  progress(`random 64 B reads: building ${fmt(cfg.randomFile)} per contender`);
  const size = 64;
  const data = pattern(cfg.randomFile);
  const hidden = MemFile.from(data);
  const exposed = MemFile.from(data);
  const fd = exposed.fd;
  const shm = shmPath('random');
  fs.writeFileSync(shm, data);
  const shmFd = fs.openSync(shm, 'r');
  const vol = new Volume();
  vol.writeFileSync('/f', data);
  const volFd = vol.openSync('/f', 'r');
  const slots = cfg.randomFile / size;
  const idx = new Uint32Array(1 << 20);
  let x = 0x9e3779b9;
  for (let i = 0; i < idx.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    idx[i] = x % slots;
  }
  const pos = (i: number): number => idx[i & (idx.length - 1)] * size;
  const target = Buffer.alloc(size);
  const b = cfg.budgetMs * 2;
  try {
    progress('random 64 B reads: timing');
    const res = await interleave(cfg.runs, [
      ['memfile', () => opsPerSec(b, size, (i) => hidden.pread(pos(i), size, target))],
      ['memfile (fd exposed)', () => opsPerSec(b, size, (i) => exposed.pread(pos(i), size, target))],
      ['limit (Buffer.copy)', () => opsPerSec(b, size, (i) => { const p = pos(i); data.copy(target, 0, p, p + size); })],
      ['fs on memfile fd', () => opsPerSec(b, size, (i) => fs.readSync(fd, target, 0, size, pos(i)))],
      ['fs /dev/shm', () => opsPerSec(b, size, (i) => fs.readSync(shmFd, target, 0, size, pos(i)))],
      ['memfs', () => opsPerSec(b, size, (i) => vol.readSync(volFd, target, 0, size, pos(i)))],
    ]);
    const mops = res.map((s) => ({ ...s, median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples.map((v) => v / 1e6) }));
    return [{ id: 'random-64', group: 'random', title: `random 64 B reads over ${fmt(cfg.randomFile)}`, unit: 'Mops/s', results: mops }];
  } finally {
    hidden.close();
    exposed.close();
    fs.closeSync(shmFd);
    rm(shm);
    vol.reset();
  }
}

// ---------------------------------------------------------------- sequential append
type Appender = { write: (chunk: Buffer) => void; finish: () => void };

function appendRun(total: number, chunk: Buffer, make: () => Appender, segments: number[] | null): number {
  const a = make();
  const seg = total / 16;
  const t0 = now();
  let tSeg = t0;
  for (let off = 0, s = 0; off < total; off += chunk.length) {
    a.write(chunk);
    if (segments && off + chunk.length >= (s + 1) * seg) {
      const t = now();
      segments[s++] = t - tSeg;
      tSeg = t;
    }
  }
  a.finish();
  return mibps(total, now() - t0);
}

export async function appends(cfg: Config): Promise<{ cases: CaseResult[]; curves: Curve[] }> {
  const cases: CaseResult[] = [];
  const curves: Curve[] = [];
  for (const chunkSize of [64, 64 * KiB]) {
    const chunk = Buffer.alloc(chunkSize, 0x5a);
    const big = cfg.appendBytes;
    const small = chunkSize === 64 ? cfg.slowAppendBytes : cfg.appendBytes;
    const segs: Record<string, number[][]> = { memfile: [], 'growable Buffer': [] };
    const contenders: Array<[string, number, () => Appender]> = [
      ['memfile', big, () => {
        const mf = MemFile.from(Buffer.alloc(0));
        let off = 0;
        return { write: (c) => { off += mf.pwrite(off, c); }, finish: () => mf.close() };
      }],
      ['growable Buffer', big, () => { const g = new GrowableBuffer(); return { write: (c) => g.write(c), finish: () => undefined }; }],
      ['Buffer.concat', small, () => { const g = new ConcatCollector(); return { write: (c) => g.write(c), finish: () => void g.result() }; }],
      ['memfs', small, () => {
        const vol = new Volume();
        const fd = vol.openSync('/f', 'w');
        return { write: (c) => void vol.writeSync(fd, c), finish: () => vol.reset() };
      }],
      ['fs /dev/shm', small, () => {
        const p = shmPath('append');
        const fd = fs.openSync(p, 'w');
        return { write: (c) => void fs.writeSync(fd, c), finish: () => { fs.closeSync(fd); rm(p); } };
      }],
      ['fs on memfile fd', small, () => {
        const mf = MemFile.from(Buffer.alloc(0));
        const fd = mf.fd;
        let off = 0;
        return { write: (c) => { off += fs.writeSync(fd, c, 0, c.length, off); }, finish: () => mf.close() };
      }],
    ];
    const samples = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
    for (let r = 0; r < cfg.runs; r++) {
      for (const [name, total, make] of contenders) {
        progress(`append ${fmt(total)} in ${fmt(chunkSize)} writes: ${name} (run ${r + 1}/${cfg.runs})`);
        const s = name in segs ? new Array<number>(16).fill(0) : null;
        samples.get(name)!.push(appendRun(total, chunk, make, s));
        if (s) segs[name].push(s);
        gc();
      }
    }
    cases.push({
      id: `append-${chunkSize}`, group: 'append', title: `sequential append in ${fmt(chunkSize)} writes`, unit: 'MiB/s', bytes: chunkSize,
      results: contenders.map(([name, total]) => stat(name, samples.get(name)!, `${fmt(total)} appended`)),
    });
    for (const name of Object.keys(segs)) {
      const runs = segs[name];
      curves.push({ id: `append-${chunkSize}`, contender: name, chunk: chunkSize, segmentBytes: big / 16,
        msPerSegment: runs[0].map((_, i) => median(runs.map((rs) => rs[i]))) });
    }
  }
  return { cases, curves };
}

// ---------------------------------------------------------------- python helper
const PY = path.join(__dirname, 'pyio.py');

function python(pyCase: string, file: string, arg: number, extra: string[] = []): number {
  const r = spawnSync('python3', [PY, pyCase, file, String(arg), ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`python3 ${pyCase} failed: ${r.stderr || r.error}`);
  const { seconds, ops } = JSON.parse(r.stdout) as { seconds: number; ops: number };
  return ops / seconds;
}

/** Whether this tree's MemFile.open() supports the mode (handles land in stages). */
function canOpenMode(mf: MemFile, mode: string): boolean {
  try {
    mf.open(mode).close();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- buffered read(64)/write(64)
export async function buffered(cfg: Config): Promise<CaseResult[]> {
  progress(`buffered read(64)/write(64) over ${fmt(cfg.bufferedBytes)}`);
  const data = pattern(cfg.bufferedBytes);
  const src = MemFile.from(data);
  const shm = shmPath('buffered');
  const shmOut = shmPath('buffered-out');
  fs.writeFileSync(shm, data);
  const canOpen = canOpenMode(src, 'rb');
  const mops = (s: Stat): Stat => ({ ...s, median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples.map((v) => v / 1e6) });
  const chunk = Buffer.alloc(64, 0x5a);
  const ops = cfg.bufferedBytes / 64;
  try {
    const read: Array<[string, () => number]> = [
      ['python3 BytesIO', () => python('bytesio_read64', shm, 0)],
      ['python3 BufferedReader/Writer', () => python('file_read64', shm, 0)],
    ];
    const write: Array<[string, () => number]> = [
      ['python3 BytesIO', () => python('bytesio_write64', shm, cfg.bufferedBytes)],
      ['python3 BufferedReader/Writer', () => python('file_write64', shmOut, cfg.bufferedBytes)],
    ];
    if (canOpen) {
      read.unshift(['memfile', () => {
        const h = src.open('rb');
        const t = now();
        let n = 0;
        while (h.read(64).length) n++;
        const s = (now() - t) / 1000;
        h.close();
        return n / s;
      }]);
      write.unshift(['memfile', () => {
        const mf = MemFile.from(Buffer.alloc(0));
        const h = mf.open('wb');
        const t = now();
        for (let i = 0; i < ops; i++) h.write(chunk);
        h.flush();
        const s = (now() - t) / 1000;
        h.close();
        mf.close();
        return ops / s;
      }]);
      // The raw handle under them (buffering 0): one block call per read/write.
      read.splice(1, 0, ['memfile RawHandle (buffering 0)', () => {
        const h = src.open('rb', { buffering: 0 });
        const t = now();
        let n = 0;
        while (h.read(64).length) n++;
        const s = (now() - t) / 1000;
        h.close();
        return n / s;
      }]);
      write.splice(1, 0, ['memfile RawHandle (buffering 0)', () => {
        const mf = MemFile.from(Buffer.alloc(0));
        const h = mf.open('wb', { buffering: 0 });
        const t = now();
        for (let i = 0; i < ops; i++) h.write(chunk);
        const s = (now() - t) / 1000;
        h.close();
        mf.close();
        return ops / s;
      }]);
    }
    const note = canOpen ? undefined : 'MemFile.open() unavailable in this tree: memfile not measured';
    return [
      { id: 'buffered-read64', group: 'buffered', title: `buffered read(64) over ${fmt(cfg.bufferedBytes)}`, unit: 'Mops/s', results: (await interleave(cfg.runs, read)).map(mops), note },
      { id: 'buffered-write64', group: 'buffered', title: `buffered write(64), ${fmt(cfg.bufferedBytes)}`, unit: 'Mops/s', results: (await interleave(cfg.runs, write)).map(mops), note },
      await bufferReturn(cfg),
    ];
  } finally {
    src.close();
    rm(shm);
    rm(shmOut);
  }
}

// Ways to return a fresh 64-byte Buffer from an internal buffer: the cost a buffered read(64)
// cannot avoid, for reference beside it.
async function bufferReturn(cfg: Config): Promise<CaseResult> {
  const src = Buffer.alloc(8192, 1);
  const ops = cfg.level === 'full' ? 4_000_000 : cfg.level === 'quick' ? 1_000_000 : 50_000;
  let sink = 0;
  const loop = (body: (p: number) => Uint8Array) => (): number => {
    const t = now();
    for (let i = 0; i < ops; i++) sink += body((i & 127) * 64).length;
    return ops / ((now() - t) / 1000);
  };
  const res = await interleave(cfg.runs, [
    ['allocUnsafe + buf.copy', loop((p) => { const o = Buffer.allocUnsafe(64); src.copy(o, 0, p, p + 64); return o; })],
    ['allocUnsafe + set(subarray)', loop((p) => { const o = Buffer.allocUnsafe(64); o.set(src.subarray(p, p + 64)); return o; })],
    ['Uint8Array.prototype.slice', loop((p) => Uint8Array.prototype.slice.call(src, p, p + 64))],
    ['allocUnsafe + byte loop', loop((p) => { const o = Buffer.allocUnsafe(64); for (let k = 0; k < 64; k++) o[k] = src[p + k]; return o; })],
  ]);
  if (sink < 0) progress(String(sink));
  const mops = (s: Stat): Stat => ({ ...s, median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples.map((v) => v / 1e6) });
  return { id: 'buffer-return-64', group: 'buffered', title: 'returning a fresh 64-byte Buffer (reference)', unit: 'Mops/s', results: res.map(mops) };
}

// ---------------------------------------------------------------- text lines
export async function text(cfg: Config): Promise<CaseResult[]> {
  progress(`text: ${cfg.lines} lines`);
  const lines = benchLines(cfg.lines);
  const content = lines.join('');
  const src = MemFile.from(content);
  const shm = shmPath('text');
  const shmOut = shmPath('text-out');
  fs.writeFileSync(shm, content);
  const mlines = (s: Stat): Stat => ({ ...s, median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples.map((v) => v / 1e6) });
  const canText = canOpenMode(src, 'r');
  const readlineLines = async (input: NodeJS.ReadableStream): Promise<number> => {
    const t = now();
    let n = 0;
    for await (const _ of readline.createInterface({ input, crlfDelay: Infinity })) n++;
    return n / ((now() - t) / 1000);
  };
  try {
    const iter: Array<[string, () => number | Promise<number>]> = [
      ['python3 TextIOWrapper', () => python('text_iter_file', shm, 0)],
      ['python3 TextIOWrapper(BytesIO)', () => python('text_iter_bytesio', shm, 0)],
      ['node:readline (fs /dev/shm stream)', () => readlineLines(fs.createReadStream(shm))],
      ['node:readline (memfile stream)', () => readlineLines(src.createReadStream())],
    ];
    const write: Array<[string, () => number]> = [
      ['python3 TextIOWrapper', () => python('text_write_file', shmOut, 0, [shm])],
      ['python3 TextIOWrapper(BytesIO)', () => python('text_write_bytesio', shmOut, 0, [shm])],
    ];
    if (canText) {
      iter.unshift(['memfile', () => {
        const h = src.open('r');
        const t = now();
        let n = 0;
        for (const _ of h) n++;
        const s = (now() - t) / 1000;
        h.close();
        return n / s;
      }], ['memfile readline()', () => {
        const h = src.open('r');
        const t = now();
        let n = 0;
        while (h.readline() !== '') n++;
        const s = (now() - t) / 1000;
        h.close();
        return n / s;
      }]);
      write.unshift(['memfile', () => {
        const mf = MemFile.from(Buffer.alloc(0));
        const h = mf.open('w');
        const t = now();
        for (const line of lines) h.write(line);
        h.flush();
        const s = (now() - t) / 1000;
        h.close();
        mf.close();
        return lines.length / s;
      }]);
    }
    const note = canText ? undefined : 'text handles (MemFile.open("r"/"w")) unavailable in this tree: memfile not measured';
    return [
      { id: 'text-iter', group: 'text', title: `text: iterate ${cfg.lines} lines`, unit: 'Mlines/s', results: (await interleave(cfg.runs, iter)).map(mlines), note },
      { id: 'text-write', group: 'text', title: `text: write(line) × ${cfg.lines}`, unit: 'Mlines/s', results: (await interleave(cfg.runs, write)).map(mlines), note },
    ];
  } finally {
    src.close();
    rm(shm);
    rm(shmOut);
  }
}

// ---------------------------------------------------------------- handles in real programs
// Each memfile figure comes from a process of its own (bench/lib/handle-child.ts): first pass
// in a fresh process, after the other handle kinds ran in it, and warmed up. CPython runs the
// same loop over the same bytes once per process (it has no JIT to warm); node:readline reads
// the text from a fresh process too.
const HANDLE_CHILD = path.join(__dirname, 'handle-child.ts');
const READLINE_CHILD = `
const fs = require('node:fs'), readline = require('node:readline');
(async () => {
  const t = process.hrtime.bigint(); let n = 0;
  for await (const _ of readline.createInterface({ input: fs.createReadStream(process.argv[1]), crlfDelay: Infinity })) n++;
  console.log(JSON.stringify({ rate: n / (Number(process.hrtime.bigint() - t) / 1e9) }));
})();`;

function childRate(args: string[]): number {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: path.join(__dirname, '..', '..'), maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rate: number }).rate;
}

export async function handlePhases(cfg: Config): Promise<CaseResult[]> {
  const text = shmPath('phases-text');
  const bin = shmPath('phases-bin');
  const out = shmPath('phases-out');
  const binary = Buffer.allocUnsafe(cfg.handleBytes);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 31 + (i >> 9)) & 0xff;
  fs.writeFileSync(bin, binary);
  fs.writeFileSync(text, benchLines(cfg.lines).join(''));
  const mega = (s: Stat): Stat => ({ ...s, median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples.map((v) => v / 1e6) });
  const py: Record<string, [string, () => number]> = {
    read64: ['python3 BufferedReader', () => python('file_read64', bin, 0)],
    write64: ['python3 BufferedWriter', () => python('file_write64', out, cfg.handleBytes)],
    iter: ['python3 TextIOWrapper', () => python('text_iter_file', text, 0)],
    wline: ['python3 TextIOWrapper', () => python('text_write_file', out, 0, [text])],
  };
  const titles: Record<string, string> = {
    read64: `BufferedReader read(64) over ${fmt(cfg.handleBytes)}`, write64: `BufferedWriter write(64), ${fmt(cfg.handleBytes)}`,
    iter: `text: iterate ${cfg.lines} lines`, wline: `text: write(line) × ${cfg.lines}`,
  };
  const cases: CaseResult[] = [];
  try {
    for (const which of HANDLE_CASES) {
      progress(`handles per process: ${which} (fresh, mixed, warm; one process each)`);
      const contenders: Array<[string, () => number]> = PHASES.map((phase) => [`memfile ${phase}`, () =>
        childRate(['--import', 'tsx', HANDLE_CHILD, which, phase, String(cfg.handleBytes), String(cfg.lines)])]);
      contenders.push(py[which]);
      if (which === 'iter') contenders.push(['node:readline (fs /dev/shm stream)', () => childRate(['-e', READLINE_CHILD, text])]);
      // One process per figure: the smoke level (the test suite's) takes one round only.
      const res = (await interleave(cfg.level === 'smoke' ? 1 : cfg.runs, contenders)).map(mega);
      cases.push({ id: `handle-${which}`, group: 'handles', title: `${titles[which]}, one process per run`, unit: which === 'iter' || which === 'wline' ? 'Mlines/s' : 'Mops/s', results: res });
    }
  } finally {
    rm(text);
    rm(bin);
    rm(out);
  }
  return cases;
}

// ---------------------------------------------------------------- streams
const nullSink = (): Writable => new Writable({ write: (_c, _e, cb) => cb(), writev: (_c, cb) => cb() });
function chunks(total: number): Readable {
  const chunk = Buffer.alloc(64 * KiB, 0x5a);
  return Readable.from((function* () { for (let off = 0; off < total; off += chunk.length) yield chunk; })(), { objectMode: false });
}

export async function streams(cfg: Config): Promise<CaseResult[]> {
  progress(`streams over ${fmt(cfg.streamBytes)}`);
  const total = cfg.streamBytes;
  const data = pattern(total);
  const src = MemFile.from(data); // fd never asked for
  const exposed = MemFile.from(data);
  void exposed.fd; // handed out: the size is the kernel's, asked per chunk
  const inPlace = MemFile.from(data); // 'r+' target: every page exists already
  const shm = shmPath('streams');
  const shmOut = shmPath('streams-out');
  fs.writeFileSync(shm, data);
  const vol = new Volume();
  vol.writeFileSync('/f', data);
  const timed = async (fn: () => Promise<void>): Promise<number> => { const t = now(); await fn(); return mibps(total, now() - t); };
  try {
    const read = await interleave(cfg.runs, [
      ['memfile', () => timed(() => pipeline(src.createReadStream(), nullSink()))],
      ['memfile (fd exposed)', () => timed(() => pipeline(exposed.createReadStream(), nullSink()))],
      ['memfile (1 MiB chunks)', () => timed(() => pipeline(src.createReadStream({ highWaterMark: MiB }), nullSink()))],
      ['memfile stream() reader', () => timed(async () => {
        const reader = src.stream().getReader();
        while (!(await reader.read()).done);
      })],
      ['memfile Readable.fromWeb(stream())', () => timed(() => pipeline(Readable.fromWeb(src.stream() as never), nullSink()))],
      ['fs /dev/shm', () => timed(() => pipeline(fs.createReadStream(shm), nullSink()))],
      ['memfs', () => timed(() => pipeline(vol.createReadStream('/f') as unknown as Readable, nullSink()))],
    ]);
    const write = await interleave(cfg.runs, [
      ['memfile', async () => { const mf = MemFile.from(Buffer.alloc(0)); const r = await timed(() => pipeline(chunks(total), mf.createWriteStream())); mf.close(); return r; }],
      ["memfile ('r+': pages in place)", () => timed(() => pipeline(chunks(total), inPlace.createWriteStream({ flags: 'r+' })))],
      ['fs /dev/shm', async () => { const r = await timed(() => pipeline(chunks(total), fs.createWriteStream(shmOut))); rm(shmOut); return r; }],
      ['memfs', async () => { const r = await timed(() => pipeline(chunks(total), vol.createWriteStream('/out') as unknown as Writable)); vol.unlinkSync('/out'); return r; }],
    ]);
    return [
      { id: 'stream-read', group: 'streams', title: `createReadStream of ${fmt(total)} to a null sink`, unit: 'MiB/s', results: read },
      { id: 'stream-write', group: 'streams', title: `createWriteStream of ${fmt(total)} in 64 KiB chunks`, unit: 'MiB/s', results: write },
    ];
  } finally {
    src.close();
    exposed.close();
    inPlace.close();
    rm(shm);
    rm(shmOut);
    vol.reset();
  }
}

// ---------------------------------------------------------------- sha256sum
export function sha256sum(args: string[], stdio: Array<'pipe' | 'ignore' | 'inherit' | number>, input?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sha256sum', args, { stdio: stdio as never });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split(' ')[0]) : reject(new Error(`sha256sum exited ${code}`))));
    if (input) child.stdin!.end(input);
  });
}

export async function sha(cfg: Config): Promise<CaseResult[]> {
  progress(`sha256sum of ${fmt(cfg.shaBytes)}: fd vs pipe vs temp file`);
  const total = cfg.shaBytes;
  const data = pattern(total);
  const mf = MemFile.from(data);
  const tmp = path.join(os.tmpdir(), `memfile-bench-${process.pid}.bin`);
  const hashes = new Set<string>();
  const cpu = new Map<string, number[]>();
  const timed = (who: string, fn: () => Promise<string>) => async (): Promise<number> => {
    const { ms, cpuMs, value } = await wallAndCpu(fn);
    hashes.add(value);
    cpu.set(who, [...(cpu.get(who) ?? []), cpuMs]);
    return mibps(total, ms);
  };
  try {
    const res = await interleave(cfg.runs, [
      ['memfile', timed('memfile', () => sha256sum(['/dev/fd/3'], ['ignore', 'pipe', 'inherit', mf.fd]))],
      ['memfile (MemFile.from + fd)', timed('memfile (MemFile.from + fd)', async () => {
        const file = MemFile.from(data); // the bytes copied in first
        const h = await sha256sum(['/dev/fd/3'], ['ignore', 'pipe', 'inherit', file.fd]);
        file.close();
        return h;
      })],
      ['stdin pipe', timed('stdin pipe', () => sha256sum(['-'], ['pipe', 'pipe', 'inherit'], data))],
      ['temp file', timed('temp file', async () => { fs.writeFileSync(tmp, data); const h = await sha256sum([tmp], ['ignore', 'pipe', 'inherit']); rm(tmp); return h; })],
    ]);
    if (hashes.size !== 1) throw new Error(`sha256sum disagreed across transports: ${[...hashes].join(', ')}`);
    const note = `parent CPU, median ms: ${res.map((r) => `${r.contender} ${median(cpu.get(r.contender)!).toFixed(1)}`).join(', ')}`;
    return [{ id: 'sha256sum', group: 'child', title: `${fmt(total)} to sha256sum (end to end; temp file in ${os.tmpdir()} includes writing it)`, unit: 'MiB/s', results: res, note }];
  } finally {
    mf.close();
    rm(tmp);
  }
}

// ---------------------------------------------------------------- peak RSS
export async function rss(cfg: Config): Promise<CaseResult[]> {
  const child = path.join(__dirname, 'rss-child.ts');
  const results: Stat[] = [];
  for (const name of ['memfile', 'limit (Buffer.copy)', 'growable Buffer', 'Buffer.concat', 'memfs']) {
    progress(`peak RSS holding ${fmt(cfg.rssBytes)}: ${name}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, name, String(cfg.rssBytes)], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
    if (r.status !== 0) throw new Error(`rss child ${name} failed: ${r.stderr}`);
    const { before, after, unmappedKiB } = JSON.parse(r.stdout) as { before: Record<string, number>; after: Record<string, number>; unmappedKiB: number };
    const ratio = ((after.VmHWM - before.VmRSS + unmappedKiB) * 1024) / cfg.rssBytes;
    results.push(stat(name, [ratio], `VmHWM ${(after.VmHWM / 1024).toFixed(0)} MiB, VmRSS ${(after.VmRSS / 1024).toFixed(0)} MiB, RssShmem ${(after.RssShmem / 1024).toFixed(0)} MiB, memfd pages outside RSS ${(unmappedKiB / 1024).toFixed(0)} MiB, baseline ${(before.VmRSS / 1024).toFixed(0)} MiB`));
  }
  return [{ id: 'rss', group: 'rss', title: `peak memory above baseline holding ${fmt(cfg.rssBytes)} (RSS + memfd pages outside it; one child per contender)`, unit: 'x data', lowerIsBetter: true, results }];
}

