// MemFile core (README, API: the MemFile constructors and Members): every member, for every backing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemFile } from '../ts/index';
import { binding } from '../ts/native';
import { errorOf, firstFrame, throwsCode } from './helpers';

const BACKINGS = ['memfd', 'shm', 'heap'] as const;

for (const backing of BACKINGS) {
  const test = suite(`core (${backing})`);

  // Ported from pyppin's testMemFileNativeMethods.
  test('native methods: empty reads, small buffer, pwrite, holes', () => {
    const file = new MemFile(undefined, { backing });
    assert.is(file.size, 0);
    let r = file.pread(0, 10);
    assert.is(r.bytesRead, 0);
    assert.equal(r.buffer, Buffer.alloc(0));
    r = file.pread(5, 10);
    assert.is(r.bytesRead, 0);
    throwsCode(() => file.pread(0, 10, new Uint8Array(0)), RangeError, 'ERR_OUT_OF_RANGE');
    const buf = new Uint8Array(10);
    const same = file.pread(0, 10, buf);
    assert.is(same.bytesRead, 0);
    assert.ok(same.buffer === buf, 'the caller buffer is returned');

    assert.is(file.pwrite(0, Buffer.from('12345')), 5);
    assert.is(file.size, 5);
    assert.equal(file.pread(0, 10).buffer, Buffer.from('12345'));
    assert.equal(file.pread(0, 3).buffer, Buffer.from('123'));
    assert.equal(file.pread(2, 10).buffer, Buffer.from('345'));

    assert.is(file.pwrite(15, Buffer.from('67890')), 5);
    assert.is(file.size, 20);
    const all = file.pread(0, 100);
    assert.is(all.bytesRead, 20);
    assert.equal(all.buffer, Buffer.concat([Buffer.from('12345'), Buffer.alloc(10), Buffer.from('67890')]));
    assert.equal(file.pread(8, 5).buffer, Buffer.alloc(5));
    assert.equal(file.pread(4, 5).buffer, Buffer.from('5\0\0\0\0', 'latin1'));
    file.close();
  });

  test('pread into a caller buffer lands at its start; typed arrays and DataView work', () => {
    const file = MemFile.from('abcdefgh', { backing });
    const u16 = new Uint16Array(4);
    const r = file.pread(2, 4, u16);
    assert.is(r.bytesRead, 4);
    assert.ok(r.buffer === u16);
    assert.equal(Buffer.from(u16.buffer, 0, 4), Buffer.from('cdef'));
    const dv = new DataView(new ArrayBuffer(8), 2);
    assert.is(file.pread(0, 6, dv).bytesRead, 6);
    assert.equal(Buffer.from(dv.buffer, 2, 6), Buffer.from('abcdef'));
    const big = Buffer.alloc(16, 0x2a);
    assert.is(file.pread(6, 16, big).bytesRead, 2);
    assert.equal(big.subarray(0, 3), Buffer.from('gh*'));
    file.close();
  });

  test('pwrite takes strings as UTF-8 and every binary shape', () => {
    const file = new MemFile('w', { backing });
    assert.is(file.pwrite(0, 'é'), 2);
    assert.is(file.pwrite(2, new Uint16Array([0x4241])), 2);
    assert.is(file.pwrite(4, new Uint8Array([0x43]).buffer), 1);
    assert.is(file.pwrite(5, new DataView(new Uint8Array([0x78, 0x44, 0x79]).buffer, 1, 1)), 1);
    assert.equal(file.bytes(), Buffer.from([0xc3, 0xa9, 0x41, 0x42, 0x43, 0x44]));
    assert.is(file.text(), 'éABCD');
    assert.is(file.pwrite(3, ''), 0);
    assert.is(file.size, 6);
    file.close();
  });

  test('truncate shrinks and extends with zeros; old bytes never come back', () => {
    const file = MemFile.from(Buffer.alloc(100, 7), { backing });
    assert.is(file.truncate(10), 10);
    assert.is(file.size, 10);
    assert.is(file.truncate(50), 50);
    assert.equal(file.bytes(), Buffer.concat([Buffer.alloc(10, 7), Buffer.alloc(40)]));
    file.truncate(0);
    file.pwrite(60, 'z');
    assert.equal(file.bytes(), Buffer.concat([Buffer.alloc(60), Buffer.from('z')]));
    file.close();
  });

  test('from(), name, toString, options.size', () => {
    const file = MemFile.from(Buffer.from('xyz'), { backing, size: 8, name: backing === 'shm' ? undefined : 'named' });
    assert.is(file.size, 8);
    assert.equal(file.bytes(), Buffer.from('xyz\0\0\0\0\0', 'latin1'));
    if (backing !== 'shm') assert.is(String(file), 'named');
    assert.is(file.backing, backing);
    file.close();
    const sized = new MemFile(undefined, { backing, size: 4096 });
    assert.is(sized.size, 4096);
    assert.equal(sized.bytes(), Buffer.alloc(4096));
    sized.close();
    const latin = MemFile.from('é', { backing, encoding: 'latin-1' });
    assert.equal(latin.bytes(), Buffer.from([0xe9]));
    assert.is(latin.text('latin-1'), 'é');
    latin.close();
  });

  test('view(): zero-copy both ways, detached on shrink below it and on close', () => {
    const file = MemFile.from('0123456789', { backing });
    const whole = file.view();
    const tail = file.view(6);
    const head = file.view(0, 4);
    assert.is(whole.length, 10);
    assert.is(tail.toString(), '6789');
    head.write('abcd');
    assert.is(file.pread(0, 4).buffer.toString(), 'abcd');
    file.pwrite(6, 'XY');
    assert.is(tail.toString(), 'XY89');
    file.truncate(5);
    assert.is(whole.length, 0, 'a view past the new end is detached');
    assert.is(tail.length, 0);
    assert.is(head.toString(), 'abcd', 'a view inside the new size survives (same memory)');
    assert.is(file.view(5).length, 0);
    throwsCode(() => file.view(6), RangeError, 'ERR_OUT_OF_RANGE');
    throwsCode(() => file.view(0, 6), RangeError, 'ERR_OUT_OF_RANGE');
    file.close();
    assert.is(head.length, 0, 'close detaches every view');
  });

  test('close(): idempotent; afterwards methods throw EBADF, flags stay readable', () => {
    const file = MemFile.from('data', { backing });
    const name = file.name;
    file.close();
    file.close();
    file[Symbol.dispose]();
    assert.ok(file.closed);
    assert.is(file.readable, false);
    assert.is(file.writable, false);
    assert.is(file.sealed, false);
    assert.is(file.name, name);
    assert.is(file.backing, backing);
    const calls: Array<[string, () => unknown]> = [
      ['size', () => file.size],
      ['fd', () => file.fd],
      ['path', () => file.path],
      ['pread', () => file.pread(0, 1)],
      ['pwrite', () => file.pwrite(0, 'x')],
      ['truncate', () => file.truncate(0)],
      ['bytes', () => file.bytes()],
      ['text', () => file.text()],
      ['view', () => file.view()],
      ['seal', () => file.seal()],
    ];
    for (const [label, fn] of calls) {
      const error = throwsCode(fn, Error, 'EBADF', label) as Error & { errno: number; syscall: string };
      assert.is(typeof error.errno, 'number', `${label} errno`);
      assert.ok(error.errno < 0);
      assert.is(typeof error.syscall, 'string');
    }
  });

  test('argument validation: types, ranges, content untouched', () => {
    const file = MemFile.from('keep', { backing });
    const bad: Array<[() => unknown, new (...a: never[]) => Error, string]> = [
      [() => file.pread('0' as unknown as number, 1), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.pread(-1, 1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pread(0.5, 1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pread(NaN, 1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pread(Infinity, 1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pread(2 ** 53, 1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pread(0, -1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pread(0, 1, 'x' as unknown as Uint8Array), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.pread(0, 1, new ArrayBuffer(4) as unknown as Uint8Array), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.pwrite(-1, 'x'), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.pwrite(0, 5 as unknown as string), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.pwrite(0, null as unknown as string), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.pwrite(0, { length: 1 } as unknown as string), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.pwrite(2 ** 53 - 1, 'xy'), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.truncate(-5), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.truncate(1.5), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.truncate('1' as unknown as number), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => file.view(-1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.view(0, 99), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => file.text('no-such-codec'), RangeError, 'ERR_ENCODING_NOT_SUPPORTED'],
      [() => new MemFile(5 as unknown as string, { backing }), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => new MemFile('x', { backing: 'disk' as 'heap' }), TypeError, 'ERR_INVALID_ARG_VALUE'],
      [() => new MemFile('x', { backing, size: -1 }), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => new MemFile('x', 'opts' as unknown as undefined), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => MemFile.from(42 as unknown as string, { backing }), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => MemFile.from('x', { backing, encoding: 'klingon' }), RangeError, 'ERR_ENCODING_NOT_SUPPORTED'],
      [() => MemFile.fromFd(-1), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => MemFile.fromFd('3' as unknown as number), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [fn, Class, code] of bad) throwsCode(fn, Class, code);
    assert.equal(file.bytes(), Buffer.from('keep'));
    file.close();
  });

  test('null and undefined mean "not given"', () => {
    const file = new MemFile(null, { backing, size: null });
    assert.is(file.size, 0);
    file.pwrite(0, 'abc');
    assert.is(file.view(1, null).toString(), 'bc');
    assert.is(file.pread(0, 3, null).buffer.toString(), 'abc');
    file.close();
    const dflt = new MemFile(undefined, null);
    assert.is(dflt.name, 'memfile');
    dflt.close();
  });

  test('sizes above 4 GiB, sparse', () => {
    const file = new MemFile('big', { backing: backing === 'heap' ? 'memfd' : backing });
    const at = 8 * 2 ** 30 + 3;
    file.pwrite(at, 'end');
    assert.is(file.size, at + 3);
    assert.equal(file.pread(at - 2, 10).buffer, Buffer.from('\0\0end', 'latin1'));
    assert.is(file.truncate(5 * 2 ** 30), 5 * 2 ** 30);
    assert.is(file.size, 5 * 2 ** 30);
    file.close();
  });

  test.run();
}

const memfd = suite('core (memfd specifics)');

memfd('fd is close-on-exec, path opens the same bytes, fromFd shares them', () => {
  const file = MemFile.from('shared bytes', { name: 'proc-name' });
  const fd = file.fd;
  assert.ok(Number.isInteger(fd) && fd > 2);
  assert.is(file.path, `/proc/${process.pid}/fd/${fd}`);
  assert.is(fs.readFileSync(file.path, 'utf8'), 'shared bytes');
  assert.match(fs.readlinkSync(file.path), /^\/memfd:proc-name/);
  const other = MemFile.fromFd(fd);
  assert.is(other.name, 'proc-name');
  assert.is(other.backing, 'memfd');
  assert.ok(other.fd !== fd, 'fromFd dups');
  other.pwrite(0, 'SHARED');
  assert.is(file.text(), 'SHARED bytes');
  fs.writeSync(fd, Buffer.from('x'), 0, 1, 12);
  assert.is(file.size, 13, 'a write through the raw fd is seen');
  other.close();
  assert.is(file.text(), 'SHARED bytesx', 'closing the other reference leaves ours');
  const named = MemFile.fromFd(file.fd, { name: 'renamed' });
  assert.is(named.name, 'renamed');
  named.close();
  file.close();
});

memfd('a write at 8 GiB into an empty memfd is sparse: almost nothing is allocated', () => {
  const file = new MemFile('sparse');
  file.pwrite(8 * 2 ** 30, 'x');
  assert.is(file.size, 8 * 2 ** 30 + 1);
  const st = fs.fstatSync(file.fd);
  assert.is(st.size, 8 * 2 ** 30 + 1);
  assert.ok(st.blocks * 512 <= 64 << 10, `allocated ${st.blocks * 512} bytes`);
  file.close();
});

memfd('appending in 64-byte writes grows in doubling steps, not per write (no copying)', () => {
  const file = new MemFile('append');
  // Every native block method call, counted on the binding's Block prototype while this test runs
  // (the addon's own methods are read-only further up the chain: shadow them with defineProperty).
  const proto = binding.Block.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const calls: Record<string, number> = {};
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of ['write', 'read', 'truncate', 'size', 'window']) {
    const original = proto[name];
    calls[name] = 0;
    saved.set(name, Object.getOwnPropertyDescriptor(proto, name));
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        calls[name]++;
        return original.apply(this, args);
      },
    });
  }
  const chunk = Buffer.alloc(64, 9);
  const total = 16 << 20;
  try {
    for (let at = 0; at < total; at += 64) file.pwrite(at, chunk);
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor === undefined) delete proto[name];
      else Object.defineProperty(proto, name, descriptor);
    }
  }
  assert.is(file.size, total);
  // 64 KiB, then doubling to 16 MiB: about 9 growth steps, each one native write + one new window.
  assert.ok(calls.write <= 12, `${calls.write} native writes for ${total / 64} appends`);
  assert.ok(calls.window <= 12, `${calls.window} windows fetched`);
  assert.ok(calls.write >= 1, 'the spy sees native calls');
  const { buffer } = file.pread(total - 64, 64);
  assert.equal(buffer, chunk);
  file.close();
});

memfd('writes before and after the fd is exposed agree on size', () => {
  const file = new MemFile();
  file.pwrite(0, Buffer.alloc(100_000, 1));
  file.truncate(10);
  assert.is(fs.fstatSync(file.fd).size, 10, 'the physical size is exact once exposed');
  file.pwrite(20, 'a');
  assert.is(fs.fstatSync(file.fd).size, 21);
  assert.equal(file.bytes(), Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10), Buffer.from('a')]));
  file.close();
});

