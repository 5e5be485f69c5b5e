// Unsealed shared files (issue 11): a small pread/pwrite below the size last seen goes through
// this process's mapping with no syscall, and is trusted only when the page after it can be
// touched (a page past the end raises SIGBUS, caught). The size last seen is a hint, never the
// answer: a python3 peer holding the fd truncates into the middle of a page, to zero, regrows,
// and hammers truncates while we read, and every answer stays what pread(2) would give.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { MemFile } from '../ts/index';

const test = suite('reliability: peers on unsealed shared files');
const PAGE = 4096;
const BACKINGS = ['memfd', 'shm'] as const;

function py(fd: number, code: string): string {
  const r = spawnSync('python3', ['-c', `import os\n${code}`], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function shared(backing: 'memfd' | 'shm', bytes: Buffer): { file: MemFile; fd: number } {
  const file = backing === 'shm' ? new MemFile(undefined, { backing: 'shm' }) : new MemFile();
  const fd = file.fd; // shared before the bytes arrive: the shared write path fills it
  file.pwrite(0, bytes);
  return { file, fd };
}

/** Small reads all over the file, so every page is mapped and the no-syscall path is warm. */
function warm(file: MemFile, size: number): void {
  const target = Buffer.alloc(64);
  for (let i = 0; i < 20_000; i++) file.pread(((i * 7919) % Math.floor(size / 64)) * 64, 64, target);
}

for (const backing of BACKINGS) {
  test(`${backing}: a peer truncates into the middle of a page — a small pread there is short, never the zeros past the end`, () => {
    const { file, fd } = shared(backing, Buffer.alloc(4 * PAGE, 0x61));
    try {
      warm(file, 4 * PAGE);
      py(fd, `os.ftruncate(3, ${2 * PAGE + 120})`);
      const straddling = file.pread(2 * PAGE + 100, 64);
      assert.is(straddling.bytesRead, 20);
      assert.is(straddling.buffer.toString(), 'a'.repeat(20));
      assert.is(file.pread(2 * PAGE + 200, 64).bytesRead, 0, 'past the new end, inside its page');
      assert.is(file.pread(3 * PAGE + 8, 64).bytesRead, 0, 'a page past the new end');
      assert.is(file.pread(PAGE + 8, 64).buffer.toString(), 'a'.repeat(64), 'below the end: unchanged');
      // Regrown by ftruncate: what lies past the old end reads as zeros, and reads are whole again.
      py(fd, `os.ftruncate(3, ${4 * PAGE})`);
      const regrown = file.pread(2 * PAGE + 100, 64, Buffer.alloc(64, 0xff));
      assert.is(regrown.bytesRead, 64);
      assert.ok(regrown.buffer.equals(Buffer.concat([Buffer.alloc(20, 0x61), Buffer.alloc(44)])));
      assert.is(file.pread(3 * PAGE + 8, 64).buffer.toString('hex'), '00'.repeat(64));
      // Emptied: nothing to read anywhere, and the next pages are not trusted from memory.
      py(fd, 'os.ftruncate(3, 0)');
      for (const at of [0, 100, PAGE, 3 * PAGE]) assert.is(file.pread(at, 64).bytesRead, 0, `at ${at}`);
      assert.is(file.size, 0);
    } finally {
      file.close();
    }
  });

  test(`${backing}: a peer truncates below a small pwrite — it grows the file exactly as pwrite(2) does, the peer sees it`, () => {
    const { file, fd } = shared(backing, Buffer.alloc(4 * PAGE, 0x61));
    try {
      warm(file, 4 * PAGE);
      // Into the middle of the written page: the bytes land and the file ends after them.
      py(fd, `os.ftruncate(3, ${2 * PAGE + 120})`);
      file.pwrite(2 * PAGE + 100, Buffer.alloc(64, 0x62));
      assert.is(file.size, 2 * PAGE + 164);
      assert.is(py(fd, `print(os.fstat(3).st_size, os.pread(3, 100, ${2 * PAGE + 80}).hex())`),
        `${2 * PAGE + 164} ${'61'.repeat(20)}${'62'.repeat(64)}`);
      // Below the page the write goes to: the gap reads as zeros, the write is whole.
      py(fd, `os.ftruncate(3, ${PAGE + 10})`);
      file.pwrite(3 * PAGE + 10, Buffer.from('xyz'));
      assert.is(file.size, 3 * PAGE + 13);
      assert.is(py(fd, `d = os.pread(3, ${4 * PAGE}, 0); print(len(d), d[${PAGE + 10}:${3 * PAGE + 10}].count(0), d[-3:].decode())`),
        `${3 * PAGE + 13} ${2 * PAGE} xyz`);
      // A write into a page the file no longer has, right after many fast writes below it.
      const payload = Buffer.alloc(64, 0x63);
      for (let i = 0; i < 20_000; i++) file.pwrite((i % 40) * 64, payload);
      py(fd, 'os.ftruncate(3, 0)');
      file.pwrite(100, payload);
      assert.is(file.size, 164);
      assert.is(py(fd, 'd = os.pread(3, 1000, 0); print(len(d), d[:100].count(0), d[100:].count(0x63))'), '164 100 64');
    } finally {
      file.close();
    }
  });
}

test('a peer hammering truncates (mid-page) and rewrites for ~1.5 s: every byte a small pread returns was in the file (memfd and shm at once)', async () => {
  // The file only ever holds 'a's up to its size; a read that trusted a stale size would
  // return the zeros the kernel leaves past the end of a truncated page.
  const SIZE = 16 * PAGE;
  const runs = BACKINGS.map(async (backing) => {
    const { file, fd } = shared(backing, Buffer.alloc(SIZE, 0x61));
    const peer = spawn('python3', ['-c', `
import os, random, time
rnd = random.Random(7)
full = b'a' * ${SIZE}
end = time.time() + 1.5
cycles = 0
while time.time() < end:
    n = rnd.randrange(0, ${SIZE})
    os.ftruncate(3, n)
    os.pwrite(3, full[n:], n)
    cycles += 1
print(cycles)
`], { stdio: ['ignore', 'pipe', 'inherit', fd] });
    let out = '';
    peer.stdout!.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => peer.on('close', resolve));
    let reads = 0;
    let short = 0;
    let running = true;
    void exited.then(() => (running = false));
    const target = Buffer.alloc(64);
    try {
      while (running) {
        for (let k = 0; k < 2000; k++) {
          const at = ((reads * 7919) % (SIZE / 64)) * 64 + (reads % 3) * 21;
          target.fill(0x2e);
          const { bytesRead } = file.pread(at, 64, target);
          for (let j = 0; j < bytesRead; j++) {
            if (target[j] !== 0x61) assert.unreachable(`${backing}: byte ${target[j]} at ${at + j} (read of ${bytesRead} at ${at})`);
          }
          if (bytesRead < 64) short++;
          reads++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.is(await exited, 0);
      assert.ok(Number(out) > 10, `${backing}: the peer barely ran (${out})`);
      assert.ok(short > 0, `${backing}: no read met a truncated file in ${reads} reads`);
    } finally {
      file.close();
    }
  });
  await Promise.all(runs);
});

test.run();
