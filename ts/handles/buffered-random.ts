// BufferedRandom: reads and writes on one position over one buffer (bufferedio.c's
// BufferedRandom is built from the reader's and the writer's functions, and so is this).
import { RAW_IO } from './base';
import { BufferedBase } from './buffered-base';
import * as reader from './buffered-reader';
import { BufferState } from './buffered-state';
import * as writer from './buffered-writer';
import type { RawHandle } from './raw';

/** ≈ io.BufferedRandom, from any binary `'+'` mode (`'rb+'`, `'wb+'`, ...): buffered reads and writes on one position. */
export class BufferedRandomClass extends BufferedBase {
  static {
    Object.defineProperty(this, 'name', { value: 'BufferedRandom' });
  }
  readonly #s: BufferState;

  /** Not for direct use: handles come from `MemFile.open()`. */
  constructor(raw: RawHandle, bufferSize: number) {
    const state = new BufferState(raw[RAW_IO], bufferSize, true, true);
    super(raw, state);
    this.#s = state;
  }

  /** Up to `size` bytes from the position (size -1 or omitted: to the end), fewer only at EOF; pending writes reach the block first. */
  override read(size?: number | null): Buffer {
    // The hot path: a small read served from the buffer.
    const s = this.#s;
    if (typeof size === 'number' && (size >>> 0) === size && !s.io.closed && s.readEnd !== -1) {
      const pos = s.pos;
      if (size <= s.readEnd - pos) {
        const out = Buffer.allocUnsafe(size);
        out.set(new Uint8Array(s.ab, pos, size));
        s.pos = pos + size;
        return out;
      }
    }
    return reader.read(s, size);
  }

  /** At most one refill: buffered bytes if any, else one read from the block. */
  override read1(size?: number | null): Buffer {
    return reader.read1(this.#s, size);
  }

  /** Buffered bytes from the position without moving it: at least one unless at EOF; `size` is ignored, as in Python. */
  override peek(size?: number | null): Buffer {
    return reader.peek(this.#s, size);
  }

  /** Fills `buffer` from the position (as far as the file goes) → bytes read; no new Buffer is made. */
  override readinto(buffer: ArrayBufferView | ArrayBuffer): number {
    return reader.readinto(this.#s, buffer);
  }

  /** The next line including its `\n` (or to EOF, or at most `limit` bytes); empty at EOF. */
  override readline(limit?: number | null): Buffer {
    return reader.readline(this.#s, limit);
  }

  /**
   * Buffers all of `data` (any ArrayBufferView or ArrayBuffer; a string is `ERR_INVALID_ARG_TYPE`)
   * → bytes taken. It reaches the block on flush/seek/close or when the buffer fills.
   */
  override write(data: ArrayBufferView | ArrayBuffer): number {
    return writer.write(this.#s, data);
  }

  /** Writes buffered bytes to the block, where `pread`, other handles and other processes see them. */
  override flush(): void {
    writer.flush(this.#s);
  }

  /** Flushes, then sets the file's size in bytes (default: the position) → the new size; the position stays. */
  override truncate(size?: number | null): number {
    return writer.truncate(this.#s, this.raw, size);
  }
}