memfd('seal(): EPERM for writes and truncate, views detached, later views copy-on-write', () => {
  const file = MemFile.from('sealed content');
  const before = file.view();
  file.seal();
  assert.is(before.length, 0);
  assert.ok(file.sealed);
  assert.is(file.writable, false);
  assert.is(file.readable, true);
  throwsCode(() => file.pwrite(0, 'x'), Error, 'EPERM');
  throwsCode(() => file.truncate(0), Error, 'EPERM');
  throwsCode(() => fs.writeSync(file.fd, 'x', 0), Error, 'EPERM');
  const a = file.view();
  const b = file.view();
  a.write('SEALED');
  assert.is(a.toString(), 'SEALED content');
  // One copy-on-write mapping per block serves all its views (the contract allows
  // it; it keeps 100,000 views within the process's mapping limit).
  assert.is(b.toString(), 'SEALED content', 'views of one block share their copy-on-write pages');
  assert.is(file.text(), 'sealed content', 'writes never reach the file');
  assert.is(fs.readFileSync(file.path, 'utf8'), 'sealed content', 'nor another open of it');
  file.seal();
  const dup = MemFile.fromFd(file.fd);
  assert.ok(dup.sealed, 'fromFd sees existing seals');
  assert.is(dup.writable, false);
  dup.close();
  file.close();
  assert.ok(file.sealed, 'sealed stays readable after close');
});

