// Micro-benchmark of ts/codecs (not run by the tests): an ~80 MB ASCII-heavy utf-8 buffer
// decoded in 64 KiB chunks through our incremental decoder vs one TextDecoder call, and
// the encode path. Run: node --import tsx bench/codecs.bench.ts
import { TextDecoder } from 'node:util';
import { lookupCodec } from '../ts/codecs';

const SIZE = 80 * 1024 * 1024;
const CHUNK = 64 * 1024;
const line = Buffer.from('The quick brown fox jumps over the lazy dog 0123456789, said the log line\n');
const rare = Buffer.from('naïve café — 日本語 ✓\n');
const buf = Buffer.alloc(SIZE);
for (let i = 0, n = 0; i < SIZE; n++) i += (n % 50 === 49 ? rare : line).copy(buf, i);
const ascii = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE;) i += line.copy(ascii, i);

function run(name: string, bytes: number, fn: () => number): void {
  fn(); // warm-up
  const t = process.hrtime.bigint();
  const n = fn();
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`${name.padEnd(44)} ${(bytes / 1048576 / s).toFixed(0).padStart(6)} MB/s  (${n} chars)`);
}

function chunked(data: Buffer, enc: string, errors: 'strict' | 'replace'): () => number {
  return () => {
    const d = lookupCodec(enc).newDecoder(errors);
    let n = 0;
    for (let i = 0; i < data.length; i += CHUNK) n += d.decode(data.subarray(i, i + CHUNK)).length;
    return n + d.decode(new Uint8Array(0), true).length;
  };
}

run('utf-8 strict, 64 KiB chunks (mixed)', SIZE, chunked(buf, 'utf-8', 'strict'));
run('utf-8 replace, 64 KiB chunks (mixed)', SIZE, chunked(buf, 'utf-8', 'replace'));
run('utf-8 strict, 64 KiB chunks (pure ASCII)', SIZE, chunked(ascii, 'utf-8', 'strict'));
run('TextDecoder, one call (mixed)', SIZE, () => new TextDecoder().decode(buf).length);
run('TextDecoder fatal stream, 64 KiB (mixed)', SIZE, () => {
  const td = new TextDecoder('utf-8', { fatal: true });
  let n = 0;
  for (let i = 0; i < SIZE; i += CHUNK) n += td.decode(buf.subarray(i, i + CHUNK), { stream: true }).length;
  return n;
});
run('latin-1, 64 KiB chunks', SIZE, chunked(buf, 'latin-1', 'strict'));
run('ascii, 64 KiB chunks (pure ASCII)', SIZE, chunked(ascii, 'ascii', 'strict'));

const text = buf.toString('utf8');
const pieces: string[] = [];
for (let i = 0; i < text.length; i += CHUNK) pieces.push(text.slice(i, i + CHUNK));
const utf8Bytes = Buffer.byteLength(text);
run('utf-8 encode, 64 Ki-char pieces', utf8Bytes, () => {
  const e = lookupCodec('utf-8').newEncoder('strict');
  let n = 0;
  for (const p of pieces) n += e.encode(p).length;
  return n;
});
run('Buffer.from(utf8), 64 Ki-char pieces', utf8Bytes, () => {
  let n = 0;
  for (const p of pieces) n += Buffer.from(p, 'utf8').length;
  return n;
});
run('utf-16-le decode, 64 KiB chunks', Buffer.byteLength(text, 'utf16le'), chunked(Buffer.from(text, 'utf16le'), 'utf-16-le', 'strict'));
