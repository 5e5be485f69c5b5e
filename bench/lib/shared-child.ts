// A Node child reading a sealed memfd it was handed as fd 3, through MemFile.fromFd: the
// fast paths seals allow must hold in every process, not only in the one that sealed.
// Prints {"<size>": reads per second, ...}, random offsets as the parent's shared cases.
// Usage: node --import tsx bench/lib/shared-child.ts <budgetMs> <size> [<size> ...]
import { MemFile } from '../../ts/memfile';
import { opsPerSec } from './measure';

const [budget, ...sizes] = process.argv.slice(2).map(Number);
const file = MemFile.fromFd(3);
const total = file.size;
const out: Record<string, number> = {};
for (const size of sizes) {
  const slots = Math.floor(total / size);
  const target = Buffer.alloc(size);
  const pos = (i: number): number => ((i * 7919) % slots) * size;
  // Untimed first: a fresh process's first touch of each mapped page is a page fault, which
  // the parent's own cases paid in earlier rounds; the timed run is the steady state.
  opsPerSec(budget, size, (i) => file.pread(pos(i), size, target));
  out[size] = opsPerSec(budget, size, (i) => file.pread(pos(i), size, target));
}
file.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
