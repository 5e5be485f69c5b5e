// TextHandle: the original pyppin text test ported, the promises the README makes for text
// handles, CPython's answers where python3 can give them, and every misuse with its
// error class and code. The random differential test is handles-text-oracle.test.ts.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemFile } from '../ts/index';
import type { TextHandle } from '../ts/handles/text';
import { throwsCode } from './helpers';

const OPAQUE = 2 ** 52;

function python(code: string, input = ''): string {
  const out = spawnSync('python3', ['-c', code], { input, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return out.stdout;
}

test('pyppin testMemFileAsTextIO, ported', () => {
  const file = new MemFile();
  assert.is(file.pwrite(5, Buffer.from('12345')), 5);
  assert.equal(file.pread(0, 20).buffer, Buffer.from('\0\0\0\0\x0012345', 'latin1'));

  // Read only: text handles only seek to cookies/offsets from the start (or to the end).
  const r: TextHandle = file.open('r'); // typed as both directions: the run-time check is tested
  assert.ok(r.constructor.name === 'TextHandle');
  assert.is(r.seek(3, 0), 3);
  assert.is(r.read(5), '\0\x00123');
  throwsCode(() => r.write('67890'), Error, 'EBADF');
  r.close();

  // Read and write, no truncation: writes are seen by pread once the handle seeks.
  const rw = file.open('r+');
  assert.is(rw.seek(3, 0), 3);
  assert.is(rw.read(5), '\0\x00123');
  assert.is(rw.seek(3, 0), 3);
  assert.is(rw.write('67890'), 5);
  assert.is(rw.seek(0, 0), 0);
  assert.is(rw.read(20), '\0\0\x006789045');
  assert.equal(file.pread(0, 20), { bytesRead: 10, buffer: Buffer.from('\0\0\x006789045', 'latin1') });
  rw.close();

  // Truncation.
  const w = file.open('w+');
  assert.is(file.size, 0);
  assert.is(w.read(20), '');
  assert.is(w.write('123'), 3);
  assert.is(w.tell(), 3);
  assert.is(w.seek(0, 0), 0);
  assert.is(w.read(20), '123');
  w.close();
  file.close();
});

test('seek to the end, then read nothing; seek(0, 1) is tell()', () => {
  const mf = MemFile.from('héllo\nwörld\n');
  const h = mf.open('r');
  assert.is(h.seek(0, 2), mf.size);
  assert.is(h.read(), '');
  assert.is(h.seek(0), 0);
  assert.is(h.readline(), 'héllo\n');
  assert.is(h.seek(0, 1), 7);
  assert.is(h.tell(), 7);
  assert.is(h.read(), 'wörld\n');
  h.close();
  mf.close();
});

test('universal newlines: translation, newline="" and fixed newlines, `newlines` as Python reports it', () => {
  const content = 'a\r\nb\rc\nd\re\r\n';
  const py = JSON.parse(python(`
import io, json, sys
data = sys.stdin.buffer.read()
out = []
for nl in [None, '', '\\n', '\\r', '\\r\\n']:
    f = io.TextIOWrapper(io.BytesIO(data), encoding='utf-8', newline=nl)
    first = f.readline()
    seen1 = f.newlines
    rest = f.readlines()
    seen = f.newlines
    out.append([first, seen1 if not isinstance(seen1, tuple) else list(seen1), rest, seen if not isinstance(seen, tuple) else list(seen)])
print(json.dumps(out))`, content)) as unknown[];
  const mf = MemFile.from(content);
  const ours = ([null, '', '\n', '\r', '\r\n'] as const).map((newline) => {
    const h = mf.open('r', { newline });
    const first = h.readline();
    const seen1 = h.newlines;
    const rest = h.readlines();
    const row = [first, seen1, rest, h.newlines];
    h.close();
    return row;
  });
  assert.equal(ours, py);
  mf.close();
});

test('a \\r as the last byte of an 8 KiB chunk and its \\n in the next one stay one newline', () => {
  const head = 'x'.repeat(8191);
  const mf = MemFile.from(`${head}\r\nnext\r\n`);
  const h = mf.open('r');
  assert.is(h.readline(), `${head}\n`);
  assert.is(h.readline(), 'next\n');
  assert.is(h.readline(), '');
  assert.is(h.newlines, '\r\n');
  h.close();
  const raw = mf.open('r', { newline: '' });
  assert.equal([...raw], [`${head}\r\n`, 'next\r\n']);
  raw.close();
  mf.close();
});

test('multi-byte characters split across chunk refills decode correctly', () => {
  const text = `${'a'.repeat(8191)}é€😀${'b'.repeat(8190)}中\n`;
  for (const encoding of ['utf-8', 'utf-16-le', 'utf-16-be', 'utf-8-sig']) {
    const mf = MemFile.from(text, { encoding });
    const h = mf.open('r', { encoding });
    assert.is(h.read(), text, encoding);
    h.close();
    mf.close();
  }
});

test('write() on newline="\\r\\n" / "\\r" translates, newline="" and null write as is; returns s.length', () => {
  for (const [newline, expected] of [[null, 'a\nb\r\n'], ['', 'a\nb\r\n'], ['\n', 'a\nb\r\n'], ['\r', 'a\rb\r\r'], ['\r\n', 'a\r\nb\r\r\n']] as const) {
    const mf = new MemFile();
    const h = mf.open('w', { newline });
    assert.is(h.write('a\nb\r\n'), 5);
    h.close();
    assert.is(mf.text(), expected, String(newline));
    mf.close();
  }
});

test('read(n) and readline(n) count UTF-16 units and never split a surrogate pair', () => {
  const mf = MemFile.from('a😀b😀\n');
  const h = mf.open('r');
  assert.is(h.read(2), 'a😀'); // 2 asked, the pair's second half comes along
  assert.is(h.read(1), 'b');
  assert.is(h.readline(1), '😀');
  assert.is(h.readline(), '\n');
  h.close();
  const w = mf.open('w');
  assert.is(w.write('😀'), 2);
  w.close();
  mf.close();
});

test('tell() is the byte offset for utf-8, latin-1 and ascii at a character boundary, and seek() takes it back', () => {
  for (const encoding of ['utf-8', 'latin-1', 'ascii']) {
    const text = encoding === 'utf-8' ? 'añb\nc€d\nlast' : 'anb\ncxd\nlast';
    const mf = MemFile.from(text, { encoding });
    const h = mf.open('r', { encoding });
    const marks: Array<[number, string]> = [];
    for (;;) {
      const at = h.tell();
      const line = h.readline();
      if (line === '') break;
      marks.push([at, line]);
    }
    assert.equal(marks.map(([at]) => at), [0, Buffer.byteLength('añb\n'.slice(0, 4), encoding === 'utf-8' ? 'utf8' : 'latin1'), Buffer.from(text.slice(0, 8), encoding === 'utf-8' ? 'utf8' : 'latin1').length]);
    for (const [at, line] of marks.reverse()) {
      assert.is(h.seek(at), at);
      assert.is(h.readline(), line);
    }
    h.close();
    mf.close();
  }
});

test('opaque cookies: a safe integer above 2^52 that any handle of the same file accepts', () => {
  // utf-16 big-endian: the decoder's state (byte order) is part of every position.
  const mf = MemFile.from('\ufeffline one\nline two\nline three\n', { encoding: 'utf-16-be' });
  const h = mf.open('r', { encoding: 'utf-16' });
  assert.is(h.readline(), 'line one\n');
  const cookie = h.tell();
  assert.ok(Number.isSafeInteger(cookie) && cookie >= OPAQUE, String(cookie));
  assert.is(h.readline(), 'line two\n');
  assert.is(h.seek(cookie), cookie);
  assert.is(h.readline(), 'line two\n');
  const other = mf.open('r', { encoding: 'utf-16' });
  other.seek(cookie);
  assert.is(other.read(), 'line two\nline three\n');
  other.close();
  h.close();
  // A lone '\r' already returned as '\n' needs the decoder's pending-CR flag: opaque too.
  const cr = MemFile.from('a\rb\rc');
  const g = cr.open('r');
  assert.is(g.readline(), 'a\n');
  const c = g.tell();
  assert.ok(c >= OPAQUE);
  assert.is(g.read(), 'b\nc');
  g.seek(c);
  assert.is(g.read(), 'b\nc');
  g.close();
  cr.close();
  mf.close();
});

test('tell() works while iterating (CPython refuses it), and after the loop', () => {
  const mf = MemFile.from('one\ntwo\nthree\n');
  const h = mf.open('r');
  const seen: Array<[string, number]> = [];
  for (const line of h) seen.push([line, h.tell()]);
  assert.equal(seen, [['one\n', 4], ['two\n', 8], ['three\n', 14]]);
  assert.is(h.tell(), 14);
  h.close();
  mf.close();
});

test('async iteration and `using`', async () => {
  const mf = MemFile.from('x\ny\n');
  const lines: string[] = [];
  {
    using h = mf.open('r');
    for await (const line of h) lines.push(line);
    assert.is(h.closed, false);
  }
  assert.equal(lines, ['x\n', 'y\n']);
  mf.close();
});

test('writes reach the block on flush, seek, close, a full 8 KiB chunk, and each newline under line buffering', () => {
  const mf = new MemFile();
  const h = mf.open('w');
  h.write('abc');
  assert.is(mf.size, 0, 'still queued');
  h.flush();
  assert.is(mf.text(), 'abc');
  h.write('def');
  h.seek(0, 2);
  assert.is(mf.text(), 'abcdef');
  h.write('x'.repeat(9000)); // larger than the 8 KiB text chunk: handed on at once
  assert.is(mf.size, 9006);
  h.write('tail');
  h.close();
  assert.is(mf.size, 9010);

  const lb = mf.open('w', { buffering: 1 });
  assert.is(lb.lineBuffering, true);
  lb.write('no newline');
  assert.is(mf.size, 0);
  lb.write(' ... now\n');
  assert.is(mf.text(), 'no newline ... now\n');
  lb.write('cr too\r');
  assert.is(mf.text(), 'no newline ... now\ncr too\r');
  lb.close();
  mf.close();
});

test('the 8 KiB pending-text rule matches CPython byte for byte (what the block holds after each write)', () => {
  // Sizes around the limit, ASCII and multi-byte (UTF-8 and UTF-16 BOMs count too).
  const pieces = ['a'.repeat(5000), 'b'.repeat(3192), 'c', 'é'.repeat(2000), 'd'.repeat(4191), 'e', '€'.repeat(2730), 'f'.repeat(2),
    'g'.repeat(8192), '中'.repeat(100), 'h'.repeat(8000), '😀'.repeat(48), 'i'.repeat(7), 'j'.repeat(9000)];
  for (const encoding of ['utf-8', 'utf-8-sig', 'utf-16', 'latin-1']) {
    const input = encoding === 'latin-1' ? pieces.map((p) => p.replace(/[^\x00-\xff]/gu, 'x')) : pieces;
    const expected = JSON.parse(python(`
import json, os, sys
pieces, enc = json.loads(sys.stdin.read())
path = '/dev/shm/memfile-text-chunks-%d' % os.getpid()
sizes = []
with open(path, 'w', encoding=enc) as f:
    for p in pieces:
        f.write(p)
        sizes.append(os.path.getsize(path))
os.unlink(path)
print(json.dumps(sizes))`, JSON.stringify([input, encoding]))) as number[];
    const mf = new MemFile();
    const h = mf.open('w', { encoding });
    const sizes = input.map((p) => {
      h.write(p);
      return mf.size;
    });
    h.close();
    assert.equal(sizes, expected, encoding);
    mf.close();
  }
});

test('write() after reading lands at the text position (CPython: after its read-ahead); truncate() cuts there', () => {
  const mf = MemFile.from('hello world\nsecond line\n');
  const h = mf.open('r+');
  assert.is(h.read(5), 'hello');
  h.write(' WORLD');
  h.flush();
  assert.is(mf.text(), 'hello WORLD\nsecond line\n');
  h.seek(0);
  h.readline();
  assert.is(h.truncate(), 12);
  assert.is(mf.text(), 'hello WORLD\n');
  h.close();
  mf.close();
});

test('BOMs: utf-8-sig and utf-16 write one at the start only, also after seek(0) and not after seek(0, 2)', () => {
  for (const [encoding, bom] of [['utf-8-sig', 'efbbbf'], ['utf-16', 'fffe']] as const) {
    const mf = new MemFile();
    const h = mf.open('w+', { encoding });
    h.write('a');
    h.seek(0, 2);
    h.write('b');
    h.seek(0);
    assert.is(h.read(), 'ab');
    h.close();
    assert.ok(mf.bytes().toString('hex').startsWith(bom));
    assert.is(mf.bytes().toString('hex').split(bom).length, 2, `one BOM in ${encoding}`);
    const a = mf.open('a', { encoding });
    a.write('c');
    a.close();
    assert.is(mf.text(encoding), 'abc');
    mf.close();
  }
});

test('encodings: Node spellings, latin-1 is ISO-8859-1, errors replace/ignore as CPython', () => {
  const bytes = Buffer.from([0x61, 0x80, 0xff, 0xc3, 0xa9, 0x62]);
  const py = JSON.parse(python(`
import json, sys
data = sys.stdin.buffer.read()
print(json.dumps([data.decode(e, errs) for e, errs in [('latin-1', 'strict'), ('utf-8', 'replace'), ('utf-8', 'ignore'), ('ascii', 'replace')]]))`, bytes.toString('latin1'))) as string[];
  // (stdin went through utf-8: rebuild the same bytes on the Python side)
  const mf = MemFile.from(bytes);
  const read = (encoding: string, errors: 'strict' | 'replace' | 'ignore'): string => {
    const h = mf.open('r', { encoding, errors });
    const s = h.read();
    h.close();
    return s;
  };
  assert.is(read('latin1', 'strict'), '\x61\x80\xff\xc3\xa9\x62');
  assert.is(read('iso-8859-1', 'strict'), read('latin-1', 'strict'));
  assert.is(read('utf8', 'replace'), 'a\ufffd\ufffdéb');
  assert.is(read('utf-8', 'ignore'), 'aéb');
  assert.is(read('ascii', 'replace'), 'a\ufffd\ufffd\ufffd\ufffdb');
  assert.ok(py.length === 4);
  const e = throwsCode(() => read('utf-8', 'strict'), TypeError, 'ERR_ENCODING_INVALID_ENCODED_DATA');
  assert.match(e.message, "'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte");
  mf.close();
  const w = new MemFile();
  const h = w.open('w', { encoding: 'ascii' });
  throwsCode(() => h.write('é'), TypeError, 'ERR_ENCODING_UNENCODABLE');
  h.write('ok');
  h.close();
  assert.is(w.text(), 'ok', 'the failed write queued nothing');
  const r = w.open('w', { encoding: 'latin-1', errors: 'replace' });
  r.write('é€');
  r.close();
  assert.equal(w.bytes(), Buffer.from([0xe9, 0x3f]));
  w.close();
});

test('members: name, mode, encoding as given, errors, buffer, fd, booleans', () => {
  const mf = new MemFile('doc');
  const h = mf.open('w+', { encoding: 'UTF8', errors: 'replace', newline: '' });
  assert.is(h.name, 'doc');
  assert.is(h.mode, 'w+');
  assert.is(h.encoding, 'UTF8');
  assert.is(h.errors, 'replace');
  assert.is(h.lineBuffering, false);
  assert.is(h.readable, true);
  assert.is(h.writable, true);
  assert.is(h.seekable, true);
  assert.is(h.fd, mf.fd);
  assert.is(h.buffer.constructor.name, 'BufferedRandom');
  assert.is(h.newlines, null);
  h.close();
  assert.is(h.closed, true);
  const r = mf.open('r');
  assert.is(r.writable, false);
  assert.is(r.buffer.constructor.name, 'BufferedReader');
  r.close();
  const w = mf.open('a');
  assert.is(w.readable, false);
  assert.is(w.newlines, null);
  w.close();
  mf.close();
});

// ---- misuse: class and code ----

test('write() takes strings only: ERR_INVALID_ARG_TYPE, nothing written', () => {
  const mf = new MemFile();
  const h = mf.open('w');
  for (const bad of [Buffer.from('x'), 1, null, undefined, {}, ['a'], Symbol('s')]) {
    throwsCode(() => h.write(bad as unknown as string), TypeError, 'ERR_INVALID_ARG_TYPE', String(typeof bad));
  }
  throwsCode(() => h.writelines(['ok', 2 as unknown as string]), TypeError, 'ERR_INVALID_ARG_TYPE');
  throwsCode(() => h.writelines(5 as unknown as string[]), TypeError, 'ERR_INVALID_ARG_TYPE');
  h.close();
  assert.is(mf.text(), 'ok');
  mf.close();
});

test('every operation on a closed handle throws EBADF; close() is idempotent', () => {
  const mf = MemFile.from('abc\n');
  const h = mf.open('r+');
  h.close();
  h.close();
  const ops: Array<[string, (x: TextHandle) => unknown]> = [
    ['read', (x) => x.read()], ['read(1)', (x) => x.read(1)], ['readline', (x) => x.readline()],
    ['readlines', (x) => x.readlines()], ['write', (x) => x.write('x')], ['writelines', (x) => x.writelines(['x'])],
    ['seek', (x) => x.seek(0)], ['seek end', (x) => x.seek(0, 2)], ['tell', (x) => x.tell()],
    ['truncate', (x) => x.truncate()], ['flush', (x) => x.flush()], ['iterate', (x) => [...x]],
    ['fd', (x) => x.fd],
  ];
  for (const [name, op] of ops) throwsCode(() => op(h), Error, 'EBADF', name);
  assert.is(h.closed, true);
  assert.is(h.name, 'memfile');
  assert.is(mf.text(), 'abc\n');
  mf.close();
});

test('wrong direction: reading a write-only handle, writing or truncating a read-only one → EBADF', () => {
  const mf = MemFile.from('abc\n');
  // The types reject these calls (TextHandle<'w'> / <'r'>); widened to test the run-time check.
  const w: TextHandle = mf.open('a');
  for (const [name, op] of [['read', () => w.read()], ['read(2)', () => w.read(2)], ['readline', () => w.readline()],
    ['readlines', () => w.readlines()], ['iterate', () => [...w]]] as const) {
    throwsCode(op, Error, 'EBADF', name);
  }
  w.close();
  const r: TextHandle = mf.open('r');
  throwsCode(() => r.write('x'), Error, 'EBADF');
  throwsCode(() => r.writelines(['x']), Error, 'EBADF');
  throwsCode(() => r.truncate(0), Error, 'EBADF');
  r.close();
  assert.is(mf.text(), 'abc\n');
  mf.close();
});

test('bad seeks: nonzero relative → ERR_INVALID_ARG_VALUE, negative → EINVAL, bad whence/cookie types', () => {
  const mf = MemFile.from('abcdef');
  const h = mf.open('r');
  h.read(2);
  throwsCode(() => h.seek(1, 1), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => h.seek(-1, 1), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => h.seek(-2, 2), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => h.seek(-1), Error, 'EINVAL');
  throwsCode(() => h.seek(0, 3 as 0), TypeError, 'ERR_INVALID_ARG_VALUE');
  // whence is checked as on binary handles (one validator): the same code and message.
  for (const whence of [1.5, NaN, -1, '1']) {
    const text = (() => { try { h.seek(0, whence as 0); } catch (e) { return e as Error & { code: string }; } })();
    const raw = (() => { const r = mf.open('rb', { buffering: 0 }); try { r.seek(0, whence as 0); } catch (e) { return e as Error & { code: string }; } finally { r.close(); } })();
    assert.ok(text !== undefined && raw !== undefined, `whence ${String(whence)} is refused`);
    assert.equal([text.constructor, text.code, text.message], [raw.constructor, raw.code, raw.message], `whence ${String(whence)}`);
  }
  throwsCode(() => h.seek(0, 1.5 as 0), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => h.seek('1' as unknown as number), TypeError, 'ERR_INVALID_ARG_TYPE');
  throwsCode(() => h.seek(1.5), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => h.seek(2 ** 53), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => h.seek(OPAQUE + 15), TypeError, 'ERR_INVALID_ARG_VALUE', 'a table cookie this handle never gave');
  assert.is(h.read(), 'cdef', 'the failed seeks moved nothing');
  throwsCode(() => h.read('2' as unknown as number), TypeError, 'ERR_INVALID_ARG_TYPE');
  throwsCode(() => h.readline(0.5), RangeError, 'ERR_OUT_OF_RANGE');
  h.close();
  const w = mf.open('r+');
  throwsCode(() => w.truncate(-1), RangeError, 'ERR_OUT_OF_RANGE');
  w.close();
  assert.is(mf.text(), 'abcdef');
  mf.close();
});


test('tell()/seek(tell()) when a multi-byte character straddles the 8 KiB chunk, as CPython', () => {
  // 'a' * 8191 + '€…': the euro sign's three bytes cross the first chunk's end, so
  // tell() after reading past it must count the decoder's pending bytes exactly. CPython
  // gives the tell() value (a plain byte offset here), the text after seek(tell()) on the
  // same handle, and the text after seeking a fresh handle to that cookie.
  const text = 'a'.repeat(8191) + '€bcdef\n' + 'x€y\n';
  const sizes = [8190, 8191, 8192, 8193, 8194, 8197];
  const script = `
import io, json, sys
text, sizes = json.loads(sys.stdin.read())
data = text.encode('utf-8')
out = []
for newline in [None, '']:
    for n in sizes:
        f = io.TextIOWrapper(io.BytesIO(data), encoding='utf-8', newline=newline)
        head = f.read(n)
        cookie = f.tell()
        f.seek(cookie)
        g = io.TextIOWrapper(io.BytesIO(data), encoding='utf-8', newline=newline)
        g.seek(cookie)
        out.append([head, cookie, f.read(), g.read()])
print(json.dumps(out))`;
  const expected = JSON.parse(python(script, JSON.stringify([text, sizes]))) as unknown[][];
  const file = MemFile.from(text);
  const ours = ([null, ''] as const).flatMap((newline) => sizes.map((n) => {
    const r = file.open('r', { newline });
    const head = r.read(n);
    const cookie = r.tell();
    assert.is(r.seek(cookie), cookie);
    const fresh = file.open('r', { newline });
    fresh.seek(cookie);
    const row = [head, cookie, r.read(), fresh.read()];
    r.close();
    fresh.close();
    return row;
  }));
  assert.equal(ours, expected, 'read(n), tell(), seek(tell()), read() — and a fresh handle seeking to that tell()');
  file.close();
});
test.run();
