// Where text decoding and encoding happen: TextHandle, the port of CPython 3.11's
// io.TextIOWrapper (Modules/_io/textio.c) over a BufferedReader/Writer/Random.
//
//   text-decoded.ts   reading: decoded chunks, their snapshots, lines cut with indexOf
//   text-tell.ts      tell(): the position rebuilt from the snapshot, only when asked
//   text-cookie.ts    the cookie tell() returns and seek() takes
//   text-encoding.ts  writing: which strings may be queued, BOMs
//   text-pending.ts   the write queue, encoded in one go per 8 KiB chunk
//   text-units.ts     UTF-16 units vs CPython's code points
//   newlines.ts       universal newlines, line endings
//
// Deliberate differences from CPython, each where CPython's behaviour is a known defect:
// - write() after reading writes at the position of the text read so far (CPython writes
//   after its read-ahead chunk, bpo-12215), and truncate() without a size cuts at that
//   same position (CPython cuts at the read-ahead position, bpo-26158). That position is
//   `#bytePosition()`: tell()'s byte offset, or for an opaque cookie the first offset from
//   its safe start point where the characters already returned are complete.
// - tell() works while iterating (CPython raises "telling position disabled by next()").
// - Lengths are UTF-16 units, not code points; read(n)/readline(n) never split a pair.
import type * as Codecs from '../codecs';
import type { Codec, ErrorsMode, IncrementalEncoder } from '../codecs';
import { invalidArgType, invalidArgValue, systemError } from '../errors';
import { given, validateInt, validateUint, validateWhence } from '../validate';
import { closedError, IOBase, notReadable, notWritable, optionalInt, WRITE_ROOM, type Direction, type ReadThis, type WriteThis } from './base';

export type { Direction } from './base';
import type { BufferedBase, BufferedIO } from './buffered';
import { CookieJar, type Cookie } from './text-cookie';
import { LineFinder, NewlineDecoder, PlainDecoder, type Newline, type TextDecoderLike } from './newlines';
import { Decoded } from './text-decoded';
import { bomBytes, canDefer, deferralOf, encodeNow, makePending, type Deferral } from './text-encoding';
import { CHUNK_SIZE, DirectPending, type Pending } from './text-pending';
import { completeOffset, EMPTY, join, setDecoderState, tellCookie } from './text-tell';

export type { Newline } from './newlines';

export interface TextHandleOptions {
  /** as the user gave it (reported as given, like Python) */
  encoding: string;
  errors: ErrorsMode;
  newline: Newline;
  lineBuffering: boolean;
  /** as Python reports it */
  mode: string;
  name: string;
}

// The codecs (and iconv-lite behind the legacy ones) load on the first text open, not when
// the package is imported: binary users never pay for them.
let codecs: typeof Codecs | undefined;
function lookupCodec(name: string): Codec {
    codecs ??= require('../codecs') as typeof Codecs;
  return codecs.lookupCodec(name);
}
const unsupportedSeek = (offset: number, whence: number): Error =>
  invalidArgValue('offset', offset, `must be 0 when whence is ${whence}: a text handle can't do nonzero relative seeks`);

/**
 * A text handle (Python's `io.TextIOWrapper`) over a buffered one, from `mf.open('r')`, `'w'`, `'a'`,
 * `'r+'`, ...: reads and writes strings, lengths in JavaScript string units (UTF-16), universal
 * newlines by default. Bad bytes under `errors: 'strict'` → `ERR_ENCODING_INVALID_ENCODED_DATA`.
 */
export class TextHandle<D extends Direction = Direction> extends IOBase<string> {
  /** The encoding name as given to `open()` (default 'utf-8'). */
  readonly encoding: string;
  /** How undecodable bytes and unencodable characters are handled: 'strict', 'replace' or 'ignore'. */
  readonly errors: ErrorsMode;
  /** True for `buffering: 1`: a write containing a newline is flushed to the block. */
  readonly lineBuffering: boolean;
  readonly #buffer: BufferedBase;
  /** makes a decoder like #decoder (for #bytePosition's trial decodes) */
  readonly #newDecoder: () => TextDecoderLike;
  readonly #decoder: TextDecoderLike | null;
  readonly #encoder: IncrementalEncoder | null;
  readonly #finder: LineFinder;
  /** the single character ending a line after decoding, or '' when the slow search is needed */
  readonly #eol: string;
  /** '\r' or '\r\n': what '\n' becomes on write (null: written as is) */
  readonly #writeNl: string | null;
  readonly #deferral: Deferral;
  readonly #bomName: boolean;
  readonly #pending: Pending;
  /** #pending when write() may take the short path (no newline translation, no line buffering) */
  readonly #direct: DirectPending | null;
  readonly #cookies = new CookieJar();
  #closed = false;
  /** the read side: decoded text not yet returned, and its snapshot */
  readonly #d = new Decoded();
  /** a read happened since the last write or seek: the next write first moves to the text position */
  #readSinceSeek = false;

