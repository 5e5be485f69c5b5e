// RawHandle ≈ io.FileIO over the block: its own position, every call goes
// straight to the block (one native copy), nothing is buffered. In append
// mode every write lands at the current end, as with O_APPEND.
import { constants as bufferConstants } from 'node:buffer';
import type { BlockRef } from '../block-ref';
import { fileTooLarge as tooLarge, invalidArgType, invalidArgValue, outOfRange, systemError } from '../errors';
import { given, MAX_SAFE, toBytes, validateInt, validateUint } from '../validate';
import { binaryData, closedError, IOBase, notReadable, notWritable, optionalInt, readintoTarget } from './base';

export interface RawConfig {
  name: string;
  /** FileIO's mode string ('rb', 'wb', 'ab', 'xb', 'rb+', 'ab+', 'xb+') */
  mode: string;
  readable: boolean;
  writable: boolean;
  appending: boolean;
}

const LINE_CHUNK = 256;

export function validateWhence(value: unknown): 0 | 1 | 2 {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw invalidArgType('whence', 'of type number', value);
  if (value !== 0 && value !== 1 && value !== 2) throw invalidArgValue('whence', value, 'must be 0 (set), 1 (current) or 2 (end)');
  return value;
}

export const seekBeforeStart = (): Error => systemError('EINVAL', 'lseek', 'Invalid argument (seek before the start of the file)');

export class RawHandle extends IOBase<Buffer> {
  /** @internal the position (FileIO's fd offset) */
  _pos = 0;
  /** @internal */
  _closed = false;
  #ref: BlockRef;
  readonly #readable: boolean;
  readonly #writable: boolean;
  readonly #appending: boolean;

  /** @internal handles come from MemFile.open() */
  constructor(ref: BlockRef, config: RawConfig) {
    super(config.name, config.mode);
    ref.acquire();
    this.#ref = ref;
    this.#readable = config.readable;
    this.#writable = config.writable;
    this.#appending = config.appending;
    // FileIO seeks to the end at open in append mode, so tell() is right before the first write.
    if (this.#appending) this._pos = this.#ref.size();
  }

  get closed(): boolean {
    return this._closed;
  }

  get readable(): boolean {
    return !this._closed && this.#readable;
  }

  get writable(): boolean {
    return !this._closed && this.#writable;
  }

  get seekable(): boolean {
    return !this._closed;
  }

  get fd(): number {
    if (this._closed) throw closedError('fd');
    return this.#ref.native.fd();
  }

  #checkRead(syscall = 'read'): BlockRef {
    if (this._closed) throw closedError(syscall);
    if (!this.#readable) throw notReadable(syscall);
    return this.#ref;
  }

  #checkWrite(syscall = 'write'): BlockRef {
    if (this._closed) throw closedError(syscall);
    if (!this.#writable) throw notWritable(syscall);
    return this.#ref;
  }

  /** Up to `size` bytes from the position (size < 0: to the end). */
  read(size?: number | null): Buffer {
    const n = optionalInt(size, 'size');
    const block = this.#checkRead();
    if (n < 0) return this.#readAll(block);
    return this.#readUpTo(block, n);
  }

  readall(): Buffer {
    return this.#readAll(this.#checkRead());
  }

  #readAll(block: BlockRef): Buffer {
    const available = Math.max(0, block.size() - this._pos);
    if (available > bufferConstants.MAX_LENGTH) throw tooLarge(available);
    return this.#readUpTo(block, available);
  }