memfd('fromFd refuses pipes (a named FIFO, an anonymous pipe), directories, disk files and bad fds', async () => {
  // A pipe is not seekable memory: EINVAL, and the pipe is left as it was (still open, still ours).
  const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-core-')), 'fifo');
  const made = spawnSync('mkfifo', [fifo]);
  assert.is(made.status, 0, `mkfifo: ${made.stderr}`);
  const named = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK); // O_RDWR: no wait for a peer
  // An anonymous pipe: python3 makes one and names its read end; /proc opens the same pipe here.
  // (Node's own stdio 'pipe' is a socketpair, not a pipe.)
  const child = spawn('python3', ['-c', 'import os, sys\nr, w = os.pipe()\nprint(r, flush=True)\nsys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pipeFd = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('error', reject);
  });
  const anonymous = fs.openSync(`/proc/${child.pid}/fd/${pipeFd}`, 'r+');
  try {
    for (const [fd, what] of [[named, 'a FIFO'], [anonymous, 'an anonymous pipe']] as const) {
      assert.ok(fs.fstatSync(fd).isFIFO(), `${what} is a pipe`);
      throwsCode(() => MemFile.fromFd(fd), Error, 'EINVAL', `fromFd(${what})`);
      assert.is(fs.writeSync(fd, 'still usable'), 12, `${what} is still open after the refusal`);
    }
  } finally {
    fs.closeSync(named);
    fs.closeSync(anonymous);
    child.stdin!.end();
    fs.rmSync(path.dirname(fifo), { recursive: true });
  }
  const file = fs.openSync('/proc/self/exe', 'r');
  throwsCode(() => MemFile.fromFd(file), Error, 'EINVAL', 'fromFd(disk file)');
  fs.closeSync(file);
  const dir = fs.openSync('/tmp', 'r');
  throwsCode(() => MemFile.fromFd(dir), Error, 'EINVAL', 'fromFd(directory)');
  fs.closeSync(dir);
  throwsCode(() => MemFile.fromFd(0x7ffffff0), Error, 'EBADF', 'fromFd(unused fd)');
});

