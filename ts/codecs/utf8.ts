// UTF-8 and UTF-8-SIG with CPython's semantics (Lib/encodings/utf_8.py, utf_8_sig.py).
// Fast path: pure-ASCII chunks become one latin1 slice; other valid chunks go through one
// streaming fatal TextDecoder call. We mirror the TextDecoder's few pending bytes ourselves
// (getstate must expose them). Only a chunk with invalid data takes the exact JS path,
// which reproduces CPython's maximal-subpart errors, positions and messages.
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { decodeError, type ErrorsMode } from './errors';
import { asBuffer, copyOf, EMPTY, isWellFormed, join } from './bytes';
import { encodeSlow, isSurrogate, type EncodeSpec } from './encode';
import type { DecoderState, IncrementalDecoder, IncrementalEncoder } from './types';

/** Sequence length for a lead byte, 0 when the byte cannot start a sequence. */
function seqLen(b: number): number {
  if (b < 0x80) return 1;
  if (b < 0xc2) return 0;
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 3;
  if (b < 0xf5) return 4;
  return 0;
}

/** Valid range of the byte right after lead `b` (Unicode Table 3-7). */
function secondOk(b: number, c: number): boolean {
  switch (b) {
    case 0xe0: return c >= 0xa0 && c <= 0xbf;
    case 0xed: return c >= 0x80 && c <= 0x9f;
    case 0xf0: return c >= 0x90 && c <= 0xbf;
    case 0xf4: return c >= 0x80 && c <= 0x8f;
    default: return c >= 0x80 && c <= 0xbf;
  }
}

/**
 * Length of the incomplete but still valid sequence ending `data`, 0 if none, -1 when the
 * trailing bytes are already known invalid (CPython raises for those without waiting).
 */
function incompleteTail(pending: Uint8Array, input: Uint8Array): number {
  const n = pending.length + input.length;
  const at = (i: number): number =>
    i < pending.length ? pending[i] : input[i - pending.length];
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = at(n - k);
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const need = seqLen(b);
      if (need === 0 || need <= k) return 0; // complete, or invalid: the decoder will see it
      if (k >= 2 && !secondOk(b, at(n - k + 1))) return -1;
      return k;
    }
  }
  return 0;
}

export interface Decoded { text: string; consumed: number }

/**
 * Exact port of CPython's utf-8 decoder over data[start..]; positions reported relative to
 * data minus `offset`. Returns what was consumed; the rest is an incomplete tail.
 */
export function decodeUtf8Exact(
  data: Buffer, start: number, errors: ErrorsMode, final: boolean, offset = 0,
): Decoded {
  const n = data.length;
  let out = '';
  let run = start;
  let i = start;
  const fail = (s: number, e: number, reason: string): void => {
    if (errors === 'strict') throw decodeError('utf-8', data, s, e, reason, offset);
    if (run < s) out += data.toString('utf8', run, s);
    if (errors === 'replace') out += '\ufffd';
    run = e;
  };
  while (i < n) {
    const b = data[i];
    if (b < 0x80) { i++; continue; }
    const need = seqLen(b);
    // CPython keeps a truncated surrogate (ED A0..BF) pending at the end of a non-final chunk
    if (!final && b === 0xed && n - i === 2 && data[i + 1] >= 0xa0 && data[i + 1] <= 0xbf) break;
    if (need === 0) { fail(i, i + 1, 'invalid start byte'); i++; continue; }
    let j = 1;
    let bad = false;
    for (; j < need; j++) {
      if (i + j >= n) break;
      const c = data[i + j];
      if (j === 1 ? !secondOk(b, c) : (c & 0xc0) !== 0x80) { bad = true; break; }
    }
    if (bad) { fail(i, i + j, 'invalid continuation byte'); i += j; continue; }
    if (j < need) { // ran out of input inside a valid prefix
      if (!final) break;
      fail(i, n, 'unexpected end of data');
      i = n;
      break;
    }
    i += need;
  }
  if (run < i) out += data.toString('utf8', run, i);
  return { text: out, consumed: i };
}

export class Utf8Decoder implements IncrementalDecoder {
  private pending: Uint8Array = EMPTY;
  private td: TextDecoder | null = null; // holds exactly `pending` when non-null

  constructor(private readonly errors: ErrorsMode) {}

  decode(input: Uint8Array, final = false): string {
    if (this.pending.length === 0 && isAscii(input)) return asBuffer(input).toString('latin1');
    const tail = incompleteTail(this.pending, input);
    if (tail === 0 || (tail > 0 && !final)) {
      try {
        const text = this.decoder().decode(input, { stream: !final });
        this.pending = tail === 0 ? EMPTY : copyOf(join(this.pending, input).subarray(-tail));
        if (final) this.td = null;
        return text;
      } catch {
        this.td = null; // fall through to the exact path, which raises or repairs
      }
    }
    return this.decodeSlow(input, final);
  }

