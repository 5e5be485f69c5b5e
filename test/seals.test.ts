// Seals as an API (README, API: Members): seal(name | names), `seals`, and what each
// seal does to this process and to a python3 peer holding the same fd; seals a
// peer adds, and fromFd of a memfd sealed in another process.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';
import type { SealName } from '../ts/index';
import { throwsCode } from './helpers';

const test = suite('seals');

/** Runs python3 with our fd as its fd 3; each op's outcome ('ok' or an errno name) is printed as JSON. */
function peer(fd: number, ops: string[]): string[] {
  const py = `
import errno, fcntl, json, os
out = []
for op in ${JSON.stringify(ops)}:
    try:
        exec(op); out.append('ok')
    except OSError as e:
        out.append(errno.errorcode[e.errno])
print(json.dumps(out))
`;
  const r = spawnSync('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}
/** The first whole line a child prints (stdout may arrive in pieces). */
function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        stream.off('data', onData);
        resolve(text.slice(0, nl));
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`the child ended without a line: ${JSON.stringify(text)}`)));
  });
}
// F_ADD_SEALS 1033; bits seal 1, shrink 2, grow 4, write 8, future-write 16.
const addSeals = (bits: number): string => `fcntl.fcntl(3, 1033, ${bits})`;

test('seals: [] at first; seal(name) and seal([names]) add in the fixed order; present seals are a no-op', () => {
  using file = MemFile.from('0123456789');
  assert.equal(file.seals, []);
  file.seal('grow');
  file.seal(['shrink', 'grow']);
  assert.equal(file.seals, ['shrink', 'grow']);
  file.seal([]);
  file.seal('shrink');
  assert.equal(file.seals, ['shrink', 'grow']);
  assert.is(file.sealed, false);
  assert.is(file.writable, true);
  file.seal(['future-write', 'seal']);
  assert.equal(file.seals, ['seal', 'shrink', 'grow', 'future-write']);
  file.seal(['grow', 'seal']); // all present: still a no-op after 'seal'
  throwsCode(() => file.seal('write'), Error, 'EPERM');
  throwsCode(() => file.seal(), Error, 'EPERM');
  assert.equal(file.seals, ['seal', 'shrink', 'grow', 'future-write']);
  assert.is(file.text(), '0123456789');
});

test('seal() without arguments adds seal, shrink, grow and write; a second seal() is a no-op', () => {
  using file = MemFile.from('abc');
  file.seal();
  assert.equal(file.seals, ['seal', 'shrink', 'grow', 'write']);
  file.seal();
  assert.ok(file.sealed);
});

test('bad arguments: wrong type ERR_INVALID_ARG_TYPE, unknown name ERR_INVALID_ARG_VALUE; nothing sealed', () => {
  using file = MemFile.from('x');
  for (const bad of [1, true, {}, ['grow', 2], [null], Symbol('s')]) throwsCode(() => file.seal(bad as never), TypeError, 'ERR_INVALID_ARG_TYPE', String(bad));
  for (const bad of ['', 'Seal', 'future_write', 'all', ['grow', 'shrinks']]) throwsCode(() => file.seal(bad as never), TypeError, 'ERR_INVALID_ARG_VALUE', String(bad));
  assert.equal(file.seals, [], 'a rejected list adds none of its valid names');
  file.close();
  throwsCode(() => file.seal('grow'), Error, 'EBADF');
  throwsCode(() => file.seals, Error, 'EBADF');
  throwsCode(() => file.seal('nope' as never), TypeError, 'ERR_INVALID_ARG_VALUE');
});

test('shm and heap: seal(name) → ENOTSUP, seals → []', () => {
  for (const backing of ['shm', 'heap'] as const) {
    using file = new MemFile(undefined, { backing });
    assert.equal(file.seals, []);
    for (const s of ['shrink', 'seal', ['grow'], []] as Array<SealName | SealName[]>) throwsCode(() => file.seal(s), Error, 'ENOTSUP', `${backing} ${String(s)}`);
    assert.is(file.sealed, false);
  }
});

test("'shrink': no one can make the file smaller; it still grows and is written, here and by a peer", () => {
  using file = MemFile.from('0123456789');
  file.seal('shrink');
  throwsCode(() => file.truncate(5), Error, 'EPERM');
  throwsCode(() => file.open('w'), Error, 'EPERM');
  file.pwrite(10, 'ab');
  file.pwrite(0, 'AB');
  assert.is(file.truncate(20), 20);
  assert.is(file.size, 20);
  const got = peer(file.fd, ['os.ftruncate(3, 3)', 'os.ftruncate(3, 0)', "os.pwrite(3, b'py', 20)", "os.pwrite(3, b'PY', 2)"]);
  assert.equal(got, ['EPERM', 'EPERM', 'ok', 'ok']);
  assert.is(file.size, 22);
  assert.equal(file.bytes(), Buffer.concat([Buffer.from('ABPY456789ab'), Buffer.alloc(8), Buffer.from('py')]));
});

test("'grow': no one can make the file larger, nothing written; writes inside and shrinking still work", () => {
  using file = MemFile.from('0123456789');
  file.seal('grow');
  throwsCode(() => file.pwrite(8, 'abc'), Error, 'EPERM');
  throwsCode(() => file.pwrite(10, 'a'), Error, 'EPERM');
  throwsCode(() => file.truncate(11), Error, 'EPERM');
  throwsCode(() => file.open('ab', { buffering: 0 }).write(Buffer.from('x')), Error, 'EPERM');
  assert.is(file.text(), '0123456789', 'a refused write changes nothing');
  file.pwrite(8, 'ab');
  const got = peer(file.fd, ["os.pwrite(3, b'xyz', 9)", 'os.ftruncate(3, 100)', "os.pwrite(3, b'P', 0)", 'os.ftruncate(3, 9)']);
  assert.equal(got, ['EPERM', 'EPERM', 'ok', 'ok']);
  assert.is(file.text(), 'P1234567a');
  file.truncate(4);
  assert.is(file.text(), 'P123');
});