  /** Not for direct use: handles come from `MemFile.open()`. */
  constructor(buffer: BufferedBase, options: TextHandleOptions) {
    super(options.name, options.mode);
    const codec = lookupCodec(options.encoding);
    this.encoding = options.encoding;
    this.errors = options.errors;
    this.lineBuffering = options.lineBuffering;
    this.#buffer = buffer;
    const newline = options.newline;
    this.#newDecoder = (): TextDecoderLike => {
      const inner = codec.newDecoder(options.errors);
      return newline === null || newline === '' ? new NewlineDecoder(inner, newline === null) : new PlainDecoder(inner);
    };
    this.#decoder = buffer.readable ? this.#newDecoder() : null;
    this.#finder = new LineFinder(newline);
    this.#eol = newline === null || newline === '\n' ? '\n' : newline === '\r' ? '\r' : '';
    this.#writeNl = newline === '\r' || newline === '\r\n' ? newline : null;
    this.#deferral = deferralOf(codec);
    this.#bomName = codec.name === 'utf-16';
    const encoder = buffer.writable ? codec.newEncoder(options.errors) : null;
    this.#encoder = encoder;
    this.#pending = makePending(this.#deferral, encoder);
    const pending = this.#pending;
    this.#direct = encoder !== null && pending instanceof DirectPending && this.#writeNl === null && !this.lineBuffering ? pending : null;
    // Don't write a BOM in the middle of a file (CPython: encoder.setstate(0) when tell() != 0).
    if (encoder !== null && buffer.tell() !== 0) encoder.setstate(0);
  }

  // ---- properties ----

  /** True once this handle or its buffer was closed. */
  get closed(): boolean {
    return this.#closed || this.#buffer.closed;
  }

  /** Whether reading is allowed: mode `r` or `+`, and open. */
  get readable(): boolean {
    return this.#buffer.readable;
  }

  /** Whether writing is allowed: mode `w`, `a`, `x` or `+`, and open. */
  get writable(): boolean {
    return this.#buffer.writable;
  }

  /** True while open. */
  get seekable(): boolean {
    return this.#buffer.seekable;
  }

  /** The block's OS file descriptor (the same number as `mf.fd`); `ENOTSUP` on heap. */
  get fd(): number {
    return this.#buffer.fd;
  }

  /** The BufferedReader/Writer/Random underneath (Python's `.buffer`). */
  get buffer(): BufferedIO {
    return this.#buffer as BufferedIO;
  }

  /** The newlines seen so far when reading with universal newlines: null, one string, or an array (Python's tuple). */
  get newlines(): null | string | string[] {
    return this.#decoder === null ? null : this.#decoder.newlines;
  }

  // ---- checks ----

  #checkClosed(syscall: string): void {
    if (this.#closed || this.#buffer.closed) throw closedError(syscall);
  }

  #readDecoder(): TextDecoderLike {
    this.#checkClosed('read');
    if (this.#decoder === null) throw notReadable(this.mode, 'read');
    return this.#decoder;
  }

  // ---- reading ----

  /** Up to `size` string units (omitted or -1: to the end), never half a surrogate pair; '' at EOF. `EBADF` if not readable. */
  read(this: ReadThis<D>, size?: number | null): string;
  read(size?: number | null): string {
    const decoder = this.#readDecoder();
    const n = optionalInt(size, 'size');
    this.#readSinceSeek = true;
    this.#writeflush();
    const d = this.#d;
    if (n < 0) {
      const bytes = this.#buffer.read();
      d.dirty = true;
      const decoded = decoder.decode(bytes, true);
      const result = d.take(-1) + decoded;
      d.drop();
      return result;
    }
    let result = d.take(n);
    let remaining = n - result.length;
    while (remaining > 0) {
      if (!d.readChunk(this.#buffer, decoder, remaining)) break;
      const more = d.take(remaining);
      result += more;
      remaining -= more.length;
    }
    return result;
  }

  /** The next line with its newline ('\n' after universal-newline translation), at most `limit` units; '' at EOF. */
  readline(this: ReadThis<D>, limit?: number | null): string;
  readline(limit?: number | null): string {
    this.#checkClosed('read');
    const lim = optionalInt(limit, 'limit');
    if (!this.#pending.empty) this.#writeflush(); // before the direction check, as CPython
    if (this.#decoder === null) throw notReadable(this.mode, 'read');
    this.#readSinceSeek = true;
    return (lim < 0 ? this.#d.line(this.#eol) : null) ?? this.#d.readlineSlow(this.#buffer, this.#decoder, this.#finder, lim);
  }

  /** The next line for iteration ('' at EOF): readline() without argument checks. */
  #nextLine(): string {
    if (this.#closed || this.#buffer.closed) throw closedError('read');
    if (this.#decoder === null) throw notReadable(this.mode, 'read');
    this.#readSinceSeek = true;
    // No pending-write check: a write empties #chars, so text found here means none is queued.
    return this.#d.line(this.#eol) ?? (this as TextHandle).readline();
  }

  /** Iterates over lines (`for (const line of handle)`); `tell()` keeps working while iterating. */
  [Symbol.iterator](this: ReadThis<D>): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<string> {
    this.#checkClosed('read');
    const iterator: IterableIterator<string> = {
      next: (): IteratorResult<string> => {
        const line = this.#nextLine();
        if (line.length === 0) {
          this.#d.snapshot = null;
          return { done: true, value: undefined };
        }
        return { done: false, value: line };
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  /** The same lines for `for await` (read synchronously: the block is memory). */
  [Symbol.asyncIterator](this: ReadThis<D>): AsyncIterableIterator<string>;
  async *[Symbol.asyncIterator](): AsyncIterableIterator<string> {
    for (const line of this as TextHandle) yield line;
  }

  /** Lines until their total length exceeds `hint` (hint <= 0 or omitted: all), as Python's readlines. */
  override readlines(this: ReadThis<D>, hint?: number | null): string[];
  override readlines(hint?: number | null): string[] {
    return super.readlines(hint);
  }

  /** Writes each string in turn (no newlines added), as Python's writelines. */
  override writelines(this: WriteThis<D>, items: Iterable<string>): void;
  override writelines(items: Iterable<unknown>): void {
    super.writelines(items);
  }

  // ---- writing ----

  /**
   * Queues `s` (encoded, newlines translated per `newline`) → `s.length`. It reaches the block on
   * flush/seek/close, every 8 KiB, or at a newline under line buffering. An unencodable character
   * under 'strict' → `ERR_ENCODING_UNENCODABLE`; `EBADF` if not writable.
   */
  write(this: WriteThis<D>, s: string): number;
  write(s: string): number {
    // The common case: text queued below the chunk size, nothing else to do.
    const direct = this.#direct;
    if (
      direct !== null && typeof s === 'string' && !this.#readSinceSeek && !this.#closed && !this.#buffer.closed &&
      this.#buffer[WRITE_ROOM]() >= CHUNK_SIZE && direct.tryPush(s)
    ) {
      const d = this.#d;
      if (d.chars.length !== 0 || d.used !== 0 || d.snapshot !== null || d.dirty) this.#dropDecoded();
      return s.length;
    }
    return this.#write(s);
  }

  #write(s: string): number {
    this.#checkClosed('write');
    if (typeof s !== 'string') throw invalidArgType('s', 'of type string', s);
    const encoder = this.#encoder;
    if (encoder === null) throw notWritable(this.mode, 'write');
    if (this.#readSinceSeek) this.#moveToTextPosition();
    let text = s;
    const writeNl = this.#writeNl;
    const haslf = (writeNl !== null || this.lineBuffering) && s.indexOf('\n') !== -1;
    if (haslf && writeNl !== null) text = s.replaceAll('\n', writeNl);
    const needflush = this.lineBuffering && (haslf || text.indexOf('\r') !== -1);
    const pending = this.#pending;
    // Queued bytes stay under CHUNK_SIZE; no codec needs more than 4 bytes a unit (+ a BOM).
    if (this.#buffer[WRITE_ROOM]() < CHUNK_SIZE + 4 * text.length + 4) {
      // Near 2^53-1: encode now and let the buffer refuse what would pass it, nothing queued.
      this.#writeflush();
      this.#buffer.write(encodeNow(encoder, this.#bomName, text));
    } else if (canDefer(this.#deferral, text) && (text.length > 0 || bomBytes(this.#deferral, this.#bomName, encoder) === 0)) {
      const extra = pending.hasText ? 0 : bomBytes(this.#deferral, this.#bomName, encoder);
      if (pending.wouldExceedText(text, extra)) this.#writeflush();
      pending.pushText(text, extra);
    } else {
      pending.settleText();
      const b = encodeNow(encoder, this.#bomName, text);
      if (pending.wouldExceedBytes(b.length)) this.#writeflush();
      pending.pushBytes(b);
    }
    if (needflush || pending.full()) this.#writeflush();
    if (needflush) this.#buffer.flush();
    this.#dropDecoded();
    return s.length;
  }

  /** After a write: decoded text is stale and the decoder starts over (CPython's write()). */
  #dropDecoded(): void {
    const d = this.#d;
    d.drop();
    if (d.dirty) {
      this.#decoder!.reset();
      d.dirty = false;
    }
  }

  /** CPython's _textiowrapper_writeflush: queued bytes to the buffer (not to the block). */
  #writeflush(): void {
    const b = this.#pending.take();
    if (b !== null) this.#buffer.write(b);
  }

  /** Encodes queued text and writes it through the buffer to the block. */
  flush(): void {
    this.#checkClosed('flush');
    this.#writeflush();
    this.#buffer.flush();
  }

  /** Flushes, then closes this handle and its buffer (idempotent). */
  close(): void {
    if (this.closed) {
      this.#closed = true;
      return;
    }
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#buffer.close();
    }
  }

  // ---- positions ----

  /** The position: the byte offset at a character boundary, else an opaque safe integer that `seek()` accepts. */
  tell(): number {
    this.#checkClosed('lseek');
    return this.#cookies.encode(this.#tellCookie());
  }

  /** CPython's textiowrapper_tell, as a cookie record (text-tell.ts). */
  #tellCookie(): Cookie {
    this.flush();
    return tellCookie(this.#buffer.tell(), this.#decoder, this.#d);
  }

  /** Python's `encoder.reset()` at the start of the stream (BOM due), else setstate(0). */
  #resetEncoder(startOfStream: boolean): void {
    const encoder = this.#encoder;
    if (encoder === null) return;
    if (startOfStream) encoder.reset();
    else encoder.setstate(0);
  }

  #dropReadState(): void {
    this.#d.drop();
    this.#readSinceSeek = false;
  }

  /**
   * Goes to `cookie` (from `tell()`, or a byte offset at a character boundary), or `seek(0, 2)` to the
   * end → the position. Other relative seeks → `ERR_INVALID_ARG_VALUE`, as Python.
   */
  seek(cookie: number, whence?: 0 | 1 | 2 | null): number {
    let target = validateInt(cookie, 'cookie');
    const how = validateWhence(whence);
    this.#checkClosed('lseek');
    if (how === 1) {
      if (target !== 0) throw unsupportedSeek(target, 1);
      target = this.tell();
    } else if (how === 2) {
      if (target !== 0) throw unsupportedSeek(target, 2);
      this.flush();
      this.#dropReadState();
      if (this.#decoder !== null) {
        this.#decoder.reset();
        this.#d.dirty = false;
      }
      const position = this.#buffer.seek(0, 2);
      this.#resetEncoder(position === 0);
      return position;
    }
    if (target < 0) throw systemError('EINVAL', 'lseek', `negative seek position ${target}`);
    this.flush();
    this.#seekCookie(this.#cookies.decode(target));
    return target;
  }

  /** The strategy of CPython's seek(): back to the safe start point, then replay read(skip). */
  #seekCookie(c: Cookie): void {
    const decoder = this.#decoder;
    if (c.skip > 0 && decoder === null) {
      throw invalidArgValue('cookie', c.start, 'is a read position; this handle is not readable');
    }
    this.#buffer.seek(c.start);
    this.#dropReadState();
    const d = this.#d;
    if (decoder !== null) setDecoderState(d, decoder, c);
    if (c.skip > 0) {
      const input = this.#buffer.read(c.feed);
      d.snapshot = { flags: c.flags, pending: EMPTY, input };
      const decoded = decoder!.decode(input, c.eof);
      d.chars = decoded;
      d.chunkId++;
      if (decoded.length < c.skip) throw systemError('EINVAL', 'lseek', "can't restore logical file position");
      d.used = c.skip;
    } else {
      d.snapshot = { flags: c.flags, pending: EMPTY, input: EMPTY };
    }
    this.#resetEncoder(c.start === 0 && c.flags === 0);
  }

  /**
   * The byte offset of the text position: tell() when it is a byte offset; for an opaque
   * cookie, the first offset p from its start where decoding [start, p) to the end gives
   * the characters it skips (so a '\r' already returned as '\n' counts as read).
   */
  #bytePosition(): number {
    const c = this.#tellCookie();
    if (c.skip === 0) return c.start;
    const snap = this.#d.snapshot!;
    const input = join(snap.pending, snap.input);
    const from = c.start - (this.#buffer.tell() - input.length);
    return completeOffset(c, input.subarray(from, from + c.feed), this.#newDecoder());
  }

  /** Before a write that follows reads: go where the text read so far ends. */
  #moveToTextPosition(): void {
    const position = this.#bytePosition();
    this.flush();
    this.#seekCookie({ start: position, flags: 0, feed: 0, skip: 0, eof: false });
  }

  /** Flushes, then sets the file's size in bytes (default: the current text position) → the new size. */
  truncate(this: WriteThis<D>, size?: number | null): number;
  truncate(size?: number | null): number {
    const length = given(size) ? validateUint(size, 'size') : undefined;
    this.#checkClosed('ftruncate');
    if (!this.#buffer.writable) throw notWritable(this.mode, 'ftruncate');
    this.flush();
    return this.#buffer.truncate(length ?? this.#bytePosition());
  }
}
