// One contender holding `bytes` bytes, alone in this process, filled by 64 KiB appends;
// prints the process's /proc/self/status memory figures (KiB) before and after.
// Usage: node --import tsx bench/lib/rss-child.ts <contender> <bytes>
import * as fs from 'node:fs';
import { Volume } from 'memfs';
import { MemFile } from '../../ts/memfile';
import { GrowableBuffer } from './peers';

function status(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const [contender, bytesArg] = process.argv.slice(2);
const bytes = Number(bytesArg);
const chunk = Buffer.alloc(64 * 1024, 0x5a);
const before = status();
let keep: unknown;
if (contender === 'memfile') {
  const mf = MemFile.from(Buffer.alloc(0));
  for (let off = 0; off < bytes; off += chunk.length) mf.pwrite(off, chunk);
  keep = mf;
} else if (contender === 'growable Buffer') {
  const g = new GrowableBuffer();
  for (let off = 0; off < bytes; off += chunk.length) g.write(chunk);
  keep = g;
} else if (contender === 'Buffer.concat') {
  const parts: Buffer[] = [];
  for (let off = 0; off < bytes; off += chunk.length) parts.push(Buffer.from(chunk));
  keep = Buffer.concat(parts);
  parts.length = 0;
} else if (contender === 'memfs') {
  const vol = new Volume();
  const fd = vol.openSync('/f', 'w');
  for (let off = 0; off < bytes; off += chunk.length) vol.writeSync(fd, chunk);
  keep = vol;
} else if (contender === 'limit (Buffer.copy)') {
  const b = Buffer.allocUnsafe(bytes); // the data itself, nothing else
  for (let off = 0; off < bytes; off += chunk.length) chunk.copy(b, off);
  keep = b;
} else {
  throw new Error(`unknown contender ${contender}`);
}
const after = status();
// A memfd's pages are memory even when no mapping shows them in RSS (big
// writes go through the kernel's write path): count the file's allocation,
// minus what RssShmem already counts.
let unmappedKiB = 0;
if (keep instanceof MemFile) {
  const allocatedKiB = (fs.fstatSync(keep.fd).blocks * 512) / 1024;
  unmappedKiB = Math.max(0, allocatedKiB - (after.RssShmem ?? 0));
}
process.stdout.write(JSON.stringify({ before, after, unmappedKiB }) + '\n');
