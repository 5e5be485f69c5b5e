// Binary handles: the original pyppin handle tests ported (raw via buffering 0,
// and buffered), plus the promises of the README's API that the CPython oracle cannot
// check: visibility to pread/other handles, handle types, fd, lifetime, Symbol.dispose.
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferedRandom, BufferedReader, BufferedWriter, MemFile, RawHandle, TextHandle } from '../ts/index';
import { codeOf as code } from './helpers';

const CONTENT = Buffer.from('Hello, world!\nSecond line\nThird');

for (const buffering of [0, -1, 3]) {
  const label = buffering === 0 ? 'raw' : `buffered(${buffering})`;

  test(`${label}: seek from the end, then read (pyppin test_read)`, () => {
    using mf = MemFile.from(CONTENT);
    using f = mf.open('rb', { buffering });
    assert.is(f.seek(-5, 2), CONTENT.length - 5);
    assert.equal(f.read(), Buffer.from('Third'));
    assert.is(f.tell(), CONTENT.length);
    assert.is(f.seek(7), 7);
    assert.equal(f.read(5), Buffer.from('world'));
    assert.equal(f.readline(), Buffer.from('!\n'));
    assert.equal([...f], [Buffer.from('Second line\n'), Buffer.from('Third')]);
  });

  test(`${label}: a read-only handle refuses writes with EBADF and leaves the content (pyppin)`, () => {
    using mf = MemFile.from(CONTENT);
    using f = mf.open('rb', { buffering });
    // The types leave write() out of a reader; the run-time check is what is tested here.
    const g = f as unknown as BufferedRandom;
    assert.is(code(() => g.write(Buffer.from('x'))), 'EBADF');
    assert.is(code(() => g.truncate(0)), 'EBADF');
    assert.is(code(() => g.writelines([Buffer.from('x')])), 'EBADF');
    assert.equal(mf.bytes(), CONTENT);
  });

  test(`${label}: r+ writes are seen by pread once flushed (pyppin)`, () => {
    using mf = MemFile.from(CONTENT);
    using f = mf.open('r+b', { buffering });
    f.seek(7);
    assert.is(f.write(Buffer.from('WORLD')), 5);
    f.flush();
    assert.equal(mf.pread(0, 13).buffer, Buffer.from('Hello, WORLD!'));
    assert.is(f.tell(), 12);
    assert.equal(f.read(1), Buffer.from('!'));
  });

  test(`${label}: w+ truncates at open, then reads back what it wrote (pyppin)`, () => {
    using mf = MemFile.from(CONTENT);
    using f = mf.open('w+b', { buffering });
    assert.is(mf.size, 0);
    f.write(Buffer.from('abc\ndef'));
    f.seek(0);
    assert.equal(f.readlines(), [Buffer.from('abc\n'), Buffer.from('def')]);
    assert.equal(mf.bytes(), Buffer.from('abc\ndef'));
  });

  test(`${label}: append mode writes at the current end even after a seek`, () => {
    using mf = MemFile.from('12345');
    using f = mf.open('ab', { buffering });
    assert.is(f.tell(), 5);
    f.write(Buffer.from('67'));
    f.flush();
    mf.pwrite(7, 'XY'); // someone else grows the file
    f.seek(0);
    f.write(Buffer.from('Z'));
    f.flush();
    assert.is(mf.text(), '1234567XYZ');
  });
}