  /** For utf-8-sig: decode with error positions counted from `offset` bytes into data. */
  decodeWithOffset(data: Buffer, start: number, final: boolean): string {
    const r = decodeUtf8Exact(data, start, this.errors, final, start);
    this.pending = copyOf(data.subarray(r.consumed));
    this.td = null;
    return r.text;
  }

  private decodeSlow(input: Uint8Array, final: boolean): string {
    const data = join(this.pending, input);
    const r = decodeUtf8Exact(data, 0, this.errors, final);
    this.pending = copyOf(data.subarray(r.consumed));
    this.td = null;
    return r.text;
  }

  private decoder(): TextDecoder {
    if (this.td === null) {
      this.td = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      if (this.pending.length) this.td.decode(this.pending, { stream: true });
    }
    return this.td;
  }

  getstate(): DecoderState { return { pending: copyOf(this.pending), flag: 0 }; }

  setstate(state: DecoderState): void {
    this.pending = copyOf(state.pending);
    this.td = null;
  }

  reset(): void { this.pending = EMPTY; this.td = null; }
}

const BOM = [0xef, 0xbb, 0xbf];

/** Port of encodings.utf_8_sig.IncrementalDecoder, quirks included. */
export class Utf8SigDecoder implements IncrementalDecoder {
  private first = 1;
  private buffered: Uint8Array = EMPTY; // Python's buffer while `first` is set
  private readonly inner: Utf8Decoder;

  constructor(errors: ErrorsMode) { this.inner = new Utf8Decoder(errors); }

  decode(input: Uint8Array, final = false): string {
    if (!this.first) return this.inner.decode(input, final);
    const data = join(this.buffered, input);
    const old = this.buffered;
    if (data.length < 3 && data.every((b, i) => b === BOM[i])) {
      this.buffered = copyOf(data); // not enough to decide, even when final (as CPython)
      return '';
    }
    this.first = 0; // CPython clears it before decoding, so it stays cleared on error
    this.buffered = EMPTY;
    const hasBom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
    try {
      return hasBom ? this.inner.decodeWithOffset(data, 3, final) : this.inner.decodeWithOffset(data, 0, final);
    } catch (e) {
      this.inner.setstate({ pending: old, flag: 0 }); // CPython keeps its old buffer
      throw e;
    }
  }

  getstate(): DecoderState {
    return this.first
      ? { pending: copyOf(this.buffered), flag: this.first }
      : { pending: this.inner.getstate().pending, flag: 0 };
  }

  setstate(state: DecoderState): void {
    this.first = state.flag ? 1 : 0;
    if (this.first) { this.buffered = copyOf(state.pending); this.inner.reset(); }
    else { this.buffered = EMPTY; this.inner.setstate(state); }
  }

  reset(): void { this.first = 1; this.buffered = EMPTY; this.inner.reset(); }
}

function utf8Spec(): EncodeSpec {
  return {
    encoding: 'utf-8',
    reason: 'surrogates not allowed',
    groupRuns: true,
    canEncode: (cp) => !isSurrogate(cp),
    encodeRun: (s) => Buffer.from(s, 'utf8'),
  };
}

export function encodeUtf8(input: string, errors: ErrorsMode): Buffer {
  // Buffer.from silently turns a lone surrogate into U+FFFD; Python refuses it.
  if (isWellFormed(input)) return Buffer.from(input, 'utf8');
  return encodeSlow(input, errors, utf8Spec());
}

export class Utf8Encoder implements IncrementalEncoder {
  constructor(private readonly errors: ErrorsMode) {}
  encode(input: string): Buffer { return encodeUtf8(input, this.errors); }
  reset(): void {}
  setstate(): void {}
  getstate(): number { return 0; }
}

/** Port of encodings.utf_8_sig.IncrementalEncoder: BOM once, flag cleared even on error. */
export class Utf8SigEncoder implements IncrementalEncoder {
  private first = 1;
  constructor(private readonly errors: ErrorsMode) {}
  encode(input: string): Buffer {
    if (!this.first) return encodeUtf8(input, this.errors);
    this.first = 0;
    return Buffer.concat([Buffer.from(BOM), encodeUtf8(input, this.errors)]);
  }
  reset(): void { this.first = 1; }
  setstate(state: number): void { this.first = state ? 1 : 0; }
  getstate(): number { return this.first; }
}
