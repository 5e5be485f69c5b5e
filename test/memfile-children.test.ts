// Real processes on the same block: programs reading and writing through the
// fd, seals holding against a child, close-on-exec, hostile truncation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MemFile } from '../ts/index';

const test = suite('children');
const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);
const nodeTs = (file: string, args: string[] = []) =>
  spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', timeout: 60_000 });

test('sha256sum /dev/fd/3 sees exactly our 64 MiB', () => {
  const data = randomBytes(64 << 20);
  const file = MemFile.from(data);
  const child = spawnSync('sha256sum', ['/dev/fd/3'], { stdio: ['ignore', 'pipe', 'inherit', file.fd] });
  assert.is(child.status, 0);
  const theirs = child.stdout.toString().split(' ')[0];
  assert.is(theirs, createHash('sha256').update(file.bytes()).digest('hex'));
  assert.is(theirs, createHash('sha256').update(data).digest('hex'));
  file.close();
});

test('python3 writes through /dev/fd/3 and we see it', () => {
  const file = MemFile.from('0123456789');
  const py = `import os\nfd = os.open('/dev/fd/3', os.O_RDWR)\nos.pwrite(fd, b'PY', 2)\nos.pwrite(fd, b'tail', 20)\n`;
  const child = spawnSync('python3', ['-c', py], { stdio: ['ignore', 'inherit', 'inherit', file.fd] });
  assert.is(child.status, 0);
  assert.is(file.size, 24);
  assert.equal(file.bytes(), Buffer.concat([Buffer.from('01PY456789'), Buffer.alloc(10), Buffer.from('tail')]));
  file.close();
});

test('other programs of this user open mf.path', () => {
  const file = MemFile.from('via path\n');
  const child = spawnSync('python3', ['-c', 'import sys; print(open(sys.argv[1]).read(), end="")', file.path], { encoding: 'utf8' });
  assert.is(child.stdout, 'via path\n');
  file.close();
});

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

test('MemFile.attach(name) in a Node child reads what we wrote to an shm block', () => {
  const file = new MemFile(`attach-${process.pid}`, { backing: 'shm' });
  file.pwrite(0, 'hello child');
  const out = nodeTs(fixture('attach-read.ts'), [file.name]);
  assert.is(out.status, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout), { text: 'hello child', backing: 'shm', size: 11 });
  assert.is(file.text(), 'hello child +child');
  file.close();
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
  assert.not.ok(require('node:fs').existsSync(`/dev/shm/${name}`), 'unlinked at exit');
});

test('a worker thread does MemFile.fromFd(fd) and its writes are seen here', async () => {
  const file = MemFile.from('parent data....');
  // tsx's require hook, so the worker can load a TypeScript fixture.
  const code = `require('tsx/cjs'); require(${JSON.stringify(fixture('worker-write.ts'))});`;
  const worker = new Worker(code, { eval: true, workerData: { fd: file.fd } });
  const message = await new Promise<{ before: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((resolve) => worker.once('exit', resolve));
  assert.is(message.before, 'parent data....');
  assert.is(file.text(), 'worker was here');
  file.close();
});

test.run();
