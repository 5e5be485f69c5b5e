// Errors shaped like Node's (string `code`) with CPython's UnicodeError messages, so a
// failure reads the same as in Python and tests can compare against CPython verbatim.

export type ErrorsMode = 'strict' | 'replace' | 'ignore';

export interface CodecErrorInfo {
  code: string;
  encoding?: string;
  /** Python's `start`/`end`: byte offsets (decode) or code point offsets (encode) */
  start?: number;
  end?: number;
  reason?: string;
}

function withCode<E extends Error>(err: E, info: CodecErrorInfo): E & CodecErrorInfo {
  return Object.assign(err, info);
}

export function decodeError(
  encoding: string, data: Uint8Array, start: number, end: number, reason: string, offset = 0,
): TypeError {
  // `offset` lets a codec report positions relative to a later slice, as CPython's
  // utf-8-sig does (positions count from after the BOM).
  const s = start - offset;
  const msg = end === start + 1
    ? `'${encoding}' codec can't decode byte 0x${data[start].toString(16).padStart(2, '0')} in position ${s}: ${reason}`
    : `'${encoding}' codec can't decode bytes in position ${s}-${end - offset - 1}: ${reason}`;
  return withCode(new TypeError(msg), {
    code: 'ERR_ENCODING_INVALID_ENCODED_DATA', encoding, start: s, end: end - offset, reason,
  });
}

/** CPython raises a bare UnicodeError (no position) e.g. for a utf-16 stream without BOM. */
export function streamError(message: string): TypeError {
  return withCode(new TypeError(message), { code: 'ERR_ENCODING_INVALID_ENCODED_DATA' });
}

function reprChar(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

export function encodeError(
  encoding: string, firstCp: number, start: number, end: number, reason: string,
): TypeError {
  const msg = end === start + 1
    ? `'${encoding}' codec can't encode character '${reprChar(firstCp)}' in position ${start}: ${reason}`
    : `'${encoding}' codec can't encode characters in position ${start}-${end - 1}: ${reason}`;
  return withCode(new TypeError(msg), {
    code: 'ERR_ENCODING_UNENCODABLE', encoding, start, end, reason,
  });
}

export function notSupported(name: unknown, what = 'encoding'): RangeError {
  return withCode(new RangeError(`The "${String(name)}" ${what} is not supported`), {
    code: 'ERR_ENCODING_NOT_SUPPORTED',
  });
}

export function validateErrors(x: unknown): ErrorsMode {
  if (x === 'strict' || x === 'replace' || x === 'ignore') return x;
  const shown = typeof x === 'string' ? `'${x}'` : String(x);
  throw withCode(
    new TypeError(`The argument 'errors' must be one of: 'strict', 'replace', 'ignore'. Received ${shown}`),
    { code: 'ERR_INVALID_ARG_VALUE' },
  );
}
