// One load of a file, alone in this process; prints /proc/self/status memory
// figures (KiB) before and after, and the memfd's allocated KiB.
// Usage: node --import tsx bench/lib/files-rss-child.ts <contender> <path>
import * as fs from 'node:fs';
import { MemFile } from '../../ts/memfile';

function status(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const [contender, src] = process.argv.slice(2);
const before = status();
let mf: MemFile;
let keep: Buffer | undefined; // the two-step way's Buffer, alive until measured (as in a user's function)
if (contender === 'memfile') {
  mf = MemFile.fromFileSync(src);
} else if (contender === 'MemFile.from(fs.readFileSync())') {
  keep = fs.readFileSync(src);
  mf = MemFile.from(keep);
} else {
  throw new Error(`unknown contender ${contender}`);
}
const after = status();
const allocatedKiB = (fs.fstatSync(mf.fd).blocks * 512) / 1024;
process.stdout.write(JSON.stringify({ before, after, allocatedKiB, kept: keep?.length ?? 0 }) + '\n');
