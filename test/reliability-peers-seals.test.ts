// Seals make shared files fast (issue 11): under 'shrink' reads and writes below the known
// size go through a JavaScript window with no syscall, under 'shrink' + 'grow' nothing asks
// the kernel. Correctness must not move: a python3 peer holding the fd appends, writes in
// place, tries to truncate and seals while we read, and every answer stays right.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { MemFile } from '../ts/index';
import { blockOf } from '../ts/internal';
import { DATA_SEED, prng, throwsCode } from './helpers';

const test = suite('reliability: peers and seals');

/** The fast-path mode native code publishes (native/block.h FastState): 0 native, 1 exact size, 2 size floor. */
const fastMode = (file: MemFile): number => blockOf(file).fastMode;

function py(fd: number, code: string): string {
  const r = spawnSync('python3', ['-c', `import errno, fcntl, os\n${code}`], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test("'shrink': a peer's append is seen by the next read past the old size, also right after a burst of fast reads", () => {
  using file = MemFile.from(Buffer.alloc(8192, 0x61));
  const fd = file.fd;
  file.seal('shrink');
  const target = Buffer.alloc(64);
  for (let i = 0; i < 100_000; i++) file.pread((i * 64) % 8192, 64, target);
  assert.is(fastMode(file), 2, 'reads below the known size take the JavaScript window');
  py(fd, "os.pwrite(3, b'APPENDED', 8192)");
  assert.is(file.pread(8190, 10).buffer.toString(), 'aaAPPENDED');
  assert.is(file.size, 8200);
  // The floor rose: the new bytes are now served by the window as well.
  py(fd, "os.pwrite(3, b'B' * 100, 8200)");
  for (let i = 0; i < 1000; i++) assert.is(file.pread(8192, 8).buffer.toString(), 'APPENDED');
  assert.is(file.pread(8200, 200).bytesRead, 100);
  const handle = file.open('rb');
  assert.is(handle.read().length, 8300);
  handle.close();
});

for (const seals of [[], ['shrink'], ['shrink', 'grow']] as const) {
  test(`a peer's in-place write is seen at once by pread, handles and view() (seals: ${seals.join('+') || 'none'})`, () => {
    using file = MemFile.from(Buffer.alloc(4 * 4096, 0x2e));
    const fd = file.fd;
    if (seals.length) file.seal([...seals]);
    const view = file.view();
    for (let round = 0; round < 4; round++) {
      const off = (round * 1237) % (4 * 4096 - 8);
      const word = `w${String(round).padStart(6, '0')}`;
      py(fd, `os.pwrite(3, b'${word}', ${off})`);
      assert.is(file.pread(off, 7).buffer.toString(), word, `pread round ${round}`);
      assert.is(view.subarray(off, off + 7).toString(), word, `view round ${round}`);
      const h = file.open('rb');
      h.seek(off);
      assert.is(h.read(7).toString(), word);
      h.close();
    }
  });
}

test("'shrink': a peer's ftruncate down is refused and our size and bytes stay", () => {
  using file = MemFile.from('0123456789');
  const fd = file.fd;
  file.seal('shrink');
  assert.is(file.pread(0, 10).buffer.toString(), '0123456789');
  const out = py(fd, `
for n in (0, 5, 9):
    try:
        os.ftruncate(3, n); print('ok')
    except OSError as e:
        print(errno.errorcode[e.errno])`);
  assert.equal(out.split('\n'), ['EPERM', 'EPERM', 'EPERM']);
  assert.is(file.size, 10);
  assert.is(file.text(), '0123456789');
});

test("'shrink': size is monotone and every byte read is one the peer wrote, while it hammers writes, appends and truncates for ~2 s, then seals", async () => {
  const file = MemFile.from(Buffer.alloc(64 * 1024, 0x41));
  const fd = file.fd;
  file.seal('shrink');
  const peer = spawn('python3', ['-c', `
import errno, fcntl, os, random, time, json
random.seed(7)
end = time.time() + 2.0
counts = {'writes': 0, 'appends': 0, 'refused': 0, 'grown': 0, 'other': 0}
while time.time() < end:
    size = os.fstat(3).st_size
    r = random.random()
    try:
        if r < 0.4:
            os.pwrite(3, b'A' * random.randint(1, 9000), random.randrange(size)); counts['writes'] += 1
        elif r < 0.6:
            os.pwrite(3, b'A' * random.randint(1, 5000), size); counts['appends'] += 1
        elif r < 0.9:
            os.ftruncate(3, random.randrange(size)); counts['other'] += 1
        else:
            os.ftruncate(3, size + random.randint(1, 3000)); counts['grown'] += 1
    except OSError as e:
        if e.errno == errno.EPERM: counts['refused'] += 1
        else: raise
fcntl.fcntl(3, 1033, 16)  # F_SEAL_FUTURE_WRITE
print(json.dumps(counts), flush=True)
`], { stdio: ['ignore', 'pipe', 'inherit', fd] });
  let stdout = '';
  peer.stdout!.on('data', (d: Buffer) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => peer.on('close', resolve));
  let last = file.size;
  let reads = 0;
  let sawSealed = false;
  const target = Buffer.alloc(16 * 1024);
  const deadline = Date.now() + 6000;
  const r = prng(DATA_SEED);
  // The event loop is blocked here on purpose (the peer is another process): poll until it seals.
  while (Date.now() < deadline && !sawSealed) {
    for (let k = 0; k < 200; k++) {
      const size = file.size;
      assert.ok(size >= last, `size went backwards: ${last} -> ${size}`);
      last = size;
      const off = r.below(size + 2000);
      const len = 1 + r.below(target.length);
      const { bytesRead } = file.pread(off, len, target);
      if (off + len <= size) assert.is(bytesRead, len, 'a read inside the known size is never short (nothing can shrink it)');
      for (let i = 0; i < bytesRead; i++) {
        const b = target[i];
        // Bytes are 'A' (written) or 0 (a gap the peer's growth left), never anything else.
        if (b !== 0x41 && b !== 0) assert.unreachable(`byte ${b} at ${off + i}`);
      }
      reads++;
    }
    sawSealed = file.sealed;
  }
  assert.is(await exited, 0);
  const counts = JSON.parse(stdout) as Record<string, number>;
  assert.ok(counts.refused > 10, `the peer's truncates down were refused: ${stdout}`);
  assert.ok(counts.appends > 10 && counts.writes > 10, stdout);
  assert.ok(reads > 1000, `only ${reads} reads`);
  assert.ok(file.sealed, 'the peer sealed mid-run and `sealed` sees it');
  assert.ok(file.size >= last);
  assert.equal(file.seals, ['shrink', 'future-write']);
  throwsCode(() => file.pwrite(0, 'x'), Error, 'EPERM');
  file.close();
});

test('a Node child that wraps a sealed fd with fromFd takes the no-syscall path and reads the right bytes', () => {
  const data = Buffer.alloc(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
  using file = MemFile.from(data);
  file.seal();
  const child = path.join(__dirname, 'fixtures', 'sealed-fromfd-child.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe', file.fd], encoding: 'utf8', cwd: path.join(__dirname, '..') });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { fast: number; seals: string[]; sum: number; size: number };
  assert.equal(out.seals, ['seal', 'shrink', 'grow', 'write']);
  assert.is(out.fast, 1, 'size frozen: exact size, reads through the window');
  assert.is(out.size, data.length);
  let sum = 0;
  for (let i = 0; i < data.length; i += 61) sum = (sum * 31 + data[i]) >>> 0;
  assert.is(out.sum, sum);
});

test.run();
