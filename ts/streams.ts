// Streams over a MemFile's block: node:stream Readable/Writable with
// fs.createReadStream / fs.createWriteStream semantics, and a WHATWG byte
// stream. Every stream holds its own reference to the block (as a handle
// does), so closing the MemFile does not break a stream in flight; the
// reference is dropped when the stream ends, errors or is destroyed.
//
// Where bytes are copied: a read stream's chunks are fresh copies (one copy
// out of the block per chunk, ts/block-ref.ts). A view() would be zero-copy but
// is never safe to hand out as a chunk: on an unsealed file the bytes change
// under the consumer, and on any file a view is detached (length 0) when the
// MemFile closes, which would empty chunks a consumer still holds. On a sealed
// file a view is also a fresh private mapping whose page faults cost more than
// copying 64 KiB. stream() BYOB reads land directly in the caller's buffer.
import { Readable, Writable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import type { ReadableByteStreamController, UnderlyingByteSource } from 'node:stream/web';
import type { BlockRef } from './block-ref';
import { codedError, invalidArgValue, outOfRange, systemError } from './errors';
import { blockOf } from './internal';
import type { MemFile } from './memfile';
import { parseWriteFlags } from './modes';
import { given, MAX_SAFE, validateAbortSignal, validateInteger, validateOptions } from './validate';
import { hideCloneGuard, markUncloneable } from './uncloneable';

const CLONE_ADVICE = 'a MemFile stream cannot be cloned: pass mf.fd, call MemFile.fromFd(fd) in the receiver and make the stream there';

export const DEFAULT_READ_CHUNK = 64 * 1024;

export interface ReadStreamOptions {
  /** First byte to read (default 0). */
  start?: number | null;
  /** Last byte to read, inclusive (default Infinity: to EOF, as it is when each chunk is read). */
  end?: number | null;
  /** Chunk size and buffering limit in bytes (default 64 KiB). */
  highWaterMark?: number | null;
  /** Emit strings in this Node encoding instead of Buffers. */
  encoding?: BufferEncoding | null;
  signal?: AbortSignal | null;
}

export interface WriteStreamOptions {
  /** Where the first write lands (default 0); ignored for append flags, as on Linux. */
  start?: number | null;
  /** As fs: 'w' (default) truncates at creation, 'r+' keeps the content, 'a' appends; 'x' fails with EEXIST unless empty. */
  flags?: string | null;
  /** Default encoding of strings written (default 'utf8'). */
  encoding?: BufferEncoding | null;
  highWaterMark?: number | null;
  signal?: AbortSignal | null;
}

// ---- stream options (Node's codes and messages, as fs.create*Stream) ----

function highWaterMark(value: unknown): number | undefined {
  if (!given(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'options.highWaterMark' is invalid. Received ${String(value)}`);
  }
  return value;
}

function encoding(value: unknown): BufferEncoding | undefined {
  if (!given(value)) return undefined;
  if (typeof value !== 'string' || !Buffer.isEncoding(value)) {
    throw invalidArgValue('encoding', value, 'is invalid encoding');
  }
  return value;
}

/** Takes a reference to the block that outlives mf.close(); release() is idempotent. */
function hold(file: MemFile): { ref: BlockRef; release(): void } {
  const ref = blockOf(file);
  ref.acquire();
  let held = true;
  return {
    ref,
    release() {
      if (held) {
        held = false;
        ref.release();
      }
    },
  };
}

// ---- createReadStream ----

/** What `mf.createReadStream()` returns: a `node:stream` Readable of the block's bytes, as `fs.ReadStream`. */
export class MemFileReadStream extends Readable {
  /** First byte of the range, as given (default 0). */
  readonly start: number;
  /** Last byte of the range, inclusive, as given (default Infinity: to EOF). */
  readonly end: number;
  /** Bytes pushed so far. */
  bytesRead = 0;
  #pos: number;
  #chunk: number;
  #block: ReturnType<typeof hold>;

  /** Not for direct use: `mf.createReadStream()`. */
  constructor(file: MemFile, opts?: ReadStreamOptions | null) {
    const o = validateOptions(opts);
    const start = given(o.start) ? validateInteger(o.start, 'start', 0) : 0;
    let end = Infinity;
    if (given(o.end) && o.end !== Infinity) end = validateInteger(o.end, 'end', 0);
    if (start > end) throw outOfRange('start', `<= "end" (here: ${end})`, start);
    const hwm = highWaterMark(o.highWaterMark);
    const enc = encoding(o.encoding);
    const sig = validateAbortSignal(o.signal, 'options.signal');
    const block = hold(file); // last: throws EBADF on a closed MemFile, before anything is held
    super({ highWaterMark: hwm ?? DEFAULT_READ_CHUNK, encoding: enc, signal: sig });
    markUncloneable(this, CLONE_ADVICE);
    this.start = start;
    this.end = end;
    this.#pos = start;
    // fs would end at once for highWaterMark 0; we read default-sized chunks instead.
    this.#chunk = hwm || DEFAULT_READ_CHUNK;
    this.#block = block;
  }

  /** @internal node:stream's implementation hook */
  override _read(): void {
    // With an encoding, a chunk holding only part of a character decodes to
    // nothing and Readable would wait for a push that never comes (our pushes
    // are synchronous): read on until something was buffered or the end.
    let before: number;
    do before = this.readableLength;
    while (this.#pushChunk() && this.readableLength === before);
  }

  /** Pushes the next chunk; false at the end or on an error. */
  #pushChunk(): boolean {
    // The size is read per chunk, as fs reads until a read returns 0: bytes
    // appended while the stream runs are delivered (up to `end`).
    const want = Math.min(this.#chunk, this.end - this.#pos + 1);
    let chunk: Buffer | undefined;
    let n = 0;
    try {
      const ref = this.#block.ref;
      const available = Math.min(want, ref.size() - this.#pos);
      if (available > 0) {
        chunk = Buffer.allocUnsafe(available);
        n = ref.readWarm(this.#pos, chunk, 0, available);
      }
    } catch (error) {
      this.destroy(error as Error);
      return false;
    }
    if (chunk === undefined || n === 0) {
      this.push(null); // also when another process shrank the file since size()
      return false;
    }
    this.#pos += n;
    this.bytesRead += n;
    this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    return true;
  }

  /** @internal node:stream's implementation hook */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#block.release();
    callback(error);
  }
}

hideCloneGuard(MemFileReadStream.prototype);

export function createReadStream(file: MemFile, opts?: ReadStreamOptions | null): MemFileReadStream {
  return new MemFileReadStream(file, opts);
}

// ---- createWriteStream ----

/** What `mf.createWriteStream()` returns: a `node:stream` Writable into the block, as `fs.WriteStream`. */
export class MemFileWriteStream extends Writable {
  /** Where the first write lands (ignored for append flags). */
  readonly start: number;
  /** The fs flag given ('w', 'r+', 'a', 'wx', ...). */
  readonly flags: string;
  /** Bytes written so far. */
  bytesWritten = 0;
  #pos: number;
  #append: boolean;
  #block: ReturnType<typeof hold>;
  #openError: Error | null = null;

  /** Not for direct use: `mf.createWriteStream()`. */
  constructor(file: MemFile, opts?: WriteStreamOptions | null) {
    const o = validateOptions(opts);
    const start = given(o.start) ? validateInteger(o.start, 'start', 0) : 0;
    const { flags, ...mode } = parseWriteFlags(o.flags);
    const enc = encoding(o.encoding);
    const hwm = highWaterMark(o.highWaterMark);
    const sig = validateAbortSignal(o.signal, 'options.signal');
    const block = hold(file);
    super({ highWaterMark: hwm, defaultEncoding: enc, signal: sig });
    markUncloneable(this, CLONE_ADVICE);
    this.start = start;
    this.flags = flags;
    this.#pos = start;
    this.#append = mode.append;
    this.#block = block;
    // "Opening" is synchronous (so 'w' has truncated when this returns, and
    // writes land in the block during write()); as with fs, a failure to open
    // is reported as the stream's 'error', and no write gets past it.
    try {
      const ref = block.ref;
      if (mode.exclusive && ref.size() > 0) {
        throw systemError('EEXIST', 'open', "the MemFile is not empty (flag 'x')");
      }
      if (mode.truncate) ref.truncate(0);
    } catch (error) {
      this.#openError = error as Error;
      process.nextTick(() => this.destroy(error as Error));
    }
  }

  #put(chunk: Buffer): void {
    if (this.#openError !== null) throw this.#openError;
    const ref = this.#block.ref;
    const at = this.#append ? ref.size() : this.#pos;
    if (at + chunk.length > MAX_SAFE) throw outOfRange('position', '<= 2^53-1 - chunk.length', at);
    ref.write(at, chunk, 0, chunk.length);
    this.#pos = at + chunk.length;
    this.bytesWritten += chunk.length;
  }

  /** @internal node:stream's implementation hook */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.#put(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  // Corked or backed-up writes arrive together: one callback for the batch,
  // each chunk copied straight into the block (no concatenation).
  /** @internal node:stream's implementation hook */
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    try {
      for (const { chunk } of chunks) this.#put(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  /** @internal node:stream's implementation hook */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#block.release();
    callback(error);
  }
}

hideCloneGuard(MemFileWriteStream.prototype);

export function createWriteStream(file: MemFile, opts?: WriteStreamOptions | null): MemFileWriteStream {
  return new MemFileWriteStream(file, opts);
}

// ---- stream(): WHATWG byte stream ----

/**
 * A `ReadableStream` of type 'bytes' over the whole content, read lazily to
 * EOF. BYOB readers get bytes copied straight into their buffer; default
 * readers get 64 KiB chunks (autoAllocateChunkSize).
 */
export function webStream(file: MemFile): ReadableStream<Uint8Array> {
  const block = hold(file);
  let pos = 0;
  const source: UnderlyingByteSource = {
    type: 'bytes',
    autoAllocateChunkSize: DEFAULT_READ_CHUNK,
    pull(controller: ReadableByteStreamController) {
      // With autoAllocateChunkSize there is always a BYOB request to fill.
      const request = controller.byobRequest!;
      const view = request.view!;
      const target = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      let n: number;
      try {
        n = block.ref.readWarm(pos, target, 0, target.byteLength);
      } catch (error) {
        block.release();
        throw error; // errors the stream
      }
      if (n === 0) {
        block.release();
        controller.close();
        request.respond(0);
        return;
      }
      pos += n;
      request.respond(n);
    },
    cancel() {
      block.release();
    },
  };
  return new ReadableStream(source);
}
