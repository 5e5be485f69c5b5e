// MemFile.fromFile / fromFileSync / saveTo / saveToSync (issue 12 §1): whole
// files copied by the kernel between the file system and a block. fs itself
// is the oracle for content, errors (code, errno, syscall, path), flags and modes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MemFile } from '../ts/index';
import { errorOf, fdCount, seededBytes, throwsCode } from './helpers';

const test = suite('files');
const PAGE = 4096;
const BACKINGS = ['memfd', 'shm', 'heap'] as const;
const root = path.join(__dirname, '..');
// One directory on tmpfs and one on the disk: the kernel copies differ (copy_file_range vs sendfile).
const dirs = {
  tmpfs: fs.mkdtempSync('/dev/shm/memfile-files-test-'),
  disk: fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-files-test-')),
};
const disk = (name: string): string => path.join(dirs.disk, name);
const mounts: string[] = [];

test.after(() => {
  for (const m of mounts) {
    spawnSync('umount', [m]);
    fs.rmdirSync(m);
  }
  for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true });
});

interface SysErr extends Error { code: string; errno: number; syscall: string; path?: string }

/** fs's shape: code, negative errno, syscall, path and the quoted path closing the message. */
function isFsError(e: unknown, code: string, syscall: string, p: string | undefined, what: string): void {
  const err = e as SysErr;
  assert.ok(err instanceof Error, `${what}: not an Error: ${String(e)}`);
  assert.is(err.code, code, `${what}: ${err.message}`);
  assert.is(err.errno, -(os.constants.errno as Record<string, number>)[code], what);
  assert.is(err.syscall, syscall, `${what}: ${err.message}`);
  assert.is(err.path, p, what);
  if (p !== undefined) assert.ok(err.message.endsWith(`, ${syscall} '${p}'`), `${what}: message ${err.message}`);
}

/** The fd count once garbage from earlier tests (unclosed MemFiles, child pipes) is gone. */
async function settledFdCount(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return fdCount();
}

function syncError(fn: () => unknown): unknown {
  const e = errorOf(fn);
  if (e === undefined) throw new Error(`expected ${fn.toString()} to throw`);
  return e;
}

async function asyncError(fn: () => Promise<unknown>): Promise<unknown> {
  const p = fn(); // must not throw synchronously: every failure is a rejection
  assert.ok(p instanceof Promise);
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error(`expected ${fn.toString()} to reject`);
}

// ---------------------------------------------------------------- round trips
test('byte-exact round trips, every backing, sync and async, tmpfs and disk: 0 B, 1 B, page ± 1', async () => {
  for (const size of [0, 1, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE + 7]) {
    const data = seededBytes(size, 'files 1');
    for (const [where, dir] of Object.entries(dirs)) {
      const src = path.join(dir, `rt-${size}.bin`);
      fs.writeFileSync(src, data);
      for (const backing of BACKINGS) {
        const label = `${size} B ${backing} from ${where}`;
        const a = MemFile.fromFileSync(src, { backing });
        const b = await MemFile.fromFile(src, { backing });
        for (const mf of [a, b]) {
          assert.is(mf.backing, backing, label);
          assert.is(mf.size, size, label);
          assert.ok(mf.bytes().equals(data), label);
        }
        const out1 = path.join(dir, `rt-${size}-${backing}-sync.out`);
        const out2 = path.join(dir, `rt-${size}-${backing}-async.out`);
        assert.is(a.saveToSync(out1), size, label);
        assert.is(await b.saveTo(out2), size, label);
        assert.ok(fs.readFileSync(out1).equals(data), label);
        assert.ok(fs.readFileSync(out2).equals(data), label);
        a.close();
        b.close();
      }
    }
  }
});

