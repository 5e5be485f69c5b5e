// Text written but not yet handed to the buffer: CPython's pending_bytes, with its
// exact chunk rule (textio.c write): before appending b, flush if pending + len(b) >
// 8192; after appending, flush if pending >= 8192. Python encodes every write at once;
// we keep well-formed text as text (one rope) and encode it in one go on flush, which
// gives the same bytes (the caller only defers text whose encoding is the concatenation
// of its pieces' encodings). UTF-8 byte counts are only measured when the upper bound
// (3 bytes per UTF-16 unit) gets near the limit, so a write costs no byte counting at all
// for most of a chunk.
export const CHUNK_SIZE = 8192;

/** What TextHandle.write() queues into (see the two implementations below). */
export interface Pending {
  readonly empty: boolean;
  readonly hasText: boolean;
  wouldExceedText(s: string, extra: number): boolean;
  pushText(s: string, extra: number): void;
  settleText(): void;
  wouldExceedBytes(n: number): boolean;
  pushBytes(b: Uint8Array): void;
  full(): boolean;
  take(): Uint8Array | null;
}

/** Text kept as text, encoded by `encode` on take() (BOM-bearing or fixed-width codecs). */
export class PendingWrites implements Pending {
  private parts: Buffer[] = [];
  /** exact byte length of parts + head (+ BOMs counted for tail text) */
  private bytes = 0;
  /** deferred text whose bytes are counted */
  private head = '';
  /** deferred UTF-8 text not measured yet */
  private tail = '';
  private known = -1;

  /**
   * `unitBytes`: bytes per UTF-16 unit when fixed (1 latin-1/ascii, 2 utf-16), 0 for
   * UTF-8 (1 to 3). `encode` turns deferred text into bytes (BOM included if due).
   */
  constructor(private readonly unitBytes: number, private readonly encode: (text: string) => Buffer) {}

  get empty(): boolean {
    return this.bytes === 0 && this.head.length === 0 && this.tail.length === 0 && this.parts.length === 0;
  }

  get hasText(): boolean {
    return this.head.length > 0 || this.tail.length > 0;
  }

  /** Would appending `s` (plus `extra` BOM bytes) pass the chunk size? Call before pushText. */
  wouldExceedText(s: string, extra: number): boolean {
    const units = s.length;
    if (this.unitBytes > 0) {
      this.known = units * this.unitBytes + extra;
      return this.bytes + this.known > CHUNK_SIZE;
    }
    this.known = -1;
    if (this.bytes + 3 * (this.tail.length + units) + extra <= CHUNK_SIZE) return false;
    this.measureTail();
    if (this.bytes + 3 * units + extra <= CHUNK_SIZE) return false;
    if (this.bytes + units + extra > CHUNK_SIZE) return true;
    this.known = Buffer.byteLength(s, 'utf8') + extra;
    return this.bytes + this.known > CHUNK_SIZE;
  }

  pushText(s: string, extra: number): void {
    if (this.known >= 0) {
      this.head += s;
      this.bytes += this.known;
      this.known = -1;
    } else {
      this.tail += s;
      this.bytes += extra;
    }
  }

  /** Turns deferred text into bytes now (before bytes encoded elsewhere are queued). */
  settleText(): void {
    const text = this.head + this.tail;
    if (text.length === 0) return;
    this.parts.push(this.encode(text));
    this.head = '';
    this.tail = '';
    let n = 0;
    for (const p of this.parts) n += p.length;
    this.bytes = n;
  }

  wouldExceedBytes(n: number): boolean {
    if (this.bytes + 3 * this.tail.length + n <= CHUNK_SIZE) return false;
    this.measureTail();
    return this.bytes + n > CHUNK_SIZE;
  }

  pushBytes(b: Buffer): void {
    this.parts.push(b);
    this.bytes += b.length;
  }

  /** pending >= chunk size? */
  full(): boolean {
    if (this.bytes + this.tail.length >= CHUNK_SIZE) return true;
    if (this.tail.length === 0 || this.bytes + 3 * this.tail.length < CHUNK_SIZE) return false;
    this.measureTail();
    return this.bytes >= CHUNK_SIZE;
  }

