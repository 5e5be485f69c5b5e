// The read side of a TextHandle: what CPython's TextIOWrapper keeps for reading
// (decoded_chars, decoded_chars_used, snapshot, b2cratio) and the functions that fill
// and consume it. The buffer is read in CPython's chunks (read1(8192), larger for a big
// read(n)), each chunk decoded at once; lines are cut from the decoded string with
// indexOf, so a line costs one indexOf and one slice. Before each chunk a snapshot
// (decoder state + the chunk's bytes) is kept for tell() (text-tell.ts).
import type { BufferedBase } from './buffered-base';
import type { LineFinder, TextDecoderLike } from './newlines';
import { CHUNK_SIZE } from './text-pending';
import { codePoints, cutAt, isPairCut } from './text-units';

/** @internal The decoder's state before a chunk, and the chunk: where tell() starts from. */
export interface Snapshot {
  /** decoder flags at the snapshot point */
  flags: number;
  /** bytes the decoder held at the snapshot point, then the chunk read after it */
  pending: Uint8Array;
  input: Uint8Array;
}

/** Largest single read1() a big read(n) asks for. */
const MAX_CHUNK = 1 << 26;

/** @internal Decoded text not yet returned, and how it was decoded. */
export class Decoded {
  /** the decoded chunk (CPython's decoded_chars) */
  chars = '';
  /** units of `chars` already returned (decoded_chars_used) */
  used = 0;
  /** numbers each decoded chunk, so the line finder can cache searches within one */
  chunkId = 0;
  snapshot: Snapshot | null = null;
  /** CPython's b2cratio, kept as its parts: bytes and text of the last chunk read */
  ratioBytes = 0;
  ratioText = '';
  /** the decoder may differ from its reset state (a write must reset it, as CPython does) */
  dirty = false;

  /** Forgets decoded text (after a write or a seek). */
  drop(): void {
    this.chars = '';
    this.used = 0;
    this.snapshot = null;
  }

  /** CPython's textiowrapper_read_chunk: false at EOF. */
  readChunk(buffer: BufferedBase, decoder: TextDecoderLike, sizeHint: number): boolean {
    const state = decoder.getstate();
    let size = CHUNK_SIZE;
    if (sizeHint > 0) size = Math.min(MAX_CHUNK, Math.max(CHUNK_SIZE, Math.floor(Math.max(this.b2c(), 1) * sizeHint)));
    const input = buffer.read1(size);
    this.dirty = true;
    const decoded = decoder.decode(input, input.length === 0);
    this.chars = decoded;
    this.chunkId++;
    this.used = 0;
    this.ratioBytes = input.length;
    this.ratioText = decoded;
    this.snapshot = { flags: state.flag, pending: state.pending, input };
    return input.length > 0 || decoded.length > 0;
  }

  /** Bytes per character of the last chunk, characters counted as CPython does (code points). */
  b2c(): number {
    const text = this.ratioText;
    return text.length > 0 ? this.ratioBytes / codePoints(text, text.length) : 0;
  }

  /** Up to n decoded units (n < 0: all), one more rather than half a surrogate pair. */
  take(n: number): string {
    const chars = this.chars;
    const used = this.used;
    const avail = chars.length - used;
    let end = n < 0 || n > avail ? chars.length : used + n;
    if (end > used && end < chars.length && isPairCut(chars, end)) end++;
    this.used = end;
    return used === 0 && end === chars.length ? chars : chars.slice(used, end);
  }

  /** A whole line already decoded, ending with `eol` (a fixed line ending; '' → null), or null. */
  line(eol: string): string | null {
    if (eol === '') return null;
    const chars = this.chars;
    const used = this.used;
    const i = chars.indexOf(eol, used);
    if (i === -1) return null;
    this.used = i + 1;
    return chars.slice(used, i + 1);
  }

  /** CPython's _textiowrapper_readline, for the cases the indexOf fast path can't answer. */
  readlineSlow(buffer: BufferedBase, decoder: TextDecoderLike, finder: LineFinder, limit: number): string {
    let chunks: string[] | null = null;
    let chunked = 0;
    let remaining: string | null = null;
    let line: string | null = null;
    let start = 0;
    let endpos = 0;
    let offset = 0;
    for (;;) {
      let more = true;
      while (this.chars.length === 0) {
        more = this.readChunk(buffer, decoder, 0);
        if (!more) break;
      }
      if (!more) {
        this.drop();
        break;
      }
      let chunk = 0;
      if (remaining === null) {
        line = this.chars;
        start = this.used;
        offset = 0;
        chunk = this.chunkId;
      } else {
        line = remaining + this.chars;
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
      this.chars = '';
      this.used = 0;
    }
    if (line !== null) {
      this.used = endpos - offset;
      if (start > 0 || endpos < line.length) line = line.slice(start, endpos);
    }
    if (remaining !== null) (chunks ??= []).push(remaining);
    if (chunks !== null) {
      if (line !== null) chunks.push(line);
      return chunks.join('');
    }
    return line ?? '';
  }
}
