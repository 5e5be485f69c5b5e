// Writes whatever the fd or the size (issue 10, defects 4 and 8): fromFd of
// an O_APPEND fd honours every position (and leaves the caller's fd as it
// was); shrinking a heap block gives its pages back instead of zeroing the
// dropped range byte by byte.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemFile } from '../ts/index';
import { fdFlags } from './helpers';

const test = suite('reliability: O_APPEND fds, heap shrink');
const O_APPEND = 0o2000;

function appendCase(label: string, open: () => { fd: number; check: () => Buffer; cleanup: () => void }): void {
  test(`fromFd of an O_APPEND fd (${label}): pwrite, handles and streams write at their positions; the caller's fd keeps O_APPEND`, async () => {
    const { fd, check, cleanup } = open();
    try {
      assert.ok((fdFlags(fd) & O_APPEND) !== 0, 'the test fd is not O_APPEND');
      fs.writeSync(fd, 'hello world');
      const file = MemFile.fromFd(fd);
      file.pwrite(20, 'XYZ');
      assert.is(file.size, 23);
      file.pwrite(0, 'H');
      const raw = file.open('rb+', { buffering: 0 });
      raw.seek(5);
      raw.write(Buffer.from('_'));
      raw.close();
      const ws = file.createWriteStream({ start: 12, flags: 'r+' });
      await new Promise<void>((resolve, reject) => ws.on('error', reject).end('OR', () => resolve()));
      const expected = Buffer.concat([Buffer.from('Hello_worldrOR'), Buffer.alloc(6), Buffer.from('XYZ')]);
      expected[11] = 0;
      assert.equal([...file.bytes()], [...expected]);
      // Another program reading the file sees the same bytes.
      assert.equal([...check()], [...expected]);
      // The caller's fd still appends, wherever its offset is.
      assert.ok((fdFlags(fd) & O_APPEND) !== 0, "fromFd cleared O_APPEND on the caller's fd");
      fs.writeSync(fd, '!', 0);
      assert.is(file.size, 24);
      assert.is(file.pread(23, 1).buffer.toString(), '!');
      file.close();
    } finally {
      cleanup();
    }
  });
}

appendCase('a /dev/shm file opened a+', () => {
  const p = `/dev/shm/memfile-append-${process.pid}`;
  const fd = fs.openSync(p, 'a+');
  return {
    fd,
    check: () => execFileSync('python3', ['-c', `import sys; sys.stdout.buffer.write(open(${JSON.stringify(p)}, 'rb').read())`]),
    cleanup: () => {
      fs.closeSync(fd);
      fs.unlinkSync(p);
    },
  };
});

appendCase('a memfd reopened a+ through its path', () => {
  const owner = MemFile.from('');
  const fd = fs.openSync(owner.path, 'a+');
  return {
    fd,
    check: () => execFileSync('python3', ['-c', 'import sys, os; sys.stdout.buffer.write(os.pread(3, 1 << 20, 0))'], { stdio: ['ignore', 'pipe', 'inherit', owner.fd] }),
    cleanup: () => {
      fs.closeSync(fd);
      owner.close();
    },
  };
});

test('fromFd of a write-only O_APPEND fd opened by python3: positions are honoured', () => {
  const p = `/dev/shm/memfile-append-py-${process.pid}`;
  fs.writeFileSync(p, 'hello world');
  // python3 opens O_WRONLY|O_APPEND and hands the fd to a Node child, which writes at 0 and 20.
  const child = `
const { MemFile } = require(${JSON.stringify(path.join(__dirname, '..', 'ts', 'index.ts'))});
const file = MemFile.fromFd(3);
file.pwrite(20, 'XYZ');
file.pwrite(0, 'J');
file.close();
`;
  const script = `
import os, subprocess, sys
fd = os.open(${JSON.stringify(p)}, os.O_WRONLY | os.O_APPEND)
subprocess.run([sys.argv[1], '--import', 'tsx', '-e', sys.argv[2]], pass_fds=[fd], check=True, stdin=subprocess.DEVNULL,
               preexec_fn=lambda: os.dup2(fd, 3))
os.write(fd, b'!')
`;
  try {
    const r = spawnSync('python3', ['-c', script, process.execPath, child], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const bytes = fs.readFileSync(p);
    assert.equal([...bytes], [...Buffer.concat([Buffer.from('Jello world'), Buffer.alloc(9), Buffer.from('XYZ!')])]);
  } finally {
    fs.rmSync(p, { force: true });
  }
});

test('fromFd of an O_APPEND fd whose file can no longer be reopened (mode 0, not root): positions are still honoured (pwritev2 RWF_NOAPPEND)', () => {
  // Root reopens anything, so as root the python3 peer runs as nobody (setpriv).
  const p = `/dev/shm/memfile-append-noperm-${process.pid}`;
  const script = `
import os, subprocess, sys
p = sys.argv[1]
fd = os.open(p, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
os.write(fd, b'hello world')
os.chmod(p, 0)  # an open through /proc/self/fd is refused from now on
child = "const { MemFile } = require(process.argv[1]); const f = MemFile.fromFd(3); f.pwrite(20, 'XYZ'); f.pwrite(0, 'J'); f.close();"
r = subprocess.run([sys.argv[2], '--import', 'tsx', '-e', child, sys.argv[3]], pass_fds=[fd], stdin=subprocess.DEVNULL,
                   preexec_fn=lambda: os.dup2(fd, 3))
os.write(fd, b'!')
sys.stdout.write(os.pread(fd, 100, 0).hex() + ' ' + str(r.returncode))
`;
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const argv = [python, '-c', script, p, process.execPath, path.join(__dirname, '..', 'ts', 'index.ts')];
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...argv] : argv;
  try {
    const r = spawnSync(cmd[0], cmd.slice(1), { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, HOME: '/tmp' } });
    assert.is(r.status, 0, r.stderr);
    const [hex, childStatus] = r.stdout.trim().split(' ');
    assert.is(childStatus, '0', r.stderr);
    assert.equal([...Buffer.from(hex, 'hex')], [...Buffer.concat([Buffer.from('Jello world'), Buffer.alloc(9), Buffer.from('XYZ!')])]);
  } finally {
    fs.rmSync(p, { force: true });
  }
});

test('heap truncate(1) of a 1 GiB block gives the dropped pages back (RSS does not grow by the dropped size) and they read as zeros', () => {
  const child = `
const { MemFile } = require(${JSON.stringify(path.join(__dirname, '..', 'ts', 'index.ts'))});
const rss = () => Number(require('fs').readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\\s+(\\d+)/)[1]) * 1024;
const GiB = 2 ** 30;
const file = new MemFile('x', { backing: 'heap', size: GiB });
file.pwrite(GiB - 10, 'tail');
file.pwrite(4094, 'abc');
const before = rss();
file.truncate(4095);
const grown = rss() - before;
file.truncate(GiB);
const out = {
  grown,
  size: file.size,
  kept: file.pread(4094, 1).buffer.toString(),
  partial: [...file.pread(4095, 2).buffer],
  tail: [...file.pread(GiB - 10, 4).buffer],
};
console.log(JSON.stringify(out));
`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', child], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { grown: number; size: number; kept: string; partial: number[]; tail: number[] };
  assert.ok(out.grown < 64 << 20, `RSS grew by ${out.grown} bytes while dropping a 1 GiB range`);
  assert.is(out.size, 2 ** 30);
  assert.is(out.kept, 'a');
  assert.equal(out.partial, [0, 0]);
  assert.equal(out.tail, [0, 0, 0, 0]);
});

test.run();
