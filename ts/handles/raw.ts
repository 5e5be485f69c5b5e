// RawHandle ≈ io.FileIO over the block: its own position, every call goes
// straight to the block (one copy between the caller's bytes and the block,
// ts/block-ref.ts), nothing is buffered. In append mode every write lands at
// the current end, as with O_APPEND.
import { constants as bufferConstants } from 'node:buffer';
import type { BlockRef } from '../block-ref';
import { fileTooLarge as tooLarge, fsOrderError, invalidArgType, outOfRange, systemError } from '../errors';
import { given, MAX_SAFE, toBytes, validateInt, validateUint, validateWhence } from '../validate';
import { binaryData, closedError, IOBase, notReadable, notWritable, optionalInt, RAW_IO, readintoTarget, type Direction, type RawIO, type ReadThis, type WriteThis } from './base';

export interface RawConfig {
  name: string;
  /** FileIO's mode string ('rb', 'wb', 'ab', 'xb', 'rb+', 'ab+', 'xb+') */
  mode: string;
  readable: boolean;
  writable: boolean;
  appending: boolean;
}

const LINE_CHUNK = 256;

export const seekBeforeStart = (): Error => systemError('EINVAL', 'lseek', 'Invalid argument (seek before the start of the file)');

/**
 * The raw I/O under a RawHandle: the position and the unchecked reads and writes a
 * buffered handle drives (what `_pyio`'s BufferedReader asks of `raw`). Not public API.
 */
class BlockIO implements RawIO {
  pos = 0;
  closed = false;
  readonly #ref: BlockRef;
  readonly #appending: boolean;

  constructor(ref: BlockRef, appending: boolean) {
    this.#ref = ref;
    this.#appending = appending;
  }

  readInto(target: Uint8Array, start: number, length: number): number {
    const got = this.#ref.read(this.pos, target, start, length);
    this.pos += got;
    return got;
  }

  write(source: Uint8Array, start: number, length: number): number {
    if (length === 0) return 0; // write(2) of nothing moves nothing, even with O_APPEND
    const at = this.#appending ? this.#ref.size() : this.pos;
    if (at + length > MAX_SAFE) throw outOfRange('position', '<= 2^53-1 - data.byteLength', at);
    this.#ref.write(at, source, start, length);
    this.pos = at + length;
    return length;
  }

  seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : this.#ref.size();
    const target = base + offset;
    if (target < 0) throw seekBeforeStart();
    if (target > MAX_SAFE) throw outOfRange('offset', 'a position <= 2^53-1', offset);
    this.pos = target;
    return target;
  }

  size(): number {
    return this.#ref.size();
  }
}

/**
 * An unbuffered binary handle (Python's `io.FileIO`) with its own position: every call
 * goes straight to the block. From `mf.open('rb', { buffering: 0 })` (or `'wb'`, `'ab'`,
 * `'xb'`, `'rb+'`, ...). Reads return Buffers; writes take any ArrayBufferView or ArrayBuffer.
 */
export class RawHandle<D extends Direction = Direction> extends IOBase<Buffer> {
  readonly #io: BlockIO;
  readonly #ref: BlockRef;
  readonly #readable: boolean;
  readonly #writable: boolean;

  /** Not for direct use: handles come from `MemFile.open()`. */
  constructor(ref: BlockRef, config: RawConfig) {
    super(config.name, config.mode);
    ref.acquire();
    this.#ref = ref;
    this.#readable = config.readable;
    this.#writable = config.writable;
    this.#io = new BlockIO(ref, config.appending);
    // FileIO seeks to the end at open in append mode, so tell() is right before the first write.
    if (config.appending) this.#io.pos = ref.size();
  }

  /** @internal the unchecked raw I/O, for the buffered handle over this one */
  get [RAW_IO](): RawIO {
    return this.#io;
  }

  /** True once `close()` was called (stays readable after close). */
  get closed(): boolean {
    return this.#io.closed;
  }

  /** Whether `read()` and friends are allowed: the mode has `r` or `+`, and the handle is open. */
  get readable(): boolean {
    return !this.#io.closed && this.#readable;
  }

  /** Whether `write()` and `truncate()` are allowed: the mode has `w`, `a`, `x` or `+`, and the handle is open. */
  get writable(): boolean {
    return !this.#io.closed && this.#writable;
  }

