// The read side of the buffered handles (bufferedio.c's _bufferedreader_* functions),
// as functions over the BufferState that BufferedReader and BufferedRandom share, and
// BufferedReader itself. With a writable buffer (BufferedRandom) pending writes reach
// the block first, at CPython's points.
import { constants as bufferConstants } from 'node:buffer';
import { outOfRange } from '../errors';
import { optionalInt, RAW_IO, readintoTarget } from './base';
import { BufferedBase } from './buffered-base';
import { BufferState } from './buffered-state';
import type { RawHandle } from './raw';

function copyOut(source: Buffer, start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  source.copy(out, 0, start, start + length);
  return out;
}

/** @internal read(size) past its fast path: argument checks, then a read from the buffer, the block or both. */
export function read(s: BufferState, size: number | null | undefined): Buffer {
  const n = optionalInt(size, 'size');
  if (n < -1) throw outOfRange('size', '>= -1', n);
  s.checkClosed('read');
  if (n === -1) return readAll(s);
  const current = s.readahead();
  if (n <= current) return readFast(s, n);
  return readGeneric(s, n, current);
}

/**
 * The buffer is used up exactly (the usual case for equal-sized reads): refill it and serve
 * from it, as _bufferedreader_read_generic does for a read smaller than a block. Reader only.
 * @internal
 */
export function refillRead(s: BufferState, n: number): Buffer {
  s.pos = 0;
  s.rawPos = 0;
  s.readEnd = 0;
  const r = s.fillBuffer();
  if (r <= 0) return Buffer.alloc(0);
  return readFast(s, n < r ? n : r);
}

function readFast(s: BufferState, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  out.set(new Uint8Array(s.ab, s.pos, n));
  s.pos += n;
  return out;
}

function readAll(s: BufferState): Buffer {
  // CPython's order: the buffered head is taken, then pending writes reach the block
  // (in append mode the head may be bytes the flush then moves past).
  const current = s.readahead();
  const start = s.pos;
  s.pos += current;
  if (s.writable) s.flushAndRewind();
  const rest = Math.max(0, s.io.size() - s.io.pos);
  if (current + rest > bufferConstants.MAX_LENGTH) s.refuseRead(start, current, current + rest);
  s.resetRead();
  const out = Buffer.allocUnsafe(current + rest);
  if (current > 0) s.buf.copy(out, 0, start, start + current);
  const got = s.io.readInto(out, current, rest);
  // CPython leaves abs_pos stale here (a wrong seek() once the file grows); keep it true.
  s.absPos = s.io.pos;
  return current + got === out.length ? out : out.subarray(0, current + got);
}

function readGeneric(s: BufferState, n: number, current: number): Buffer {
  const headStart = s.pos;
  s.pos += current;
  if (s.writable) s.flushAndRewind();
  // Size the result by what the block holds now, not by n (read(2**40) must not allocate 1 TiB).
  const available = Math.max(0, s.io.size() - s.io.pos);
  const capacity = current + Math.min(n - current, available);
  if (capacity > bufferConstants.MAX_LENGTH) s.refuseRead(headStart, current, capacity);
  s.resetRead();
  const out = Buffer.allocUnsafe(capacity);
  if (current > 0) s.buf.copy(out, 0, headStart, headStart + current);
  let written = current;
  let remaining = n - current;
  const done = (): Buffer => (written === capacity ? out : out.subarray(0, written));
  while (remaining > 0) {
    // Whole blocks go straight into the result; the tail goes through the buffer.
    let r = s.minusLastBlock(remaining);
    if (r === 0) break;
    r = s.rawRead(out, written, Math.min(r, capacity - written));
    if (r === 0) return done();
    remaining -= r;
    written += r;
  }
  s.pos = 0;
  s.rawPos = 0;
  s.readEnd = 0;
  while (remaining > 0 && s.readEnd < s.bufferSize) {
    const r = s.fillBuffer();
    if (r === 0) return done();
    const take = Math.min(r, remaining, capacity - written);
    s.buf.copy(out, written, s.pos, s.pos + take);
    written += take;
    s.pos += take;
    remaining -= take;
    if (written === capacity) break;
  }
  return done();
}

/** @internal */
export function peek(s: BufferState, size: number | null | undefined): Buffer {
  optionalInt(size, 'size');
  s.checkClosed('peek');
  if (s.writable) s.flushAndRewind();
  const have = s.readahead();
  if (have > 0) return copyOut(s.buf, s.pos, have);
  s.resetRead();
  const r = s.fillBuffer();
  s.pos = 0;
  return r > 0 ? copyOut(s.buf, 0, r) : Buffer.alloc(0);
}

