// Where a TextHandle's position comes from: CPython's textiowrapper_tell, which walks
// the decoder from the last snapshot (the state before the current chunk) to the
// current character and records the walk as a cookie (text-cookie.ts encodes it).
import type { DecoderState } from '../codecs';
import { systemError } from '../errors';
import type { TextDecoderLike } from './newlines';
import type { Cookie } from './text-cookie';
import type { Decoded } from './text-decoded';
import { codePoints } from './text-units';

/** @internal */
export const EMPTY = new Uint8Array(0);

/** @internal */
export function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return Buffer.concat([a, b]);
}

function isDecodeError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

/** @internal At the start of the stream reset() (utf-16 then expects a BOM again), else setstate((b'', flags)). */
export function setDecoderState(d: Decoded, decoder: TextDecoderLike, cookie: Cookie): void {
  d.dirty = true;
  if (cookie.start === 0 && cookie.flags === 0) decoder.reset();
  else decoder.setstate({ pending: EMPTY, flag: cookie.flags } satisfies DecoderState);
}

/** @internal CPython's textiowrapper_tell as a cookie record; `position` is the buffer's tell() (after a flush). */
export function tellCookie(position: number, decoder: TextDecoderLike | null, d: Decoded): Cookie {
  const snap = d.snapshot;
  const cookie: Cookie = { start: position, flags: 0, feed: 0, skip: 0, eof: false };
  if (decoder === null || snap === null) return cookie;
  cookie.start -= snap.pending.length + snap.input.length;
  cookie.flags = snap.flags;
  if (d.used === 0) return cookie;
  const saved = decoder.getstate();
  try {
    return rebuild(decoder, cookie, join(snap.pending, snap.input), d);
  } finally {
    decoder.setstate(saved);
  }
}

/** Walks the decoder from the snapshot to the current character (textio.c's tell() body). */
function rebuild(decoder: TextDecoderLike, cookie: Cookie, input: Uint8Array, d: Decoded): Cookie {
  let skip = d.used;
  // Clamped: after a seek() the ratio is the last chunk's, and CPython's C code then reads
  // past the end of next_input (_pyio asserts this never happens).
  let skipBytes = Math.min(input.length, Math.trunc(d.b2c() * codePoints(d.chars, skip)));
  let skipBack = 1;
  while (skipBytes > 0) {
    setDecoderState(d, decoder, cookie);
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
    setDecoderState(d, decoder, cookie);
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

/**
 * @internal For an opaque cookie: the first offset p from its start where decoding
 * bytes[0, p) to the end gives the characters it skips (so a '\r' already returned as
 * '\n' counts as read). `bytes` are the cookie's fed bytes; `decoder` a fresh one.
 */
export function completeOffset(c: Cookie, bytes: Uint8Array, decoder: TextDecoderLike): number {
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
