// Security: every fd the library creates is close-on-exec and a spawned child
// sees only the fds passed to it; shm objects are 0600 and created with
// O_EXCL; default shm names are unguessable; attach refuses what is not a
// regular shm file (directory, FIFO, symlink); fromFd refuses a pipe, socket,
// directory, device or disk file with EINVAL. The refusals run in a child
// (fixtures/reliability-security-child.ts) so a hang or crash is a failure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemFile } from '../ts/index';
import { blockFds, fdFlags, throwsCode } from './helpers';

const test = suite('reliability: security');
const O_CLOEXEC = 0o2000000;

test('every fd the library creates is O_CLOEXEC: private and exposed memfd, shm, fromFd dups, attach (rw and read-only)', () => {
  const before = new Set(blockFds().keys());
  const files = [
    new MemFile('cloexec-private'), // fd never read: still an fd in this process
    MemFile.from('x'),
    new MemFile(undefined, { backing: 'shm' }),
  ];
  void files[1].fd;
  files.push(MemFile.fromFd(files[1].fd));
  files.push(MemFile.attach(files[2].name));
  files.push(MemFile.attach(files[2].name, { readOnly: true }));
  files[0].pwrite(0, 'grow past the first capacity step'.repeat(4000));
  const fresh = [...blockFds()].filter(([fd]) => !before.has(fd));
  assert.ok(fresh.length >= files.length, `expected >= ${files.length} new fds, saw ${fresh.length}`);
  for (const [fd, link] of fresh) {
    assert.ok((fdFlags(fd) & O_CLOEXEC) !== 0, `fd ${fd} (${link}) is not close-on-exec: flags ${fdFlags(fd).toString(8)}`);
  }
  for (const f of files) f.close();
});

test('a spawned child sees only the fd passed to it', () => {
  const passed = MemFile.from('passed');
  const others = [MemFile.from('private'), MemFile.from('exposed'), new MemFile(undefined, { backing: 'shm' })];
  void others[1].fd;
  const listing = execFileSync('python3', ['-c', `
import os
for fd in sorted(int(x) for x in os.listdir('/proc/self/fd')):
    try:
        print(fd, os.readlink('/proc/self/fd/%d' % fd))
    except OSError:
        pass
`], { stdio: ['ignore', 'pipe', 'inherit', passed.fd], encoding: 'utf8' });
  const blocks = listing.split('\n').filter((l) => /memfd:|\/dev\/shm\//.test(l));
  assert.equal(blocks.map((l) => l.split(' ')[0]), ['3'], `the child saw:\n${listing}`);
  passed.close();
  for (const f of others) f.close();
});

test('shm objects are created 0600 whatever the umask, and with O_EXCL (EEXIST, the other object untouched)', () => {
  const old = process.umask(0);
  try {
    const file = new MemFile(undefined, { backing: 'shm' });
    const named = new MemFile(`reliability-mode-${process.pid}`, { backing: 'shm' });
    for (const f of [file, named]) {
      const st = fs.statSync(`/dev/shm/${f.name}`);
      assert.is(st.mode & 0o777, 0o600, `${f.name}: mode ${(st.mode & 0o777).toString(8)}`);
      assert.is(st.uid, process.getuid!());
    }
    named.pwrite(0, 'first');
    throwsCode(() => new MemFile(named.name, { backing: 'shm' }), Error, 'EEXIST');
    assert.is(named.text(), 'first');
    assert.ok(fs.existsSync(`/dev/shm/${named.name}`), 'a failed create must not unlink the other object');
    file.close();
    named.close();
  } finally {
    process.umask(old);
  }
});

test('default shm names carry >= 128 random bits and never repeat', () => {
  const names = Array.from({ length: 2000 }, () => {
    const f = new MemFile(undefined, { backing: 'shm' });
    const n = f.name;
    f.close();
    return n;
  });
  assert.is(new Set(names).size, names.length);
  let ones = 0;
  let bits = 0;
  for (const n of names) {
    const hex = n.match(/[0-9a-f]{32,}/);
    assert.ok(hex, `no 128-bit random part in ${n}`);
    for (const c of hex![0]) {
      const v = parseInt(c, 16);
      ones += (v & 1) + ((v >> 1) & 1) + ((v >> 2) & 1) + ((v >> 3) & 1);
      bits += 4;
    }
  }
  // Every bit a fair coin: 256,000 bits, so 50% within 1% is > 10 sigma.
  assert.ok(Math.abs(ones / bits - 0.5) < 0.01, `bit balance ${(ones / bits).toFixed(4)}`);
});

test('fromFd refuses pipe, socket, directory, device and disk file with EINVAL; attach refuses directory, FIFO and symlink; names taken stay untouched', () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'reliability-security-child.ts')], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: process.env.MEMFILE_SANITIZER ? 60_000 : 20_000, // the child needs ~1 s (~10 s under ASan); only a hang reaches this
    killSignal: 'SIGKILL', // a process blocked in open(2) ignores SIGTERM
  });
  const lines = child.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { start?: string; label?: string; outcome?: string; done?: boolean });
  // A SIGKILLed child cannot clean up after itself.
  for (const entry of fs.readdirSync('/dev/shm')) if (entry.startsWith(`reliability-${child.pid}-`)) fs.rmSync(`/dev/shm/${entry}`, { recursive: true, force: true });
  for (const entry of fs.readdirSync(path.join(__dirname, '..'))) if (entry.startsWith('.tmp-reliability-')) fs.rmSync(path.join(__dirname, '..', entry), { recursive: true, force: true });
  const results = new Map(lines.filter((l) => l.label).map((l) => [l.label!, l.outcome!]));
  const expectCode = (label: string, codes: string[]): void => {
    const got = results.get(label);
    assert.ok(got !== undefined, `${label}: no result`);
    const [cls, code, ...message] = got!.split(':');
    assert.ok(cls === 'Error' && codes.includes(code), `${label}: got ${got}, expected ${codes.join(' or ')}`);
    assert.ok(message.join(':').length > 10, `${label}: message not clear: ${got}`);
  };
  for (const kind of ['pipe', 'directory', 'disk file', '/dev/null', 'socket']) expectCode(`fromFd(${kind})`, ['EINVAL']);
  assert.is(results.get('fromFd(tmpfs file)'), 'ok');
  expectCode('attach(directory)', ['EINVAL', 'EISDIR']);
  expectCode('attach(directory, readOnly)', ['EINVAL', 'EISDIR']);
  expectCode('attach(fifo)', ['EINVAL']);
  expectCode('attach(symlink to a disk file)', ['ELOOP', 'EINVAL']);
  assert.is(results.get('symlink target content'), 'precious');
  expectCode('new MemFile(taken name, shm)', ['EEXIST']);
  assert.is(results.get('taken content'), 'theirs');
  expectCode('new MemFile(name of a directory, shm)', ['EEXIST']);
  assert.is(results.get('directory still there'), 'true');
  // Last: a read-only attach of a FIFO must fail, not block in open(2) forever.
  const hung = lines.filter((l) => l.start).at(-1)?.start;
  assert.ok(lines.at(-1)?.done, `the child ${child.signal ? `was killed (${child.signal}) while running "${hung}"` : `exited ${child.status}`}\n${child.stderr.slice(-2000)}`);
  expectCode('attach(fifo, readOnly)', ['EINVAL']);
});

test.run();