test('64 MiB round trip, sync from disk and async from tmpfs, content checked byte for byte', async () => {
  const data = seededBytes(64 << 20, 'files 2');
  const onDisk = disk('big.bin');
  const onTmpfs = path.join(dirs.tmpfs, 'big.bin');
  fs.writeFileSync(onDisk, data);
  fs.writeFileSync(onTmpfs, data);
  const a = MemFile.fromFileSync(onDisk);
  const b = await MemFile.fromFile(onTmpfs, { backing: 'heap' });
  assert.ok(a.bytes().equals(data));
  assert.ok(b.bytes().equals(data));
  assert.is(await a.saveTo(onTmpfs + '.out'), data.length);
  assert.is(b.saveToSync(disk('big.out')), data.length);
  assert.ok(fs.readFileSync(onTmpfs + '.out').equals(data));
  assert.ok(fs.readFileSync(disk('big.out')).equals(data));
  a.close();
  b.close();
  for (const p of [onDisk, onTmpfs, onTmpfs + '.out', disk('big.out')]) fs.rmSync(p);
});

test('a sparse file loads with its holes as zeros and its exact size; saving writes them back', async () => {
  const src = disk('sparse.bin');
  const fd = fs.openSync(src, 'w');
  fs.writeSync(fd, 'head', 0);
  fs.writeSync(fd, 'middle', 8 << 20);
  fs.ftruncateSync(fd, 24 << 20); // a hole to the end
  fs.closeSync(fd);
  const expected = fs.readFileSync(src);
  for (const backing of BACKINGS) {
    const mf = await MemFile.fromFile(src, { backing });
    assert.is(mf.size, 24 << 20, backing);
    assert.ok(mf.bytes().equals(expected), backing);
    assert.is(mf.saveToSync(disk('sparse.out')), 24 << 20);
    assert.ok(fs.readFileSync(disk('sparse.out')).equals(expected), backing);
    mf.close();
  }
});

test('a loaded private memfd is a normal MemFile: size, appends, views, and mf.fd starts at offset 0', () => {
  const data = seededBytes(3 * PAGE + 11, 'files 3');
  const src = disk('normal.bin');
  fs.writeFileSync(src, data);
  const mf = MemFile.fromFileSync(src);
  assert.is(mf.size, data.length);
  // JavaScript's fast path (no native call) sees the same size and bytes.
  assert.ok(mf.view(0, 16).equals(data.subarray(0, 16)));
  mf.pwrite(mf.size, 'tail');
  assert.is(mf.size, data.length + 4);
  assert.is(mf.pread(data.length, 4).buffer.toString(), 'tail');
  const h = mf.open('rb');
  assert.ok(h.read(data.length).equals(data));
  h.close();
  // Exposing the fd makes the file's size exact, and its offset was left at 0.
  const fd = mf.fd;
  assert.is(fs.fstatSync(fd).size, data.length + 4);
  const buf = Buffer.alloc(8);
  assert.is(fs.readSync(fd, buf, 0, 8, null), 8);
  assert.ok(buf.equals(data.subarray(0, 8)));
  mf.close();
});

test('name: the base name of a path or file: URL, "memfile" for an fd, options.name wins; shm names are never claimed by default', async () => {
  const src = disk('named file.txt');
  fs.writeFileSync(src, 'x');
  assert.is(MemFile.fromFileSync(src).name, 'named file.txt');
  assert.is((await MemFile.fromFile(pathToFileURL(src))).name, 'named file.txt');
  const fd = fs.openSync(src, 'r');
  assert.is(MemFile.fromFileSync(fd).name, 'memfile');
  fs.closeSync(fd);
  assert.is(MemFile.fromFileSync(src, { name: 'other' }).name, 'other');
  assert.is(MemFile.fromFileSync(src, { backing: 'heap' }).name, 'named file.txt');
  // The memfd itself carries the name, as new MemFile(name) does.
  const mf = MemFile.fromFileSync(src);
  assert.ok(fs.readlinkSync(mf.path).startsWith('/memfd:named file.txt'));
  const shm = MemFile.fromFileSync(src, { backing: 'shm' });
  assert.match(shm.name, /^memfile-[0-9a-f]{32}$/);
  assert.is(fs.readFileSync(shm.path, 'utf8'), 'x');
  const shmPath = shm.path;
  shm.close();
  assert.not.ok(fs.existsSync(shmPath), 'the shm object is unlinked on close');
  const named = MemFile.fromFileSync(src, { backing: 'shm', name: `files-test-${process.pid}` });
  assert.is(named.name, `files-test-${process.pid}`);
  named.close();
});

