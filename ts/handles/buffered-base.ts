// What the three buffered handles share (_pyio's BufferedIOBase + _BufferedIOMixin):
// `raw`, the flags, seek/tell/flush/close, and the methods of the other direction, which
// check their arguments and then throw EBADF (Python's UnsupportedOperation). The
// direction's own methods are in buffered-reader.ts, buffered-writer.ts, buffered-random.ts.
import { outOfRange } from '../errors';
import { given, validateInt, validateUint, validateWhence } from '../validate';
import { binaryData, IOBase, notReadable, notWritable, optionalInt, readintoTarget, WRITE_ROOM } from './base';
import type { BufferState } from './buffered-state';
import type { RawHandle } from './raw';

/**
 * What the buffered handles share (one buffer for reads and writes, as CPython's
 * bufferedio.c); the public types BufferedReader / BufferedWriter / BufferedRandom offer
 * only the methods of their direction.
 */
export abstract class BufferedBase extends IOBase<Buffer> {
  /** The RawHandle underneath (Python's `.raw`): unbuffered, sharing this handle's file position. */
  readonly raw: RawHandle;
  readonly #s: BufferState;

  /** @internal handles come from `MemFile.open()` */
  constructor(raw: RawHandle, state: BufferState) {
    super(raw.name, raw.mode);
    this.raw = raw;
    this.#s = state;
  }

  /** True once this handle (or its `raw`) was closed; stays readable after close. */
  get closed(): boolean {
    return this.#s.io.closed;
  }

  /** Whether reading is allowed: mode `r` or `+`, and open. */
  get readable(): boolean {
    return this.#s.readable && !this.#s.io.closed;
  }

  /** Whether writing is allowed: mode `w`, `a`, `x` or `+`, and open. */
  get writable(): boolean {
    return this.#s.writable && !this.#s.io.closed;
  }

  /** Always true while open. */
  get seekable(): boolean {
    return !this.#s.io.closed;
  }

  /** The block's OS file descriptor (the same number as `mf.fd`); `ENOTSUP` on heap. */
  get fd(): number {
    return this.raw.fd;
  }

  /** Writes buffered bytes to the block, where `pread`, other handles and other processes see them. */
  flush(): void {
    this.raw.flush(); // nothing buffered to write: raw's closed check
  }

  /** Flushes, then closes this handle and its `raw` (idempotent). A failed flush still closes, then throws. */
  close(): void {
    if (this.#s.io.closed) return;
    let error: unknown;
    let failed = false;
    try {
      this.flush();
    } catch (e) {
      error = e;
      failed = true;
    }
    this.raw.close();
    this.#s.release();
    if (failed) throw error;
  }

  /** Moves the position → the new position (`whence` 0 start, 1 current, 2 end); pending writes are flushed. Before 0 → `EINVAL`. */
  seek(offset: number, whence?: 0 | 1 | 2 | null): number {
    const target = validateInt(offset, 'offset');
    const how = validateWhence(whence);
    this.#s.checkClosed('lseek');
    return this.#s.seek(target, how);
  }

  /** The position in bytes, counting buffered reads and writes. */
  tell(): number {
    this.#s.checkClosed('lseek');
    return this.#s.tell();
  }

  /** @internal A lower bound of the bytes that can be written from the position without passing 2^53-1. */
  [WRITE_ROOM](): number {
    return this.#s.writeRoom();
  }

  // ---- the other direction: the arguments are checked as the real method does, then EBADF ----

  /** Buffered bytes from the position without moving it: at least one unless at EOF; `size` is ignored, as in Python. */
  peek(size?: number | null): Buffer {
    optionalInt(size, 'size');
    throw notReadable(this.mode, 'peek');
  }

  /** Up to `size` bytes from the position (size -1 or omitted: to the end), fewer only at EOF. `EBADF` if not readable. */
  read(size?: number | null): Buffer {
    const n = optionalInt(size, 'size');
    if (n < -1) throw outOfRange('size', '>= -1', n);
    throw notReadable(this.mode, 'read');
  }

  /** At most one refill: buffered bytes if any, else one read from the block. */
  read1(size?: number | null): Buffer {
    optionalInt(size, 'size');
    throw notReadable(this.mode, 'read');
  }

  /** Fills `buffer` from the position (as far as the file goes) → bytes read; no new Buffer is made. */
  readinto(buffer: ArrayBufferView | ArrayBuffer): number {
    readintoTarget(buffer);
    throw notReadable(this.mode, 'readinto');
  }

  /** The next line including its `\n` (or to EOF, or at most `limit` bytes); empty at EOF. */
  readline(limit?: number | null): Buffer {
    optionalInt(limit, 'limit');
    throw notReadable(this.mode, 'readline');
  }

  /**
   * Buffers all of `data` (any ArrayBufferView or ArrayBuffer; a string is `ERR_INVALID_ARG_TYPE`)
   * → bytes taken. It reaches the block on flush/seek/close or when the buffer fills. `EBADF` if not writable.
   */
  write(data: ArrayBufferView | ArrayBuffer): number {
    binaryData(data);
    throw notWritable(this.mode, 'write');
  }

  /** Flushes, then sets the file's size in bytes (default: the position) → the new size; the position stays. */
  truncate(size?: number | null): number {
    if (given(size)) validateUint(size, 'size');
    throw notWritable(this.mode, 'ftruncate');
  }
}
