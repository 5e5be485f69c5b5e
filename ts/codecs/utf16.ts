// UTF-16 (-LE, -BE, and BOM-detecting 'utf-16') with CPython's semantics: the exact path is a
// port of PyUnicode_DecodeUTF16Stateful's error cases; the fast path is one native
// utf16le slice (after swap16 for BE) plus a native isWellFormed check per chunk.
import { decodeError, streamError, type ErrorsMode } from './errors';
import { copyOf, EMPTY, isWellFormed, join } from './bytes';
import { encodeSlow, isSurrogate } from './encode';
import type { Decoded } from './utf8';
import type { DecoderState, IncrementalDecoder, IncrementalEncoder } from './types';

function slice16(data: Buffer, s: number, e: number, be: boolean): string {
  if (!be) return data.toString('utf16le', s, e);
  const copy = Buffer.from(data.subarray(s, e));
  return copy.swap16().toString('utf16le');
}

/** Exact CPython decode of data[start..]; error positions are relative to data. */
function decodeUtf16Exact(
  data: Buffer, start: number, be: boolean, errors: ErrorsMode, final: boolean,
): Decoded {
  const name = be ? 'utf-16-be' : 'utf-16-le';
  const n = data.length;
  const unit = (i: number): number => (be ? (data[i] << 8) | data[i + 1] : data[i] | (data[i + 1] << 8));
  let out = '';
  let run = start;
  let i = start;
  const fail = (s: number, e: number, reason: string): void => {
    if (errors === 'strict') throw decodeError(name, data, s, e, reason);
    if (run < s) out += slice16(data, run, s, be);
    if (errors === 'replace') out += '\ufffd';
    run = e;
  };
  while (n - i >= 2) {
    const u = unit(i);
    if (!isSurrogate(u)) { i += 2; continue; }
    if (u >= 0xdc00) { fail(i, i + 2, 'illegal encoding'); i += 2; continue; }
    if (n - i < 4) { // high surrogate without a full unit after it
      if (!final) return finish(i);
      fail(i, n, 'unexpected end of data');
      i = n;
      break;
    }
    const u2 = unit(i + 2);
    if (u2 < 0xdc00 || u2 > 0xdfff) { fail(i, i + 2, 'illegal UTF-16 surrogate'); i += 2; continue; }
    i += 4;
  }
  if (i < n && final) { fail(i, n, 'truncated data'); i = n; }
  return finish(i);

  function finish(end: number): Decoded {
    if (run < end) out += slice16(data, run, end, be);
    return { text: out, consumed: end };
  }
}

/** Decode data[start..] fast when it is well formed, else exactly; never mutates state. */
function decodeUtf16(
  data: Buffer, start: number, be: boolean, errors: ErrorsMode, final: boolean,
): Decoded {
  const n = data.length;
  let cut = start + ((n - start) & ~1);
  if (final ? cut !== n : false) return decodeUtf16Exact(data, start, be, errors, final);
  if (!final && cut - start >= 2) {
    const last = be ? (data[cut - 2] << 8) | data[cut - 1] : data[cut - 2] | (data[cut - 1] << 8);
    if (last >= 0xd800 && last <= 0xdbff) cut -= 2; // may pair with the next chunk
  }
  const text = slice16(data, start, cut, be);
  if (isWellFormed(text)) return { text, consumed: cut };
  return decodeUtf16Exact(data, start, be, errors, final);
}

export class Utf16FixedDecoder implements IncrementalDecoder {
  private pending: Uint8Array = EMPTY;
  constructor(private readonly errors: ErrorsMode, readonly be: boolean) {}

  decode(input: Uint8Array, final = false): string {
    const data = join(this.pending, input);
    const r = decodeUtf16(data, 0, this.be, this.errors, final);
    this.pending = copyOf(data.subarray(r.consumed));
    return r.text;
  }

  getstate(): DecoderState { return { pending: copyOf(this.pending), flag: 0 }; }
  setstate(state: DecoderState): void { this.pending = copyOf(state.pending); }
  reset(): void { this.pending = EMPTY; }
}

/**
 * Port of encodings.utf_16.IncrementalDecoder (little-endian host, as CPython on x86):
 * a leading BOM picks the byte order; no BOM is an error once 2 bytes were consumed.
 * getstate flag: 2 = order not yet known, 0 = little-endian (native), 1 = big-endian.
 */
export class Utf16Decoder implements IncrementalDecoder {
  private inner: Utf16FixedDecoder | null = null;
  private pending: Uint8Array = EMPTY;
  constructor(private readonly errors: ErrorsMode) {}

  decode(input: Uint8Array, final = false): string {
    if (this.inner) return this.inner.decode(input, final);
    const data = join(this.pending, input);
    let order = 0;
    if (data.length >= 2) {
      if (data[0] === 0xff && data[1] === 0xfe) order = -1;
      else if (data[0] === 0xfe && data[1] === 0xff) order = 1;
    }
    const r = decodeUtf16(data, order ? 2 : 0, order === 1, this.errors, final);
    if (order === 0 && r.consumed >= 2) throw streamError('UTF-16 stream does not start with BOM');
    const rest = data.subarray(r.consumed);
    if (order === 0) { this.pending = copyOf(rest); return r.text; }
    this.inner = new Utf16FixedDecoder(this.errors, order === 1);
    this.inner.setstate({ pending: rest, flag: 0 });
    this.pending = EMPTY;
    return r.text;
  }

  getstate(): DecoderState {
    if (!this.inner) return { pending: copyOf(this.pending), flag: 2 };
    return { pending: this.inner.getstate().pending, flag: this.inner.be ? 1 : 0 };
  }

  setstate(state: DecoderState): void {
    if (state.flag === 0 || state.flag === 1) {
      this.inner = new Utf16FixedDecoder(this.errors, state.flag === 1);
      this.inner.setstate(state);
      this.pending = EMPTY;
    } else {
      this.inner = null;
      this.pending = copyOf(state.pending);
    }
  }

  reset(): void { this.inner = null; this.pending = EMPTY; }
}

export function encodeUtf16(
  input: string, be: boolean, errors: ErrorsMode, name = be ? 'utf-16-be' : 'utf-16-le',
): Buffer {
  const run = (s: string): Buffer => {
    const b = Buffer.from(s, 'utf16le');
    return be ? b.swap16() : b;
  };
  if (isWellFormed(input)) return run(input);
  return encodeSlow(input, errors, {
    encoding: name,
    reason: 'surrogates not allowed',
    groupRuns: false, // CPython's utf-16 encoder reports surrogates one at a time
    canEncode: (cp) => !isSurrogate(cp),
    encodeRun: run,
  });
}

export class Utf16FixedEncoder implements IncrementalEncoder {
  constructor(private readonly errors: ErrorsMode, private readonly be: boolean) {}
  encode(input: string): Buffer { return encodeUtf16(input, this.be, this.errors); }
  reset(): void {}
  setstate(): void {}
  getstate(): number { return 0; }
}

/** Port of encodings.utf_16.IncrementalEncoder: BOM + little-endian, BOM kept on error. */
export class Utf16Encoder implements IncrementalEncoder {
  private started = false;
  constructor(private readonly errors: ErrorsMode) {}
  encode(input: string): Buffer {
    if (this.started) return encodeUtf16(input, false, this.errors);
    const body = encodeUtf16(input, false, this.errors, 'utf-16');
    this.started = true;
    return Buffer.concat([Buffer.from([0xff, 0xfe]), body]);
  }
  reset(): void { this.started = false; }
  setstate(state: number): void { this.started = !state; }
  getstate(): number { return this.started ? 0 : 2; }
}