test('options.size extends the loaded content with zeros, as MemFile.from does', async () => {
  const src = disk('short.bin');
  fs.writeFileSync(src, 'abc');
  const mf = await MemFile.fromFile(src, { size: 10 });
  assert.ok(mf.bytes().equals(Buffer.from('abc\0\0\0\0\0\0\0')));
  assert.is(MemFile.fromFileSync(src, { size: 1 }).size, 3, 'never shrinks');
});

test('/proc files, whose st_size is 0, load their real content', async () => {
  const mf = MemFile.fromFileSync('/proc/self/status');
  assert.ok(mf.size > 100);
  assert.match(mf.text(), /^Name:\t/);
  const mounts2 = await MemFile.fromFile('/proc/self/mounts');
  assert.match(mounts2.text(), / \/proc proc /);
});

test('a FIFO is read to its end (it has no offset 0); so is a pipe fd', async () => {
  const data = seededBytes(300_000, 'files 4'); // more than a pipe holds
  const src = disk('fifo-src.bin');
  fs.writeFileSync(src, data);
  const fifo = disk('fifo');
  execFileSync('mkfifo', [fifo]);
  for (const form of ['sync', 'async'] as const) {
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', src, fifo], { stdio: 'inherit' });
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    const mf = form === 'sync' ? MemFile.fromFileSync(fifo) : await MemFile.fromFile(fifo);
    await exited;
    assert.is(mf.size, data.length, form);
    assert.ok(mf.bytes().equals(data), form);
    assert.is(mf.name, 'fifo');
    mf.close();
  }
  // The same FIFO by fd: read from where it is (a pipe has no offset 0).
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', src, fifo], { stdio: 'inherit' });
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  const fd = fs.openSync(fifo, 'r');
  const head = Buffer.alloc(10);
  assert.is(fs.readSync(fd, head, 0, 10, null), 10);
  const mf = await MemFile.fromFile(fd);
  assert.ok(mf.bytes().equals(data.subarray(10)));
  fs.closeSync(fd);
  await exited;
  // A non-blocking socket with nothing to read yet: EAGAIN, as fs.readFileSync(fd) reports.
  const child = spawn('sleep', ['5'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sockFd = (child.stdout as unknown as { _handle: { fd: number } })._handle.fd;
  assert.is((syncError(() => fs.readFileSync(sockFd)) as SysErr).code, 'EAGAIN');
  isFsError(await asyncError(() => MemFile.fromFile(sockFd)), 'EAGAIN', 'read', undefined, 'non-blocking socket');
  const closed = new Promise((resolve) => child.on('close', resolve));
  child.stdout!.destroy();
  child.kill();
  await closed;
});

// ---------------------------------------------------------------- fds
test('an fd is read from offset 0 and its position is left where it was (sync and async)', async () => {
  const src = disk('fd-src.txt');
  fs.writeFileSync(src, '0123456789abcdef');
  const fd = fs.openSync(src, 'r');
  const buf = Buffer.alloc(4);
  fs.readSync(fd, buf, 0, 4, null); // position 4
  assert.is(MemFile.fromFileSync(fd).text(), '0123456789abcdef');
  assert.is((await MemFile.fromFile(fd)).text(), '0123456789abcdef');
  assert.is((await MemFile.fromFile(fd, { backing: 'heap' })).text(), '0123456789abcdef');
  fs.readSync(fd, buf, 0, 4, null);
  assert.is(buf.toString(), '4567', 'fs.readSync(fd, ..., null) continues where it was');
  fs.closeSync(fd);
});

test('the caller may close its fd while fromFile(fd) is in flight (a dup is read)', async () => {
  const data = seededBytes(8 << 20, 'files 5');
  const src = disk('fd-close.bin');
  fs.writeFileSync(src, data);
  const fd = fs.openSync(src, 'r');
  const pending = MemFile.fromFile(fd);
  fs.closeSync(fd);
  const other = fs.openSync(disk('normal.bin'), 'r'); // likely reuses the number
  const mf = await pending;
  assert.ok(mf.bytes().equals(data));
  fs.closeSync(other);
});

test('saveTo(fd) writes at the fd\'s position and moves it, as fs.writeFile(fd) does', async () => {
  const mf = MemFile.from('<content>');
  const out = disk('fd-out.txt');
  const fd = fs.openSync(out, 'w');
  fs.writeSync(fd, 'head:');
  assert.is(mf.saveToSync(fd), 9);
  assert.is(await mf.saveTo(fd), 9);
  fs.writeSync(fd, ':tail');
  fs.closeSync(fd);
  assert.is(fs.readFileSync(out, 'utf8'), 'head:<content><content>:tail');
  // An O_APPEND fd appends (the kernel refuses copy_file_range there: the write() path).
  const afd = fs.openSync(out, 'a');
  assert.is(await MemFile.from('+more', { backing: 'memfd' }).saveTo(afd), 5);
  fs.closeSync(afd);
  assert.is(fs.readFileSync(out, 'utf8'), 'head:<content><content>:tail+more');
});

// ---------------------------------------------------------------- flags and mode
test("flag 'w' truncates, 'wx' fails with EEXIST and leaves the file, 'a' appends", async () => {
  for (const backing of BACKINGS) {
    const out = disk(`flags-${backing}.txt`);
    fs.writeFileSync(out, 'a much longer previous content');
    const mf = MemFile.from('new', { backing });
    assert.is(mf.saveToSync(out), 3);
    assert.is(fs.readFileSync(out, 'utf8'), 'new');
    isFsError(syncError(() => mf.saveToSync(out, { flag: 'wx' })), 'EEXIST', 'open', out, 'wx sync');
    isFsError(await asyncError(() => mf.saveTo(out, { flag: 'wx' })), 'EEXIST', 'open', out, 'wx async');
    assert.is(fs.readFileSync(out, 'utf8'), 'new');
    assert.is(await mf.saveTo(out, { flag: 'a' }), 3);
    assert.is(mf.saveToSync(out, { flag: 'a' }), 3);
    assert.is(fs.readFileSync(out, 'utf8'), 'newnewnew');
    fs.rmSync(out);
    assert.is(await mf.saveTo(out, { flag: 'wx' }), 3, "'wx' creates");
    assert.is(fs.readFileSync(out, 'utf8'), 'new');
    mf.close();
  }
});

test('mode applies to a file the save creates (before the umask), never to an existing one', async () => {
  const umask = process.umask();
  const mf = MemFile.from('secret');
  const a = disk('mode-600');
  const b = disk('mode-default');
  mf.saveToSync(a, { mode: 0o600 });
  await mf.saveTo(b);
  assert.is(fs.statSync(a).mode & 0o7777, 0o600 & ~umask);
  assert.is(fs.statSync(b).mode & 0o7777, 0o666 & ~umask);
  const c = disk('mode-str');
  await mf.saveTo(c, { mode: '640', flag: 'wx' });
  assert.is(fs.statSync(c).mode & 0o7777, 0o640 & ~umask);
  mf.saveToSync(a, { mode: 0o644 });
  assert.is(fs.statSync(a).mode & 0o7777, 0o600 & ~umask, 'an existing file keeps its mode');
});

test("saveTo(mf.path) refuses (EINVAL) instead of truncating the MemFile's own file first", async () => {
  const mf = MemFile.from('precious');
  const own = mf.path;
  const e = syncError(() => mf.saveToSync(own)) as SysErr;
  assert.is(e.code, 'EINVAL');
  assert.is(e.path, own);
  assert.is(((await asyncError(() => mf.saveTo(own))) as SysErr).code, 'EINVAL');
  assert.is(mf.text(), 'precious');
  mf.close();
});

// ---------------------------------------------------------------- errors
test('fs errors with code, errno, syscall and path: ENOENT, EISDIR, ENOTDIR (sync and async)', async () => {
  const missing = disk('no/such/file');
  const dir = dirs.disk;
  const file = disk('plain');
  fs.writeFileSync(file, 'x');
  const under = path.join(file, 'child');
  const mf = MemFile.from('data');
  const cases: Array<[string, string, string, () => unknown, () => Promise<unknown>]> = [
    ['ENOENT', 'open', missing, () => MemFile.fromFileSync(missing), () => MemFile.fromFile(missing)],
    ['EISDIR', 'read', dir, () => MemFile.fromFileSync(dir), () => MemFile.fromFile(dir)],
    ['ENOTDIR', 'open', under, () => MemFile.fromFileSync(under), () => MemFile.fromFile(under)],
    ['ENOENT', 'open', missing, () => mf.saveToSync(missing), () => mf.saveTo(missing)],
    ['EISDIR', 'open', dir, () => mf.saveToSync(dir), () => mf.saveTo(dir)],
    ['ENOTDIR', 'open', under, () => mf.saveToSync(under), () => mf.saveTo(under)],
  ];
  for (const [code, syscall, p, sync, async] of cases) {
    isFsError(syncError(sync), code, syscall, p, `${code} ${sync.toString()}`);
    isFsError(await asyncError(async), code, syscall, p, `${code} ${async.toString()}`);
  }
  // fs agrees on the code for each path.
  assert.is((syncError(() => fs.readFileSync(missing)) as SysErr).code, 'ENOENT');
  assert.is((syncError(() => fs.readFileSync(dir)) as SysErr).code, 'EISDIR');
  assert.is((syncError(() => fs.writeFileSync(under, 'x')) as SysErr).code, 'ENOTDIR');
  // A file URL reports the path it names.
  isFsError(syncError(() => MemFile.fromFileSync(pathToFileURL(missing))), 'ENOENT', 'open', missing, 'URL');
});

test('EBADF for a closed fd (no path: an fd has none, as in fs), and for a closed MemFile', async () => {
  const fd = 100_000; // never open here (a just-closed number would be reused by the next memfd)
  assert.is((syncError(() => fs.fstatSync(fd)) as SysErr).code, 'EBADF');
  isFsError(syncError(() => MemFile.fromFileSync(fd)), 'EBADF', 'fcntl', undefined, 'fromFileSync(closed fd)');
  isFsError(await asyncError(() => MemFile.fromFile(fd)), 'EBADF', 'fcntl', undefined, 'fromFile(closed fd)');
  const mf = MemFile.from('x');
  isFsError(syncError(() => mf.saveToSync(fd)), 'EBADF', 'fcntl', undefined, 'saveToSync(closed fd)');
  // A read-only fd: the write fails as fs.writeFileSync's does.
  const ro = fs.openSync(disk('plain'), 'r');
  const err = syncError(() => mf.saveToSync(ro)) as SysErr;
  assert.is(err.code, 'EBADF');
  assert.is((syncError(() => fs.writeFileSync(ro, 'x')) as SysErr).code, 'EBADF');
  fs.closeSync(ro);
  mf.close();
  throwsCode(() => mf.saveToSync(disk('never')), Error, 'EBADF');
  assert.is(((await asyncError(() => mf.saveTo(disk('never')))) as SysErr).code, 'EBADF');
  assert.not.ok(fs.existsSync(disk('never')));
});

test('EACCES: an unprivileged child cannot load a 0600 file or save into a 0755 directory', () => {
  const secret = disk('secret.bin');
  fs.writeFileSync(secret, 'root only', { mode: 0o600 });
  fs.chmodSync(dirs.disk, 0o755);
  const target = disk('denied.out');
  const script = `
const { MemFile } = require(${JSON.stringify(path.join(root, 'ts', 'index'))});
const out = [];
try { MemFile.fromFileSync(${JSON.stringify(secret)}); out.push('loaded'); } catch (e) { out.push([e.code, e.syscall, e.path]); }
try { MemFile.from('x').saveToSync(${JSON.stringify(target)}); out.push('saved'); } catch (e) { out.push([e.code, e.syscall, e.path]); }
MemFile.fromFile(${JSON.stringify(secret)}).then(() => out.push('loaded'), (e) => out.push([e.code, e.syscall, e.path]))
  .then(() => console.log(JSON.stringify(out)));
`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: root, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), [['EACCES', 'open', secret], ['EACCES', 'open', target], ['EACCES', 'open', secret]]);
  assert.not.ok(fs.existsSync(target));
});