  #readUpTo(block: BlockRef, n: number): Buffer {
    const length = Math.min(n, Math.max(0, block.size() - this._pos));
    if (length === 0) return Buffer.alloc(0);
    if (length > bufferConstants.MAX_LENGTH) throw tooLarge(length);
    const out = Buffer.allocUnsafe(length);
    const got = block.read(this._pos, out, 0, length);
    this._pos += got;
    return got === length ? out : out.subarray(0, got);
  }

  readinto(buffer: ArrayBufferView | ArrayBuffer): number {
    const target = readintoTarget(buffer);
    const block = this.#checkRead('readinto');
    const got = block.read(this._pos, target, 0, target.byteLength);
    this._pos += got;
    return got;
  }

  /** A line ending in '\n' (or EOF, or `limit` bytes), as IOBase.readline over read(1) — but in chunks. */
  readline(limit?: number | null): Buffer {
    const max = optionalInt(limit, 'limit');
    const block = this.#checkRead('readline');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = max < 0 ? LINE_CHUNK : Math.min(LINE_CHUNK, max - total);
      if (want === 0) break;
      const chunk = Buffer.allocUnsafe(want);
      const got = block.read(this._pos, chunk, 0, want);
      if (got === 0) break;
      const nl = chunk.indexOf(10);
      const take = nl !== -1 && nl < got ? nl + 1 : got;
      chunks.push(chunk.subarray(0, take));
      total += take;
      this._pos += take;
      if (take < got || chunk[take - 1] === 10) break;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  }

  write(data: ArrayBufferView | ArrayBuffer): number {
    const bytes = binaryData(data);
    this.#checkWrite();
    return this._write(bytes, 0, bytes.byteLength);
  }

  /** @internal write source[start, start+length) at the position (or the end in append mode) */
  _write(source: Uint8Array, start: number, length: number): number {
    if (length === 0) return 0; // write(2) of nothing moves nothing, even with O_APPEND
    const at = this.#appending ? this.#ref.size() : this._pos;
    if (at + length > MAX_SAFE) throw outOfRange('position', '<= 2^53-1 - data.byteLength', at);
    this.#ref.write(at, source, start, length);
    this._pos = at + length;
    return length;
  }

  /** @internal read into target[start..] at the position */
  _readInto(target: Uint8Array, start: number, length: number): number {
    const got = this.#ref.read(this._pos, target, start, length);
    this._pos += got;
    return got;
  }

  /** @internal the block's current size */
  _size(): number {
    return this.#ref.size();
  }

  seek(offset: number, whence?: 0 | 1 | 2 | null): number {
    const off = validateInt(offset, 'offset');
    const how = validateWhence(whence);
    if (this._closed) throw closedError('lseek');
    return this._seek(off, how);
  }

  /** @internal lseek(): EINVAL before 0, nothing changed then */
  _seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this._pos : this.#ref.size();
    const target = base + offset;
    if (target < 0) throw seekBeforeStart();
    if (target > MAX_SAFE) throw outOfRange('offset', 'a position <= 2^53-1', offset);
    this._pos = target;
    return target;
  }

  tell(): number {
    if (this._closed) throw closedError('lseek');
    return this._pos;
  }

  /** Sets the size (default: the position); the position does not move. */
  truncate(size?: number | null): number {
    const length = given(size) ? validateUint(size, 'size') : undefined;
    const block = this.#checkWrite('ftruncate');
    const target = length ?? this._pos;
    block.native.truncate(target);
    return target;
  }

  flush(): void {
    if (this._closed) throw closedError('flush');
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.#ref.release();
  }

  /** Reads at an absolute offset without moving the position (as MemFile.pread). */
  pread(offset: number, size: number): { bytesRead: number; buffer: Buffer };
  pread<T extends ArrayBufferView>(offset: number, size: number, buffer: T): { bytesRead: number; buffer: T };
  pread(offset: number, size: number, buffer?: ArrayBufferView | null): { bytesRead: number; buffer: ArrayBufferView } {
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

  /** Writes all of `data` at an absolute offset without moving the position (POSIX pwrite, also in append mode). */
  pwrite(offset: number, data: ArrayBufferView | ArrayBuffer): number {
    validateUint(offset, 'offset');
    const bytes = binaryData(data);
    const block = this.#checkWrite('pwrite');
    if (offset + bytes.byteLength > MAX_SAFE) throw outOfRange('offset', '<= 2^53-1 - data.byteLength', offset);
    block.write(offset, bytes, 0, bytes.byteLength);
    return bytes.byteLength;
  }
}