for (const seal of ['write', 'future-write'] as const) {
  test(`'${seal}': views detached, writes EPERM here and in a peer, sealed true, writable false`, () => {
    using file = MemFile.from('frozen bytes');
    const view = file.view();
    file.seal(seal);
    assert.is(view.length, 0, 'live views are detached');
    assert.ok(file.sealed);
    assert.is(file.writable, false);
    throwsCode(() => file.pwrite(0, 'x'), Error, 'EPERM');
    throwsCode(() => file.open('r+').write('x'), Error, 'EPERM');
    throwsCode(() => fs.writeSync(file.fd, 'x', 0), Error, 'EPERM');
    const got = peer(file.fd, ["os.pwrite(3, b'X', 0)", "os.pwrite(3, b'X', 100)", 'import mmap; mmap.mmap(3, 12, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)']);
    assert.equal(got, ['EPERM', 'EPERM', 'EPERM']);
    const cow = file.view();
    cow[0] = 0x46; // copy-on-write: never reaches the file
    assert.is(file.text(), 'frozen bytes');
    assert.is(file.pread(0, 6).buffer.toString(), 'frozen');
  });
}

test("'write' while a peer maps the file writable: EBUSY, nothing sealed", async () => {
  using file = MemFile.from(Buffer.alloc(4096, 1));
  const py = spawn('python3', ['-c', 'import mmap, sys; m = mmap.mmap(3, 4096); print("mapped", flush=True); sys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit', file.fd] });
  try {
    await firstLine(py.stdout!);
    throwsCode(() => file.seal('write'), Error, 'EBUSY');
    assert.equal(file.seals, []);
    assert.is(file.sealed, false);
    file.pwrite(0, 'still writable');
  } finally {
    py.stdin!.end();
    await new Promise((resolve) => py.on('close', resolve));
  }
  file.seal('write');
  assert.equal(file.seals, ['write']);
});

test("'seal': a peer can add no more seals either", () => {
  using file = MemFile.from('x');
  file.seal(['seal', 'shrink']);
  assert.equal(peer(file.fd, [addSeals(4), addSeals(16)]), ['EPERM', 'EPERM']);
  assert.equal(file.seals, ['seal', 'shrink']);
});

test('seals a peer adds are seen here at once: seals, sealed, writable, and our writes obey them', () => {
  using file = MemFile.from('0123456789');
  const fd = file.fd;
  assert.equal(peer(fd, [addSeals(2)]), ['ok']);
  assert.equal(file.seals, ['shrink']);
  throwsCode(() => file.truncate(1), Error, 'EPERM');
  assert.equal(peer(fd, [addSeals(4)]), ['ok']);
  throwsCode(() => file.pwrite(10, 'x'), Error, 'EPERM');
  assert.is(file.sealed, false);
  assert.equal(peer(fd, [addSeals(16 | 1)]), ['ok']);
  assert.equal(file.seals, ['seal', 'shrink', 'grow', 'future-write']);
  assert.ok(file.sealed);
  assert.is(file.writable, false);
  throwsCode(() => file.pwrite(0, 'x'), Error, 'EPERM');
  throwsCode(() => file.seal('write'), Error, 'EPERM');
  assert.is(file.text(), '0123456789');
});

test('fromFd of a memfd made and sealed by another process sees its seals and content', async () => {
  const py = `
import fcntl, os, sys
fd = os.memfd_create('sealed-elsewhere', os.MFD_ALLOW_SEALING)
os.write(fd, b'made in python')
fcntl.fcntl(fd, 1033, 2 | 4 | 8)
print(os.getpid(), fd, flush=True)
sys.stdin.read()
`;
  const child = spawn('python3', ['-c', py], { stdio: ['pipe', 'pipe', 'inherit'] });
  let own = -1;
  try {
    const line = await firstLine(child.stdout!);
    const [pid, pyFd] = line.trim().split(' ');
    own = fs.openSync(`/proc/${pid}/fd/${pyFd}`, 'r+');
    using file = MemFile.fromFd(own);
    assert.is(file.backing, 'memfd');
    assert.is(file.name, 'sealed-elsewhere');
    assert.equal(file.seals, ['shrink', 'grow', 'write']);
    assert.ok(file.sealed);
    assert.is(file.writable, false);
    assert.is(file.size, 14);
    assert.is(file.text(), 'made in python');
    assert.is(file.pread(8, 100).buffer.toString(), 'python');
    throwsCode(() => file.pwrite(0, 'x'), Error, 'EPERM');
    file.seal('seal');
    assert.equal(file.seals, ['seal', 'shrink', 'grow', 'write']);
  } finally {
    if (own >= 0) fs.closeSync(own);
    child.stdin!.end();
    await new Promise((resolve) => child.on('close', resolve));
  }
});

test('a read-only fromFd cannot add seals (EBADF) but reports them', () => {
  using file = MemFile.from('ro');
  file.seal('shrink');
  const ro = fs.openSync(file.path, 'r');
  try {
    using dup = MemFile.fromFd(ro);
    assert.equal(dup.seals, ['shrink']);
    throwsCode(() => dup.seal('grow'), Error, 'EBADF');
    dup.seal('shrink');
  } finally {
    fs.closeSync(ro);
  }
});

test.run();
