// BufferedReader / BufferedWriter / BufferedRandom: a line-for-line port of
// CPython's Modules/_io/bufferedio.c (one buffer shared by reads and writes,
// same refill and flush points), so results match Python's open() exactly.
// Small reads and writes are served from `#buf` with no native call; the
// block is touched once per refill or flush.
import { constants as bufferConstants } from 'node:buffer';
import { fileTooLarge, outOfRange } from '../errors';
import { binaryData, closedError, IOBase, notReadable, notWritable, optionalInt, RAW_IO, readintoTarget, WRITE_ROOM, type RawIO } from './base';
import { RawHandle } from './raw';
import { given, MAX_SAFE, validateInt, validateUint, validateWhence } from '../validate';

const EMPTY = Buffer.alloc(0);

function copyOut(source: Buffer, start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  source.copy(out, 0, start, start + length);
  return out;
}

/**
 * What the three buffered handles share (one class, as CPython's bufferedio.c); the public
 * types BufferedReader / BufferedWriter / BufferedRandom offer only the methods of their direction.
 */
export abstract class BufferedBase extends IOBase<Buffer> {
  /** The RawHandle underneath (Python's `.raw`): unbuffered, sharing this handle's file position. */
  readonly raw: RawHandle;
  /** raw's unchecked I/O: all this class asks of it */
  readonly #io: RawIO;
  #buf: Buffer;
  /** #buf's ArrayBuffer (#buf starts at offset 0): a direct Uint8Array over it is the cheapest copy source */
  #ab: ArrayBuffer;
  readonly #size: number;
  readonly #mask: number;
  readonly #r: boolean;
  readonly #w: boolean;
  /** logical position inside #buf */
  #pos = 0;
  /** position of the raw stream inside #buf (-1 unknown) */
  #rawPos = 0;
  /** end of valid read data in #buf, -1 when there is none */
  #readEnd = -1;
  /** [#writePos, #writeEnd) is waiting to be written; #writeEnd -1 when nothing is */
  #writePos = 0;
  #writeEnd = -1;
  /** the raw position as last known (-1 unknown), CPython's abs_pos */
  #absPos: number;

  /** Not for direct use: handles come from `MemFile.open()`. */
  constructor(raw: RawHandle, bufferSize: number, readable: boolean, writable: boolean) {
    super(raw.name, raw.mode);
    this.raw = raw;
    this.#io = raw[RAW_IO];
    this.#size = bufferSize;
    this.#buf = Buffer.allocUnsafeSlow(bufferSize);
    this.#ab = this.#buf.buffer as ArrayBuffer;
    this.#mask = (bufferSize & (bufferSize - 1)) === 0 ? bufferSize - 1 : 0;
    this.#r = readable;
    this.#w = writable;
    this.#absPos = this.#io.pos;
  }

  /** True once this handle (or its `raw`) was closed; stays readable after close. */
  get closed(): boolean {
    return this.#io.closed;
  }

  /** Whether reading is allowed: mode `r` or `+`, and open. */
  get readable(): boolean {
    return this.#r && !this.#io.closed;
  }

  /** Whether writing is allowed: mode `w`, `a`, `x` or `+`, and open. */
  get writable(): boolean {
    return this.#w && !this.#io.closed;
  }

  /** Always true while open. */
  get seekable(): boolean {
    return !this.#io.closed;
  }

  /** The block's OS file descriptor (the same number as `mf.fd`); `ENOTSUP` on heap. */
  get fd(): number {
    return this.raw.fd;
  }

  // ---- the macros of bufferedio.c ----

