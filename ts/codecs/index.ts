// Python-semantics text codecs for the TextHandle: the one module it imports.
// CPython 3.11's `codecs` is the contract; see legacy.ts for where legacy codecs differ.
import { notSupported, validateErrors } from './errors';
import { TextDecoder } from 'node:util';
import { charmapCodec, charmapFor } from './charmap';
import { LEGACY, legacyCodec } from './legacy';
import { AsciiDecoder, asciiEncoder, Latin1Decoder, latin1Encoder } from './singlebyte';
import type { Codec } from './types';
import { Utf16Decoder, Utf16Encoder, Utf16FixedDecoder, Utf16FixedEncoder } from './utf16';
import { Utf8Decoder, Utf8Encoder, Utf8SigDecoder, Utf8SigEncoder } from './utf8';

export type { ErrorsMode } from './errors';
export type { Codec, DecoderState, IncrementalDecoder, IncrementalEncoder } from './types';
export { validateErrors };

const CODECS: Record<string, Codec> = {
  utf_8: {
    name: 'utf-8', fixedWidth: null,
    newDecoder: (e) => new Utf8Decoder(e), newEncoder: (e) => new Utf8Encoder(e),
  },
  utf_8_sig: {
    name: 'utf-8-sig', fixedWidth: null,
    newDecoder: (e) => new Utf8SigDecoder(e), newEncoder: (e) => new Utf8SigEncoder(e),
  },
  utf_16: {
    name: 'utf-16', fixedWidth: null,
    newDecoder: (e) => new Utf16Decoder(e), newEncoder: (e) => new Utf16Encoder(e),
  },
  utf_16_le: {
    name: 'utf-16-le', fixedWidth: null,
    newDecoder: (e) => new Utf16FixedDecoder(e, false), newEncoder: (e) => new Utf16FixedEncoder(e, false),
  },
  utf_16_be: {
    name: 'utf-16-be', fixedWidth: null,
    newDecoder: (e) => new Utf16FixedDecoder(e, true), newEncoder: (e) => new Utf16FixedEncoder(e, true),
  },
  latin_1: {
    name: 'iso8859-1', fixedWidth: 1,
    newDecoder: () => new Latin1Decoder(), newEncoder: (e) => latin1Encoder(e),
  },
  ascii: {
    name: 'ascii', fixedWidth: 1,
    newDecoder: (e) => new AsciiDecoder(e), newEncoder: (e) => asciiEncoder(e),
  },
};

/** CPython's encodings.aliases for the codecs above, plus Node's Buffer spellings. */
const ALIASES: Record<string, string> = {
  // ascii
  '646': 'ascii', 'ansi_x3.4_1968': 'ascii', 'ansi_x3_4_1968': 'ascii', 'ansi_x3.4_1986': 'ascii',
  'cp367': 'ascii', 'csascii': 'ascii', 'ibm367': 'ascii', 'iso646_us': 'ascii',
  'iso_646.irv_1991': 'ascii', 'iso_ir_6': 'ascii', 'us': 'ascii', 'us_ascii': 'ascii',
  // latin-1
  '8859': 'latin_1', 'cp819': 'latin_1', 'csisolatin1': 'latin_1', 'ibm819': 'latin_1',
  'iso8859': 'latin_1', 'iso8859_1': 'latin_1', 'iso_8859_1': 'latin_1', 'iso_8859_1_1987': 'latin_1',
  'iso_ir_100': 'latin_1', 'l1': 'latin_1', 'latin': 'latin_1', 'latin1': 'latin_1',
  // utf-16
  'u16': 'utf_16', 'utf16': 'utf_16', 'unicodebigunmarked': 'utf_16_be', 'utf_16be': 'utf_16_be',
  'unicodelittleunmarked': 'utf_16_le', 'utf_16le': 'utf_16_le',
  // utf-8
  'u8': 'utf_8', 'utf': 'utf_8', 'utf8': 'utf_8', 'utf8_ucs2': 'utf_8', 'utf8_ucs4': 'utf_8', 'cp65001': 'utf_8',
  // Node's spellings that Python lacks
  'utf16le': 'utf_16_le', 'ucs2': 'utf_16_le', 'ucs_2': 'utf_16_le', 'binary': 'latin_1',
};

/** Python's encodings.normalize_encoding after codecs.lookup's lower-casing. */
function normalize(name: string): string {
  let out = '';
  let punct = false;
  for (const c of name.toLowerCase()) {
    if (/^[a-z0-9.]$/.test(c)) {
      if (punct && out) out += '_';
      out += c;
      punct = false;
    } else if (!/^[\p{L}\p{N}]$/u.test(c)) {
      punct = true;
    } // non-ASCII alphanumerics are dropped without separating, as CPython does
  }
  return out;
}

let legacyByAlias: Map<string, string> | null = null;

function legacyAlias(key: string): string | undefined {
  if (!legacyByAlias) {
    legacyByAlias = new Map();
    for (const [whatwg, names] of Object.entries(LEGACY)) {
      for (const n of names) legacyByAlias.set(normalize(n), whatwg);
    }
  }
  return legacyByAlias.get(key) ?? legacyByAlias.get(key.replace(/\./g, '_'));
}

function whatwgName(label: string): string | undefined {
  try { return new TextDecoder(label).encoding; } catch { return undefined; }
}

/**
 * Python's and Node's names for utf-8, utf-8-sig, utf-16(-le/-be), latin-1 and ascii,
 * Python's names for the single-byte code pages (charmap.ts),
 * then any Python alias or WHATWG label of a legacy encoding Node can decode.
 * Unknown → RangeError ERR_ENCODING_NOT_SUPPORTED.
 */
export function lookupCodec(name: string): Codec {
  if (typeof name !== 'string') throw notSupported(name);
  const key = normalize(name);
  const id = key in CODECS ? key : ALIASES[key] ?? ALIASES[key.replace(/\./g, '_')];
  if (id !== undefined) return CODECS[id];
  // Python's names for single-byte code pages first: 'latin5' is iso8859-9 there, windows-1254 in WHATWG.
  const map = charmapFor(key);
  if (map !== undefined) return charmapCodec(map);
  const whatwg = legacyAlias(key) ?? whatwgName(name);
  // WHATWG's own utf labels ('unicode-1-1-utf-8', 'utf-16be'…) land on our exact codecs.
  if (whatwg === 'utf-8') return CODECS.utf_8;
  if (whatwg === 'utf-16le') return CODECS.utf_16_le;
  if (whatwg === 'utf-16be') return CODECS.utf_16_be;
  if (whatwg === undefined) throw notSupported(name);
  return legacyCodec(whatwg, name);
}