test('a full tmpfs (ENOSPC), a read-only mount (EROFS) and RLIMIT_FSIZE (EFBIG) fail cleanly', async () => {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-files-mnt-'));
  const ro = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-files-ro-'));
  const m1 = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { encoding: 'utf8' });
  assert.is(m1.status, 0, `mount -t tmpfs needs root here: ${m1.stderr}`);
  mounts.push(mnt);
  const m2 = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro], { encoding: 'utf8' });
  assert.is(m2.status, 0, m2.stderr);
  mounts.push(ro);
  const before = await settledFdCount();
  for (const backing of BACKINGS) {
    const mf = MemFile.from(seededBytes(3 << 20, 'files 6'), { backing });
    const full = path.join(mnt, `full-${backing}`);
    const e1 = syncError(() => mf.saveToSync(full)) as SysErr;
    assert.is(e1.code, 'ENOSPC', `${backing}: ${e1.message}`);
    assert.is(e1.path, full);
    const e2 = (await asyncError(() => mf.saveTo(full))) as SysErr;
    assert.is(e2.code, 'ENOSPC', backing);
    fs.rmSync(full, { force: true });
    isFsError(syncError(() => mf.saveToSync(path.join(ro, 'x'))), 'EROFS', 'open', path.join(ro, 'x'), `${backing} EROFS`);
    assert.is(mf.size, 3 << 20, 'the MemFile is untouched');
    mf.close();
  }
  assert.is(await settledFdCount(), before, 'no fd leaked on the failures');
  // RLIMIT_FSIZE binds memfds too: a child over its limit gets EFBIG (SIGXFSZ is ignored by Node).
  const src = disk('fsize.bin');
  fs.writeFileSync(src, seededBytes(4 << 20, 'files 7'));
  const script = `
const { MemFile } = require(${JSON.stringify(path.join(root, 'ts', 'index'))});
const { execFileSync } = require('node:child_process');
const mf = MemFile.from(Buffer.alloc(4 << 20, 1));
execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=1048576']);
const out = [];
for (const f of [() => MemFile.fromFileSync(${JSON.stringify(src)}), () => mf.saveToSync(${JSON.stringify(disk('fsize.out'))})]) {
  try { f(); out.push('ok'); } catch (e) { out.push(e.code); }
}
MemFile.fromFile(${JSON.stringify(src)}, { backing: 'heap' }).then((m) => out.push('heap ok ' + m.size), (e) => out.push(e.code)).then(() => console.log(JSON.stringify(out)));
`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: root, timeout: 60_000 });
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), ['EFBIG', 'EFBIG', `heap ok ${4 << 20}`]);
});