  /** Everything pending as one Buffer (null when nothing is), and the queue emptied. */
  take(): Uint8Array | null {
    const text = this.head + this.tail;
    const parts = this.parts;
    this.parts = [];
    this.head = '';
    this.tail = '';
    this.bytes = 0; // `known` survives: it is about the text pushText() is about to queue
    if (text.length > 0) parts.push(this.encode(text));
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private measureTail(): void {
    if (this.tail.length === 0) return;
    this.bytes += Buffer.byteLength(this.tail, 'utf8');
    this.head += this.tail;
    this.tail = '';
  }
}

interface WellFormed {
  isWellFormed(): boolean;
}
const NOT_LATIN1 = /[^\x00-\xff]/;
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * UTF-8 and latin-1 (no BOM, no state): pending bytes live in a reused scratch buffer.
 * Text is kept as a rope only while the upper bound (3 bytes a unit for UTF-8) says the
 * chunk rule cannot fire; when it might, the rope is encoded into the scratch, which is the
 * exact count and the encoding in one pass. Near the limit a single write is encoded on its
 * own to learn its exact size. Every character is encoded once; a chunk costs about a dozen
 * Buffer#write calls. Most writes take tryPush(): one bound check, one well-formedness check,
 * one concatenation.
 */
export class DirectPending implements Pending {
  private buf: Buffer;
  /** exact bytes encoded at the start of `buf` */
  private used = 0;
  /** text not yet encoded */
  private rope = '';
  /** size of the write wouldExceedText() encoded on its own, at `knownAt` (-1: none) */
  private known = -1;
  private knownAt = 0;
  private readonly perUnit: number;
  private readonly utf8: boolean;

  /** the characters the encoding can't take as text (null for UTF-8: lone surrogates) */
  private readonly foreign: RegExp | null;

  /** `encoding`: ascii queues ASCII text and encodes it as latin-1 (the same bytes). */
  constructor(encoding: 'utf8' | 'latin1' | 'ascii') {
    this.utf8 = encoding === 'utf8';
    this.perUnit = this.utf8 ? 3 : 1;
    this.foreign = encoding === 'latin1' ? NOT_LATIN1 : encoding === 'ascii' ? NOT_ASCII : null;
    this.buf = Buffer.allocUnsafeSlow(DIRECT_SCRATCH);
  }

  /** Can s be queued as text (else the codec must encode it now, for its error handling)? */
  canDefer(s: string): boolean {
    const foreign = this.foreign;
    return foreign === null ? (s as unknown as WellFormed).isWellFormed() : !foreign.test(s);
  }

  /**
   * The common write in one step: queues s when it can be deferred and even at 3 bytes a
   * unit the queue stays under the chunk size, so CPython's rule can't flush before or
   * after it. False (nothing done) when the caller must take the full path.
   */
  tryPush(s: string): boolean {
    if (this.used + this.perUnit * (this.rope.length + s.length) >= CHUNK_SIZE || !this.canDefer(s)) return false;
    this.rope += s;
    return true;
  }

  get empty(): boolean {
    return this.used === 0 && this.rope.length === 0;
  }

  get hasText(): boolean {
    return !this.empty;
  }

  private room(n: number): void {
    if (n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(n, 2 * this.buf.length));
    this.buf.copy(bigger, 0, 0, Math.max(this.used, this.known >= 0 ? this.knownAt + this.known : 0));
    this.buf = bigger;
  }

  /** Encodes s at `at` (room already made); returns the byte count. */
  private encodeAt(s: string, at: number): number {
    return this.buf.write(s, at, this.utf8 ? 'utf8' : 'latin1');
  }

  private encodeRope(): void {
    const text = this.rope;
    if (text.length === 0) return;
    this.rope = '';
    this.room(this.used + text.length * this.perUnit);
    this.used += this.encodeAt(text, this.used);
  }

  wouldExceedText(s: string, extra: number): boolean {
    void extra; // no BOM in these encodings
    const units = s.length;
    this.known = -1;
    const per = this.perUnit;
    if (this.used + per * (this.rope.length + units) <= CHUNK_SIZE) return false;
    this.encodeRope();
    if (this.used + per * units <= CHUNK_SIZE) return false;
    if (this.used + units > CHUNK_SIZE) return true;
    this.room(this.used + per * units);
    this.knownAt = this.used;
    this.known = this.encodeAt(s, this.used);
    return this.used + this.known > CHUNK_SIZE;
  }

  pushText(s: string): void {
    const known = this.known;
    if (known < 0) {
      this.rope += s;
      return;
    }
    if (this.knownAt !== this.used) this.buf.copyWithin(this.used, this.knownAt, this.knownAt + known);
    this.used += known;
    this.known = -1;
  }

  settleText(): void {
    this.encodeRope();
  }

  wouldExceedBytes(n: number): boolean {
    this.encodeRope();
    return this.used + n > CHUNK_SIZE;
  }

  pushBytes(b: Uint8Array): void {
    this.encodeRope();
    this.room(this.used + b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  full(): boolean {
    if (this.used + this.rope.length >= CHUNK_SIZE) return true;
    if (this.used + this.perUnit * this.rope.length < CHUNK_SIZE) return false;
    this.encodeRope();
    return this.used >= CHUNK_SIZE;
  }

  /** The pending bytes as a view of the scratch (valid until the next call: buffer.write() copies at once). */
  take(): Uint8Array | null {
    this.encodeRope();
    const n = this.used;
    this.used = 0; // a `known` write stays where it is (at knownAt) for pushText()
    if (n === 0) return null;
    return this.buf.subarray(0, n);
  }
}

const DIRECT_SCRATCH = 4 * CHUNK_SIZE;