  #validRead(): boolean {
    return this.#r && this.#readEnd !== -1;
  }

  #validWrite(): boolean {
    return this.#w && this.#writeEnd !== -1;
  }

  #readahead(): number {
    return this.#r && this.#readEnd !== -1 ? this.#readEnd - this.#pos : 0;
  }

  #rawOffset(): number {
    return (this.#validRead() || this.#validWrite()) && this.#rawPos >= 0 ? this.#rawPos - this.#pos : 0;
  }

  #adjustPosition(pos: number): void {
    this.#pos = pos;
    if (this.#validRead() && this.#readEnd < pos) this.#readEnd = pos;
  }

  #minusLastBlock(size: number): number {
    return this.#mask ? size - (size & this.#mask) : this.#size * Math.floor(size / this.#size);
  }

  // ---- the raw stream ----

  #rawTell(): number {
    this.#absPos = this.#io.pos;
    return this.#absPos;
  }

  #rawSeek(target: number, whence: number): number {
    const n = this.#io.seek(target, whence);
    this.#absPos = n;
    return n;
  }

  #rawRead(target: Uint8Array, start: number, length: number): number {
    const n = this.#io.readInto(target, start, length);
    if (n > 0 && this.#absPos !== -1) this.#absPos += n;
    return n;
  }

  #rawWrite(source: Uint8Array, start: number, length: number): number {
    const n = this.#io.write(source, start, length);
    if (n > 0 && this.#absPos !== -1) this.#absPos += n;
    return n;
  }

  #checkClosed(syscall: string): void {
    if (this.#io.closed) throw closedError(syscall);
  }

  #checkRead(syscall: string): void {
    if (!this.#r) throw notReadable(this.mode, syscall);
    if (this.#io.closed) throw closedError(syscall);
  }

  #resetRead(): void {
    this.#readEnd = -1;
  }

  #resetWrite(): void {
    this.#writePos = 0;
    this.#writeEnd = -1;
  }

  #fillBuffer(): number {
    const start = this.#validRead() ? this.#readEnd : 0;
    const n = this.#rawRead(this.#buf, start, this.#size - start);
    if (n <= 0) return n;
    this.#readEnd = start + n;
    this.#rawPos = start + n;
    return n;
  }

  #flushUnlocked(): void {
    if (this.#validWrite() && this.#writePos !== this.#writeEnd) {
      const rewind = this.#rawOffset() + (this.#pos - this.#writePos);
      if (rewind !== 0) {
        this.#rawSeek(-rewind, 1);
        this.#rawPos -= rewind;
      }
      while (this.#writePos < this.#writeEnd) {
        const n = this.#rawWrite(this.#buf, this.#writePos, this.#writeEnd - this.#writePos);
        this.#writePos += n;
        this.#rawPos = this.#writePos;
      }
    }
    this.#resetWrite();
  }

  #flushAndRewind(): void {
    this.#flushUnlocked();
    if (this.#r) {
      try {
        this.#rawSeek(-this.#rawOffset(), 1);
      } finally {
        this.#resetRead();
      }
    }
  }

  // ---- public API ----

  /** Writes buffered bytes to the block, where `pread`, other handles and other processes see them. */
  flush(): void {
    if (!this.#w) {
      this.raw.flush();
      return;
    }
    this.#checkClosed('flush');
    this.#flushAndRewind();
  }

  /** Flushes, then closes this handle and its `raw` (idempotent). A failed flush still closes, then throws. */
  close(): void {
    if (this.#io.closed) return;
    let error: unknown;
    let failed = false;
    try {
      this.flush();
    } catch (e) {
      error = e;
      failed = true;
    }
    this.raw.close();
    this.#buf = EMPTY;
    this.#readEnd = 0;
    this.#pos = 0;
    if (failed) throw error;
  }

  /** Buffered bytes from the position without moving it: at least one unless at EOF; `size` is ignored, as in Python. */
  peek(size?: number | null): Buffer {
    optionalInt(size, 'size');
    this.#checkRead('peek');
    if (this.#w) this.#flushAndRewind();
    const have = this.#readahead();
    if (have > 0) return copyOut(this.#buf, this.#pos, have);
    this.#resetRead();
    const r = this.#fillBuffer();
    this.#pos = 0;
    return r > 0 ? copyOut(this.#buf, 0, r) : Buffer.alloc(0);
  }

  /** Up to `size` bytes from the position (size -1 or omitted: to the end), fewer only at EOF. `EBADF` if not readable. */
  read(size?: number | null): Buffer {
    // The hot path: a small read served from the buffer.
    if (typeof size === 'number' && (size >>> 0) === size && this.#r && !this.#io.closed && this.#readEnd !== -1) {
      const pos = this.#pos;
      if (size <= this.#readEnd - pos) {
        const out = Buffer.allocUnsafe(size);
        out.set(new Uint8Array(this.#ab, pos, size));
        this.#pos = pos + size;
        return out;
      }
      // The buffer is used up exactly (the usual case for equal-sized reads): refill it and
      // serve from it, as _bufferedreader_read_generic does for a read smaller than a block.
      if (pos === this.#readEnd && size < this.#size && size > 0 && !this.#w) return this.#refillRead(size);
    }
    const n = optionalInt(size, 'size');
    if (n < -1) throw outOfRange('size', '>= -1', n);
    this.#checkRead('read');
    if (n === -1) return this.#readAll();
    const current = this.#readahead();
    if (n <= current) return this.#readFast(n);
    return this.#readGeneric(n, current);
  }

  #refillRead(n: number): Buffer {
    this.#pos = 0;
    this.#rawPos = 0;
    this.#readEnd = 0;
    const r = this.#fillBuffer();
    if (r <= 0) return Buffer.alloc(0);
    return this.#readFast(n < r ? n : r);
  }

  #readFast(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    out.set(new Uint8Array(this.#ab, this.#pos, n));
    this.#pos += n;
    return out;
  }

  #readAll(): Buffer {
    // CPython's order: the buffered head is taken, then pending writes reach the block
    // (in append mode the head may be bytes the flush then moves past).
    const current = this.#readahead();
    const start = this.#pos;
    this.#pos += current;
    if (this.#w) this.#flushAndRewind();
    const rest = Math.max(0, this.#io.size() - this.#io.pos);
    if (current + rest > bufferConstants.MAX_LENGTH) this.#refuseRead(start, current, current + rest);
    this.#resetRead();
    const out = Buffer.allocUnsafe(current + rest);
    if (current > 0) this.#buf.copy(out, 0, start, start + current);
    const got = this.#io.readInto(out, current, rest);
    // CPython leaves abs_pos stale here (a wrong seek() once the file grows); keep it true.
    this.#absPos = this.#io.pos;
    return current + got === out.length ? out : out.subarray(0, current + got);
  }

  #readGeneric(n: number, current: number): Buffer {
    const headStart = this.#pos;
    this.#pos += current;
    if (this.#w) this.#flushAndRewind();
    // Size the result by what the block holds now, not by n (read(2**40) must not allocate 1 TiB).
    const available = Math.max(0, this.#io.size() - this.#io.pos);
    const capacity = current + Math.min(n - current, available);
    if (capacity > bufferConstants.MAX_LENGTH) this.#refuseRead(headStart, current, capacity);
    this.#resetRead();
    const out = Buffer.allocUnsafe(capacity);
    if (current > 0) this.#buf.copy(out, 0, headStart, headStart + current);
    let written = current;
    let remaining = n - current;
    const done = (): Buffer => (written === capacity ? out : out.subarray(0, written));
    while (remaining > 0) {
      // Whole blocks go straight into the result; the tail goes through the buffer.
      let r = this.#minusLastBlock(remaining);
      if (r === 0) break;
      r = this.#rawRead(out, written, Math.min(r, capacity - written));
      if (r === 0) return done();
      remaining -= r;
      written += r;
    }
    this.#pos = 0;
    this.#rawPos = 0;
    this.#readEnd = 0;
    while (remaining > 0 && this.#readEnd < this.#size) {
      const r = this.#fillBuffer();
      if (r === 0) return done();
      const take = Math.min(r, remaining, capacity - written);
      this.#buf.copy(out, written, this.#pos, this.#pos + take);
      written += take;
      this.#pos += take;
      remaining -= take;
      if (written === capacity) break;
    }
    return done();
  }

  /** A read too large for one Buffer consumes nothing: the position goes back to `start`. */
  #refuseRead(start: number, current: number, size: number): never {
    if (this.#validRead()) this.#pos = start;
    else this.#rawSeek(-current, 1); // flushed and rewound: the raw position is the logical one
    throw fileTooLarge(size);
  }

  /** At most one refill: buffered bytes if any, else one read from the block. */
  read1(size?: number | null): Buffer {
    let n = optionalInt(size, 'size');
    if (n < 0) n = this.#size;
    this.#checkRead('read');
    // CPython 3.11 forgets pending writes here; flush them first, as peek() does.
    if (this.#w) this.#flushAndRewind();
    if (n === 0) return Buffer.alloc(0);
    const have = this.#readahead();
    if (have > 0) return this.#readFast(Math.min(have, n));
    this.#resetRead();
    const length = Math.min(n, Math.max(0, this.#io.size() - this.#io.pos));
    if (length === 0) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(length);
    const r = this.#rawRead(out, 0, length);
    return r === length ? out : out.subarray(0, r);
  }

  /** Fills `buffer` from the position (as far as the file goes) → bytes read; no new Buffer is made. */
  readinto(buffer: ArrayBufferView | ArrayBuffer): number {
    const target = readintoTarget(buffer);
    this.#checkRead('readinto');
    const len = target.byteLength;
    let written = 0;
    const have = this.#readahead();
    if (have > 0) {
      if (have >= len) {
        this.#buf.copy(target, 0, this.#pos, this.#pos + len);
        this.#pos += len;
        return len;
      }
      this.#buf.copy(target, 0, this.#pos, this.#pos + have);
      this.#pos += have;
      written = have;
    }
    if (this.#w) this.#flushAndRewind();
    this.#resetRead();
    this.#pos = 0;
    let remaining = len - written;
    while (remaining > 0) {
      let n: number;
      if (remaining > this.#size) {
        n = this.#rawRead(target, written, remaining);
      } else {
        n = this.#fillBuffer();
        if (n > 0) {
          if (n > remaining) n = remaining;
          this.#buf.copy(target, written, this.#pos, this.#pos + n);
          this.#pos += n;
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

  /** The next line including its `\n` (or to EOF, or at most `limit` bytes); empty at EOF. */
  readline(limit?: number | null): Buffer {
    let max = optionalInt(limit, 'limit');
    this.#checkRead('readline');
    const buf = this.#buf;
    let n = this.#readahead();
    if (max >= 0 && n > max) n = max;
    const start = this.#pos;
    const nl = n > 0 ? buf.indexOf(10, start) : -1;
    if (nl !== -1 && nl < start + n) {
      this.#pos = nl + 1;
      return copyOut(buf, start, nl + 1 - start);
    }
    if (n === max) {
      this.#pos += n;
      return copyOut(buf, start, n);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (n > 0) {
      chunks.push(copyOut(buf, start, n));
      total += n;
      this.#pos += n;
      if (max >= 0) max -= n;
    }
    if (this.#w) this.#flushAndRewind();
    for (;;) {
      this.#resetRead();
      let got = this.#fillBuffer();
      if (got <= 0) break;
      if (max >= 0 && got > max) got = max;
      const at = buf.indexOf(10, 0);
      if (at !== -1 && at < got) {
        chunks.push(copyOut(buf, 0, at + 1));
        total += at + 1;
        this.#pos = at + 1;
        break;
      }
      chunks.push(copyOut(buf, 0, got));
      total += got;
      if (got === max) {
        this.#pos = got;
        break;
      }
      if (max >= 0) max -= got;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  }

  /**
   * Buffers all of `data` (any ArrayBufferView or ArrayBuffer; a string is `ERR_INVALID_ARG_TYPE`)
   * → bytes taken. It reaches the block on flush/seek/close or when the buffer fills. `EBADF` if not writable.
   */
  write(data: ArrayBufferView | ArrayBuffer): number {
    const bytes = binaryData(data);
    if (!this.#w) throw notWritable(this.mode, 'write');
    if (this.#io.closed) throw closedError('write');
    const len = bytes.byteLength;
    if (len > this[WRITE_ROOM]()) this.#checkRoom(len);
    if (this.#readEnd === -1 && this.#writeEnd === -1) {
      this.#pos = 0;
      this.#rawPos = 0;
    }
    const pos = this.#pos;
    if (len <= this.#size - pos) {
      // The hot path: the data fits in the buffer.
      this.#buf.set(bytes, pos);
      if (this.#writeEnd === -1 || this.#writePos > pos) this.#writePos = pos;
      const end = pos + len;
      this.#pos = end;
      if (this.#r && this.#readEnd !== -1 && this.#readEnd < end) this.#readEnd = end;
      if (end > this.#writeEnd) this.#writeEnd = end;
      return len;
    }
    this.#flushUnlocked();
    const offset = this.#rawOffset();
    if (offset !== 0) {
      this.#rawSeek(-offset, 1);
      this.#rawPos -= offset;
    }
    let remaining = len;
    let written = 0;
    while (remaining > this.#size) {
      const n = this.#rawWrite(bytes, written, len - written);
      written += n;
      remaining -= n;
    }
    if (this.#r) this.#resetRead();
    if (remaining > 0) {
      this.#buf.set(bytes.subarray(written, len), 0);
      written += remaining;
    }
    this.#writePos = 0;
    this.#writeEnd = remaining;
    this.#adjustPosition(remaining);
    this.#rawPos = 0;
    return written;
  }

  /**
   * @internal A lower bound of the bytes that can be written from the position without
   * passing 2^53-1 (the position is at most the raw one plus a buffer's worth).
   */
  [WRITE_ROOM](): number {
    return MAX_SAFE - this.#io.pos - this.#size;
  }

  /** Near 2^53-1: the exact check, before anything is buffered (tell() must stay a safe integer). */
  #checkRoom(len: number): void {
    const at = this.#io.pos - this.#rawOffset();
    if (at + len > MAX_SAFE) throw outOfRange('position', '<= 2^53-1 - data.byteLength', at);
  }

  /** Moves the position → the new position (`whence` 0 start, 1 current, 2 end); pending writes are flushed. Before 0 → `EINVAL`. */
  seek(offset: number, whence?: 0 | 1 | 2 | null): number {
    let target = validateInt(offset, 'offset');
    const how = validateWhence(whence);
    this.#checkClosed('lseek');
    if (how !== 2 && this.#r) {
      // Inside the buffer: just move.
      const current = this.#absPos !== -1 ? this.#absPos : this.#rawTell();
      const avail = this.#readahead();
      if (avail > 0) {
        const delta = how === 0 ? target - (current - this.#rawOffset()) : target;
        if (delta >= -this.#pos && delta <= avail) {
          this.#pos += delta;
          return current - avail + delta;
        }
      }
    }
    if (this.#w) this.#flushUnlocked();
    if (how === 1) target -= this.#rawOffset();
    const n = this.#rawSeek(target, how);
    this.#rawPos = -1;
    if (this.#r) this.#resetRead();
    return n;
  }

  /** The position in bytes, counting buffered reads and writes. */
  tell(): number {
    this.#checkClosed('lseek');
    return this.#rawTell() - this.#rawOffset();
  }

  /** Flushes, then sets the file's size in bytes (default: the position) → the new size; the position stays. */
  truncate(size?: number | null): number {
    const length = given(size) ? validateUint(size, 'size') : undefined;
    if (!this.#w) throw notWritable(this.mode, 'ftruncate');
    this.#checkClosed('ftruncate');
    this.#flushAndRewind();
    const result = this.raw.truncate(length);
    this.#rawTell();
    return result;
  }
}

// The runtime classes are three thin subclasses of BufferedBase (a wrong-direction call
// throws EBADF, as Python's UnsupportedOperation). Their public types below leave out the
// methods of the other direction, so `mf.open('rb').write(...)` fails to type-check.

/** Methods only a readable buffered handle has. */
type ReadMembers = 'read' | 'read1' | 'readinto' | 'readline' | 'readlines' | 'peek' | typeof Symbol.iterator;
/** Methods only a writable buffered handle has. */
type WriteMembers = 'write' | 'writelines' | 'truncate';

/** A handle class as users see it: `instanceof` works; instances come from `MemFile.open()`. */
export interface HandleClass<T> extends Function {
  readonly prototype: T;
  [Symbol.hasInstance](value: unknown): value is T;
  readonly name: string;
}

export class BufferedReaderClass extends BufferedBase {
  static {
    Object.defineProperty(this, 'name', { value: 'BufferedReader' });
  }
  constructor(raw: RawHandle, bufferSize: number) {
    super(raw, bufferSize, true, false);
  }
}

export class BufferedWriterClass extends BufferedBase {
  static {
    Object.defineProperty(this, 'name', { value: 'BufferedWriter' });
  }
  constructor(raw: RawHandle, bufferSize: number) {
    super(raw, bufferSize, false, true);
  }
}

export class BufferedRandomClass extends BufferedBase {
  static {
    Object.defineProperty(this, 'name', { value: 'BufferedRandom' });
  }
  constructor(raw: RawHandle, bufferSize: number) {
    super(raw, bufferSize, true, true);
  }
}

/** ≈ io.BufferedReader, from `mf.open('rb')`: buffered binary reads (`read`, `read1`, `peek`, `readinto`, `readline`, line iteration). */
export interface BufferedReader extends Omit<BufferedBase, WriteMembers> {}
/** ≈ io.BufferedReader (see the interface); for `instanceof`. */
export const BufferedReader = BufferedReaderClass as unknown as HandleClass<BufferedReader>;

/** ≈ io.BufferedWriter, from `mf.open('wb')`, `'ab'`, `'xb'`: buffered binary writes (`write`, `writelines`, `truncate`, `flush`). */
export interface BufferedWriter extends Omit<BufferedBase, ReadMembers> {}
/** ≈ io.BufferedWriter (see the interface); for `instanceof`. */
export const BufferedWriter = BufferedWriterClass as unknown as HandleClass<BufferedWriter>;

/** ≈ io.BufferedRandom, from any binary `'+'` mode (`'rb+'`, `'wb+'`, ...): buffered reads and writes on one position. */
export interface BufferedRandom extends BufferedBase {}
/** ≈ io.BufferedRandom (see the interface); for `instanceof`. */
export const BufferedRandom = BufferedRandomClass as unknown as HandleClass<BufferedRandom>;

/** Any buffered handle (what `TextHandle.buffer` is). */
export type BufferedIO = BufferedReader | BufferedWriter | BufferedRandom;
