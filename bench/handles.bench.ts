// Buffered handles against CPython's io, measured in the same run: a
// BufferedReader read(64) loop and a BufferedWriter write(64) loop over a
// 64 MiB file (python3 runs the same loop on a /dev/shm file). Also the raw
// handle and a few ways to build the returned Buffer. Medians of 5 runs.
// Usage: node --import tsx bench/handles.bench.ts [--quick]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const FILE_SIZE = 64 << 20;
const CHUNK = 64;
const OPS = FILE_SIZE / CHUNK; // one pass over the file

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mops = (x: number): string => `${(x / 1e6).toFixed(2)} Mops/s`;

function timeLoop(ops: number, body: () => void): number {
  const start = process.hrtime.bigint();
  body();
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

const data = Buffer.alloc(FILE_SIZE);
for (let i = 0; i < FILE_SIZE; i++) data[i] = (i * 31) & 0xff;
const mf = MemFile.from(data);
const payload = Buffer.alloc(CHUNK, 0x5a);

function readLoop(mode: 'rb', buffering?: number): number {
  const f = mf.open(mode, buffering === undefined ? {} : { buffering });
  const ops = quick ? OPS / 4 : OPS;
  const r = timeLoop(ops, () => {
    for (let i = 0; i < ops; i++) f.read(CHUNK);
  });
  f.close();
  return r;
}

function writeLoop(buffering?: number): number {
  const out = new MemFile('bench-out');
  const f = out.open('wb', buffering === undefined ? {} : { buffering });
  const ops = quick ? OPS / 4 : OPS;
  const r = timeLoop(ops, () => {
    for (let i = 0; i < ops; i++) f.write(payload);
  });
  f.close();
  out.close();
  return r;
}

// Ways to return a fresh 64-byte Buffer from an internal buffer (the read fast path's only cost).
function copyVariants(): Record<string, number> {
  const src = Buffer.alloc(8192, 1);
  const ops = 4_000_000;
  const res: Record<string, number> = {};
  let sink = 0;
  res['allocUnsafe + buf.copy'] = timeLoop(ops, () => {
    for (let i = 0; i < ops; i++) { const p = (i & 127) * 64; const o = Buffer.allocUnsafe(64); src.copy(o, 0, p, p + 64); sink += o.length; }
  });
  res['allocUnsafe + set(subarray)'] = timeLoop(ops, () => {
    for (let i = 0; i < ops; i++) { const p = (i & 127) * 64; const o = Buffer.allocUnsafe(64); o.set(src.subarray(p, p + 64)); sink += o.length; }
  });
  res['Uint8Array.prototype.slice'] = timeLoop(ops, () => {
    for (let i = 0; i < ops; i++) { const p = (i & 127) * 64; const o = Uint8Array.prototype.slice.call(src, p, p + 64); sink += o.length; }
  });
  res['allocUnsafe + byte loop'] = timeLoop(ops, () => {
    for (let i = 0; i < ops; i++) { const p = (i & 127) * 64; const o = Buffer.allocUnsafe(64); for (let k = 0; k < 64; k++) o[k] = src[p + k]; sink += o.length; }
  });
  if (sink < 0) console.log(sink);
  return res;
}

function python(): { read: number; write: number } {
  const path = `/dev/shm/memfile-bench-${process.pid}`;
  fs.writeFileSync(path, data);
  const script = `
import time, sys
path, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
reads, writes = [], []
payload = b'Z' * ${CHUNK}
for _ in range(runs):
    with open(path, 'rb') as f:
        r = f.read
        t = time.perf_counter()
        for _ in range(n): r(${CHUNK})
        reads.append(n / (time.perf_counter() - t))
    with open(path + '.out', 'wb') as f:
        w = f.write
        t = time.perf_counter()
        for _ in range(n): w(payload)
        writes.append(n / (time.perf_counter() - t))
reads.sort(); writes.sort()
print(reads[len(reads)//2], writes[len(writes)//2])
`;
  try {
    const out = execFileSync('python3', ['-c', script, path, String(quick ? OPS / 4 : OPS), String(RUNS)], { encoding: 'utf8' });
    const [read, write] = out.trim().split(' ').map(Number);
    return { read, write };
  } finally {
    fs.rmSync(path, { force: true });
    fs.rmSync(`${path}.out`, { force: true });
  }
}

const results: Record<string, number[]> = { 'BufferedReader read(64)': [], 'BufferedWriter write(64)': [], 'RawHandle read(64)': [], 'RawHandle write(64)': [] };
for (let r = 0; r < RUNS; r++) {
  results['BufferedReader read(64)'].push(readLoop('rb'));
  results['BufferedWriter write(64)'].push(writeLoop());
  results['RawHandle read(64)'].push(readLoop('rb', 0));
  results['RawHandle write(64)'].push(writeLoop(0));
}
const py = python();
console.log('| loop | memfile | CPython 3 (same run) | ratio |');
console.log('|---|---|---|---|');
const pyFor: Record<string, number> = { 'BufferedReader read(64)': py.read, 'BufferedWriter write(64)': py.write };
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs);
  const p = pyFor[name];
  console.log(`| ${name} | ${mops(m)} | ${p ? mops(p) : '–'} | ${p ? `${(m / p).toFixed(2)}x` : '–'} |`);
}
console.log('\n| returning a fresh 64-byte Buffer | rate |\n|---|---|');
for (const [name, x] of Object.entries(copyVariants())) console.log(`| ${name} | ${mops(x)} |`);
if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ results, python: py }, null, 2));
mf.close();
