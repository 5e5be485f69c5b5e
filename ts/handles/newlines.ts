// Where newlines are recognised and translated on the way in: a port of CPython's
// IncrementalNewlineDecoder (Modules/_io/textio.c) and _PyIO_find_line_ending.
// Scans use indexOf (memchr-speed in V8), never a per-character JS loop on the
// common path: a chunk without '\r' costs one indexOf('\r') and, until the first
// '\n' is seen, one indexOf('\n').
import type { DecoderState, IncrementalDecoder } from '../codecs';

export type Newline = null | '' | '\n' | '\r' | '\r\n';

const SEEN_LF = 1;
const SEEN_CR = 2;
const SEEN_CRLF = 4;
const SEEN_ALL = SEEN_LF | SEEN_CR | SEEN_CRLF;

/** Python's `newlines` values, indexed by the seen-bits (LF=1, CR=2, CRLF=4). */
const NEWLINES: ReadonlyArray<null | string | readonly string[]> = [
  null, '\n', '\r', ['\r', '\n'], '\r\n', ['\n', '\r\n'], ['\r', '\r\n'], ['\r', '\n', '\r\n'],
];

/**
 * What the TextHandle decodes through. With newline null or '' the codec's decoder is
 * wrapped (universal newlines: '\r' held back at a chunk end so '\r\n' never splits);
 * otherwise the codec's decoder is used as is and `newlines` stays null, as in CPython.
 */
export interface TextDecoderLike extends IncrementalDecoder {
  readonly newlines: null | string | string[];
}

export class NewlineDecoder implements TextDecoderLike {
  private seen = 0;
  private pendingCR = false;

  constructor(private readonly inner: IncrementalDecoder, private readonly translate: boolean) {}

  decode(input: Uint8Array, final = false): string {
    let output = this.inner.decode(input, final);
    if (this.pendingCR && (final || output.length > 0)) {
      output = '\r' + output;
      this.pendingCR = false;
    }
    if (!final && output.length > 0 && output.charCodeAt(output.length - 1) === 13) {
      output = output.slice(0, -1);
      this.pendingCR = true;
    }
    if (output.length === 0) return output;
    const seen = this.seen;
    if ((seen === SEEN_LF || seen === 0) && output.indexOf('\r') === -1) {
      if (seen === 0 && output.indexOf('\n') !== -1) this.seen = SEEN_LF;
      return output;
    }
    if (!this.translate) {
      if (seen !== SEEN_ALL) this.seen |= scanNewlines(output);
      return output;
    }
    this.seen |= scanNewlines(output);
    return output.replace(CR_OR_CRLF, '\n');
  }

  getstate(): DecoderState {
    const { pending, flag } = this.inner.getstate();
    return { pending, flag: flag * 2 + (this.pendingCR ? 1 : 0) };
  }

  setstate(state: DecoderState): void {
    this.pendingCR = state.flag % 2 === 1;
    this.inner.setstate({ pending: state.pending, flag: Math.floor(state.flag / 2) });
  }

  reset(): void {
    this.seen = 0;
    this.pendingCR = false;
    this.inner.reset();
  }

  get newlines(): null | string | string[] {
    const value = NEWLINES[this.seen];
    return Array.isArray(value) ? [...value] : (value as null | string);
  }
}

const CR_OR_CRLF = /\r\n?/g;

/** Which of LF, CR, CRLF occur in s (only called when s holds a '\r'). */
function scanNewlines(s: string): number {
  let seen = 0;
  // '\r\n' never straddles two outputs (a trailing '\r' is held back), so a '\n' at 0 is LF.
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) {
    if (i === 0 || s.charCodeAt(i - 1) !== 13) {
      seen = SEEN_LF;
      break;
    }
  }
  for (let i = s.indexOf('\r'); i !== -1; i = s.indexOf('\r', i + 1)) {
    seen |= s.charCodeAt(i + 1) === 10 ? SEEN_CRLF : SEEN_CR;
    if ((seen | SEEN_LF) === SEEN_ALL) break;
  }
  return seen;
}

/** The codec's own decoder, with the `newlines` CPython reports for it (None). */
export class PlainDecoder implements TextDecoderLike {
  constructor(private readonly inner: IncrementalDecoder) {}
  decode(input: Uint8Array, final = false): string { return this.inner.decode(input, final); }
  getstate(): DecoderState { return this.inner.getstate(); }
  setstate(state: DecoderState): void { this.inner.setstate(state); }
  reset(): void { this.inner.reset(); }
  get newlines(): null { return null; }
}

/**
 * _PyIO_find_line_ending over line[start..]: the end (exclusive) of the first line, or
 * -1 when there is none yet; then `consumedTo` is how far the caller may set text aside
 * (all of it, except a trailing '\r' that may start a '\r\n' in '\r\n' mode).
 * In '' mode the next '\r' is remembered per decoded chunk (`chunk` > 0 names it), so a
 * file without '\r' is not rescanned to its end for every line.
 */
export class LineFinder {
  consumedTo = 0;
  private crChunk = 0;
  private crFrom = 0;
  private crAt = -1;

  constructor(private readonly newline: Newline) {}

  find(line: string, start: number, chunk: number): number {
    const nl = this.newline;
    if (nl === null || nl === '\n' || nl === '\r') {
      const i = line.indexOf(nl ?? '\n', start);
      if (i !== -1) return i + 1;
    } else if (nl === '') {
      const cr = this.nextCR(line, start, chunk);
      const lf = line.indexOf('\n', start);
      if (cr !== -1 && (lf === -1 || cr < lf)) return line.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      if (lf !== -1) return lf + 1;
    } else {
      const i = line.indexOf('\r\n', start);
      if (i !== -1) return i + 2;
      const last = line.length - 1;
      this.consumedTo = last >= start && line.charCodeAt(last) === 13 ? last : line.length;
      return -1;
    }
    this.consumedTo = line.length;
    return -1;
  }

  private nextCR(line: string, start: number, chunk: number): number {
    if (chunk > 0 && chunk === this.crChunk && start >= this.crFrom && (this.crAt === -1 || this.crAt >= start)) {
      return this.crAt;
    }
    const at = line.indexOf('\r', start);
    this.crChunk = chunk;
    this.crFrom = start;
    this.crAt = at;
    return at;
  }
}