test('open() returns the handle class Python would, with Python\'s mode string', () => {
  using mf = MemFile.from('data');
  const cases: Array<[string, object, object, string]> = [ // [mode, options, the class (for instanceof), its mode string]
    ['rb', {}, BufferedReader, 'rb'], ['br', {}, BufferedReader, 'rb'],
    ['wb', {}, BufferedWriter, 'wb'], ['ab', {}, BufferedWriter, 'ab'],
    ['rb+', {}, BufferedRandom, 'rb+'], ['r+b', {}, BufferedRandom, 'rb+'], ['+rb', {}, BufferedRandom, 'rb+'],
    ['wb+', {}, BufferedRandom, 'rb+'], ['ab+', {}, BufferedRandom, 'ab+'],
    ['rb', { buffering: 0 }, RawHandle, 'rb'], ['a+b', { buffering: 0 }, RawHandle, 'ab+'],
  ];
  for (const [mode, options, Class, reported] of cases) {
    mf.pwrite(0, 'data');
    const h = mf.open(mode, options);
    assert.instance(h, Class, mode);
    assert.is(h.mode, reported, mode);
    assert.is(h.name, mf.name);
    h.close();
  }
  const empty = new MemFile();
  for (const [mode, reported] of [['xb', 'xb'], ['wxb', 'xb'], ['bwx+', 'xb+']] as const) {
    const h = empty.open(mode);
    assert.is(h.mode, reported);
    h.close();
  }
  empty.close();
});

test('readable/writable/seekable/closed are booleans and follow the mode; fd is the MemFile\'s', () => {
  using mf = MemFile.from('abc');
  for (const [mode, r, w] of [['rb', true, false], ['wb', false, true], ['rb+', true, true]] as const) {
    for (const buffering of [0, -1]) {
      const h = mf.open(mode, { buffering });
      assert.is(h.readable, r);
      assert.is(h.writable, w);
      assert.is(h.seekable, true);
      assert.is(h.closed, false);
      assert.is(h.fd, mf.fd);
      h.close();
      assert.is(h.closed, true);
      assert.is(h.readable, false);
      assert.is(h.writable, false);
    }
  }
});

test('buffered writes reach the block on flush, seek, close and a full buffer — not before', () => {
  using mf = new MemFile();
  const f = mf.open('wb', { buffering: 8 });
  f.write(Buffer.from('abc'));
  assert.is(mf.size, 0, 'still buffered');
  f.flush();
  assert.is(mf.text(), 'abc');
  f.write(Buffer.from('def'));
  f.seek(0, 1);
  assert.is(mf.text(), 'abcdef', 'seek flushes');
  f.write(Buffer.from('123456'));
  assert.is(mf.text(), 'abcdef', 'fits the buffer');
  f.write(Buffer.from('789'));
  assert.is(mf.text(), 'abcdef123456', 'a full buffer is written out');
  f.close();
  assert.is(mf.text(), 'abcdef123456789', 'close flushes');
});

test('several handles over one block, each with its own position', () => {
  using mf = MemFile.from('0123456789');
  using a = mf.open('rb');
  using b = mf.open('rb', { buffering: 0 });
  using w = mf.open('r+b');
  assert.equal(a.read(3), Buffer.from('012'));
  assert.equal(b.read(5), Buffer.from('01234'));
  w.seek(8);
  w.write(Buffer.from('XY'));
  w.flush();
  assert.equal(b.read(), Buffer.from('567XY'));
  assert.equal(a.read(), Buffer.from('3456789'), 'a buffered reader keeps what it already buffered, as Python');
  a.seek(8);
  assert.equal(a.read(), Buffer.from('XY'));
});

test('RawHandle pread/pwrite respect the direction and leave the position alone', () => {
  using mf = MemFile.from('abcdef');
  using r = mf.open('rb', { buffering: 0 });
  const got = r.pread(2, 3);
  assert.equal(got.buffer, Buffer.from('cde'));
  assert.is(got.bytesRead, 3);
  using w = mf.open('wb', { buffering: 0 });
  const target = Buffer.alloc(4);
  assert.is(r.pread(4, 4, target).bytesRead, 0, 'w truncated the file');
  assert.is(r.tell(), 0);
  // The types reject these (RawHandle<'r'> / <'w'>); widened to test the run-time check.
  assert.is(code(() => (r as RawHandle).pwrite(0, Buffer.from('x'))), 'EBADF');
  assert.is(code(() => (w as RawHandle).pread(0, 1)), 'EBADF');
  assert.is(w.pwrite(3, Buffer.from('xyz')), 3);
  assert.is(w.tell(), 0);
  assert.equal(mf.bytes(), Buffer.from('\0\0\0xyz'));
  assert.is(code(() => w.pwrite(0, 'str' as never)), 'ERR_INVALID_ARG_TYPE');
});