/** @internal */
export function read1(s: BufferState, size: number | null | undefined): Buffer {
  let n = optionalInt(size, 'size');
  if (n < 0) n = s.bufferSize;
  s.checkClosed('read');
  // CPython 3.11 forgets pending writes here; flush them first, as peek() does.
  if (s.writable) s.flushAndRewind();
  if (n === 0) return Buffer.alloc(0);
  const have = s.readahead();
  if (have > 0) return readFast(s, Math.min(have, n));
  s.resetRead();
  const length = Math.min(n, Math.max(0, s.io.size() - s.io.pos));
  if (length === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(length);
  const r = s.rawRead(out, 0, length);
  return r === length ? out : out.subarray(0, r);
}

/** @internal */
export function readinto(s: BufferState, buffer: ArrayBufferView | ArrayBuffer): number {
  const target = readintoTarget(buffer);
  s.checkClosed('readinto');
  const len = target.byteLength;
  let written = 0;
  const have = s.readahead();
  if (have > 0) {
    if (have >= len) {
      s.buf.copy(target, 0, s.pos, s.pos + len);
      s.pos += len;
      return len;
    }
    s.buf.copy(target, 0, s.pos, s.pos + have);
    s.pos += have;
    written = have;
  }
  if (s.writable) s.flushAndRewind();
  s.resetRead();
  s.pos = 0;
  let remaining = len - written;
  while (remaining > 0) {
    let n: number;
    if (remaining > s.bufferSize) {
      n = s.rawRead(target, written, remaining);
    } else {
      n = s.fillBuffer();
      if (n > 0) {
        if (n > remaining) n = remaining;
        s.buf.copy(target, written, s.pos, s.pos + n);
        s.pos += n;
        written += n;
        remaining -= n;
        continue;
      }
    }
    if (n === 0) break;
    written += n;
    remaining -= n;
  }
  return written;
}

/** @internal */
export function readline(s: BufferState, limit: number | null | undefined): Buffer {
  let max = optionalInt(limit, 'limit');
  s.checkClosed('readline');
  const buf = s.buf;
  let n = s.readahead();
  if (max >= 0 && n > max) n = max;
  const start = s.pos;
  const nl = n > 0 ? buf.indexOf(10, start) : -1;
  if (nl !== -1 && nl < start + n) {
    s.pos = nl + 1;
    return copyOut(buf, start, nl + 1 - start);
  }
  if (n === max) {
    s.pos += n;
    return copyOut(buf, start, n);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (n > 0) {
    chunks.push(copyOut(buf, start, n));
    total += n;
    s.pos += n;
    if (max >= 0) max -= n;
  }
  if (s.writable) s.flushAndRewind();
  for (;;) {
    s.resetRead();
    let got = s.fillBuffer();
    if (got <= 0) break;
    if (max >= 0 && got > max) got = max;
    const at = buf.indexOf(10, 0);
    if (at !== -1 && at < got) {
      chunks.push(copyOut(buf, 0, at + 1));
      total += at + 1;
      s.pos = at + 1;
      break;
    }
    chunks.push(copyOut(buf, 0, got));
    total += got;
    if (got === max) {
      s.pos = got;
      break;
    }
    if (max >= 0) max -= got;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * ≈ io.BufferedReader, from `mf.open('rb')`: buffered binary reads (`read`, `read1`, `peek`,
 * `readinto`, `readline`, line iteration); `write()` and `truncate()` throw `EBADF`.
 */
export class BufferedReaderClass extends BufferedBase {
  static {
    Object.defineProperty(this, 'name', { value: 'BufferedReader' });
  }
  readonly #s: BufferState;

  /** Not for direct use: handles come from `MemFile.open()`. */
  constructor(raw: RawHandle, bufferSize: number) {
    const state = new BufferState(raw[RAW_IO], bufferSize, true, false);
    super(raw, state);
    this.#s = state;
  }

  /** Up to `size` bytes from the position (size -1 or omitted: to the end), fewer only at EOF. */
  override read(size?: number | null): Buffer {
    // The hot path: a small read served from the buffer, or from one refill of it.
    const s = this.#s;
    if (typeof size === 'number' && (size >>> 0) === size && !s.io.closed && s.readEnd !== -1) {
      const pos = s.pos;
      if (size <= s.readEnd - pos) {
        const out = Buffer.allocUnsafe(size);
        out.set(new Uint8Array(s.ab, pos, size));
        s.pos = pos + size;
        return out;
      }
      if (pos === s.readEnd && size < s.bufferSize && size > 0) return refillRead(s, size);
    }
    return read(s, size);
  }

  /** At most one refill: buffered bytes if any, else one read from the block. */
  override read1(size?: number | null): Buffer {
    return read1(this.#s, size);
  }

  /** Buffered bytes from the position without moving it: at least one unless at EOF; `size` is ignored, as in Python. */
  override peek(size?: number | null): Buffer {
    return peek(this.#s, size);
  }

  /** Fills `buffer` from the position (as far as the file goes) → bytes read; no new Buffer is made. */
  override readinto(buffer: ArrayBufferView | ArrayBuffer): number {
    return readinto(this.#s, buffer);
  }

  /** The next line including its `\n` (or to EOF, or at most `limit` bytes); empty at EOF. */
  override readline(limit?: number | null): Buffer {
    return readline(this.#s, limit);
  }
}
