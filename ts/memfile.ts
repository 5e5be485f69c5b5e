// MemFile: one block of RAM with a real OS file descriptor. Validation lives
// here (with ts/validate.ts); bytes move through the block (ts/block-ref.ts).
import { constants as bufferConstants } from 'node:buffer';
import { constants as fsConstants, openSync } from 'node:fs';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { BlockRef } from './block-ref';
import { closedError, fileTooLarge, fsOrderError, invalidArgType, invalidArgValue, outOfRange, systemError } from './errors';
import { kBlock } from './internal';
import { binding } from './native';
import { DEFAULT_NAME, kernelName, randomShmName, validateName, validateShmName } from './names';
import { given, MAX_SAFE, toBytes, validateBytes, validateOptions, validateUint } from './validate';
import { encodeText, decodeText } from './text-convert';
import { hideCloneGuard, markUncloneable } from './uncloneable';
import { sealBits, sealNames, SealName } from './seals';
// Types only: open, streams, fdpass and files load on first use.
import type * as Streams from './streams';
import type * as Modes from './modes';
import type * as Open from './open';
import type * as FdPass from './fdpass';
import type * as Files from './files';
import type { LoadedToken } from './native';
import type { RawHandle } from './handles/raw';
import type { BufferedReader, BufferedWriter, BufferedRandom } from './handles/buffered';
import type { TextHandle } from './handles/text';

/** Where a MemFile's bytes live: a Linux memfd, a named POSIX shm object, or process memory (no fd). */
export type Backing = 'memfd' | 'shm' | 'heap';

/** Options of `new MemFile(name, options)`. */
export interface MemFileOptions {
  /** Default 'auto': memfd on Linux, shm on other POSIX, heap elsewhere. */
  backing?: 'auto' | Backing | null;
  /** Initial size in bytes, zero-filled (sparse where the OS allows). */
  size?: number | null;
}

/** Options of `MemFile.from(data, options)`. */
export interface FromOptions extends MemFileOptions {
  /** The MemFile's name (default 'memfile'). */
  name?: string | null;
  /** Encoding of a string `data`; default 'utf-8'. */
  encoding?: string | null;
}

export interface FromFileOptions extends MemFileOptions {
  /** Default: the file's base name ('memfile' for an fd; an unguessable name for 'shm'). */
  name?: string | null;
}

export type { SaveOptions } from './files';

/** What `pread` returns, shaped like `fs.read`'s result. */
export interface PreadResult<T extends ArrayBufferView = Buffer> {
  /** Bytes read: fewer than asked only at the end of the file. */
  bytesRead: number;
  /** The caller's buffer (data at its start), or a fresh Buffer of exactly `bytesRead` bytes. */
  buffer: T;
}

/** Options of `mf.openFd(options)`. */
export interface OpenFdOptions {
  /** An `O_RDONLY` fd (default false: read-write). */
  readOnly?: boolean | null;
}

const BACKINGS: readonly Backing[] = ['memfd', 'shm', 'heap'];
const WRITE_SEALS = 0x08 | 0x10;

function resolveBacking(value: unknown): Backing {
  if (!given(value) || value === 'auto') {
    if (binding.haveMemfd) return 'memfd';
    return process.platform === 'win32' ? 'heap' : 'shm';
  }
  if (typeof value !== 'string') throw invalidArgType('options.backing', 'of type string', value);
  if (!(BACKINGS as readonly string[]).includes(value)) {
    throw invalidArgValue('options.backing', value, "must be one of 'auto', 'memfd', 'shm', 'heap'");
  }
  if (value === 'memfd' && !binding.haveMemfd) throw systemError('ENOTSUP', 'memfd_create', 'memfd needs Linux');
  return value as Backing;
}

// ts/files.ts, loaded on first use (fromFile/saveTo).
const files = (): typeof Files => require('./files') as typeof Files;

interface LoadRequest {
  source: Files.FileSource;
  backing: number;
  name: string;
  nativeName: string;
  size: number;
}

// The constructor's private first argument for from()/fromFd()/attach(): the block exists already.
const kAdopt = Symbol('memfile.adopt');
interface Adopted {
  ref: BlockRef;
  name: string | undefined;
}

const CLONE_ADVICE = 'a MemFile cannot be cloned: pass mf.fd and call MemFile.fromFd(fd) in the receiver';

