// The JavaScript stand-ins the bench compares against.

/** BytesIO-style: a Buffer that doubles and copies when it runs out of room. */
export class GrowableBuffer {
  buf = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  write(chunk: Buffer): number {
    const end = this.length + chunk.length;
    if (end > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < end) cap *= 2;
      const next = Buffer.allocUnsafe(cap);
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    chunk.copy(this.buf, this.length);
    this.length = end;
    return chunk.length;
  }
}

/** Stream-collect style: keep every chunk (as a stream hands out fresh ones), concat at the end. */
export class ConcatCollector {
  parts: Buffer[] = [];

  write(chunk: Buffer): number {
    this.parts.push(Buffer.from(chunk));
    return chunk.length;
  }

  result(): Buffer {
    const all = Buffer.concat(this.parts);
    this.parts = [];
    return all;
  }
}
