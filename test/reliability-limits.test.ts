// The edges of the number line and of a Buffer: positions near 2^53-1 (every handle and
// the write stream refuse what would pass it, before anything is written), whole reads of
// a file over 4 GiB (one code, fs's ERR_FS_FILE_TOO_LARGE, from every door, nothing
// consumed), encodings of the wrong type, and iteration after the buffer underneath closed.
// Big files are sparse memfds: truncate() costs no RAM.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { constants as bufferConstants } from 'node:buffer';
import { once } from 'node:events';
import { MemFile } from '../ts/index';
import { throwsCode } from './helpers';

const test = suite('reliability: limits');
const MAX = Number.MAX_SAFE_INTEGER;

/** The last `n` bytes of a file, as hex (the file is too big for bytes()). */
const tail = (mf: MemFile, n = 8): string => mf.pread(mf.size - n, n).buffer.toString('hex');

test('binary handles at 2^53-1: write → ERR_OUT_OF_RANGE, nothing buffered, tell() stays safe', () => {
  for (const mode of ['rb+', 'wb', 'ab', 'ab+', 'wb+'] as const) {
    for (const buffering of [undefined, 0, 16, 1 << 16]) {
      const label = `${mode} buffering ${buffering}`;
      const mf = MemFile.from('0123456789');
      if (buffering === 0 && mode.startsWith('a')) {
        // Unbuffered append is O_APPEND: the byte lands at the end, wherever the position was.
        const raw = mf.open(mode, { buffering: 0 });
        raw.seek(MAX);
        assert.is(raw.write(Buffer.from('x')), 1, label);
        assert.is(raw.tell(), 11, label);
        raw.close();
        assert.is(mf.text(), '0123456789x', label);
        mf.close();
        continue;
      }
      const h = mf.open(mode as string, { buffering }) as import('../ts/index').BufferedRandom | import('../ts/index').RawHandle;
      const before = mf.bytes();
      assert.is(h.seek(MAX), MAX, label);
      throwsCode(() => h.write(Buffer.from('x')), RangeError, 'ERR_OUT_OF_RANGE', `${label} write 1 byte at 2^53-1`);
      assert.is(h.tell(), MAX, `${label} tell() after the refused write`);
      assert.is(h.seek(MAX - 2), MAX - 2, label);
      throwsCode(() => h.write(Buffer.from('xyz')), RangeError, 'ERR_OUT_OF_RANGE', `${label} 3 bytes at 2^53-3`);
      assert.is(h.tell(), MAX - 2, label);
      // nothing was queued: flush and close succeed and the content is as it was
      h.flush();
      h.close();
      assert.equal(mf.bytes(), before, `${label}: content unchanged`);
      mf.close();
    }
  }
});

test('binary handles: a write ending exactly at 2^53-1 works, one byte more fails at write(), not at flush', () => {
  const mf = new MemFile('edge');
  for (const buffering of [undefined, 0, 7]) {
    mf.truncate(0);
    const h = mf.open('rb+', { buffering } as never);
    h.seek(MAX - 2);
    assert.is(h.write(Buffer.from('ab')), 2);
    assert.is(h.tell(), MAX);
    throwsCode(() => h.write(Buffer.from('c')), RangeError, 'ERR_OUT_OF_RANGE', `buffering ${buffering}`);
    h.close();
    assert.is(mf.size, MAX);
    assert.is(tail(mf, 4), '00006162');
  }
  mf.close();
});

test('text handles near 2^53-1: the write that would pass it throws, nothing is queued or written', () => {
  for (const encoding of ['utf-8', 'utf-16', 'cp1252', 'latin-1']) {
    for (const options of [{}, { buffering: 1 }, { newline: '\r\n' as const }]) {
      const label = `${encoding} ${JSON.stringify(options)}`;
      const mf = new MemFile('text-edge');
      mf.truncate(MAX - 3);
      const t = mf.open('r+', { encoding, ...options });
      t.seek(0, 2);
      t.write('a'); // fits: 1 byte (2 in utf-16) before 2^53-1
      throwsCode(() => t.write('bcd'), RangeError, 'ERR_OUT_OF_RANGE', `${label}: write past 2^53-1`);
      t.flush();
      t.close(); // nothing left queued to fail here
      const width = encoding === 'utf-16' ? 2 : 1;
      assert.is(mf.size, MAX - 3 + width, label);
      assert.is(tail(mf, 4), encoding === 'utf-16' ? '00006100' : '00000061', label);
      mf.close();
    }
  }
});

test('append handles: a flush whose data would pass 2^53-1 at the end (grown by someone else) fails before writing', () => {
  for (const [mode, options] of [['ab', {}], ['ab+', { buffering: 64 }], ['a', { encoding: 'utf-8' }], ['a+', { encoding: 'utf-16-le' }]] as const) {
    const mf = MemFile.from('small');
    const h = mf.open(mode as string, options) as { write(d: never): number; flush(): void; close(): void };
    h.write((mode.includes('b') ? Buffer.from('xy') : 'xy') as never); // queued while the file is small
    mf.truncate(MAX - 1); // another writer grows the file
    throwsCode(() => h.flush(), RangeError, 'ERR_OUT_OF_RANGE', `${mode} flush`);
    assert.is(mf.size, MAX - 1, `${mode}: nothing appended`);
    assert.is(tail(mf, 4), '00000000', mode);
    throwsCode(() => h.close(), RangeError, 'ERR_OUT_OF_RANGE', `${mode} close (the data is still pending)`);
    assert.is(mf.size, MAX - 1, mode);
    assert.is(mf.pread(0, 5).buffer.toString(), 'small', mode);
    mf.close();
  }
});

