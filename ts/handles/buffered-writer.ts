// The write side of the buffered handles (bufferedio.c's _bufferedwriter_* functions),
// as functions over the BufferState that BufferedWriter and BufferedRandom share, and
// BufferedWriter itself. With a readable buffer (BufferedRandom) the read-ahead is
// given up where CPython gives it up.
import { given, validateUint } from '../validate';
import { binaryData, RAW_IO } from './base';
import { BufferedBase } from './buffered-base';
import { BufferState } from './buffered-state';
import type { RawHandle } from './raw';

/** @internal write(data): buffered while it fits, else flushed and written through in whole blocks. */
export function write(s: BufferState, data: ArrayBufferView | ArrayBuffer): number {
  const bytes = binaryData(data);
  s.checkClosed('write');
  const len = bytes.byteLength;
  if (len > s.writeRoom()) s.checkRoom(len);
  if (s.readEnd === -1 && s.writeEnd === -1) {
    s.pos = 0;
    s.rawPos = 0;
  }
  const pos = s.pos;
  if (len <= s.bufferSize - pos) {
    // The hot path: the data fits in the buffer.
    s.buf.set(bytes, pos);
    if (s.writeEnd === -1 || s.writePos > pos) s.writePos = pos;
    const end = pos + len;
    s.pos = end;
    if (s.readable && s.readEnd !== -1 && s.readEnd < end) s.readEnd = end;
    if (end > s.writeEnd) s.writeEnd = end;
    return len;
  }
  return writeThrough(s, bytes, len);
}

function writeThrough(s: BufferState, bytes: Uint8Array, len: number): number {
  s.flushUnlocked();
  const offset = s.rawOffset();
  if (offset !== 0) {
    s.rawSeek(-offset, 1);
    s.rawPos -= offset;
  }
  let remaining = len;
  let written = 0;
  while (remaining > s.bufferSize) {
    const n = s.rawWrite(bytes, written, len - written);
    written += n;
    remaining -= n;
  }
  if (s.readable) s.resetRead();
  if (remaining > 0) {
    s.buf.set(bytes.subarray(written, len), 0);
    written += remaining;
  }
  s.writePos = 0;
  s.writeEnd = remaining;
  s.adjustPosition(remaining);
  s.rawPos = 0;
  return written;
}

/** @internal flush() of a writable buffer: pending bytes to the block, then the read-ahead dropped. */
export function flush(s: BufferState): void {
  s.checkClosed('flush');
  s.flushAndRewind();
}

/** @internal truncate(size): flushed first, then raw.truncate(); the position stays. */
export function truncate(s: BufferState, raw: RawHandle, size: number | null | undefined): number {
  const length = given(size) ? validateUint(size, 'size') : undefined;
  s.checkClosed('ftruncate');
  s.flushAndRewind();
  const result = raw.truncate(length);
  s.rawTell();
  return result;
}

/**
 * ≈ io.BufferedWriter, from `mf.open('wb')`, `'ab'`, `'xb'`: buffered binary writes
 * (`write`, `writelines`, `truncate`, `flush`); the read methods throw `EBADF`.
 */
export class BufferedWriterClass extends BufferedBase {
  static {
    Object.defineProperty(this, 'name', { value: 'BufferedWriter' });
  }
  readonly #s: BufferState;

  /** Not for direct use: handles come from `MemFile.open()`. */
  constructor(raw: RawHandle, bufferSize: number) {
    const state = new BufferState(raw[RAW_IO], bufferSize, false, true);
    super(raw, state);
    this.#s = state;
  }

  /**
   * Buffers all of `data` (any ArrayBufferView or ArrayBuffer; a string is `ERR_INVALID_ARG_TYPE`)
   * → bytes taken. It reaches the block on flush/seek/close or when the buffer fills.
   */
  override write(data: ArrayBufferView | ArrayBuffer): number {
    return write(this.#s, data);
  }

  /** Writes buffered bytes to the block, where `pread`, other handles and other processes see them. */
  override flush(): void {
    flush(this.#s);
  }

  /** Flushes, then sets the file's size in bytes (default: the position) → the new size; the position stays. */
  override truncate(size?: number | null): number {
    return truncate(this.#s, this.raw, size);
  }
}
