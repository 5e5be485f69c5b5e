// One handle case in a process of its own, the way a real program meets it (issue 11, §6):
//   fresh  — the case runs once, first thing in a new process (cold JIT, cold pages);
//   mixed  — the other handle cases run once first in the same process, then this one;
//   warm   — the case runs `WARM_RUNS` times in a row, the last run counts.
// Prints {"rate": ops or lines per second}. Setup (data, files) is never timed.
// Usage: node --import tsx bench/lib/handle-child.ts <read64|write64|iter|wline> <fresh|mixed|warm> <binaryBytes> <lines>
import { MemFile } from '../../ts/memfile';
import { now } from './measure';
import { benchLines } from './text-data';

export const HANDLE_CASES = ['read64', 'write64', 'iter', 'wline'] as const;
export type HandleCase = (typeof HANDLE_CASES)[number];
export const PHASES = ['fresh', 'mixed', 'warm'] as const;
export type Phase = (typeof PHASES)[number];
const WARM_RUNS = 4;

function main(): void {
  const [which, phase, bytesArg, linesArg] = process.argv.slice(2) as [HandleCase, Phase, string, string];
  const bytes = Number(bytesArg);
  const lines = benchLines(Number(linesArg));
  const binary = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) binary[i] = (i * 31 + (i >> 9)) & 0xff;
  // Both files are filled by the kernel's write path, as a file another process made would be:
  // no page of them has been touched through this process's mapping yet.
  const binFile = MemFile.from(binary);
  const textFile = MemFile.from(lines.join(''));
  const chunk = Buffer.alloc(64, 0x5a);
  const seconds = (): number => now() / 1000;

  const cases: Record<HandleCase, () => number> = {
    read64: () => {
      const h = binFile.open('rb');
      const t = seconds();
      let n = 0;
      while (h.read(64).length !== 0) n++;
      const s = seconds() - t;
      h.close();
      if (n !== bytes / 64) throw new Error(`read ${n} chunks`);
      return n / s;
    },
    write64: () => {
      const out = new MemFile();
      const h = out.open('wb');
      const ops = bytes / 64;
      const t = seconds();
      for (let i = 0; i < ops; i++) h.write(chunk);
      h.flush();
      const s = seconds() - t;
      if (out.size !== bytes) throw new Error('short write');
      h.close();
      out.close();
      return ops / s;
    },
    iter: () => {
      const h = textFile.open('r');
      const t = seconds();
      let n = 0;
      for (const _ of h) n++;
      const s = seconds() - t;
      h.close();
      if (n !== lines.length) throw new Error(`iterated ${n} lines`);
      return n / s;
    },
    wline: () => {
      const out = new MemFile();
      const h = out.open('w');
      const t = seconds();
      for (let i = 0; i < lines.length; i++) h.write(lines[i]);
      h.flush();
      const s = seconds() - t;
      h.close();
      out.close();
      return lines.length / s;
    },
  };
  if (phase === 'mixed') for (const other of HANDLE_CASES) if (other !== which) cases[other]();
  let rate = 0;
  const runs = phase === 'warm' ? WARM_RUNS : 1;
  for (let r = 0; r < runs; r++) rate = cases[which]();
  process.stdout.write(`${JSON.stringify({ rate })}\n`);
  binFile.close();
  textFile.close();
}

if (require.main === module) main();
