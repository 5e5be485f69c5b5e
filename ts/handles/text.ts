// Where text decoding and encoding happen: TextHandle, the port of CPython 3.11's
// io.TextIOWrapper (Modules/_io/textio.c) over a BufferedReader/Writer/Random.
//
// Reading: the buffer is read in CPython's chunks (read1(8192), larger for a big
// read(n)), each chunk decoded at once; lines are cut from the decoded string with
// indexOf, so a line costs one indexOf and one slice. Before each chunk a snapshot
// (decoder state + the chunk's bytes) is kept, and tell() rebuilds the position from it
// only when asked, exactly as CPython does (see text-cookie.ts for the cookie itself).
// Writing: strings are queued (text-pending.ts) and encoded in one go per 8 KiB chunk.
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
import type { Codec, DecoderState, ErrorsMode, IncrementalEncoder } from '../codecs';
import { invalidArgType, invalidArgValue, systemError } from '../errors';
import { given, validateInt, validateUint, validateWhence } from '../validate';
import { closedError, IOBase, notReadable, notWritable, optionalInt, WRITE_ROOM, type Direction, type ReadThis, type WriteThis } from './base';

export type { Direction } from './base';
import type { BufferedBase, BufferedIO } from './buffered';
import { CookieJar, type Cookie } from './text-cookie';
import { LineFinder, NewlineDecoder, PlainDecoder, type Newline, type TextDecoderLike } from './newlines';
import { CHUNK_SIZE, DirectPending, PendingWrites, type Pending } from './text-pending';

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

interface Snapshot {
  /** decoder flags at the snapshot point */
  flags: number;
  /** bytes the decoder held at the snapshot point, then the chunk read after it */
  pending: Uint8Array;
  input: Uint8Array;
}

const EMPTY = new Uint8Array(0);

// The codecs (and iconv-lite behind the legacy ones) load on the first text open, not when
// the package is imported: binary users never pay for them.
let codecs: typeof Codecs | undefined;
function lookupCodec(name: string): Codec {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  codecs ??= require('../codecs') as typeof Codecs;
  return codecs.lookupCodec(name);
}
/** Largest single read1() a big read(n) asks for. */
const MAX_CHUNK = 1 << 26;

/** How queued text becomes bytes: which writes may be deferred and joined. */
type Deferral = 'utf8' | 'utf8-sig' | 'utf16' | 'latin1' | 'ascii' | 'none';