memfd('backing ENOTSUP: fd/path/seal on heap, seal on shm', () => {
  const heap = new MemFile(undefined, { backing: 'heap' });
  throwsCode(() => heap.fd, Error, 'ENOTSUP');
  throwsCode(() => heap.path, Error, 'ENOTSUP');
  throwsCode(() => heap.seal(), Error, 'ENOTSUP');
  heap.close();
  const shm = new MemFile(undefined, { backing: 'shm' });
  throwsCode(() => shm.seal(), Error, 'ENOTSUP');
  assert.is(shm.sealed, false);
  shm.close();
});

memfd.run();

const shm = suite('core (shm names)');

shm('names: valid, leading slash stripped, invalid rejected, EEXIST, unlinked on close', () => {
  const name = `memfile-test-${process.pid}-${Date.now()}`;
  const file = new MemFile(`/${name}`, { backing: 'shm' });
  assert.is(file.name, name);
  assert.is(file.path, `/dev/shm/${name}`);
  const st = fs.statSync(file.path);
  assert.is(st.mode & 0o777, 0o600);
  throwsCode(() => new MemFile(name, { backing: 'shm' }), Error, 'EEXIST');
  file.pwrite(0, 'by name');
  const attached = MemFile.attach(name);
  assert.is(attached.text(), 'by name');
  attached.pwrite(0, 'BY');
  assert.is(file.text(), 'BY name');
  const ro = MemFile.attach(`/${name}`, { readOnly: true });
  assert.is(ro.writable, false);
  throwsCode(() => ro.pwrite(0, 'x'), Error, 'EBADF');
  throwsCode(() => ro.truncate(0), Error, 'EBADF');
  assert.is(ro.text(), 'BY name');
  ro.close();
  attached.close();
  file.close();
  assert.ok(!fs.existsSync(`/dev/shm/${name}`), 'the creator unlinks on close');
  throwsCode(() => MemFile.attach(name), Error, 'ENOENT');
  for (const bad of ['', 'a/b', 'x'.repeat(201), 'sp ace', 'é', '..', '/']) {
    throwsCode(() => new MemFile(bad, { backing: 'shm' }), TypeError, 'ERR_INVALID_ARG_VALUE', JSON.stringify(bad));
    throwsCode(() => MemFile.attach(bad), TypeError, 'ERR_INVALID_ARG_VALUE', JSON.stringify(bad));
  }
  throwsCode(() => MemFile.attach(name, { readOnly: 'yes' as unknown as boolean }), TypeError, 'ERR_INVALID_ARG_TYPE');
  const random1 = new MemFile(undefined, { backing: 'shm' });
  const random2 = new MemFile(undefined, { backing: 'shm' });
  assert.match(random1.name, /^memfile-[0-9a-f]{32}$/);
  assert.is.not(random1.name, random2.name);
  random1.close();
  random2.close();
});

