// pread/pwrite against the memcpy limit (Buffer.copy of already-written bytes)
// and against fs.readSync/fs.writeSync on the same fd. Medians of 5 runs.
// Usage: node --import tsx bench/core.bench.ts [--quick]
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const SIZES = [64, 4096, 65536, 1 << 20];
const FILE_SIZE = 64 << 20;

function timeOps(budgetMs: number, op: (i: number) => void): number {
  // Warm up, then count ops in the time budget; returns ops/s.
  for (let i = 0; i < 1000; i++) op(i);
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs * 1e6);
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < 64; k++) op(n++);
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (opsPerSec: number, size: number) =>
  size >= 65536 ? `${((opsPerSec * size) / 2 ** 30).toFixed(2)} GiB/s` : `${(opsPerSec / 1e6).toFixed(2)} Mops/s`;

const data = Buffer.alloc(FILE_SIZE);
for (let i = 0; i < FILE_SIZE; i += 4096) data[i] = i & 0xff;
const hidden = MemFile.from(data); // fd never exposed: no syscall per op
const shared = MemFile.from(data);
const fd = shared.fd; // exposed: fstat per op keeps other processes' changes visible
const source = Buffer.from(data);

type Row = { op: string; size: number; results: Record<string, number> };
const rows: Row[] = [];
for (const size of SIZES) {
  const budget = quick ? 60 : size >= 65536 ? 200 : 150;
  const slots = Math.floor(FILE_SIZE / size);
  const pos = (i: number) => ((i * 7919) % slots) * size;
  const target = Buffer.alloc(size);
  const payload = Buffer.alloc(size, 0x5a);
  const read: Record<string, number[]> = { memfile: [], 'memfile (fd exposed)': [], 'Buffer.copy': [], 'fs.readSync': [] };
  const write: Record<string, number[]> = { memfile: [], 'memfile (fd exposed)': [], 'Buffer.copy': [], 'fs.writeSync': [] };
  for (let r = 0; r < RUNS; r++) {
    read.memfile.push(timeOps(budget, (i) => hidden.pread(pos(i), size, target)));
    read['memfile (fd exposed)'].push(timeOps(budget, (i) => shared.pread(pos(i), size, target)));
    read['Buffer.copy'].push(timeOps(budget, (i) => { const p = pos(i); source.copy(target, 0, p, p + size); }));
    read['fs.readSync'].push(timeOps(budget, (i) => fs.readSync(fd, target, 0, size, pos(i))));
    write.memfile.push(timeOps(budget, (i) => hidden.pwrite(pos(i), payload)));
    write['memfile (fd exposed)'].push(timeOps(budget, (i) => shared.pwrite(pos(i), payload)));
    write['Buffer.copy'].push(timeOps(budget, (i) => { payload.copy(source, pos(i)); }));
    write['fs.writeSync'].push(timeOps(budget, (i) => fs.writeSync(fd, payload, 0, size, pos(i))));
  }
  const med = (m: Record<string, number[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  rows.push({ op: 'pread', size, results: med(read) }, { op: 'pwrite', size, results: med(write) });
}

console.log(`| op | size | memfile | memfile (fd exposed) | Buffer.copy (limit) | fs sync on same fd | memfile / limit | memfile / fs | exposed / fs |`);
console.log(`|---|---|---|---|---|---|---|---|---|`);
for (const { op, size, results } of rows) {
  const fsKey = op === 'pread' ? 'fs.readSync' : 'fs.writeSync';
  const m = results.memfile;
  const e = results['memfile (fd exposed)'];
  const limit = results['Buffer.copy'];
  const f = results[fsKey];
  console.log(`| ${op} | ${size} | ${fmt(m, size)} | ${fmt(e, size)} | ${fmt(limit, size)} | ${fmt(f, size)} | ${(m / limit).toFixed(2)}x | ${(m / f).toFixed(1)}x | ${(e / f).toFixed(1)}x |`);
}
if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows, null, 2));
hidden.close();
shared.close();