/**
 * One block of RAM with a real OS file descriptor (Linux memfd, POSIX shm, or heap memory),
 * read and written at absolute offsets, through Python-style handles (`open`), streams and
 * zero-copy views, and shared with other processes through `fd`, `path` or `openFd()`.
 * Errors carry Node's codes (`EBADF` after close, `ERR_OUT_OF_RANGE`, ...).
 */
export class MemFile {
  /** The name given (default 'memfile'); also the memfd's name in /proc/<pid>/fd, or the shm object's name. */
  readonly name: string;
  /** What 'auto' resolved to: 'memfd', 'shm' or 'heap'. */
  readonly backing: Backing;
  #ref: BlockRef | null;
  #sealed = false;

  /**
   * A new empty block (or `options.size` zero bytes). A shm name is 1–200 of `[A-Za-z0-9._-]`
   * (taken → `EEXIST`); without one an unguessable name is picked. Bad options → `ERR_INVALID_ARG_VALUE`.
   */
  constructor(name?: string | null, options?: MemFileOptions | null) {
    markUncloneable(this, CLONE_ADVICE);
    if ((name as unknown) === kAdopt) {
      // fromFd()/fromFile()/attach(): the block exists already.
      const adopted = options as unknown as Adopted;
      const [backing, nativeName] = adopted.ref.identity();
      this.name = adopted.name ?? (nativeName || DEFAULT_NAME);
      this.backing = BACKINGS[backing];
      this.#ref = adopted.ref;
      return;
    }
    const opts = validateOptions(options);
    const backing = resolveBacking(opts.backing);
    const size = given(opts.size) ? validateUint(opts.size, 'options.size') : 0;
    let nativeName: string;
    if (backing === 'shm') {
      this.name = given(name) ? validateShmName(name) : randomShmName();
      nativeName = this.name;
    } else {
      this.name = validateName(name);
      nativeName = kernelName(this.name);
    }
    this.backing = backing;
    this.#ref = BlockRef.create(BACKINGS.indexOf(backing), nativeName, size);
    if (backing === 'shm') this.#ref.unlinkAtExit();
  }