test('bad arguments: ERR_INVALID_ARG_TYPE / _VALUE / ERR_OUT_OF_RANGE, thrown by the sync forms, rejected by the async ones, nothing touched', async () => {
  const out = disk('untouched.txt');
  fs.writeFileSync(out, 'keep');
  const mf = MemFile.from('data');
  const cases: Array<[unknown, unknown, new (...a: never[]) => Error, string]> = [
    [null, undefined, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [Buffer.from(out), undefined, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [{ path: out }, undefined, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [true, undefined, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [-1, undefined, RangeError, 'ERR_OUT_OF_RANGE'],
    [1.5, undefined, RangeError, 'ERR_OUT_OF_RANGE'],
    [2 ** 31, undefined, RangeError, 'ERR_OUT_OF_RANGE'],
    [`${out}\0x`, undefined, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [new URL('http://example.com/x'), undefined, TypeError, 'ERR_INVALID_URL_SCHEME'],
    [out, 'opts', TypeError, 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [file, options, Class, code] of cases) {
    throwsCode(() => MemFile.fromFileSync(file as string, options as never), Class, code, `fromFileSync(${String(file)})`);
    throwsCode(() => mf.saveToSync(file as string, options as never), Class, code, `saveToSync(${String(file)})`);
    const e = await asyncError(() => MemFile.fromFile(file as string, options as never));
    assert.ok(e instanceof Class && (e as SysErr).code === code, `fromFile(${String(file)}): ${String(e)}`);
    const e2 = await asyncError(() => mf.saveTo(file as string, options as never));
    assert.ok(e2 instanceof Class && (e2 as SysErr).code === code, `saveTo(${String(file)}): ${String(e2)}`);
  }
  const loadOptions: Array<[unknown, new (...a: never[]) => Error, string]> = [
    [{ backing: 'disk' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [{ backing: 1 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [{ name: 5 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [{ name: 'a\0b' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [{ backing: 'shm', name: 'a/b' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [{ size: -1 }, RangeError, 'ERR_OUT_OF_RANGE'],
  ];
  for (const [options, Class, code] of loadOptions) {
    throwsCode(() => MemFile.fromFileSync(out, options as never), Class, code, JSON.stringify(options));
    const e = await asyncError(() => MemFile.fromFile(out, options as never));
    assert.ok(e instanceof Class && (e as SysErr).code === code, `${JSON.stringify(options)}: ${String(e)}`);
  }
  const saveOptions: Array<[unknown, new (...a: never[]) => Error, string]> = [
    [{ flag: 'r' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [{ flag: 'w+' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [{ flag: 1 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    [{ mode: -1 }, RangeError, 'ERR_OUT_OF_RANGE'],
    [{ mode: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE'],
    [{ mode: 0o10000 }, RangeError, 'ERR_OUT_OF_RANGE'],
    [{ mode: '0x1ff' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    [{ mode: true }, TypeError, 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [options, Class, code] of saveOptions) {
    throwsCode(() => mf.saveToSync(out, options as never), Class, code, JSON.stringify(options));
    const e = await asyncError(() => mf.saveTo(out, options as never));
    assert.ok(e instanceof Class && (e as SysErr).code === code, `${JSON.stringify(options)}: ${String(e)}`);
  }
  assert.is(fs.readFileSync(out, 'utf8'), 'keep', 'no bad call truncated or wrote the file');
  // null and undefined mean "not given".
  assert.is(mf.saveToSync(out, { flag: null, mode: null }), 4);
  assert.is(MemFile.fromFileSync(out, { backing: null, name: null, size: null }).text(), 'data');
  mf.close();
});

// ---------------------------------------------------------------- event loop
test('the promise forms leave the event loop running: timers tick during a 128 MiB load and save (and not during the sync forms)', async () => {
  const src = disk('loop.bin');
  fs.writeFileSync(src, seededBytes(128 << 20, 'files 8'));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    await new Promise((resolve) => setTimeout(resolve, 5));
    ticks = 0;
    const mf = await MemFile.fromFile(src);
    const duringLoad = ticks;
    ticks = 0;
    await mf.saveTo(disk('loop.out'));
    const duringSave = ticks;
    ticks = 0;
    MemFile.fromFileSync(src).close();
    mf.saveToSync(disk('loop.out'));
    const duringSync = ticks;
    assert.ok(duringLoad >= 1, `timer ticks during fromFile: ${duringLoad}`);
    assert.ok(duringSave >= 1, `timer ticks during saveTo: ${duringSave}`);
    assert.is(duringSync, 0, 'the sync forms block (the check above can fail)');
    mf.close();
  } finally {
    clearInterval(timer);
    fs.rmSync(src);
    fs.rmSync(disk('loop.out'));
  }
});

// ---------------------------------------------------------------- lifetime and hostile peers
test('no fd leaks over many loads and saves, failed ones included', async () => {
  const src = disk('leak.bin');
  fs.writeFileSync(src, seededBytes(10_000, 'files 9'));
  const before = await settledFdCount();
  for (let i = 0; i < 50; i++) {
    const mf = i % 2 ? MemFile.fromFileSync(src) : await MemFile.fromFile(src, { backing: BACKINGS[i % 3] });
    mf.saveToSync(disk('leak.out'));
    await mf.saveTo(disk('leak.out'), { flag: 'a' });
    await asyncError(() => mf.saveTo(disk('leak.out'), { flag: 'wx' }));
    await asyncError(() => MemFile.fromFile(disk('missing')));
    syncError(() => MemFile.fromFileSync(dirs.disk));
    mf.close();
  }
  // A load whose MemFile is never used: the collector closes it.
  void MemFile.fromFile(src);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(await settledFdCount(), before);
});

test('in a child: closing or growing the MemFile during a save, and a peer truncating the source during loads, never crash', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'files-hostile.ts'), dirs.disk], {
    encoding: 'utf8', cwd: root, timeout: 120_000,
  });
  assert.is(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out['close-memfd'], { n: 64 << 20, same: true });
  assert.equal(out['close-heap'], { n: 64 << 20, same: true });
  assert.equal(out['grow-heap'], { n: 32 << 20, detached: true, same: true });
  assert.ok(out.racing.loads > 4, `loads: ${out.racing.loads}`);
  assert.is(out.racing.bad, 0);
});

test.run();