shm.run();

// Issue 13: fs's argument order gets a message that names MemFile's; errors start at the caller.
const teach = suite('core (errors that teach)');

/** What fn threw (it must throw). */
function caught(fn: () => unknown): Error & { code?: string } {
  const error = errorOf(fn);
  if (error === undefined) throw new Error(`nothing thrown by ${fn}`);
  return error as Error & { code?: string };
}

teach("pread(buf, 0, 5, 0) in fs's order → ERR_INVALID_ARG_TYPE naming (offset, size, buffer?); pwrite likewise", () => {
  using mf = MemFile.from('hello world');
  const buf = Buffer.alloc(5);
  for (const [label, fn, order] of [
    ['MemFile.pread', () => (mf.pread as (...a: unknown[]) => unknown)(buf, 0, 5, 0), 'pread(offset, size, buffer?)'],
    ['MemFile.pwrite', () => (mf.pwrite as (...a: unknown[]) => unknown)(buf, 0), 'pwrite(offset, data)'],
    ['RawHandle.pread', () => { using h = mf.open('rb+', { buffering: 0 }); return (h.pread as (...a: unknown[]) => unknown)(buf, 0, 5, 0); }, 'pread(offset, size, buffer?)'],
    ['RawHandle.pwrite', () => { using h = mf.open('rb+', { buffering: 0 }); return (h.pwrite as (...a: unknown[]) => unknown)(new Uint8Array(2), 0); }, 'pwrite(offset, data)'],
  ] as const) {
    const e = caught(fn);
    assert.ok(e instanceof TypeError, label);
    assert.is(e.code, 'ERR_INVALID_ARG_TYPE', label);
    assert.ok(e.message.includes(`MemFile's order is ${order}`), `${label}: ${e.message}`);
    assert.ok(e.message.includes("not fs."), label);
    assert.ok(firstFrame(e).includes(__filename), `${label}: ${firstFrame(e)}`);
  }
  assert.is(buf.toString(), '\0'.repeat(5), 'nothing read into the buffer');
  assert.is(mf.text(), 'hello world', 'nothing written');
});