  /** Internal: wrap a block made by fromFd/fromFile/attach. */
  static #wrap(ref: BlockRef, name: string | undefined): MemFile {
    const adopted: Adopted = { ref, name };
    return new MemFile(kAdopt as unknown as string, adopted as unknown as MemFileOptions);
  }

  /** @internal the block (null once closed), for open.ts and streams.ts through ts/internal.ts */
  get [kBlock](): BlockRef | null {
    return this.#ref;
  }

  /** A new MemFile holding `data` (a string is encoded with `options.encoding`, default utf-8; bytes are copied). */
  static from(data: string | ArrayBufferView | ArrayBuffer, options?: FromOptions | null): MemFile {
    const opts = validateOptions(options);
    let bytes: Uint8Array | undefined;
    if (typeof data === 'string') {
      if (given(opts.encoding) && typeof opts.encoding !== 'string') {
        throw invalidArgType('options.encoding', 'of type string', opts.encoding);
      }
      bytes = encodeText(data, given(opts.encoding) ? opts.encoding : 'utf-8');
    } else {
      bytes = toBytes(data, 'data');
      if (bytes === undefined) {
        throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, DataView or ArrayBuffer', data);
      }
    }
    const size = given(opts.size) ? validateUint(opts.size, 'options.size') : 0;
    const file = new MemFile(opts.name as string | undefined, { backing: opts.backing as MemFileOptions['backing'] });
    try {
      file.pwrite(0, bytes);
      if (size > bytes.byteLength) file.truncate(size);
    } catch (error) {
      file.close();
      throw error;
    }
    return file;
  }

  /**
   * Wraps an fd received from a parent, a worker or `MemFile.listen` (a memfd, or a file on tmpfs);
   * the fd is duplicated, the caller keeps and closes its own. Another kind of fd → `EINVAL`.
   */
  static fromFd(fd: number, options?: { name?: string | null } | null): MemFile {
    validateUint(fd, 'fd', 0x7fffffff);
    const opts = validateOptions(options);
    const name = given(opts.name) ? validateName(opts.name, 'options.name') : undefined;
    return MemFile.#wrap(BlockRef.fromFd(fd), name);
  }

  /** A whole file copied into a new MemFile by the kernel, off the event loop; an fd is read from offset 0. */
  static async fromFile(file: string | URL | number, options?: FromFileOptions | null): Promise<MemFile> {
    const req = MemFile.#loadRequest(file, options);
    return MemFile.#adopt(await files().load(req.source, req.backing, req.nativeName), req);
  }

  /** fromFile, blocking: for scripts. */
  static fromFileSync(file: string | URL | number, options?: FromFileOptions | null): MemFile {
    const req = MemFile.#loadRequest(file, options);
    return MemFile.#adopt(files().loadSync(req.source, req.backing, req.nativeName), req);
  }

  static #loadRequest(file: unknown, options: unknown): LoadRequest {
    const source = files().fileArg(file);
    const opts = validateOptions(options);
    const backing = resolveBacking(opts.backing);
    const size = given(opts.size) ? validateUint(opts.size, 'options.size') : 0;
    let name: string;
    let nativeName: string;
    if (backing === 'shm') {
      // A shm name is machine-wide: the file's own name may be taken, so it is never claimed by default.
      name = nativeName = given(opts.name) ? validateShmName(opts.name, 'options.name') : randomShmName();
    } else {
      name = given(opts.name) ? validateName(opts.name, 'options.name') : files().defaultName(source);
      nativeName = kernelName(name);
    }
    return { source, backing: BACKINGS.indexOf(backing), name, nativeName, size };
  }

  static #adopt(token: LoadedToken, req: LoadRequest): MemFile {
    const ref = BlockRef.adopt(token);
    const file = MemFile.#wrap(ref, req.name);
    if (BACKINGS[req.backing] === 'shm') ref.unlinkAtExit();
    if (req.size > file.size) {
      try {
        file.truncate(req.size);
      } catch (error) {
        file.close();
        throw error;
      }
    }
    return file;
  }

  /** Opens a named shm block another process created (`ENOENT` if none); `readOnly` → writes fail with `EBADF`. */
  static attach(name: string, options?: { readOnly?: boolean | null } | null): MemFile {
    const bare = validateShmName(name);
    const opts = validateOptions(options);
    if (given(opts.readOnly) && typeof opts.readOnly !== 'boolean') {
      throw invalidArgType('options.readOnly', 'of type boolean', opts.readOnly);
    }
    return MemFile.#wrap(BlockRef.attach(bare, opts.readOnly === true), bare);
  }

  /** Accepts MemFiles other processes send to a Unix socket at `path`: `onFile(mf, { message, pid, uid, gid })` per connection. Path taken → `EADDRINUSE`. */
  static listen(path: string, onFile: FdPass.OnFile): FdPass.MemFileServer {
    return (require('./fdpass') as typeof FdPass).listen(path, onFile);
  }

  /** Hands `mf`'s fd to whoever listens at `path` (SCM_RIGHTS; Python's socket.recv_fds works too). */
  static send(path: string, mf: MemFile, message?: string | ArrayBufferView | null): Promise<void> {
    return (require('./fdpass') as typeof FdPass).send(path, mf, message);
  }

  #open(syscall: string): BlockRef {
    const ref = this.#ref;
    if (ref === null) throw closedError(syscall);
    return ref;
  }

  /** The name. */
  toString(): string {
    return this.name;
  }

  /** The current size in bytes (exact, may exceed 4 GiB; follows other processes' changes once shared). `EBADF` after close. */
  get size(): number {
    if (this.#ref === null) throw closedError('fstat');
    return this.#ref.size();
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#ref === null;
  }

  /** True until `close()`. */
  get readable(): boolean {
    return this.#ref !== null;
  }

  /** False once sealed, for a read-only attach or fd, and after `close()`. */
  get writable(): boolean {
    return this.#ref !== null && this.#ref.writable;
  }

  /** True when writes are sealed off (`seal()`, by this process or another); writes then fail with `EPERM`. */
  get sealed(): boolean {
    return this.#ref === null ? this.#sealed : this.#ref.sealed;
  }

  /**
   * The OS file descriptor (close-on-exec), for `spawn`'s stdio (a child opens `/dev/fd/<k>`) or a
   * worker's `MemFile.fromFd`. Every holder shares its file offset: a child's stdin/stdout wants
   * `openFd()`. `ENOTSUP` on heap, `EBADF` after close.
   */
  get fd(): number {
    return this.#open('fd').fd();
  }

  /** A path other processes of this user can open while this process lives: /proc/<pid>/fd/<fd> (memfd) or /dev/shm/<name> (shm). `ENOTSUP` on heap. */
  get path(): string {
    const ref = this.#open('path');
    if (this.backing === 'shm') return `/dev/shm/${this.name}`;
    const fd = ref.fd();
    return `/proc/${process.pid}/fd/${fd}`;
  }

  /**
   * A new fd on the same file with its own file offset, starting at 0 (a new open file description),
   * for a child's stdin or stdout: each child gets its own, where a shared `mf.fd` would leave the next
   * child where the last one stopped. Close-on-exec; the caller closes it (`fs.closeSync`). `readOnly`
   * → `O_RDONLY`. `ENOTSUP` on heap, `EBADF` after close or (without `readOnly`) on a read-only MemFile.
   */
  openFd(options?: OpenFdOptions | null): number {
    const opts = validateOptions(options);
    if (given(opts.readOnly) && typeof opts.readOnly !== 'boolean') {
      throw invalidArgType('options.readOnly', 'of type boolean', opts.readOnly);
    }
    const ref = this.#open('open');
    if (this.backing === 'heap') throw systemError('ENOTSUP', 'open', 'the heap backing has no file to open');
    const readOnly = opts.readOnly === true;
    if (!readOnly && !ref.openedWritable) {
      throw systemError('EBADF', 'open', `'${this.name}' is read-only: pass { readOnly: true }`);
    }
    const fd = ref.fd(); // from now on the block is shared
    // /proc/self/fd/N opens the file anew (its own offset), whatever the backing; fs.openSync
    // adds O_CLOEXEC (libuv), so the fd leaks into no child that is not given it.
    const flags = readOnly ? fsConstants.O_RDONLY : fsConstants.O_RDWR;
    let path = `/proc/self/fd/${fd}`;
    if (process.platform !== 'linux') {
      if (this.backing !== 'shm') throw systemError('ENOTSUP', 'open', 'no path reopens this fd here');
      path = `/dev/shm/${this.name}`;
    }
    return openSync(path, flags);
  }

  /**
   * Reads up to `size` bytes at byte `offset` → `{ bytesRead, buffer }` (short only at EOF). Into `buffer`
   * when given (at its start; smaller than `size` → `ERR_OUT_OF_RANGE`), else a fresh Buffer. Note the
   * order: (offset, size, buffer?), not fs.read's.
   */
  pread(offset: number, size: number, buffer?: null): PreadResult<Buffer>;
  /** Reads up to `size` bytes at byte `offset` into `buffer` (at its start) → `{ bytesRead, buffer }`, the same object. */
  pread<T extends ArrayBufferView>(offset: number, size: number, buffer: T): PreadResult<T>;
  pread(offset: number, size: number, buffer?: ArrayBufferView | null): PreadResult<ArrayBufferView> {
    const open = this.#ref;
    if (
      buffer instanceof Uint8Array && open !== null &&
      typeof offset === 'number' && typeof size === 'number' &&
      Number.isSafeInteger(offset) && Number.isSafeInteger(size) &&
      offset >= 0 && size >= 0 && size <= buffer.byteLength
    ) {
      // The common case, checked in one go; anything unusual takes the path below.
      return { bytesRead: open.read(offset, buffer, 0, size), buffer };
    }
    if (typeof offset === 'object' && offset !== null) throw fsOrderError('offset', offset, 'pread');
    validateUint(offset, 'offset');
    validateUint(size, 'size');
    const ref = this.#ref;
    if (ref === null) throw closedError('read');
    if (buffer !== undefined && buffer !== null) {
      const target = buffer instanceof Uint8Array ? buffer : toBytes(buffer, 'buffer');
      if (target === undefined || buffer instanceof ArrayBuffer) {
        throw invalidArgType('buffer', 'an instance of Buffer, TypedArray or DataView', buffer);
      }
      if (target.byteLength < size) {
        throw outOfRange('size', `<= buffer.byteLength (${target.byteLength})`, size);
      }
      return { bytesRead: ref.read(offset, target, 0, size), buffer };
    }
    const available = Math.min(size, Math.max(0, ref.size() - offset));
    if (available > bufferConstants.MAX_LENGTH) throw fileTooLarge(available);
    const out = Buffer.allocUnsafe(available);
    const bytesRead = ref.read(offset, out, 0, available);
    return { bytesRead, buffer: bytesRead === available ? out : out.subarray(0, bytesRead) };
  }

  /** Writes all of `data` (a string is UTF-8) at byte `offset` → bytes written; past EOF the gap reads as zeros. `EPERM` when sealed. */
  pwrite(offset: number, data: string | ArrayBufferView | ArrayBuffer): number {
    if (typeof offset === 'object' && offset !== null) throw fsOrderError('offset', offset, 'pwrite');
    validateUint(offset, 'offset');
    let bytes: Uint8Array;
    if (data instanceof Uint8Array) bytes = data;
    else if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
    else bytes = validateBytes(data, 'data');
    const length = bytes.byteLength;
    if (offset + length > MAX_SAFE) {
      throw outOfRange('offset', `<= 2^53-1 - data.byteLength`, offset);
    }
    const ref = this.#ref;
    if (ref === null) throw closedError('write');
    ref.write(offset, bytes, 0, length);
    return length;
  }

  /** Writes the whole content to a file (flag and mode as fs.writeFile) off the event loop → bytes written. */
  async saveTo(file: string | URL | number, options?: Files.SaveOptions | null): Promise<number> {
    const req = files().saveRequest(file, options);
    return files().save(this.#open('write').saveSource(), req);
  }

  /** saveTo, blocking: for scripts. */
  saveToSync(file: string | URL | number, options?: Files.SaveOptions | null): number {
    const req = files().saveRequest(file, options);
    return files().saveSync(this.#open('write').saveSource(), req);
  }

  /** Sets the size in bytes (shrinks, or extends with zeros) → the new size. */
  truncate(length: number): number {
    validateUint(length, 'length');
    return this.#open('ftruncate').truncate(length);
  }

  /** A copy of the whole content (over 4 GiB → `ERR_FS_FILE_TOO_LARGE`). */
  bytes(): Buffer {
    const ref = this.#ref;
    if (ref === null) throw closedError('read');
    const size = ref.size();
    if (size > bufferConstants.MAX_LENGTH) throw fileTooLarge(size);
    const out = Buffer.allocUnsafe(size);
    const n = ref.read(0, out, 0, size);
    return n === size ? out : out.subarray(0, n);
  }

  /** The whole content decoded (default utf-8; Python's and Node's encoding names; strict: bad bytes → `ERR_ENCODING_INVALID_ENCODED_DATA`). */
  text(encoding: string | null = 'utf-8'): string {
    if (given(encoding) && typeof encoding !== 'string') throw invalidArgType('encoding', 'of type string', encoding);
    const bytes = this.bytes();
    return decodeText(bytes, given(encoding) ? encoding : 'utf-8');
  }

  /**
   * A zero-copy Buffer onto bytes [offset, offset + length) of the block (default: to the end): writes
   * through it are seen by every handle and process. Detached (length 0) when this process shrinks the
   * file below it, seals or closes it. Past the end → `ERR_OUT_OF_RANGE`.
   */
  view(offset?: number | null, length?: number | null): Buffer {
    offset = given(offset) ? validateUint(offset, 'offset') : 0;
    const ref = this.#open('mmap');
    const size = ref.size();
    if (offset > size) throw outOfRange('offset', `<= size (${size})`, offset);
    const len = given(length) ? validateUint(length, 'length') : size - offset;
    if (len > size - offset) throw outOfRange('length', `<= size - offset (${size - offset})`, len);
    if (len > bufferConstants.MAX_LENGTH) throw outOfRange('length', `<= ${bufferConstants.MAX_LENGTH}`, len);
    if (len === 0) return Buffer.alloc(0);
    return Buffer.from(ref.view(offset, len));
  }

  /** A node:stream Readable of bytes [start, end] (end inclusive, default to EOF), as `fs.createReadStream`; chunks are copies. */
  createReadStream(options?: Streams.ReadStreamOptions | null): Streams.MemFileReadStream {
    return (require('./streams') as typeof Streams).createReadStream(this, options);
  }

  /** A node:stream Writable from `start`, as fs.createWriteStream (flags 'w' truncates, 'a' appends). */
  createWriteStream(options?: Streams.WriteStreamOptions | null): Streams.MemFileWriteStream {
    return (require('./streams') as typeof Streams).createWriteStream(this, options);
  }

  /** A WHATWG `ReadableStream` of bytes (BYOB readers fill their own buffer) of the whole content, read lazily. */
  stream(): import('node:stream/web').ReadableStream<Uint8Array> {
    return (require('./streams') as typeof Streams).webStream(this);
  }

  /**
   * A new handle with its own position, as Python's open(): binary + buffering 0 → RawHandle,
   * binary → BufferedReader ('rb') / BufferedWriter ('wb' 'ab' 'xb') / BufferedRandom ('+'), text → TextHandle.
   * Mode letters as Python (`r w a x`, `+`, `b`/`t`); 'w' truncates, 'x' on a non-empty file → `EEXIST`.
   */
  open(mode: Modes.ReadBinaryMode, options: Modes.BinaryOpenOptions & { buffering: 0 }): RawHandle<'r'>;
  /** Binary with `buffering: 0`: a RawHandle (Python's FileIO), every call straight to the block. */
  open(mode: Modes.WriteBinaryMode, options: Modes.BinaryOpenOptions & { buffering: 0 }): RawHandle<'w'>;
  /** Binary with `buffering: 0`: a RawHandle (Python's FileIO), every call straight to the block. */
  open(mode: Modes.UpdateBinaryMode, options: Modes.BinaryOpenOptions & { buffering: 0 }): RawHandle<'rw'>;
  /** Binary with `buffering: 0`, the direction not known statically: a RawHandle typed with both. */
  open(mode: Modes.BinaryMode, options: Modes.BinaryOpenOptions & { buffering: 0 }): RawHandle;
  /** `'rb'`: a BufferedReader (reads only), with its own position from 0. */
  open(mode: Modes.ReadBinaryMode, options?: Modes.BinaryOpenOptions | null): BufferedReader;
  /** `'wb'` (truncates), `'ab'` (appends), `'xb'` (`EEXIST` unless empty): a BufferedWriter (writes only). */
  open(mode: Modes.WriteBinaryMode, options?: Modes.BinaryOpenOptions | null): BufferedWriter;
  /** `'rb+'`, `'wb+'`, `'ab+'`, `'xb+'`: a BufferedRandom (reads and writes on one position). */
  open(mode: Modes.UpdateBinaryMode, options?: Modes.BinaryOpenOptions | null): BufferedRandom;
  /** `'r'` (the default), `'rt'`: a TextHandle that reads strings (`encoding` default 'utf-8'). */
  open(mode?: Modes.ReadTextMode | null, options?: Modes.TextOpenOptions | null): TextHandle<'r'>;
  /** `'w'` (truncates), `'a'` (appends), `'x'` (`EEXIST` unless empty): a TextHandle that writes strings. */
  open(mode: Modes.WriteTextMode, options?: Modes.TextOpenOptions | null): TextHandle<'w'>;
  /** `'r+'`, `'w+'`, `'a+'`, `'x+'`: a TextHandle that reads and writes strings. */
  open(mode: Modes.UpdateTextMode, options?: Modes.TextOpenOptions | null): TextHandle<'rw'>;
  /** A mode known only at run time: any handle, typed with both directions (a wrong-direction call throws `EBADF`). */
  open(mode?: string | null, options?: Modes.OpenOptions | null): Open.DynamicHandle;
  open(mode?: string | null, options?: Modes.OpenOptions | null): Open.AnyHandle {
    return (require('./open') as typeof Open).openFile(this, mode, options);
  }

  /**
   * Adds seals (Linux memfd only, else `ENOTSUP`), binding every process: without an argument `'shrink'`,
   * `'grow'`, `'write'` and `'seal'` at once, freezing content and size; writes then fail with `EPERM`.
   */
  seal(seals?: SealName | readonly SealName[] | null): void {
    const bits = sealBits(seals);
    this.#open('fcntl').seal(bits);
    if ((bits & WRITE_SEALS) !== 0) this.#sealed = true;
  }

  /** The seals on the file now, asked of the kernel: `[]` on shm and heap. */
  get seals(): SealName[] {
    return sealNames(this.#open('fcntl').seals());
  }

  /** Drops this reference (idempotent); handles and streams opened earlier keep working. Then every method throws `EBADF`. */
  close(): void {
    const ref = this.#ref;
    if (ref === null) return;
    this.#sealed = ref.sealed;
    this.#ref = null;
    ref.detachViews();
    ref.release();
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** What `console.log(mf)` shows: `MemFile { name, backing, size, closed }`. */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    if (depth < 0) return options.stylize('[MemFile]', 'special');
    const show = (value: unknown): string => inspect(value, options);
    const size = this.#ref === null ? '' : `, size: ${show(this.#ref.size())}`;
    return `MemFile { name: ${show(this.name)}, backing: ${show(this.backing)}${size}, closed: ${show(this.closed)} }`;
  }
}

hideCloneGuard(MemFile.prototype);
