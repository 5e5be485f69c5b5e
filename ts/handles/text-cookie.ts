// Text tell() cookies as safe integers.
//
// CPython's cookie is one big int: start_pos | dec_flags<<64 | bytes_to_feed<<128 |
// chars_to_skip<<192 | need_eof<<256 ("seek to start_pos, set the decoder flags, feed
// bytes_to_feed bytes, skip chars_to_skip characters"). When only start_pos is non-zero
// it is a plain byte offset, and so is ours: the same number.
//
// Every other cookie is "opaque" and lives in [2^52, 2^53), far above any real file
// size, so it can never be mistaken for a byte offset. Its low 52 bits pack the fields:
//
//   bit 0 need_eof | bits 1-3 dec_flags | bits 4-8 bytes_to_feed | bits 9-13 chars_to_skip
//   | bits 14-51 start_pos (< 256 GiB)
//
// With the built-in codecs the small fields stay tiny (flags <= 5: utf-16's 0/1/2 shifted
// left once by the newline decoder's pending-'\r' bit; feed and skip <= a few bytes and
// characters around one multi-byte sequence), so a packed cookie works on any handle of any
// file, like Python's. What does not fit (a legacy codec's big state, a file past 256 GiB)
// goes to a small per-handle table and the cookie names its entry (dec_flags field = 7).
import { invalidArgValue } from '../errors';

export interface Cookie {
  start: number;
  flags: number;
  feed: number;
  skip: number;
  eof: boolean;
}

const OPAQUE = 2 ** 52;
const TABLE = 7;
const START_LIMIT = 2 ** 38;

export function isPlain(c: Cookie): boolean {
  return c.flags === 0 && c.feed === 0 && c.skip === 0 && !c.eof && c.start < OPAQUE;
}

function fits(c: Cookie): boolean {
  return c.flags < TABLE && c.feed < 32 && c.skip < 32 && c.start < START_LIMIT;
}

function pack(start: number, skip: number, feed: number, flags: number, eof: boolean): number {
  return OPAQUE + (eof ? 1 : 0) + 2 * (flags + 8 * (feed + 32 * (skip + 32 * start)));
}

export class CookieJar {
  private table: Cookie[] = [];
  private index = new Map<string, number>();

  encode(c: Cookie): number {
    if (isPlain(c)) return c.start;
    if (fits(c)) return pack(c.start, c.skip, c.feed, c.flags, c.eof);
    const key = `${c.start},${c.flags},${c.feed},${c.skip},${c.eof}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.table.length;
      this.table.push({ ...c });
      this.index.set(key, i);
    }
    return pack(i, 0, 0, TABLE, false);
  }

  /** `value` is a non-negative safe integer. */
  decode(value: number): Cookie {
    if (value < OPAQUE) return { start: value, flags: 0, feed: 0, skip: 0, eof: false };
    let low = value - OPAQUE;
    const eof = low % 2 === 1;
    low = (low - (eof ? 1 : 0)) / 2;
    const flags = low % 8;
    low = (low - flags) / 8;
    const feed = low % 32;
    low = (low - feed) / 32;
    const skip = low % 32;
    const start = (low - skip) / 32;
    if (flags !== TABLE) return { start, flags, feed, skip, eof };
    const entry = this.table[start];
    if (entry === undefined || eof || feed || skip) {
      throw invalidArgValue('cookie', value, 'is not a position tell() returned on this handle');
    }
    return { ...entry };
  }
}