test('readinto, read1, peek and readall', () => {
  using mf = MemFile.from('abcdefghij');
  using f = mf.open('rb', { buffering: 4 });
  const target = new Uint8Array(3);
  assert.is(f.readinto(target), 3);
  assert.equal(Buffer.from(target), Buffer.from('abc'));
  assert.equal(f.peek(), Buffer.from('d'), 'what is left in the 4-byte buffer');
  assert.equal(f.read1(10), Buffer.from('d'));
  assert.equal(f.read1(2), Buffer.from('ef'));
  assert.equal(f.read(), Buffer.from('ghij'));
  using raw = mf.open('rb', { buffering: 0 });
  raw.seek(6);
  assert.equal(raw.readall(), Buffer.from('ghij'));
  assert.equal(raw.read(), Buffer.alloc(0));
});

test('binary writes take any ArrayBufferView or ArrayBuffer, never a string', () => {
  using mf = new MemFile();
  using f = mf.open('wb');
  f.write(new Uint16Array([0x6261]));
  f.write(new DataView(new Uint8Array([0x63]).buffer));
  f.write(new Uint8Array([0x64]).buffer);
  f.writelines([Buffer.from('e'), new Uint8Array([0x66])]);
  assert.is(code(() => f.write('x' as never)), 'ERR_INVALID_ARG_TYPE');
  assert.is(code(() => f.writelines(['x'] as never)), 'ERR_INVALID_ARG_TYPE');
  f.flush();
  assert.is(mf.text(), 'abcdef');
});

test('a handle keeps the block alive after the MemFile closes; Symbol.dispose closes it', () => {
  const mf = MemFile.from('still here');
  const f = mf.open('rb');
  mf.close();
  assert.equal(f.read(), Buffer.from('still here'));
  {
    using g = f;
    assert.is(g.closed, false);
  }
  assert.is(f.closed, true);
  f.close(); // idempotent
});

test('close() flushes, and a flush failure still closes the handle', () => {
  using mf = new MemFile();
  const f = mf.open('wb');
  f.write(Buffer.from('pending'));
  mf.seal();
  assert.is(code(() => f.close()), 'EPERM');
  assert.is(f.closed, true);
  assert.is(mf.size, 0);
});

test('seek before 0 is EINVAL and moves nothing', () => {
  using mf = MemFile.from('abc');
  for (const buffering of [0, -1]) {
    using f = mf.open('rb', { buffering });
    f.seek(2);
    assert.is(code(() => f.seek(-1)), 'EINVAL');
    assert.is(code(() => f.seek(-3, 1)), 'EINVAL');
    assert.is(code(() => f.seek(-4, 2)), 'EINVAL');
    assert.is(f.tell(), 2);
    assert.is(f.seek(10), 10, 'past the end is fine');
    assert.equal(f.read(), Buffer.alloc(0));
  }
});

test('a read of 2**40 bytes returns what there is without allocating 2**40', () => {
  using mf = MemFile.from('abc');
  for (const buffering of [0, -1]) {
    using f = mf.open('rb', { buffering });
    assert.equal(f.read(2 ** 40), Buffer.from('abc'));
  }
  using g = mf.open('rb');
  assert.equal(g.read1(2 ** 40), Buffer.from('abc'));
});

// Issue 13: what a newcomer sees of a handle — in console.log, in completions, in errors.

/** Every property name on the object and its prototype chain, up to Object.prototype. */
function allNames(o: object): string[] {
  const names: string[] = [];
  for (let p: object | null = o; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    names.push(...Object.getOwnPropertyNames(p));
  }
  return names;
}

