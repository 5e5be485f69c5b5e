// TextHandle against its peers, measured in the same run: line iteration over a
// 2,000,000-line (~79 MB) UTF-8 file, and write(line) of the same lines. Peers: CPython's
// TextIOWrapper over a /dev/shm file (python3, timed inside the child), node:readline over
// fs.createReadStream of the same /dev/shm file. Contenders interleave; medians of 5
// runs (3 with --quick, which also uses 500,000 lines), min–max in brackets.
// Usage: node --expose-gc --import tsx bench/text.bench.ts [--quick]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { MemFile } from '../ts/index';
import type { TextHandle } from '../ts/handles/text';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const LINES = quick ? 500_000 : 2_000_000;

// ~39 bytes a line; every 97th line has non-ASCII characters (so the decoder leaves its ASCII path).
const lines: string[] = [];
for (let i = 0; i < LINES; i++) {
  lines.push(i % 97 === 0 ? `${i}: naïve café — 日本語 ✓ über\n` : `${i}: the quick brown fox jumps over\n`);
}
const content = Buffer.from(lines.join(''), 'utf8');
const shm = `/dev/shm/memfile-text-bench-${process.pid}`;
const shmOut = `${shm}-out`;
fs.writeFileSync(shm, content);
const mf = MemFile.from(content);

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const now = (): number => Number(process.hrtime.bigint()) / 1e9;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const PY = `
import sys, time, json
case, path, src = sys.argv[1], sys.argv[2], sys.argv[3]
if case == 'iter':
    f = open(path, 'r', encoding='utf-8')
    t = time.perf_counter(); n = 0
    for line in f:
        n += 1
    s = time.perf_counter() - t
    f.close()
else:
    lines = open(src, encoding='utf-8').readlines()
    f = open(path, 'w', encoding='utf-8')
    t = time.perf_counter()
    for line in lines:
        f.write(line)
    f.flush()
    s = time.perf_counter() - t
    f.close(); n = len(lines)
print(json.dumps(n / s))
`;

function python(kind: 'iter' | 'write'): number {
  const out = spawnSync('python3', ['-c', PY, kind, kind === 'iter' ? shm : shmOut, shm], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout);
}

function ours(kind: 'iter' | 'readline' | 'write'): number {
  gc();
  if (kind === 'write') {
    const out = new MemFile();
    const h = out.open('w');
    const t = now();
    for (let i = 0; i < lines.length; i++) h.write(lines[i]);
    h.flush();
    const s = now() - t;
    if (out.size !== content.length) throw new Error('short write');
    h.close();
    out.close();
    return lines.length / s;
  }
  const h: TextHandle = mf.open('r');
  let n = 0;
  const t = now();
  if (kind === 'iter') {
    for (const _ of h) n++;
  } else {
    while (h.readline() !== '') n++;
  }
  const s = now() - t;
  h.close();
  if (n !== lines.length) throw new Error(`read ${n} lines`);
  return n / s;
}

async function nodeReadline(): Promise<number> {
  gc();
  const t = now();
  let n = 0;
  for await (const _ of readline.createInterface({ input: fs.createReadStream(shm), crlfDelay: Infinity })) n++;
  return n / (now() - t);
}

async function main(): Promise<void> {
  const contenders: Array<[string, () => number | Promise<number>]> = [
    ['memfile for..of', () => ours('iter')],
    ['memfile readline()', () => ours('readline')],
    ['python3 TextIOWrapper for line in f', () => python('iter')],
    ['node:readline over fs.createReadStream', nodeReadline],
    ['memfile write(line)', () => ours('write')],
    ['python3 TextIOWrapper write(line)', () => python('write')],
  ];
  const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, f] of contenders) samples.get(name)!.push(await f());
  }
  const m = (name: string): number => median(samples.get(name)!);
  console.log(`text bench: ${LINES} lines, ${(content.length / 1e6).toFixed(1)} MB UTF-8, median of ${RUNS} (min–max), node ${process.version}`);
  for (const [name] of contenders) {
    const xs = samples.get(name)!;
    console.log(`  ${name.padEnd(42)} ${(m(name) / 1e6).toFixed(2).padStart(6)} Mlines/s  [${(Math.min(...xs) / 1e6).toFixed(2)}–${(Math.max(...xs) / 1e6).toFixed(2)}]`);
  }
  const iter = m('memfile for..of');
  console.log(`  iteration vs CPython:        ${(iter / m('python3 TextIOWrapper for line in f')).toFixed(2)}x (goal >= 1.0)`);
  console.log(`  iteration vs node:readline:  ${(iter / m('node:readline over fs.createReadStream')).toFixed(2)}x (goal >= 2.0)`);
  console.log(`  write(line) vs CPython:      ${(m('memfile write(line)') / m('python3 TextIOWrapper write(line)')).toFixed(2)}x (goal >= 1.0)`);
}

main().finally(() => {
  mf.close();
  fs.rmSync(shm, { force: true });
  fs.rmSync(shmOut, { force: true });
});