teach("the stack's first frame is the caller's line, not the library's (validation, EBADF, EEXIST)", () => {
  const mf = MemFile.from('x');
  const cases: Array<[string, () => unknown]> = [
    ['pread(-1)', () => mf.pread(-1, 1)],
    ['view past the end', () => mf.view(5)],
    ["open('x') of a non-empty file", () => mf.open('x')],
    ['bad option', () => mf.open('r', { newline: 'x' as never })],
    ['handle seek before 0', () => mf.open('rb').seek(-1)],
  ];
  const check = ([label, fn]: [string, () => unknown], code: string): void => {
    const e = caught(fn);
    assert.is(e.code, code, label);
    const frame = firstFrame(e);
    assert.ok(frame.includes(__filename), `${label}: first frame ${frame}\n${e.stack}`);
    assert.not.ok(e.stack!.includes('/ts/'), `${label}: no library frame at all:\n${e.stack}`);
  };
  const codes = ['ERR_OUT_OF_RANGE', 'ERR_OUT_OF_RANGE', 'EEXIST', 'ERR_INVALID_ARG_VALUE', 'EINVAL'];
  cases.forEach((c, i) => check(c, codes[i]));
  mf.close();
  check(['size after close', () => mf.size], 'EBADF');
  check(['open after close', () => mf.open('rb')], 'EBADF');
});

teach('errors raised in native code start at the caller too (EPERM sealed, EEXIST shm, ENOENT fromFileSync)', () => {
  const sealed = MemFile.from('frozen');
  sealed.seal();
  const shm = new MemFile(`teach-${process.pid}`, { backing: 'shm' });
  const cases: Array<[string, () => unknown, string]> = [
    ['pwrite on a sealed file', () => sealed.pwrite(0, 'x'), 'EPERM'],
    ['truncate of a sealed file', () => sealed.truncate(1), 'EPERM'],
    ['a taken shm name', () => new MemFile(shm.name, { backing: 'shm' }), 'EEXIST'],
    ['fromFileSync of a missing file', () => MemFile.fromFileSync('/nonexistent/memfile-teach'), 'ENOENT'],
  ];
  for (const [label, fn, code] of cases) {
    const e = caught(fn);
    assert.is(e.code, code, label);
    const frame = firstFrame(e);
    assert.ok(frame.includes(__filename), `${label}: first frame ${frame}\n${e.stack}`);
  }
  shm.close();
  sealed.close();
});

teach.run();