test('console.log(handle) shows its class, name, mode and closed; no internals on any handle', () => {
  using mf = MemFile.from('data', { backing: 'memfd' });
  const handles = [mf.open('rb'), mf.open('ab'), mf.open('rb+'), mf.open('rb', { buffering: 0 }), mf.open('r')];
  const shown = handles.map((h) => inspect(h, { colors: false }));
  assert.equal(shown, [
    "BufferedReader { name: 'memfile', mode: 'rb', closed: false }",
    "BufferedWriter { name: 'memfile', mode: 'ab', closed: false }",
    "BufferedRandom { name: 'memfile', mode: 'rb+', closed: false }",
    "RawHandle { name: 'memfile', mode: 'rb', closed: false }",
    "TextHandle { name: 'memfile', mode: 'r', encoding: 'utf-8', closed: false }",
  ]);
  for (const h of handles) {
    const leaked = allNames(h).filter((n) => n.startsWith('_'));
    assert.equal(leaked, [], `${h.constructor.name} has no _-prefixed members`);
    // cloneGuard: the structuredClone guard on Node < 22.10 (ts/uncloneable.ts), hidden from inspect.
    const documented = ['name', 'mode', 'raw', 'encoding', 'errors', 'lineBuffering', 'cloneGuard'];
    assert.equal(Object.keys(h).filter((k) => !documented.includes(k)), [], `${h.constructor.name}: own properties are documented members`);
    h.close();
  }
  assert.is(inspect(handles[0]), "BufferedReader { name: 'memfile', mode: 'rb', closed: true }");
  assert.is(inspect({ nested: { deeper: handles[0] } }, { depth: 0 }), '{ nested: [Object] }');
  assert.is(inspect([handles[4]], { depth: -1 }), '[Array]');
  assert.is(inspect(mf), `MemFile { name: 'memfile', backing: 'memfd', size: 4, closed: false }`);
});

test('a buffered handle drives its raw handle through the raw handle only (close raw → buffered closed)', () => {
  using mf = MemFile.from('0123456789');
  const f = mf.open('rb', { buffering: 4 });
  assert.equal(f.read(2), Buffer.from('01'));
  assert.is(f.raw.tell(), 4, 'one refill of 4 bytes');
  f.raw.seek(8);
  assert.is(f.tell(), 6, 'tell() = raw position - readahead');
  f.raw.close();
  assert.ok(f.closed);
  assert.is(code(() => f.read(1)), 'EBADF');
});

test('wrong-direction EBADF names the handle\'s mode; the stack starts at the caller\'s line', () => {
  using mf = MemFile.from('data');
  const cases: Array<[string, () => unknown, string]> = [
    ['ab', () => (mf.open('ab') as unknown as BufferedReader).read(), "File not open for reading: this handle's mode is 'ab'"],
    ['xb', () => (new MemFile().open('xb') as unknown as BufferedReader).read(), "File not open for reading: this handle's mode is 'xb'"],
    ['ab raw', () => (mf.open('ab', { buffering: 0 }) as RawHandle).read(), "File not open for reading: this handle's mode is 'ab'"],
    ['rb', () => (mf.open('rb') as unknown as BufferedWriter).write(Buffer.from('x')), "File not open for writing: this handle's mode is 'rb'"],
    ['r text', () => (mf.open('r') as TextHandle).write('x'), "File not open for writing: this handle's mode is 'r'"],
    ['a text', () => (mf.open('a') as TextHandle).read(), "File not open for reading: this handle's mode is 'a'"],
  ];
  for (const [label, fn, message] of cases) {
    let error: Error | undefined;
    try {
      fn();
    } catch (e) {
      error = e as Error;
    }
    assert.ok(error !== undefined, label);
    assert.is((error as { code?: string }).code, 'EBADF', label);
    assert.ok(error.message.includes(message), `${label}: ${error.message}`);
    assert.ok(error.message.includes("a mode with '+' reads and writes"), label);
    const firstFrame = error.stack!.split('\n').find((l) => l.startsWith('    at '))!;
    assert.ok(firstFrame.includes(__filename), `${label}: first frame is this file: ${firstFrame}`);
  }
  assert.equal(mf.bytes(), Buffer.from('data'));
});

test.run();
