// The block's fd in other processes: seals holding against a child, close-on-exec, a child
// truncating under us, shm cleanup at exit, openFd() (one offset per child). Programs that read
// and write the bytes (sha256sum, python3, unzip, sqlite3, Node children and workers) are
// test/programs.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemFile } from '../ts/index';
import { fdCount, fdFlags, fixture, nodeTs, sha256, throwsCode } from './helpers';

const test = suite('children');

test('after seal(), a child cannot write, truncate or grow, and the content is unchanged', () => {
  const file = MemFile.from('frozen');
  file.seal();
  const py = `
import os, errno
results = []
for op in (lambda: os.pwrite(3, b'X', 0), lambda: os.ftruncate(3, 0), lambda: os.ftruncate(3, 100)):
    try:
        op(); results.append('ok')
    except OSError as e:
        results.append(errno.errorcode[e.errno])
print(','.join(results))
`;
  const child = spawnSync('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'inherit', file.fd], encoding: 'utf8' });
  assert.is(child.stdout.trim(), 'EPERM,EPERM,EPERM');
  assert.is(file.text(), 'frozen');
  file.close();
});

test('close-on-exec: a child not given the fd does not have it', () => {
  const file = MemFile.from('private', { name: `cloexec-${process.pid}` });
  const fd = file.fd;
  const py = `import os\nprint('\\n'.join(os.readlink('/proc/self/fd/' + f) for f in os.listdir('/proc/self/fd') if os.path.exists('/proc/self/fd/' + f)))`;
  const child = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
  assert.is(child.status, 0);
  assert.not.match(child.stdout, `memfd:cloexec-${process.pid}`);
  // ...while a child given it as stdio 3 does.
  const given = spawnSync('python3', ['-c', py], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit', fd] });
  assert.match(given.stdout, `memfd:cloexec-${process.pid}`);
  file.close();
});

test('a child truncating the fd in a loop never kills the parent (pread, view)', () => {
  const out = nodeTs(fixture('truncate-race.ts'), ['exposed']);
  assert.is(out.status, 0, `parent died: signal ${out.signal}\n${out.stderr}`);
  const stats = JSON.parse(out.stdout.trim().split('\n').pop()!);
  assert.ok(stats.survived);
  assert.ok(stats.reads > 10, `only ${stats.reads} reads`);
  assert.ok(stats.cycles > 10, `the child only did ${stats.cycles} cycles`);
});

test('...and while the parent also writes', () => {
  const out = nodeTs(fixture('truncate-race.ts'), ['write']);
  assert.is(out.status, 0, `parent died: signal ${out.signal}\n${out.stderr}`);
  assert.ok(JSON.parse(out.stdout.trim().split('\n').pop()!).survived);
});

test('a process that calls process.exit() leaves no shm object behind', () => {
  const name = `exit-${process.pid}-${Date.now()}`;
  const script = `const { MemFile } = require(${JSON.stringify(path.join(__dirname, '..', 'ts', 'index.ts'))});
const f = new MemFile(${JSON.stringify(name)}, { backing: 'shm' });
f.pwrite(0, 'data');
require('fs').writeSync(1, String(require('fs').existsSync('/dev/shm/' + f.name)));
process.exit(3);`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.is(out.status, 3, out.stderr);
  assert.is(out.stdout, 'true', 'the object existed while the process ran');
  assert.not.ok(fs.existsSync(`/dev/shm/${name}`), 'unlinked at exit');
});

test.run();

// ---- openFd(): one fd per child, each with its own file offset (issue 13, item 9) ----
const openFd = suite('children: openFd');

const O_CLOEXEC = 0o2000000;
const O_ACCMODE = 3;
const LINES = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('');

openFd("the issue's case: two children given the same bare fd as stdin — the second sees EOF; given openFd() each, both see everything", () => {
  using src = MemFile.from(LINES);
  const catWith = (stdin: number): string => spawnSync('cat', [], { stdio: [stdin, 'pipe', 'inherit'], encoding: 'utf8' }).stdout;
  // The trap: mf.fd is one open file description, and so one offset, shared with every child.
  assert.is(catWith(src.fd), LINES);
  assert.is(catWith(src.fd), '', 'the second child starts where the first stopped');
  // openFd(): a new open file description each time, offset 0.
  for (let i = 0; i < 2; i++) {
    const fd = src.openFd();
    try {
      assert.is(catWith(fd), LINES, `child ${i + 1}`);
    } finally {
      fs.closeSync(fd);
    }
  }
});

openFd("a child writes through its own fd as stdout, then another child reads the whole result as stdin", () => {
  using dst = new MemFile('made-by-a-child');
  const out = dst.openFd();
  const writer = spawnSync('python3', ['-c', 'import sys\nfor i in range(2000): sys.stdout.write(f"line {i}\\n")'], { stdio: ['ignore', out, 'inherit'] });
  fs.closeSync(out);
  assert.is(writer.status, 0);
  assert.is(dst.size, Buffer.byteLength(LINES));
  assert.is(dst.text(), LINES, 'we see what the child wrote');
  // The writer's fd was left at the end; a fresh one starts at 0.
  const input = dst.openFd({ readOnly: true });
  try {
    const reader = spawnSync('sha256sum', [], { stdio: [input, 'pipe', 'inherit'], encoding: 'utf8' });
    assert.is(reader.stdout.split(' ')[0], sha256(LINES));
  } finally {
    fs.closeSync(input);
  }
});

openFd('own offsets: reading one fd moves neither mf.fd nor another openFd(); writes through it are ours at once', () => {
  using mf = MemFile.from('0123456789');
  const a = mf.openFd();
  const b = mf.openFd();
  try {
    assert.ok(a !== b && a !== mf.fd && b !== mf.fd);
    const buf = Buffer.alloc(4);
    assert.is(fs.readSync(a, buf, 0, 4, null), 4);
    assert.is(buf.toString(), '0123');
    assert.is(fs.readSync(b, buf, 0, 4, null), 4);
    assert.is(buf.toString(), '0123', 'b starts at 0 too');
    assert.is(fs.readSync(a, buf, 0, 4, null), 4);
    assert.is(buf.toString(), '4567', 'a moved on by itself');
    assert.is(fs.writeSync(b, 'AB'), 2, 'b writes at its own offset (4)');
    assert.is(mf.text(), '0123AB6789');
    assert.is(fs.writeSync(a, 'tail'), 4, 'a writes at 8, growing the file');
    assert.is(mf.size, 12);
    assert.is(mf.text(), '0123AB67tail');
  } finally {
    fs.closeSync(a);
    fs.closeSync(b);
  }
});

openFd('close-on-exec: a child not given the fd does not have it; readOnly gives O_RDONLY, which refuses writes (EBADF in a python3 child)', () => {
  using mf = MemFile.from('keep me');
  const rw = mf.openFd();
  const ro = mf.openFd({ readOnly: true });
  try {
    assert.is(fdFlags(rw) & O_CLOEXEC, O_CLOEXEC);
    assert.is(fdFlags(ro) & O_CLOEXEC, O_CLOEXEC);
    assert.is(fdFlags(rw) & O_ACCMODE, fs.constants.O_RDWR);
    assert.is(fdFlags(ro) & O_ACCMODE, fs.constants.O_RDONLY);
    const listing = spawnSync('python3', ['-c', 'import os; print(" ".join(os.listdir("/proc/self/fd")))'], { encoding: 'utf8' });
    const open = listing.stdout.trim().split(' ').map(Number);
    assert.not.ok(open.includes(rw) || open.includes(ro), `child fds ${open} hold neither ${rw} nor ${ro}`);
    // Given as fd 3, the read-only one reads and refuses writes.
    const py = 'import os, errno\nprint(os.pread(3, 4, 0).decode())\ntry:\n  os.write(3, b"x")\nexcept OSError as e:\n  print(errno.errorcode[e.errno])';
    const child = spawnSync('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'inherit', ro], encoding: 'utf8' });
    assert.is(child.stdout, 'keep\nEBADF\n');
    assert.is(mf.text(), 'keep me');
    throwsCode(() => fs.writeSync(ro, 'x'), Error, 'EBADF');
  } finally {
    fs.closeSync(rw);
    fs.closeSync(ro);
  }
});

openFd('shm too; ENOTSUP on heap, EBADF after close and for a read-only attach without readOnly, bad options refused; no fd leaks', () => {
  const before = fdCount();
  const shm = new MemFile(undefined, { backing: 'shm' });
  shm.pwrite(0, 'shared by name');
  const fd = shm.openFd();
  assert.is(fs.readFileSync(fd, 'utf8'), 'shared by name');
  fs.closeSync(fd);
  const viewer = MemFile.attach(shm.name, { readOnly: true });
  throwsCode(() => viewer.openFd(), Error, 'EBADF');
  const ro = viewer.openFd({ readOnly: true });
  assert.is(fs.readFileSync(ro, 'utf8'), 'shared by name');
  fs.closeSync(ro);
  viewer.close();
  throwsCode(() => shm.openFd(5 as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  throwsCode(() => shm.openFd({ readOnly: 'yes' as never }), TypeError, 'ERR_INVALID_ARG_TYPE');
  const extra = shm.openFd({ readOnly: null }); // null means not given
  assert.is(fdFlags(extra) & O_ACCMODE, fs.constants.O_RDWR);
  shm.close();
  throwsCode(() => shm.openFd(), Error, 'EBADF');
  using heap = new MemFile('h', { backing: 'heap' });
  throwsCode(() => heap.openFd(), Error, 'ENOTSUP');
  throwsCode(() => heap.openFd({ readOnly: true }), Error, 'ENOTSUP');
  assert.is(fdCount(), before + 1, 'the fd from openFd() outlives mf.close(): the caller closes it');
  fs.closeSync(extra);
  assert.is(fdCount(), before);
});

openFd.run();