  /** Always true while open (a block is seekable). */
  get seekable(): boolean {
    return !this.#io.closed;
  }

  /** The block's OS file descriptor (the same number as `mf.fd`); `EBADF` after close, `ENOTSUP` on heap. */
  get fd(): number {
    if (this.#io.closed) throw closedError('fd');
    return this.#ref.fd();
  }

  #checkRead(syscall = 'read'): BlockRef {
    if (this.#io.closed) throw closedError(syscall);
    if (!this.#readable) throw notReadable(this.mode, syscall);
    return this.#ref;
  }

  #checkWrite(syscall = 'write'): BlockRef {
    if (this.#io.closed) throw closedError(syscall);
    if (!this.#writable) throw notWritable(this.mode, syscall);
    return this.#ref;
  }

  /** Up to `size` bytes from the position, which moves past them (size < 0 or omitted: to the end). Empty at EOF. `EBADF` if not readable. */
  read(this: ReadThis<D>, size?: number | null): Buffer;
  read(size?: number | null): Buffer {
    const n = optionalInt(size, 'size');
    const block = this.#checkRead();
    if (n < 0) return this.#readAll(block);
    return this.#readUpTo(block, n);
  }

  /** Everything from the position to the end. `EBADF` if not readable. */
  readall(this: ReadThis<D>): Buffer;
  readall(): Buffer {
    return this.#readAll(this.#checkRead());
  }

  #readAll(block: BlockRef): Buffer {
    const available = Math.max(0, block.size() - this.#io.pos);
    if (available > bufferConstants.MAX_LENGTH) throw tooLarge(available);
    return this.#readUpTo(block, available);
  }

  #readUpTo(block: BlockRef, n: number): Buffer {
    const io = this.#io;
    const length = Math.min(n, Math.max(0, block.size() - io.pos));
    if (length === 0) return Buffer.alloc(0);
    if (length > bufferConstants.MAX_LENGTH) throw tooLarge(length);
    const out = Buffer.allocUnsafe(length);
    const got = block.read(io.pos, out, 0, length);
    io.pos += got;
    return got === length ? out : out.subarray(0, got);
  }

  /** Reads into `buffer` (from its start) → bytes read, 0 at EOF. `EBADF` if not readable. */
  readinto(this: ReadThis<D>, buffer: ArrayBufferView | ArrayBuffer): number;
  readinto(buffer: ArrayBufferView | ArrayBuffer): number {
    const target = readintoTarget(buffer);
    this.#checkRead('readinto');
    return this.#io.readInto(target, 0, target.byteLength);
  }

  /** The next line including its `\n` (or up to EOF, or at most `limit` bytes); empty at EOF. */
  readline(this: ReadThis<D>, limit?: number | null): Buffer;
  readline(limit?: number | null): Buffer {
    const max = optionalInt(limit, 'limit');
    const block = this.#checkRead('readline');
    const io = this.#io;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = max < 0 ? LINE_CHUNK : Math.min(LINE_CHUNK, max - total);
      if (want === 0) break;
      const chunk = Buffer.allocUnsafe(want);
      const got = block.read(io.pos, chunk, 0, want);
      if (got === 0) break;
      const nl = chunk.indexOf(10);
      const take = nl !== -1 && nl < got ? nl + 1 : got;
      chunks.push(chunk.subarray(0, take));
      total += take;
      io.pos += take;
      if (take < got || chunk[take - 1] === 10) break;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  }

  /** Writes all of `data` at the position (at the end in append mode) → bytes written. A string is `ERR_INVALID_ARG_TYPE`; `EBADF` if not writable, `EPERM` if sealed. */
  write(this: WriteThis<D>, data: ArrayBufferView | ArrayBuffer): number;
  write(data: ArrayBufferView | ArrayBuffer): number {
    const bytes = binaryData(data);
    this.#checkWrite();
    return this.#io.write(bytes, 0, bytes.byteLength);
  }

  /** Lines until their total length exceeds `hint` (hint <= 0 or omitted: all), as Python's readlines. */
  override readlines(this: ReadThis<D>, hint?: number | null): Buffer[];
  override readlines(hint?: number | null): Buffer[] {
    return super.readlines(hint);
  }

  /** Writes each item in turn (no newlines added), as Python's writelines. */
  override writelines(this: WriteThis<D>, items: Iterable<ArrayBufferView | ArrayBuffer>): void;
  override writelines(items: Iterable<unknown>): void {
    super.writelines(items);
  }

  /** Iterates over lines (`for (const line of handle)`), each ending with its `\n`. */
  override [Symbol.iterator](this: ReadThis<D>): Iterator<Buffer>;
  override [Symbol.iterator](): Iterator<Buffer> {
    return super[Symbol.iterator]();
  }

  /** Moves the position → the new position; `whence` 0 from the start, 1 from the position, 2 from the end. Before 0 → `EINVAL`. */
  seek(offset: number, whence?: 0 | 1 | 2 | null): number {
    const off = validateInt(offset, 'offset');
    const how = validateWhence(whence);
    if (this.#io.closed) throw closedError('lseek');
    return this.#io.seek(off, how);
  }

  /** The position in bytes. */
  tell(): number {
    if (this.#io.closed) throw closedError('lseek');
    return this.#io.pos;
  }

  /** Sets the file's size in bytes (default: the position; zero-fills when growing) → the new size. The position does not move. */
  truncate(this: WriteThis<D>, size?: number | null): number;
  truncate(size?: number | null): number {
    const length = given(size) ? validateUint(size, 'size') : undefined;
    const block = this.#checkWrite('ftruncate');
    const target = length ?? this.#io.pos;
    block.truncate(target);
    return target;
  }

  /** Nothing to flush on a raw handle; `EBADF` after close, as Python. */
  flush(): void {
    if (this.#io.closed) throw closedError('flush');
  }

  /** Closes the handle (idempotent); the block lives on while the MemFile or another handle holds it. */
  close(): void {
    const io = this.#io;
    if (io.closed) return;
    io.closed = true;
    this.#ref.release();
  }

  /** Reads up to `size` bytes at absolute `offset` without moving the position → `{ bytesRead, buffer }`, as `MemFile.pread`. `EBADF` if not readable. */
  pread(this: ReadThis<D>, offset: number, size: number): { bytesRead: number; buffer: Buffer };
  /** Reads up to `size` bytes at absolute `offset` into `buffer` (at its start) → `{ bytesRead, buffer }`, the same object. */
  pread<T extends ArrayBufferView>(this: ReadThis<D>, offset: number, size: number, buffer: T): { bytesRead: number; buffer: T };
  pread(offset: number, size: number, buffer?: ArrayBufferView | null): { bytesRead: number; buffer: ArrayBufferView } {
    if (typeof offset === 'object' && offset !== null) throw fsOrderError('offset', offset, 'pread');
    validateUint(offset, 'offset');
    validateUint(size, 'size');
    let target: Uint8Array | undefined;
    if (given(buffer)) {
      target = toBytes(buffer, 'buffer');
      if (target === undefined || buffer instanceof ArrayBuffer) {
        throw invalidArgType('buffer', 'an instance of Buffer, TypedArray or DataView', buffer);
      }
      if (target.byteLength < size) throw outOfRange('size', `<= buffer.byteLength (${target.byteLength})`, size);
    }
    const block = this.#checkRead('pread');
    if (target !== undefined) return { bytesRead: block.read(offset, target, 0, size), buffer: buffer as ArrayBufferView };
    const available = Math.min(size, Math.max(0, block.size() - offset));
    if (available > bufferConstants.MAX_LENGTH) throw tooLarge(available);
    const out = Buffer.allocUnsafe(available);
    const bytesRead = block.read(offset, out, 0, available);
    return { bytesRead, buffer: bytesRead === available ? out : out.subarray(0, bytesRead) };
  }

  /** Writes all of `data` at absolute `offset` without moving the position (POSIX pwrite, also in append mode) → bytes written. `EBADF` if not writable. */
  pwrite(this: WriteThis<D>, offset: number, data: ArrayBufferView | ArrayBuffer): number;
  pwrite(offset: number, data: ArrayBufferView | ArrayBuffer): number {
    if (typeof offset === 'object' && offset !== null) throw fsOrderError('offset', offset, 'pwrite');
    validateUint(offset, 'offset');
    const bytes = binaryData(data);
    const block = this.#checkWrite('pwrite');
    if (offset + bytes.byteLength > MAX_SAFE) throw outOfRange('offset', '<= 2^53-1 - data.byteLength', offset);
    block.write(offset, bytes, 0, bytes.byteLength);
    return bytes.byteLength;
  }
}