test('createWriteStream near 2^53-1: the chunk that would pass it errors the stream, nothing written', async () => {
  const mf = MemFile.from('kept');
  const stream = mf.createWriteStream({ flags: 'r+', start: MAX - 1 });
  stream.write('x'); // ends exactly at 2^53-1
  stream.write('yz');
  const [error] = (await once(stream, 'error').catch((e: unknown) => [e])) as [Error & { code?: string }];
  assert.instance(error, RangeError);
  assert.is(error.code, 'ERR_OUT_OF_RANGE');
  assert.is(stream.bytesWritten, 1);
  assert.is(mf.size, MAX);
  assert.is(tail(mf, 3), '000078');
  assert.is(mf.pread(0, 4).buffer.toString(), 'kept');
  mf.close();
});

test('raw handle and MemFile.pwrite at 2^53-1 refuse too (the contract the others follow)', () => {
  const mf = MemFile.from('abc');
  const raw = mf.open('rb+', { buffering: 0 });
  raw.seek(MAX);
  throwsCode(() => raw.write(Buffer.from('x')), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => raw.pwrite(MAX, Buffer.from('x')), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => mf.pwrite(MAX, 'x'), RangeError, 'ERR_OUT_OF_RANGE');
  assert.is(raw.tell(), MAX);
  raw.close();
  assert.is(mf.text(), 'abc');
  mf.close();
});

test('a file over 4 GiB read whole: ERR_FS_FILE_TOO_LARGE from every door, and nothing consumed', () => {
  const FIVE_GIB = 5 * 2 ** 30;
  assert.ok(FIVE_GIB > bufferConstants.MAX_LENGTH);
  const mf = new MemFile('five-gib');
  mf.truncate(FIVE_GIB);
  mf.pwrite(0, 'head');
  const tooLarge = (fn: () => unknown, label: string): void => {
    throwsCode(fn, RangeError, 'ERR_FS_FILE_TOO_LARGE', label);
  };
  tooLarge(() => mf.pread(0, FIVE_GIB), 'MemFile.pread without a buffer');
  tooLarge(() => mf.bytes(), 'bytes()');
  tooLarge(() => mf.text(), 'text()');
  tooLarge(() => mf.text('latin-1'), "text('latin-1')");
  const raw = mf.open('rb', { buffering: 0 });
  tooLarge(() => raw.read(), 'RawHandle.read()');
  tooLarge(() => raw.readall(), 'RawHandle.readall()');
  tooLarge(() => raw.read(FIVE_GIB), 'RawHandle.read(5 GiB)');
  tooLarge(() => raw.pread(0, FIVE_GIB), 'RawHandle.pread');
  assert.is(raw.tell(), 0);
  assert.is(raw.read(4).toString(), 'head');
  for (const mode of ['rb', 'rb+'] as const) {
    const b = mf.open(mode);
    assert.is(b.read(2).toString(), 'he'); // the rest of the buffer is read ahead
    tooLarge(() => b.read(), `${mode} read()`);
    tooLarge(() => b.read(FIVE_GIB), `${mode} read(5 GiB)`);
    assert.is(b.tell(), 2, `${mode}: nothing consumed`);
    assert.is(b.read(2).toString(), 'ad', `${mode}: the read-ahead survives`);
    b.close();
  }
  const pending = mf.open('rb+');
  pending.write(Buffer.from('HE'));
  tooLarge(() => pending.read(), 'rb+ read() with a pending write');
  assert.is(pending.tell(), 2);
  pending.close();
  assert.is(mf.pread(0, 4).buffer.toString(), 'HEad');
  const t = mf.open('r', { encoding: 'latin-1' });
  tooLarge(() => t.read(), 'TextHandle.read()');
  assert.is(t.read(4), 'HEad');
  t.close();
  raw.close();
  mf.close();
});

test('a non-string encoding → TypeError ERR_INVALID_ARG_TYPE (text(), from(), open())', () => {
  const mf = MemFile.from('abc');
  for (const bad of [5, {}, true, ['utf-8'], Symbol('x')]) {
    throwsCode(() => mf.text(bad as never), TypeError, 'ERR_INVALID_ARG_TYPE', `text(${String(bad)})`);
    throwsCode(() => MemFile.from('x', { encoding: bad as never }), TypeError, 'ERR_INVALID_ARG_TYPE', `from(${String(bad)})`);
    throwsCode(() => mf.open('r', { encoding: bad as never }), TypeError, 'ERR_INVALID_ARG_TYPE', `open(${String(bad)})`);
  }
  // null and undefined mean "not given"; an unknown name stays ERR_ENCODING_NOT_SUPPORTED
  assert.is(mf.text(null), 'abc');
  assert.is(mf.text(undefined), 'abc');
  throwsCode(() => mf.text('utf-9'), RangeError, 'ERR_ENCODING_NOT_SUPPORTED');
  assert.is(mf.text(), 'abc');
  mf.close();
});

test('iterating a TextHandle whose buffer was closed throws EBADF, as readline() does', () => {
  const mf = MemFile.from('a\nb\nc\nd\n');
  const t = mf.open('r');
  const lines = t[Symbol.iterator]();
  assert.equal(lines.next(), { done: false, value: 'a\n' });
  t.buffer.close();
  throwsCode(() => lines.next(), Error, 'EBADF', 'next() after buffer.close()');
  throwsCode(() => t.readline(), Error, 'EBADF', 'readline() after buffer.close()');
  // and in a for-of loop
  const t2 = mf.open('r');
  const seen: string[] = [];
  throwsCode(() => {
    for (const line of t2) {
      seen.push(line);
      t2.buffer.close();
    }
  }, Error, 'EBADF', 'for-of after buffer.close()');
  assert.equal(seen, ['a\n']);
  mf.close();
});

test.run();
