// Streams (README, API: Streams — createReadStream / createWriteStream / stream()): byte-exact
// round trips, fs.create*Stream as the oracle for ranges, flags and argument
// errors, backpressure, error propagation, block lifetime, interop via mf.path.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MemFile } from '../ts/index';
import { fdCount, seededBytes, throwsCode } from './helpers';

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const KiB = 1024;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function collect(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function chunksOf(stream: AsyncIterable<Buffer | string>): Promise<Array<Buffer | string>> {
  const out: Array<Buffer | string> = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

/** Error (or undefined) the stream ends with, after it has closed. */
function outcome(stream: NodeJS.EventEmitter): Promise<{ error?: Error; ended: boolean }> {
  return new Promise((resolve) => {
    let error: Error | undefined;
    let ended = false;
    stream.on('error', (e: Error) => (error = e));
    stream.on('end', () => (ended = true));
    stream.on('close', () => resolve({ error, ended }));
  });
}

/** A real file on tmpfs with the same bytes: fs's own streams are the oracle. */
function oracleFile(data: Uint8Array): { path: string; remove(): void } {
  const file = path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), `memfile-oracle-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(file, data);
  return { path: file, remove: () => fs.rmSync(file, { force: true }) };
}

// ---------------------------------------------------------------------------
const roundTrip = suite('streams: byte-exact round trips');
const SIZES = [0, 1, 64 * KiB - 1, 64 * KiB + 1, 64 * KiB * KiB];

for (const backing of ['memfd', 'shm', 'heap'] as const) {
  for (const size of SIZES) {
    if (backing !== 'memfd' && size > KiB * KiB) continue; // one big run is enough
    roundTrip(`${backing}, ${size} bytes: createReadStream, createWriteStream, stream()`, async () => {
      const data = seededBytes(size, 'streams 1');
      const want = sha(data);
      const file = MemFile.from(data, { backing });
      try {
        // Readable
        assert.is(sha(await collect(file.createReadStream())), want, 'createReadStream');
        // Writable, fed in odd-sized chunks (through pipeline, so writev batching can occur)
        const copy = new MemFile(undefined, { backing });
        const pieces = function* () {
          for (let at = 0; at < size; at += 40_009) yield data.subarray(at, at + 40_009);
        };
        await pipeline(Readable.from(pieces()), copy.createWriteStream());
        assert.is(copy.size, size);
        assert.is(sha(copy.bytes()), want, 'createWriteStream');
        copy.close();
        // WHATWG, default reader via Response and via Readable.fromWeb
        assert.is(sha(new Uint8Array(await new Response(file.stream()).arrayBuffer())), want, 'Response(stream())');
        assert.is(sha(await collect(Readable.fromWeb(file.stream()))), want, 'Readable.fromWeb');
      } finally {
        file.close();
      }
    });
  }
}

roundTrip('stream(): BYOB reads fill the caller buffer, in any size', async () => {
  const data = seededBytes(300_001, 'streams 2');
  const file = MemFile.from(data);
  const reader = file.stream().getReader({ mode: 'byob' });
  const parts: Buffer[] = [];
  let ask = 1;
  for (;;) {
    const buffer = new Uint8Array(ask + 10);
    const { value, done } = await reader.read(new Uint8Array(buffer.buffer, 5, ask));
    if (done) break;
    assert.ok(value!.byteLength > 0 && value!.byteLength <= ask, `${value!.byteLength} <= ${ask}`);
    assert.is(value!.byteOffset, 5, 'bytes land where the caller asked');
    assert.is(value!.buffer.byteLength, ask + 10, "the caller's (transferred) buffer, not a new one");
    parts.push(Buffer.from(value!.buffer, value!.byteOffset, value!.byteLength));
    ask = (ask * 7 + 3) % 100_000 + 1;
  }
  assert.is(sha(Buffer.concat(parts)), sha(data));
  file.close();
});

roundTrip('text: encoding option decodes across chunk boundaries as fs does', async () => {
  const text = 'añ€😀z'.repeat(1000);
  const file = MemFile.from(text);
  const oracle = oracleFile(file.bytes());
  try {
    for (const highWaterMark of [1, 3, 7, 64 * KiB]) {
      const ours = await chunksOf(file.createReadStream({ encoding: 'utf8', highWaterMark }));
      const theirs = await chunksOf(fs.createReadStream(oracle.path, { encoding: 'utf8', highWaterMark }));
      assert.ok(ours.every((c) => typeof c === 'string'));
      assert.equal(ours, theirs, `highWaterMark ${highWaterMark}`);
      assert.is(ours.join(''), text);
    }
  } finally {
    oracle.remove();
    file.close();
  }
});

roundTrip('readline over createReadStream: for await lines, same as over fs', async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `${i} ${'ä'.repeat(i % 17)}${i % 5 === 0 ? '\r' : ''}`);
  const file = MemFile.from(lines.join('\n') + '\n');
  const oracle = oracleFile(file.bytes());
  const read = async (input: Readable) => {
    const out: string[] = [];
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) out.push(line);
    return out;
  };
  try {
    const ours = await read(file.createReadStream({ highWaterMark: 1000 }));
    assert.equal(ours, await read(fs.createReadStream(oracle.path, { highWaterMark: 1000 })));
    assert.equal(ours, lines.map((l) => l.replace(/\r$/, '')));
  } finally {
    oracle.remove();
    file.close();
  }
});

roundTrip.run();

// ---------------------------------------------------------------------------
const ranges = suite('streams: start/end and chunking, fs as the oracle');

ranges('every start/end edge yields the same chunks as fs.createReadStream', async () => {
  const data = seededBytes(100, 'streams 3');
  const file = MemFile.from(data);
  const oracle = oracleFile(data);
  const cases: Array<Record<string, number>> = [
    {}, { start: 0 }, { start: 0, end: 0 }, { start: 99, end: 99 }, { start: 98 }, { start: 99 },
    { start: 100 }, { start: 150 }, { start: 100, end: 200 }, { end: 99 }, { end: 100 }, { end: 1000 },
    { start: 10, end: 20 }, { start: 50, end: Infinity }, { end: 0 }, { start: 5, end: 5 },
  ];
  try {
    for (const range of cases) {
      for (const highWaterMark of [1, 7, 64, 64 * KiB]) {
        const opts = { ...range, highWaterMark };
        const ours = await chunksOf(file.createReadStream(opts));
        const theirs = await chunksOf(fs.createReadStream(oracle.path, opts));
        assert.equal(ours, theirs, JSON.stringify(opts));
      }
    }
  } finally {
    oracle.remove();
    file.close();
  }
});

ranges('bytesRead counts what was delivered; start/end are reported', async () => {
  const file = MemFile.from('0123456789');
  const stream = file.createReadStream({ start: 2, end: 5 });
  assert.is(stream.start, 2);
  assert.is(stream.end, 5);
  assert.is((await collect(stream)).toString(), '2345');
  assert.is(stream.bytesRead, 4);
  file.close();
});

ranges('the size is read per chunk: bytes appended while streaming are delivered, as fs does', async () => {
  const file = MemFile.from('abcdefgh');
  const stream = file.createReadStream({ highWaterMark: 4 });
  const seen: string[] = [];
  for await (const chunk of stream) {
    seen.push(chunk.toString());
    if (seen.length === 1) file.pwrite(file.size, 'IJ');
  }
  assert.equal(seen, ['abcd', 'efgh', 'IJ']);
  file.close();
});

ranges('read-stream argument errors: the same class and code as fs.createReadStream', () => {
  const file = MemFile.from('hello');
  const oracle = oracleFile(Buffer.from('hello'));
  const bad: Array<Record<string, unknown>> = [
    { start: -1 }, { start: 'a' }, { start: 1.5 }, { start: NaN }, { start: 2 ** 53 }, { end: -1 }, { end: 'x' },
    { end: 2.5 }, { start: 3, end: 2 }, { highWaterMark: -1 }, { highWaterMark: 'x' }, { highWaterMark: 1.5 },
    { encoding: 'bogus' }, { encoding: 5 },
  ];
  try {
    for (const opts of bad) {
      let expected: Error | undefined;
      try {
        fs.createReadStream(oracle.path, opts as never).destroy();
      } catch (error) {
        expected = error as Error;
      }
      assert.ok(expected, `fs throws for ${JSON.stringify(opts)}`);
      const code = (expected as Error & { code: string }).code;
      throwsCode(() => file.createReadStream(opts as never), expected!.constructor as never, code, JSON.stringify(opts));
    }
    throwsCode(() => file.createReadStream('x' as never), TypeError, 'ERR_INVALID_ARG_TYPE');
    throwsCode(() => file.createReadStream({ signal: 'x' } as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  } finally {
    oracle.remove();
    file.close();
  }
});

ranges.run();

// ---------------------------------------------------------------------------
const writes = suite('streams: createWriteStream flags and positions, fs as the oracle');

async function writeWith(target: MemFile | string, opts: Record<string, unknown>, pieces: string[]) {
  const stream = typeof target === 'string' ? fs.createWriteStream(target, opts) : target.createWriteStream(opts);
  const done = outcome(stream);
  for (const piece of pieces) stream.write(piece);
  stream.end();
  return done;
}

writes('flags w, w+, r+, a, a+, as, with and without start: same bytes as fs', async () => {
  const initial = Buffer.from('0123456789abcdef');
  const cases: Array<Record<string, unknown>> = [
    {}, { flags: 'w' }, { flags: 'w', start: 4 }, { flags: 'w+', start: 20 }, { flags: 'r+' }, { flags: 'r+', start: 3 },
    { flags: 'r+', start: 14 }, { flags: 'r+', start: 30 }, { flags: 'a' }, { flags: 'a', start: 2 }, { flags: 'a+' },
    { flags: 'as' }, { flags: 'rs+', start: 1 }, { start: 0, encoding: 'hex' },
  ];
  for (const opts of cases) {
    const pieces = opts.encoding === 'hex' ? ['41', '4243'] : ['XY', 'Z', '', 'long piece'];
    const file = MemFile.from(initial);
    const oracle = oracleFile(initial);
    const ours = await writeWith(file, opts, pieces);
    const theirs = await writeWith(oracle.path, opts, pieces);
    assert.is(ours.error, undefined);
    assert.is(theirs.error, undefined);
    assert.equal(file.bytes(), fs.readFileSync(oracle.path), JSON.stringify(opts));
    oracle.remove();
    file.close();
  }
});

writes("flags 'w' truncates when the stream is created (before any write), as fs's open", () => {
  const file = MemFile.from('old content');
  const stream = file.createWriteStream();
  assert.is(file.size, 0);
  stream.destroy();
  const kept = MemFile.from('old content');
  kept.createWriteStream({ flags: 'r+' }).destroy();
  assert.is(kept.text(), 'old content');
  file.close();
  kept.close();
});

writes("flags 'wx'/'ax': EEXIST on a non-empty MemFile (as an 'error' event), content untouched; fine when empty", async () => {
  for (const flags of ['wx', 'wx+', 'xw', 'ax', 'ax+']) {
    const file = MemFile.from('taken');
    const result = await writeWith(file, { flags }, ['nope']);
    assert.is((result.error as { code?: string })?.code, 'EEXIST', flags);
    assert.is(file.text(), 'taken');
    file.close();
    const empty = new MemFile();
    const ok = await writeWith(empty, { flags }, ['fresh']);
    assert.is(ok.error, undefined);
    assert.is(empty.text(), 'fresh');
    empty.close();
  }
});

writes('write-stream argument errors throw before anything is touched', () => {
  const file = MemFile.from('keep me');
  throwsCode(() => file.createWriteStream({ start: -1 }), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => file.createWriteStream({ start: 1.5 }), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => file.createWriteStream({ start: '1' } as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  throwsCode(() => file.createWriteStream({ flags: 'q' }), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => file.createWriteStream({ flags: 'r' }), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => file.createWriteStream({ flags: 5 } as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  // Names an object inherits are no flags (fs.createWriteStream refuses them too).
  for (const flags of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    throwsCode(() => file.createWriteStream({ flags }), TypeError, 'ERR_INVALID_ARG_VALUE');
  }
  throwsCode(() => file.createWriteStream({ encoding: 'bogus' } as never), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => file.createWriteStream({ highWaterMark: -2 }), TypeError, 'ERR_INVALID_ARG_VALUE');
  throwsCode(() => file.createWriteStream({ flags: 'w', start: -1 }), RangeError, 'ERR_OUT_OF_RANGE');
  throwsCode(() => file.createWriteStream(7 as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  assert.is(file.text(), 'keep me', "a rejected 'w' stream truncated nothing");
  file.close();
});

writes('corked writes are batched (writev) and land in order; bytesWritten counts them', async () => {
  const file = new MemFile();
  const stream = file.createWriteStream({ start: 2 });
  stream.cork();
  const parts = Array.from({ length: 500 }, (_, i) => seededBytes(i % 97, 'streams 4'));
  for (const part of parts) stream.write(part);
  process.nextTick(() => stream.uncork());
  stream.end('!');
  await new Promise((resolve) => stream.on('finish', resolve));
  assert.equal(file.bytes(), Buffer.concat([Buffer.alloc(2), ...parts, Buffer.from('!')]));
  assert.is(stream.bytesWritten, file.size - 2);
  file.close();
});

writes('backpressure: bytes land in the block during write(), so nothing queues; corked writes report false, then drain', async () => {
  const file = new MemFile();
  const stream = file.createWriteStream({ highWaterMark: 1024 });
  stream.write(Buffer.alloc(4096, 1));
  assert.is(stream.writableLength, 0, 'nothing buffered in the stream');
  assert.is(file.size, 4096, 'already in the block');
  stream.cork();
  assert.is(stream.write(Buffer.alloc(100, 2)), true);
  assert.is(stream.write(Buffer.alloc(1000, 3)), false, 'over highWaterMark while corked');
  assert.is(file.size, 4096);
  const drained = new Promise((resolve) => stream.once('drain', resolve));
  stream.uncork();
  await drained;
  stream.end();
  await new Promise((resolve) => stream.on('finish', resolve));
  assert.equal(file.bytes(), Buffer.concat([Buffer.alloc(4096, 1), Buffer.alloc(100, 2), Buffer.alloc(1000, 3)]));
  file.close();
});

writes.run();

// ---------------------------------------------------------------------------
const flow = suite('streams: backpressure, errors, lifetime');

flow('a slow consumer: the read stream reads ahead at most about one highWaterMark', async () => {
  const hwm = 16 * KiB;
  const file = MemFile.from(seededBytes(8 << 20, 'streams 5'));
  const stream = file.createReadStream({ highWaterMark: hwm });
  stream.on('readable', () => {}); // start reading, then consume nothing for a while
  for (let i = 0; i < 50; i++) await tick();
  assert.ok(stream.readableLength <= hwm, `buffered ${stream.readableLength}`);
  assert.ok(stream.bytesRead <= 2 * hwm, `read ahead ${stream.bytesRead}`);
  let consumed = 0;
  let maxAhead = 0;
  for (let i = 0; i < 40; i++) {
    const chunk = stream.read(4 * KiB) as Buffer | null;
    if (chunk) consumed += chunk.length;
    await tick();
    maxAhead = Math.max(maxAhead, stream.bytesRead - consumed);
  }
  assert.ok(consumed > 0);
  assert.ok(maxAhead <= 2 * hwm, `max read-ahead ${maxAhead}`);
  stream.destroy();
  file.close();
});

flow('write to a sealed file: the stream errors with EPERM, content unchanged (w, r+, a)', async () => {
  for (const flags of ['w', 'r+', 'a']) {
    const file = MemFile.from('sealed bytes');
    file.seal();
    const result = await writeWith(file, { flags }, ['x']);
    assert.is((result.error as { code?: string })?.code, 'EPERM', flags);
    assert.is(file.text(), 'sealed bytes');
    file.close();
  }
});

flow('a read-only attach: the write stream errors with EBADF, reads still work', async () => {
  const owner = new MemFile(undefined, { backing: 'shm' });
  owner.pwrite(0, 'shared');
  const reader = MemFile.attach(owner.name, { readOnly: true });
  const result = await writeWith(reader, { flags: 'r+' }, ['x']);
  assert.is((result.error as { code?: string })?.code, 'EBADF');
  assert.is((await collect(reader.createReadStream())).toString(), 'shared');
  reader.close();
  owner.close();
});

flow('destroy() mid-way: close without end or error; the block reference is released', async () => {
  const before = fdCount();
  const file = MemFile.from(seededBytes(1 << 20, 'streams 6'));
  void file.fd; // make sure a real fd exists
  const stream = file.createReadStream({ highWaterMark: 16 * KiB });
  const done = outcome(stream);
  stream.once('data', () => stream.destroy());
  const result = await done;
  assert.is(result.error, undefined);
  assert.is(result.ended, false);
  assert.ok(stream.bytesRead < 1 << 20);
  file.close();
  assert.is(fdCount(), before, 'fd closed: neither the stream nor the MemFile holds it');
});

flow('destroy(err) propagates the error to the pipeline', async () => {
  const file = MemFile.from(seededBytes(1 << 20, 'streams 7'));
  const copy = new MemFile();
  const source = file.createReadStream({ highWaterMark: 1024 });
  source.once('data', () => source.destroy(new Error('boom')));
  await pipeline(source, copy.createWriteStream()).then(
    () => assert.unreachable('should reject'),
    (error: Error) => assert.is(error.message, 'boom'),
  );
  file.close();
  copy.close();
});

flow('a pipeline to a failing sink rejects, and the read stream is destroyed and lets go', async () => {
  const before = fdCount();
  const file = MemFile.from(seededBytes(1 << 20, 'streams 8'));
  void file.fd;
  const source = file.createReadStream();
  const sink = new Writable({ write: (_c, _e, cb) => cb(Object.assign(new Error('sink failed'), { code: 'ESINK' })) });
  await pipeline(source, sink).then(
    () => assert.unreachable('should reject'),
    (error: Error & { code?: string }) => assert.is(error.code, 'ESINK'),
  );
  assert.ok(source.destroyed);
  file.close();
  assert.is(fdCount(), before);
});

flow('a pipeline from a failing source into a write stream rejects; bytes before the failure are kept', async () => {
  const file = new MemFile();
  async function* source() {
    yield Buffer.from('first ');
    throw new Error('source failed');
  }
  const sink = file.createWriteStream();
  await pipeline(source(), sink).then(
    () => assert.unreachable('should reject'),
    (error: Error) => assert.is(error.message, 'source failed'),
  );
  assert.ok(sink.destroyed);
  assert.is(file.text(), 'first ');
  file.close();
});

flow('AbortSignal aborts a read stream with AbortError', async () => {
  const file = MemFile.from(seededBytes(1 << 20, 'streams 9'));
  const controller = new AbortController();
  const stream = file.createReadStream({ highWaterMark: 1024, signal: controller.signal });
  const done = outcome(stream);
  stream.once('data', () => controller.abort());
  stream.resume();
  assert.is((await done).error?.name, 'AbortError');
  file.close();
});

flow('mf.close() does not break streams in flight; the fd closes when the last stream ends', async () => {
  const before = fdCount();
  const data = seededBytes(1 << 20, 'streams 10');
  const file = MemFile.from(data);
  void file.fd;
  const reading = file.createReadStream({ highWaterMark: 4096 });
  const writing = file.createWriteStream({ flags: 'a' });
  const web = file.stream();
  file.close();
  assert.ok(file.closed);
  assert.is(fdCount(), before + 1, 'the streams keep the block open');
  writing.end(Buffer.from('tail'));
  await new Promise((resolve) => writing.on('close', resolve));
  const readBack = await collect(reading);
  assert.ok(readBack.length === data.length || readBack.length === data.length + 4);
  assert.equal(readBack.subarray(0, data.length), data);
  const viaWeb = Buffer.from(await new Response(web).arrayBuffer());
  assert.equal(viaWeb, Buffer.concat([data, Buffer.from('tail')]));
  assert.is(fdCount(), before, 'released after every stream is done');
});

flow('the MemFile stays usable while streams are open', async () => {
  const file = MemFile.from('abc');
  const reading = file.createReadStream();
  const writing = file.createWriteStream({ flags: 'a' });
  writing.write('def');
  file.pwrite(file.size, 'ghi');
  assert.is(file.text(), 'abcdefghi');
  writing.end();
  await new Promise((resolve) => writing.on('close', resolve));
  assert.is((await collect(reading)).toString(), 'abcdefghi');
  assert.is(file.text(), 'abcdefghi');
  file.close();
});

flow('a cancelled stream() lets go of the block', async () => {
  const before = fdCount();
  const file = MemFile.from(seededBytes(1 << 20, 'streams 11'));
  void file.fd;
  const reader = file.stream().getReader();
  await reader.read();
  file.close();
  assert.is(fdCount(), before + 1);
  await reader.cancel();
  assert.is(fdCount(), before);
});

flow('streams of a closed MemFile: EBADF, thrown at once', () => {
  const file = MemFile.from('x');
  file.close();
  throwsCode(() => file.createReadStream(), Error, 'EBADF');
  throwsCode(() => file.createWriteStream(), Error, 'EBADF');
  throwsCode(() => file.stream(), Error, 'EBADF');
});

flow.run();

// ---------------------------------------------------------------------------
const interop = suite("streams: Node's own file APIs through mf.path");

for (const backing of ['memfd', 'shm'] as const) {
  interop(`${backing}: fs.openAsBlob, fs.createReadStream and fs.promises.open see the same bytes`, async () => {
    const data = seededBytes(200_000, 'streams 12');
    const file = MemFile.from(data, { backing });
    try {
      const blob = await fs.openAsBlob(file.path);
      assert.is(blob.size, data.length);
      assert.is(sha(new Uint8Array(await blob.arrayBuffer())), sha(data));
      assert.is(sha(new Uint8Array(await blob.slice(1000, 5000).arrayBuffer())), sha(data.subarray(1000, 5000)));
      assert.is(sha(await collect(fs.createReadStream(file.path, { start: 7, end: 150_000 }))), sha(data.subarray(7, 150_001)));
      const handle = await fs.promises.open(file.path, 'r+');
      try {
        const { bytesRead, buffer } = await handle.read(Buffer.alloc(data.length), 0, data.length, 0);
        assert.is(bytesRead, data.length);
        assert.is(sha(buffer), sha(data));
        await handle.write(Buffer.from('through fs.promises'), 0, undefined, 10);
      } finally {
        await handle.close();
      }
      assert.is(file.pread(10, 19).buffer.toString(), 'through fs.promises');
      // and what our write stream puts there, fs reads back
      const stream = file.createWriteStream({ flags: 'r+', start: 100 });
      stream.end('via our stream');
      await new Promise((resolve) => stream.on('close', resolve));
      assert.is(fs.readFileSync(file.path).subarray(100, 114).toString(), 'via our stream');
    } finally {
      file.close();
    }
  });
}

interop.run();