function deferralOf(codec: Codec): Deferral {
  switch (codec.name) {
    case 'utf-8': return 'utf8';
    case 'utf-8-sig': return 'utf8-sig';
    case 'utf-16': case 'utf-16-le': case 'utf-16-be': return 'utf16';
    case 'iso8859-1': return 'latin1';
    case 'ascii': return 'ascii';
    default: return 'none';
  }
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const NOT_LATIN1 = /[^\x00-\xff]/;
const NOT_ASCII = /[^\x00-\x7f]/;

function isDecodeError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return Buffer.concat([a, b]);
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
  // Read side: CPython's decoded_chars, decoded_chars_used, snapshot, b2cratio.
  #chars = '';
  /** numbers each decoded chunk, so the line finder can cache searches within one */
  #chunkId = 0;
  #used = 0;
  #snapshot: Snapshot | null = null;
  /** CPython's b2cratio, kept as its parts: bytes and text of the last chunk read */
  #ratioBytes = 0;
  #ratioText = '';
  /** the decoder may differ from its reset state (a write must reset it, as CPython does) */
  #decoderDirty = false;
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
    this.#pending = this.#makePending(encoder);
    const pending = this.#pending;
    this.#direct = encoder !== null && pending instanceof DirectPending && this.#writeNl === null && !this.lineBuffering ? pending : null;
    // Don't write a BOM in the middle of a file (CPython: encoder.setstate(0) when tell() != 0).
    if (encoder !== null && buffer.tell() !== 0) encoder.setstate(0);
  }

  #makePending(encoder: IncrementalEncoder | null): Pending {
    switch (this.#deferral) {
      case 'utf8': return new DirectPending('utf8');
      case 'latin1': return new DirectPending('latin1');
      case 'ascii': return new DirectPending('ascii');
      case 'utf16': return new PendingWrites(2, (t) => encoder!.encode(t));
      default: return new PendingWrites(0, (t) => encoder!.encode(t));
    }
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

  /** CPython's textiowrapper_read_chunk: false at EOF. */
  #readChunk(sizeHint: number): boolean {
    const decoder = this.#decoder!;
    const state = decoder.getstate();
    let size = CHUNK_SIZE;
    if (sizeHint > 0) size = Math.min(MAX_CHUNK, Math.max(CHUNK_SIZE, Math.floor(Math.max(this.#b2c(), 1) * sizeHint)));
    const input = this.#buffer.read1(size);
    this.#decoderDirty = true;
    const decoded = decoder.decode(input, input.length === 0);
    this.#chars = decoded;
    this.#chunkId++;
    this.#used = 0;
    this.#ratioBytes = input.length;
    this.#ratioText = decoded;
    this.#snapshot = { flags: state.flag, pending: state.pending, input };
    return input.length > 0 || decoded.length > 0;
  }

  /** Bytes per character of the last chunk, characters counted as CPython does (code points). */
  #b2c(): number {
    const text = this.#ratioText;
    return text.length > 0 ? this.#ratioBytes / codePoints(text, text.length) : 0;
  }

  /** Up to n decoded units (n < 0: all), one more rather than half a surrogate pair. */
  #take(n: number): string {
    const chars = this.#chars;
    const used = this.#used;
    const avail = chars.length - used;
    let end = n < 0 || n > avail ? chars.length : used + n;
    if (end > used && end < chars.length && isPairCut(chars, end)) end++;
    this.#used = end;
    return used === 0 && end === chars.length ? chars : chars.slice(used, end);
  }

  /** Up to `size` string units (omitted or -1: to the end), never half a surrogate pair; '' at EOF. `EBADF` if not readable. */
  read(this: ReadThis<D>, size?: number | null): string;
  read(size?: number | null): string {
    const decoder = this.#readDecoder();
    const n = optionalInt(size, 'size');
    this.#readSinceSeek = true;
    this.#writeflush();
    if (n < 0) {
      const bytes = this.#buffer.read();
      this.#decoderDirty = true;
      const decoded = decoder.decode(bytes, true);
      const result = this.#take(-1) + decoded;
      this.#chars = '';
      this.#used = 0;
      this.#snapshot = null;
      return result;
    }
    let result = this.#take(n);
    let remaining = n - result.length;
    while (remaining > 0) {
      if (!this.#readChunk(remaining)) break;
      const more = this.#take(remaining);
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
    return (lim < 0 ? this.#bufferedLine() : null) ?? this.#readlineSlow(lim);
  }

  /** A whole line already decoded in #chars (fixed line ending only), or null. */
  #bufferedLine(): string | null {
    if (this.#eol === '') return null;
    const chars = this.#chars;
    const used = this.#used;
    const i = chars.indexOf(this.#eol, used);
    if (i === -1) return null;
    this.#used = i + 1;
    return chars.slice(used, i + 1);
  }

  /** CPython's _textiowrapper_readline, for the cases the indexOf fast path can't answer. */
  #readlineSlow(limit: number): string {
    const finder = this.#finder;
    let chunks: string[] | null = null;
    let chunked = 0;
    let remaining: string | null = null;
    let line: string | null = null;
    let start = 0;
    let endpos = 0;
    let offset = 0;
    for (;;) {
      let more = true;
      while (this.#chars.length === 0) {
        more = this.#readChunk(0);
        if (!more) break;
      }
      if (!more) {
        this.#chars = '';
        this.#used = 0;
        this.#snapshot = null;
        break;
      }
      let chunk = 0;
      if (remaining === null) {
        line = this.#chars;
        start = this.#used;
        offset = 0;
        chunk = this.#chunkId;
      } else {
        line = remaining + this.#chars;
        start = 0;
        offset = remaining.length;
        remaining = null;
      }
      const found = finder.find(line, start, chunk);
      if (found >= 0) {
        endpos = found;
        if (limit >= 0 && endpos - start + chunked >= limit) endpos = cutAt(line, start + limit - chunked, start);
        break;
      }
      endpos = finder.consumedTo;
      if (limit >= 0 && endpos - start + chunked >= limit) {
        endpos = cutAt(line, start + limit - chunked, start);
        break;
      }
      if (endpos > start) {
        (chunks ??= []).push(line.slice(start, endpos));
        chunked += endpos - start;
      }
      if (endpos < line.length) remaining = line.slice(endpos);
      line = null;
      this.#chars = '';
      this.#used = 0;
    }
    if (line !== null) {
      this.#used = endpos - offset;
      if (start > 0 || endpos < line.length) line = line.slice(start, endpos);
    }
    if (remaining !== null) (chunks ??= []).push(remaining);
    if (chunks !== null) {
      if (line !== null) chunks.push(line);
      return chunks.join('');
    }
    return line ?? '';
  }

  /** The next line for iteration ('' at EOF): readline() without argument checks. */
  #nextLine(): string {
    if (this.#closed || this.#buffer.closed) throw closedError('read');
    if (this.#decoder === null) throw notReadable(this.mode, 'read');
    this.#readSinceSeek = true;
    // No pending-write check: a write empties #chars, so text found here means none is queued.
    return this.#bufferedLine() ?? (this as TextHandle).readline();
  }

  /** Iterates over lines (`for (const line of handle)`); `tell()` keeps working while iterating. */
  [Symbol.iterator](this: ReadThis<D>): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<string> {
    this.#checkClosed('read');
    const iterator: IterableIterator<string> = {
      next: (): IteratorResult<string> => {
        const line = this.#nextLine();
        if (line.length === 0) {
          this.#snapshot = null;
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
      if (this.#chars.length !== 0 || this.#used !== 0 || this.#snapshot !== null || this.#decoderDirty) this.#dropDecoded();
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
      this.#buffer.write(this.#encodeNow(encoder, text));
    } else if (this.#canDefer(text) && (text.length > 0 || this.#bomBytes(encoder) === 0)) {
      const extra = pending.hasText ? 0 : this.#bomBytes(encoder);
      if (pending.wouldExceedText(text, extra)) this.#writeflush();
      pending.pushText(text, extra);
    } else {
      pending.settleText();
      const b = this.#encodeNow(encoder, text);
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
    this.#chars = '';
    this.#used = 0;
    this.#snapshot = null;
    if (this.#decoderDirty) {
      this.#decoder!.reset();
      this.#decoderDirty = false;
    }
  }

  #canDefer(text: string): boolean {
    switch (this.#deferral) {
      case 'utf8': case 'utf8-sig': case 'utf16': return isWellFormed(text);
      case 'latin1': return !NOT_LATIN1.test(text);
      case 'ascii': return !NOT_ASCII.test(text);
      default: return false;
    }
  }

  /** BOM bytes the first deferred piece will carry. */
  #bomBytes(encoder: IncrementalEncoder): number {
    if (this.#deferral === 'utf8-sig') return encoder.getstate() ? 3 : 0;
    if (this.#bomName) return encoder.getstate() ? 2 : 0;
    return 0;
  }

  #encodeNow(encoder: IncrementalEncoder, text: string): Buffer {
    try {
      return encoder.encode(text);
    } catch (error) {
      // CPython's utf-16 fast path marks the stream started even when encoding fails.
      if (this.#bomName) encoder.setstate(0);
      throw error;
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

  /** CPython's textiowrapper_tell, as a cookie record. */
  #tellCookie(): Cookie {
    this.flush();
    const position = this.#buffer.tell();
    const decoder = this.#decoder;
    const snap = this.#snapshot;
    const cookie: Cookie = { start: position, flags: 0, feed: 0, skip: 0, eof: false };
    if (decoder === null || snap === null) return cookie;
    cookie.start -= snap.pending.length + snap.input.length;
    cookie.flags = snap.flags;
    if (this.#used === 0) return cookie;
    const saved = decoder.getstate();
    try {
      return this.#rebuild(decoder, cookie, join(snap.pending, snap.input));
    } finally {
      decoder.setstate(saved);
    }
  }

  /** Walks the decoder from the snapshot to the current character (textio.c's tell() body). */
  #rebuild(decoder: TextDecoderLike, cookie: Cookie, input: Uint8Array): Cookie {
    let skip = this.#used;
    // Clamped: after a seek() the ratio is the last chunk's, and CPython's C code then reads
    // past the end of next_input (_pyio asserts this never happens).
    let skipBytes = Math.min(input.length, Math.trunc(this.#b2c() * codePoints(this.#chars, skip)));
    let skipBack = 1;
    while (skipBytes > 0) {
      this.#setDecoderState(cookie);
      const n = decoder.decode(input.subarray(0, skipBytes)).length;
      if (n <= skip) {
        const state = decoder.getstate();
        if (state.pending.length === 0) {
          cookie.flags = state.flag;
          skip -= n;
          break;
        }
        skipBytes -= state.pending.length;
        skipBack = 1;
      } else {
        skipBytes -= skipBack;
        skipBack *= 2;
      }
    }
    if (skipBytes <= 0) {
      skipBytes = 0;
      this.#setDecoderState(cookie);
    }
    cookie.start += skipBytes;
    cookie.skip = skip;
    if (skip === 0) return cookie;
    let decoded = 0;
    let i = skipBytes;
    for (; i < input.length; i++) {
      decoded += decoder.decode(input.subarray(i, i + 1)).length;
      cookie.feed += 1;
      const state = decoder.getstate();
      if (state.pending.length === 0 && decoded <= skip) {
        cookie.start += cookie.feed;
        skip -= decoded;
        cookie.flags = state.flag;
        cookie.feed = 0;
        decoded = 0;
      }
      if (decoded >= skip) break;
    }
    if (i === input.length) {
      decoded += decoder.decode(EMPTY, true).length;
      cookie.eof = true;
      if (decoded < skip) throw systemError('EINVAL', 'lseek', "can't reconstruct logical file position");
    }
    cookie.skip = skip;
    return cookie;
  }

  /** At the start of the stream reset() (utf-16 then expects a BOM again), else setstate((b'', flags)). */
  #setDecoderState(cookie: Cookie): void {
    const decoder = this.#decoder!;
    this.#decoderDirty = true;
    if (cookie.start === 0 && cookie.flags === 0) decoder.reset();
    else decoder.setstate({ pending: EMPTY, flag: cookie.flags } satisfies DecoderState);
  }

  /** Python's `encoder.reset()` at the start of the stream (BOM due), else setstate(0). */
  #resetEncoder(startOfStream: boolean): void {
    const encoder = this.#encoder;
    if (encoder === null) return;
    if (startOfStream) encoder.reset();
    else encoder.setstate(0);
  }

  #dropReadState(): void {
    this.#chars = '';
    this.#used = 0;
    this.#snapshot = null;
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
        this.#decoderDirty = false;
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
    if (decoder !== null) this.#setDecoderState(c);
    if (c.skip > 0) {
      const input = this.#buffer.read(c.feed);
      this.#snapshot = { flags: c.flags, pending: EMPTY, input };
      const decoded = decoder!.decode(input, c.eof);
      this.#chars = decoded;
      this.#chunkId++;
      if (decoded.length < c.skip) throw systemError('EINVAL', 'lseek', "can't restore logical file position");
      this.#used = c.skip;
    } else {
      this.#snapshot = { flags: c.flags, pending: EMPTY, input: EMPTY };
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
    const snap = this.#snapshot!;
    const input = join(snap.pending, snap.input);
    const from = c.start - (this.#buffer.tell() - input.length);
    const bytes = input.subarray(from, from + c.feed);
    const decoder = this.#newDecoder();
    for (let p = 0; p <= bytes.length; p++) {
      if (c.start === 0 && c.flags === 0) decoder.reset();
      else decoder.setstate({ pending: EMPTY, flag: c.flags });
      let n: number;
      try {
        n = decoder.decode(bytes.subarray(0, p), true).length;
      } catch (error) {
        if (isDecodeError(error)) continue;
        throw error;
      }
      if (n >= c.skip) return c.start + p;
    }
    return c.start + c.feed;
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

const SURROGATE = /[\ud800-\udfff]/;

/** Code points in s[0, end) (end never splits a pair): what CPython's lengths count. */
function codePoints(s: string, end: number): number {
  if (!SURROGATE.test(s)) return end;
  let n = end;
  for (let i = 0; i < end - 1; i++) {
    if (isPairCut(s, i + 1)) {
      n--;
      i++;
    }
  }
  return n;
}

/** Does `end` fall between the halves of a surrogate pair? */
function isPairCut(s: string, end: number): boolean {
  const hi = s.charCodeAt(end - 1);
  const lo = s.charCodeAt(end);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

/** A readline() limit cut, moved one unit on rather than splitting a pair. */
function cutAt(line: string, end: number, start: number): number {
  return end > start && end < line.length && isPairCut(line, end) ? end + 1 : end;
}
