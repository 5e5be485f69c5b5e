// TextHandle.write(line) alone: 2,000,000 lines (the data of text.bench.ts) to a fresh
// MemFile 'w' handle, 4 rounds, Mlines/s each and the median; then the same loop in
// python3 (TextIOWrapper over /dev/shm) in the same session for comparison.
// Usage: node --expose-gc --import tsx bench/text-write.bench.ts [--no-python] [--enc=utf-8]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';

const LINES = 2_000_000;
const ROUNDS = 4;
const encArg = process.argv.find((a) => a.startsWith('--enc='));
const encoding = encArg ? encArg.slice(6) : 'utf-8';
const lines: string[] = [];
for (let i = 0; i < LINES; i++) {
  lines.push(i % 97 === 0 ? `${i}: naïve café — 日本語 ✓ über\n` : `${i}: the quick brown fox jumps over\n`);
}
const expected = Buffer.from(lines.join(''), 'utf8');
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const now = (): number => Number(process.hrtime.bigint()) / 1e9;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ours: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  gc();
  const mf = new MemFile();
  const h = mf.open('w', { encoding });
  const t = now();
  for (let i = 0; i < lines.length; i++) h.write(lines[i]);
  h.close();
  const s = now() - t;
  if (encoding === 'utf-8' && !mf.pread(0, mf.size).buffer.equals(expected)) throw new Error('wrong bytes');
  mf.close();
  ours.push(lines.length / s / 1e6);
}
console.log(`memfile write(line) ${encoding}: ${ours.map((x) => x.toFixed(2)).join(' ')}  median ${median(ours).toFixed(2)} Mlines/s`);

if (!process.argv.includes('--no-python')) {
  const shm = `/dev/shm/memfile-tw-${process.pid}`;
  const PY = `
import sys, time
n = ${LINES}
lines = [f"{i}: naïve café — 日本語 ✓ über\\n" if i % 97 == 0 else f"{i}: the quick brown fox jumps over\\n" for i in range(n)]
rs = []
for r in range(${ROUNDS}):
    f = open(sys.argv[1], 'w', encoding=sys.argv[2])
    t = time.perf_counter()
    for line in lines:
        f.write(line)
    f.close()
    rs.append(n / (time.perf_counter() - t) / 1e6)
rs.sort()
print(' '.join(f'{x:.2f}' for x in rs), f' median {(rs[1] + rs[2]) / 2:.2f} Mlines/s')
`;
  const out = spawnSync('python3', ['-c', PY, shm, encoding], { encoding: 'utf8' });
  fs.rmSync(shm, { force: true });
  if (out.status !== 0) throw new Error(out.stderr);
  console.log(`python3 TextIOWrapper write(line) ${encoding}: ${out.stdout.trim()}`);
}
