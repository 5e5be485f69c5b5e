// Text written but not yet handed to the buffer: CPython's pending_bytes, with its
// exact chunk rule (textio.c write): before appending b, flush if pending + len(b) >
// 8192; after appending, flush if pending >= 8192. Python encodes every write at once;
// we keep well-formed text as text (one rope) and encode it in one go on flush, which
// gives the same bytes (the caller only defers text whose encoding is the concatenation
// of its pieces' encodings). UTF-8 byte counts are only measured when the upper bound
// (3 bytes per UTF-16 unit) gets near the limit, so a write costs no byte counting at all
// for most of a chunk.
export const CHUNK_SIZE = 8192;

export class PendingWrites {
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
  private readonly scratch: Buffer;

  /**
   * `direct`: 'utf8' or 'latin1' when deferred text is plain Buffer-encodable (no BOM, no
   * state), else null and `encode` is used.
   */
  constructor(
    private readonly unitBytes: number,
    private readonly encode: (text: string) => Buffer,
    private readonly direct: 'utf8' | 'latin1' | null = null,
  ) {
    this.scratch = direct === null ? Buffer.alloc(0) : Buffer.allocUnsafeSlow(3 * CHUNK_SIZE + 1024);
  }

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

  /**
   * Everything pending as one byte view (null when nothing is), and the queue emptied.
   * Pure UTF-8 / latin-1 text is encoded into a reused scratch buffer: the view is only
   * valid until the next take(), which is fine for buffer.write(), which copies at once.
   */
  take(): Uint8Array | null {
    const text = this.head + this.tail;
    const parts = this.parts;
    this.parts = [];
    this.head = '';
    this.tail = '';
    this.bytes = 0; // `known` survives: it is about the text pushText() is about to queue
    if (parts.length === 0 && this.direct !== null) {
      if (text.length === 0) return null;
      const need = text.length * (this.unitBytes || 3);
      const target = need <= this.scratch.length ? this.scratch : Buffer.allocUnsafe(need);
      return target.subarray(0, target.write(text, 0, this.direct));
    }
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
