// The text codecs (ts/codecs) on their own, against what Node ships: an ASCII-heavy UTF-8
// buffer decoded in 64 KiB chunks through our incremental decoders vs TextDecoder, pure
// ASCII, UTF-16-LE, and the encode path vs Buffer.from. MiB/s of input bytes.
import { TextDecoder } from 'node:util';
import { lookupCodec } from '../../ts/codecs';
import type { Config } from './cases';
import { CaseResult, fmtSize as fmt, interleave, KiB, MiB, mibps, now, progress } from './measure';

const CHUNK = 64 * KiB;

function codecBytes(cfg: Config): number {
  return cfg.level === 'full' ? 80 * MiB : cfg.level === 'quick' ? 16 * MiB : MiB;
}

/** Mostly ASCII log lines, every 50th with accents, a dash, CJK and a check mark. */
function mixedText(size: number): Buffer {
  const line = Buffer.from('The quick brown fox jumps over the lazy dog 0123456789, said the log line\n');
  const rare = Buffer.from('naïve café — 日本語 ✓\n');
  const buf = Buffer.alloc(size);
  for (let i = 0, n = 0; i < size; n++) i += (n % 50 === 49 ? rare : line).copy(buf, i);
  return buf;
}

function asciiText(size: number): Buffer {
  const line = Buffer.from('The quick brown fox jumps over the lazy dog 0123456789, said the log line\n');
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size;) i += line.copy(buf, i);
  return buf;
}

/** MiB/s of one pass of fn over `bytes` input bytes; `sink` keeps the result alive. */
let sink = 0;
function rate(bytes: number, fn: () => number): number {
  const t = now();
  sink += fn();
  return mibps(bytes, now() - t);
}

function ours(data: Buffer, enc: string, errors: 'strict' | 'replace'): () => number {
  return () => {
    const d = lookupCodec(enc).newDecoder(errors);
    let n = 0;
    for (let i = 0; i < data.length; i += CHUNK) n += d.decode(data.subarray(i, i + CHUNK)).length;
    return n + d.decode(new Uint8Array(0), true).length;
  };
}

function textDecoderStream(data: Buffer, label: string, fatal: boolean): () => number {
  return () => {
    const td = new TextDecoder(label, { fatal });
    let n = 0;
    for (let i = 0; i < data.length; i += CHUNK) n += td.decode(data.subarray(i, i + CHUNK), { stream: true }).length;
    return n + td.decode().length;
  };
}

export async function codecs(cfg: Config): Promise<CaseResult[]> {
  const size = codecBytes(cfg);
  progress(`codecs: decode/encode ${fmt(size)} in ${fmt(CHUNK)} chunks`);
  const mixed = mixedText(size);
  const ascii = asciiText(size);
  const text = mixed.toString('utf8');
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) pieces.push(text.slice(i, i + CHUNK));
  const utf8Bytes = Buffer.byteLength(text);
  const utf16 = Buffer.from(text, 'utf16le');
  // One warm-up pass each, then one timed pass per sample.
  const c = (f: () => number, bytes = size): (() => number) => {
    sink += f();
    return () => rate(bytes, f);
  };
  const out: CaseResult[] = [];
  out.push({ id: 'codec-decode-mixed', group: 'codecs', title: `decode ${fmt(size)} UTF-8 (2 % non-ASCII lines), ${fmt(CHUNK)} chunks`, unit: 'MiB/s',
    results: await interleave(cfg.runs, [
      ['memfile utf-8 strict, 64 KiB chunks (mixed)', c(ours(mixed, 'utf-8', 'strict'))],
      ['memfile utf-8 replace, 64 KiB chunks (mixed)', c(ours(mixed, 'utf-8', 'replace'))],
      ['memfile latin-1, 64 KiB chunks', c(ours(mixed, 'latin-1', 'strict'))],
      ['TextDecoder, one call (mixed)', c(() => new TextDecoder().decode(mixed).length)],
      ['TextDecoder fatal stream, 64 KiB (mixed)', c(textDecoderStream(mixed, 'utf-8', true))],
    ]) });
  out.push({ id: 'codec-decode-ascii', group: 'codecs', title: `decode ${fmt(size)} pure ASCII, ${fmt(CHUNK)} chunks`, unit: 'MiB/s',
    results: await interleave(cfg.runs, [
      ['memfile utf-8 strict, 64 KiB chunks (pure ASCII)', c(ours(ascii, 'utf-8', 'strict'))],
      ['memfile ascii, 64 KiB chunks (pure ASCII)', c(ours(ascii, 'ascii', 'strict'))],
      ['TextDecoder fatal stream, 64 KiB (pure ASCII)', c(textDecoderStream(ascii, 'utf-8', true))],
    ]) });
  out.push({ id: 'codec-decode-utf16le', group: 'codecs', title: `decode ${fmt(utf16.length)} UTF-16-LE, ${fmt(CHUNK)} chunks`, unit: 'MiB/s',
    results: await interleave(cfg.runs, [
      ['memfile utf-16-le decode, 64 KiB chunks', c(ours(utf16, 'utf-16-le', 'strict'), utf16.length)],
      ['TextDecoder utf-16le stream, 64 KiB', c(textDecoderStream(utf16, 'utf-16le', false), utf16.length)],
    ]) });
  out.push({ id: 'codec-encode-utf8', group: 'codecs', title: `encode ${fmt(utf8Bytes)} of UTF-8 in 64 Ki-char pieces`, unit: 'MiB/s',
    results: await interleave(cfg.runs, [
      ['memfile utf-8 encode, 64 Ki-char pieces', c(() => {
        const e = lookupCodec('utf-8').newEncoder('strict');
        let n = 0;
        for (const p of pieces) n += e.encode(p).length;
        return n;
      }, utf8Bytes)],
      ['Buffer.from(utf8), 64 Ki-char pieces', c(() => {
        let n = 0;
        for (const p of pieces) n += Buffer.from(p, 'utf8').length;
        return n;
      }, utf8Bytes)],
    ]) });
  if (sink < 0) progress(String(sink));
  return out;
}
