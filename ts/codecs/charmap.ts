// Single-byte code pages (cp1252, iso8859-x, koi8-r, mac-roman, ...) exactly as CPython's
// charmap codecs: its decoding tables (charmaps.ts, generated from CPython), undefined bytes
// undefined both ways. Encoding uses the inverse table, built as CPython's
// PyUnicode_BuildEncodingMap does (U+FFFE skipped, a later byte wins a duplicate).
import { isAscii } from 'node:buffer';
import { asBuffer, EMPTY } from './bytes';
import { CHARMAPS, type Charmap } from './charmaps';
import { encodeSlow } from './encode';
import { decodeError, type ErrorsMode } from './errors';
import type { Codec, DecoderState, IncrementalDecoder, IncrementalEncoder } from './types';

const UNDEFINED = 0xfffe;
const REASON = 'character maps to <undefined>';

let byKey: Map<string, Charmap> | null = null;

/** The code page a normalised Python name or alias names (see charmaps.ts), if any. */
export function charmapFor(key: string): Charmap | undefined {
  if (byKey === null) {
    byKey = new Map();
    for (const map of CHARMAPS) {
      byKey.set(map.name, map);
      for (const k of map.keys) byKey.set(k, map);
    }
  }
  return byKey.get(key) ?? byKey.get(key.replace(/\./g, '_'));
}

class CharmapDecoder implements IncrementalDecoder {
  constructor(private readonly high: string, private readonly errors: ErrorsMode) {}

  decode(input: Uint8Array): string {
    const data = asBuffer(input);
    if (isAscii(data)) return data.toString('latin1');
    const high = this.high;
    const out = new Uint16Array(data.length);
    let n = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (b < 0x80) {
        out[n++] = b;
        continue;
      }
      const c = high.charCodeAt(b - 0x80);
      if (c !== UNDEFINED) out[n++] = c;
      else if (this.errors === 'strict') throw decodeError('charmap', data, i, i + 1, REASON);
      else if (this.errors === 'replace') out[n++] = 0xfffd;
    }
    return Buffer.from(out.buffer, 0, 2 * n).toString('utf16le');
  }

  getstate(): DecoderState { return { pending: EMPTY, flag: 0 }; }
  setstate(): void {}
  reset(): void {}
}

const encodeTables = new WeakMap<Charmap, Uint8Array>();

/** Code unit -> byte; 0 means "not encodable" (only U+0000 maps to byte 0 in these code pages). */
function encodeTable(map: Charmap): Uint8Array {
  let table = encodeTables.get(map);
  if (table === undefined) {
    table = new Uint8Array(0x10000);
    for (let b = 1; b < 0x80; b++) table[b] = b;
    for (let b = 0x80; b < 0x100; b++) {
      const c = map.high.charCodeAt(b - 0x80);
      if (c !== UNDEFINED) table[c] = b;
    }
    encodeTables.set(map, table);
  }
  return table;
}

class CharmapEncoder implements IncrementalEncoder {
  private readonly table: Uint8Array;
  constructor(map: Charmap, private readonly errors: ErrorsMode) {
    this.table = encodeTable(map);
  }

  encode(input: string): Buffer {
    const table = this.table;
    const out = Buffer.allocUnsafe(input.length);
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      const b = table[c];
      if (b === 0 && c !== 0) return this.encodeSlow(input);
      out[i] = b;
    }
    return out;
  }

  /** Only known-encodable text reaches here (encodeSlow's runs). */
  private encodeRun = (s: string): Buffer => {
    const out = Buffer.allocUnsafe(s.length);
    for (let i = 0; i < s.length; i++) out[i] = this.table[s.charCodeAt(i)];
    return out;
  };

  private encodeSlow(input: string): Buffer {
    return encodeSlow(input, this.errors, {
      encoding: 'charmap',
      reason: REASON,
      groupRuns: true,
      canEncode: (cp) => cp === 0 || (cp < 0x10000 && this.table[cp] !== 0),
      encodeRun: this.encodeRun,
    });
  }

  reset(): void {}
  setstate(): void {}
  getstate(): number { return 0; }
}

export function charmapCodec(map: Charmap): Codec {
  return {
    name: map.name,
    fixedWidth: 1,
    newDecoder: (errors) => new CharmapDecoder(map.high, errors),
    newEncoder: (errors) => new CharmapEncoder(map, errors),
  };
}
