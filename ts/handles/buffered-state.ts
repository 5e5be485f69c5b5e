// The buffer under every buffered handle: the state and the macros of CPython's
// Modules/_io/bufferedio.c (one buffer shared by reads and writes, the same refill and
// flush points), so results match Python's open() exactly. The handle classes
// (buffered-reader.ts, buffered-writer.ts, buffered-random.ts) drive it; it reaches the
// raw handle only through RawIO (raw.readinto/write/seek/tell, _pyio's layering).
// Small reads and writes are served from `buf` with no native call; the block is
// touched once per refill or flush.
import { fileTooLarge, outOfRange } from '../errors';
import { MAX_SAFE } from '../validate';
import { closedError, type RawIO } from './base';

const EMPTY = Buffer.alloc(0);

/**
 * bufferedio.c's `buffered` struct and its helpers. Its fields are the handle classes'
 * shared state (they are internal: the classes keep this object in a #private field).
 * @internal
 */
export class BufferState {
  /** the raw handle's unchecked I/O: all a buffered handle asks of it */
  readonly io: RawIO;
  buf: Buffer;
  /** buf's ArrayBuffer (buf starts at offset 0): a direct Uint8Array over it is the cheapest copy source */
  ab: ArrayBuffer;
  readonly bufferSize: number;
  /** bufferSize - 1 when it is a power of two, else 0 */
  readonly mask: number;
  /** the mode reads / writes (bufferedio.c's `readable` / `writable`) */
  readonly readable: boolean;
  readonly writable: boolean;
  /** logical position inside buf */
  pos = 0;
  /** position of the raw stream inside buf (-1 unknown) */
  rawPos = 0;
  /** end of valid read data in buf, -1 when there is none */
  readEnd = -1;
  /** [writePos, writeEnd) is waiting to be written; writeEnd -1 when nothing is */
  writePos = 0;
  writeEnd = -1;
  /** the raw position as last known (-1 unknown), CPython's abs_pos */
  absPos: number;

  constructor(io: RawIO, bufferSize: number, readable: boolean, writable: boolean) {
    this.io = io;
    this.bufferSize = bufferSize;
    this.buf = Buffer.allocUnsafeSlow(bufferSize);
    this.ab = this.buf.buffer as ArrayBuffer;
    this.mask = (bufferSize & (bufferSize - 1)) === 0 ? bufferSize - 1 : 0;
    this.readable = readable;
    this.writable = writable;
    this.absPos = io.pos;
  }

  // ---- the macros of bufferedio.c ----

  validRead(): boolean {
    return this.readable && this.readEnd !== -1;
  }

  validWrite(): boolean {
    return this.writable && this.writeEnd !== -1;
  }

  readahead(): number {
    return this.readable && this.readEnd !== -1 ? this.readEnd - this.pos : 0;
  }

  rawOffset(): number {
    return (this.validRead() || this.validWrite()) && this.rawPos >= 0 ? this.rawPos - this.pos : 0;
  }

  adjustPosition(pos: number): void {
    this.pos = pos;
    if (this.validRead() && this.readEnd < pos) this.readEnd = pos;
  }

  minusLastBlock(size: number): number {
    return this.mask ? size - (size & this.mask) : this.bufferSize * Math.floor(size / this.bufferSize);
  }

  resetRead(): void {
    this.readEnd = -1;
  }

  resetWrite(): void {
    this.writePos = 0;
    this.writeEnd = -1;
  }

  checkClosed(syscall: string): void {
    if (this.io.closed) throw closedError(syscall);
  }

  // ---- the raw stream ----

  rawTell(): number {
    this.absPos = this.io.pos;
    return this.absPos;
  }

  rawSeek(target: number, whence: number): number {
    const n = this.io.seek(target, whence);
    this.absPos = n;
    return n;
  }

  rawRead(target: Uint8Array, start: number, length: number): number {
    const n = this.io.readInto(target, start, length);
    if (n > 0 && this.absPos !== -1) this.absPos += n;
    return n;
  }

  rawWrite(source: Uint8Array, start: number, length: number): number {
    const n = this.io.write(source, start, length);
    if (n > 0 && this.absPos !== -1) this.absPos += n;
    return n;
  }

  // ---- refill, flush, seek ----

  fillBuffer(): number {
    const start = this.validRead() ? this.readEnd : 0;
    const n = this.rawRead(this.buf, start, this.bufferSize - start);
    if (n <= 0) return n;
    this.readEnd = start + n;
    this.rawPos = start + n;
    return n;
  }

  flushUnlocked(): void {
    if (this.validWrite() && this.writePos !== this.writeEnd) {
      const rewind = this.rawOffset() + (this.pos - this.writePos);
      if (rewind !== 0) {
        this.rawSeek(-rewind, 1);
        this.rawPos -= rewind;
      }
      while (this.writePos < this.writeEnd) {
        const n = this.rawWrite(this.buf, this.writePos, this.writeEnd - this.writePos);
        this.writePos += n;
        this.rawPos = this.writePos;
      }
    }
    this.resetWrite();
  }

  flushAndRewind(): void {
    this.flushUnlocked();
    if (this.readable) {
      try {
        this.rawSeek(-this.rawOffset(), 1);
      } finally {
        this.resetRead();
      }
    }
  }

  /** _io__Buffered_seek_impl after the argument checks. */
  seek(offset: number, whence: 0 | 1 | 2): number {
    let target = offset;
    if (whence !== 2 && this.readable) {
      // Inside the buffer: just move.
      const current = this.absPos !== -1 ? this.absPos : this.rawTell();
      const avail = this.readahead();
      if (avail > 0) {
        const delta = whence === 0 ? target - (current - this.rawOffset()) : target;
        if (delta >= -this.pos && delta <= avail) {
          this.pos += delta;
          return current - avail + delta;
        }
      }
    }
    if (this.writable) this.flushUnlocked();
    if (whence === 1) target -= this.rawOffset();
    const n = this.rawSeek(target, whence);
    this.rawPos = -1;
    if (this.readable) this.resetRead();
    return n;
  }

  tell(): number {
    return this.rawTell() - this.rawOffset();
  }

  /** A read too large for one Buffer consumes nothing: the position goes back to `start`. */
  refuseRead(start: number, current: number, size: number): never {
    if (this.validRead()) this.pos = start;
    else this.rawSeek(-current, 1); // flushed and rewound: the raw position is the logical one
    throw fileTooLarge(size);
  }

  /**
   * A lower bound of the bytes that can be written from the position without passing
   * 2^53-1 (the position is at most the raw one plus a buffer's worth).
   */
  writeRoom(): number {
    return MAX_SAFE - this.io.pos - this.bufferSize;
  }

  /** Near 2^53-1: the exact check, before anything is buffered (tell() must stay a safe integer). */
  checkRoom(len: number): void {
    const at = this.io.pos - this.rawOffset();
    if (at + len > MAX_SAFE) throw outOfRange('position', '<= 2^53-1 - data.byteLength', at);
  }

  /** After close: the buffer is let go. */
  release(): void {
    this.buf = EMPTY;
    this.readEnd = 0;
    this.pos = 0;
  }
}
