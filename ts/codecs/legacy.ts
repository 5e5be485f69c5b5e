// Legacy encodings: single-byte code pages are CPython's own tables (charmap.ts); the
// multi-byte ones decode through Node's WHATWG TextDecoder and encode through iconv-lite.
//
// Deliberate differences from CPython for the multi-byte codecs (the WHATWG tables are the
// web's, not Python's):
// - Mappings follow WHATWG: shift_jis is closer to cp932, euc-kr is UHC/cp949, big5 includes
//   HKSCS, gbk decodes as gb18030. Encoding uses iconv-lite's tables, which mostly agree.
// - 'replace' while decoding yields WHATWG's U+FFFD per bad sequence (CPython: per its own
//   notion of a bad sequence); 'ignore' is that output with every U+FFFD removed, so a real
//   U+FFFD in gb18030 data is dropped as well.
// - Strict decode errors name the codec and position of the first bad sequence as CPython
//   does, but the reason text is CPython's generic one for the codec family.
// - iso-2022-jp is stateful: it decodes through a streaming TextDecoder whose pending bytes
//   getstate() cannot see (it reports none), and it cannot be encoded (no iconv-lite codec).
import * as iconv from 'iconv-lite';
import { TextDecoder } from 'node:util';
import { decodeError, notSupported, type ErrorsMode } from './errors';
import { asBuffer, copyOf, EMPTY, join } from './bytes';
import { charmapCodec, charmapFor } from './charmap';
import { encodeSlow } from './encode';
import type { Codec, DecoderState, IncrementalDecoder, IncrementalEncoder } from './types';

/** WHATWG encoding -> [Python's codecs.lookup().name, Python aliases (normalised)...] */
export const LEGACY: Record<string, string[]> = {
  'ibm866': ['cp866', '866', 'cp866', 'csibm866', 'ibm866'],
  'koi8-r': ['koi8-r', 'cskoi8r', 'koi8_r'],
  'koi8-u': ['koi8-u', 'koi8_u'],
  'macintosh': ['mac-roman', 'mac_roman', 'macintosh', 'macroman'],
  'windows-874': ['cp874', 'cp874'],
  'x-mac-cyrillic': ['mac-cyrillic', 'mac_cyrillic', 'maccyrillic'],
  'gbk': ['gbk', '936', 'cp936', 'gbk', 'ms936'],
  'gb18030': ['gb18030', 'gb18030', 'gb18030_2000'],
  'big5': ['big5', 'big5', 'big5_tw', 'csbig5', 'x_mac_trad_chinese'],
  'euc-jp': ['euc_jp', 'euc_jp', 'eucjp', 'u_jis', 'ujis'],
  'iso-2022-jp': ['iso2022_jp', 'csiso2022jp', 'iso2022_jp', 'iso2022jp', 'iso_2022_jp'],
  'shift_jis': ['shift_jis', 'csshiftjis', 's_jis', 'shift_jis', 'shiftjis', 'sjis', 'x_mac_japanese'],
  'euc-kr': ['euc_kr', 'euc_kr', 'euckr', 'korean', 'ks_c_5601', 'ks_c_5601_1987', 'ks_x_1001', 'ksc5601', 'ksx1001', 'x_mac_korean'],
  'iso-8859-2': ['iso8859-2', 'csisolatin2', 'iso8859_2', 'iso_8859_2', 'iso_8859_2_1987', 'iso_ir_101', 'l2', 'latin2'],
  'iso-8859-3': ['iso8859-3', 'csisolatin3', 'iso8859_3', 'iso_8859_3', 'iso_8859_3_1988', 'iso_ir_109', 'l3', 'latin3'],
  'iso-8859-4': ['iso8859-4', 'csisolatin4', 'iso8859_4', 'iso_8859_4', 'iso_8859_4_1988', 'iso_ir_110', 'l4', 'latin4'],
  'iso-8859-5': ['iso8859-5', 'csisolatincyrillic', 'cyrillic', 'iso8859_5', 'iso_8859_5', 'iso_8859_5_1988', 'iso_ir_144'],
  'iso-8859-6': ['iso8859-6', 'arabic', 'asmo_708', 'csisolatinarabic', 'ecma_114', 'iso8859_6', 'iso_8859_6', 'iso_8859_6_1987', 'iso_ir_127'],
  'iso-8859-7': ['iso8859-7', 'csisolatingreek', 'ecma_118', 'elot_928', 'greek', 'greek8', 'iso8859_7', 'iso_8859_7', 'iso_8859_7_1987', 'iso_ir_126'],
  'iso-8859-8': ['iso8859-8', 'csisolatinhebrew', 'hebrew', 'iso8859_8', 'iso_8859_8', 'iso_8859_8_1988', 'iso_ir_138'],
  'iso-8859-10': ['iso8859-10', 'csisolatin6', 'iso8859_10', 'iso_8859_10', 'iso_8859_10_1992', 'iso_ir_157', 'l6', 'latin6'],
  'iso-8859-13': ['iso8859-13', 'iso8859_13', 'iso_8859_13', 'l7', 'latin7'],
  'iso-8859-14': ['iso8859-14', 'iso8859_14', 'iso_8859_14', 'iso_8859_14_1998', 'iso_celtic', 'iso_ir_199', 'l8', 'latin8'],
  'iso-8859-15': ['iso8859-15', 'iso8859_15', 'iso_8859_15', 'l9', 'latin9'],
  'iso-8859-16': ['iso8859-16', 'iso8859_16', 'iso_8859_16', 'iso_8859_16_2001', 'iso_ir_226', 'l10', 'latin10'],
};
for (let cp = 1250; cp <= 1258; cp++) LEGACY[`windows-${cp}`] = [`cp${cp}`, `${cp}`, `cp${cp}`, `windows_${cp}`];

/** Byte length of the sequence starting at data[i] in a multi-byte encoding. */
type SeqLen = (data: Uint8Array, i: number) => number;
const lead2 = (lo: number, hi: number): SeqLen => (d, i) => (d[i] >= lo && d[i] <= hi ? 2 : 1);
const MULTIBYTE: Record<string, SeqLen> = {
  'shift_jis': (d, i) => ((d[i] >= 0x81 && d[i] <= 0x9f) || (d[i] >= 0xe0 && d[i] <= 0xfc) ? 2 : 1),
  'big5': lead2(0x81, 0xfe),
  'euc-kr': lead2(0x81, 0xfe),
  'gbk': (d, i) => (d[i] < 0x81 || d[i] > 0xfe ? 1 : i + 1 < d.length && d[i + 1] >= 0x30 && d[i + 1] <= 0x39 ? 4 : 2),
  'euc-jp': (d, i) => (d[i] === 0x8f ? 3 : d[i] === 0x8e || (d[i] >= 0xa1 && d[i] <= 0xfe) ? 2 : 1),
};
MULTIBYTE['gb18030'] = MULTIBYTE['gbk'];

/** End of the last complete sequence: the decoder keeps the rest for the next call. */
function completeEnd(data: Uint8Array, len: SeqLen): number {
  let i = 0;
  while (i < data.length) {
    const l = len(data, i);
    if (i + l > data.length) return i;
    i += l;
  }
  return data.length;
}

class LegacyDecoder implements IncrementalDecoder {
  private pending: Uint8Array = EMPTY;
  private readonly fatal: TextDecoder;
  private readonly lenient: TextDecoder;
  private readonly seqLen: SeqLen | undefined;

  constructor(private readonly whatwg: string, private readonly pyName: string, private readonly errors: ErrorsMode) {
    this.fatal = new TextDecoder(whatwg, { fatal: true });
    this.lenient = new TextDecoder(whatwg);
    this.seqLen = MULTIBYTE[whatwg];
  }

  decode(input: Uint8Array, final = false): string {
    if (this.whatwg === 'iso-2022-jp') return this.decodeStateful(input, final);
    const data = join(this.pending, input);
    const cut = final || !this.seqLen ? data.length : completeEnd(data, this.seqLen);
    const body = data.subarray(0, cut);
    let text: string;
    try {
      text = this.fatal.decode(body);
    } catch {
      text = this.repair(body);
    }
    this.pending = copyOf(data.subarray(cut));
    return text;
  }

  private repair(body: Buffer): string {
    if (this.errors === 'strict') throw this.firstError(body);
    const text = this.lenient.decode(body);
    return this.errors === 'replace' ? text : text.replace(/\ufffd/g, '');
  }

  private firstError(body: Buffer): TypeError {
    const len = this.seqLen ?? (() => 1);
    const probe = new TextDecoder(this.whatwg, { fatal: true });
    for (let i = 0; i < body.length;) {
      const l = Math.min(len(body, i), body.length - i);
      try { probe.decode(body.subarray(i, i + l)); } catch {
        if (!this.seqLen) return decodeError('charmap', body, i, i + 1, 'character maps to <undefined>');
        const reason = i + len(body, i) > body.length ? 'incomplete multibyte sequence' : 'illegal multibyte sequence';
        return decodeError(this.pyName, body, i, i + 1, reason);
      }
      i += l;
    }
    return decodeError(this.pyName, body, 0, body.length, 'illegal multibyte sequence');
  }

  private stream: TextDecoder | null = null;
  private decodeStateful(input: Uint8Array, final: boolean): string {
    const fatal = this.errors === 'strict';
    this.stream ??= new TextDecoder(this.whatwg, { fatal });
    try {
      const text = this.stream.decode(input, { stream: !final });
      return this.errors === 'ignore' ? text.replace(/\ufffd/g, '') : text;
    } catch {
      this.stream = null;
      throw decodeError(this.pyName, asBuffer(input), 0, input.length, 'illegal multibyte sequence');
    }
  }

  getstate(): DecoderState { return { pending: copyOf(this.pending), flag: 0 }; }
  setstate(state: DecoderState): void { this.pending = copyOf(state.pending); this.stream = null; }
  reset(): void { this.pending = EMPTY; this.stream = null; }
}

class LegacyEncoder implements IncrementalEncoder {
  private readonly known = new Map<number, boolean>();
  constructor(
    private readonly iconvName: string,
    private readonly pyName: string,
    private readonly singleByte: boolean,
    private readonly errors: ErrorsMode,
  ) {}

  encode(input: string): Buffer {
    const out = iconv.encode(input, this.iconvName);
    // iconv-lite writes '?' for what it cannot map; 0x3F is never part of a multi-byte
    // sequence in these encodings, so equal counts mean nothing was substituted.
    if (countByte(out, 0x3f) === countChar(input, '?')) return out;
    return encodeSlow(input, this.errors, {
      encoding: this.singleByte ? 'charmap' : this.pyName,
      reason: this.singleByte ? 'character maps to <undefined>' : 'illegal multibyte sequence',
      groupRuns: this.singleByte,
      canEncode: (cp) => this.canEncode(cp),
      encodeRun: (s) => iconv.encode(s, this.iconvName),
    });
  }

  private canEncode(cp: number): boolean {
    let ok = this.known.get(cp);
    if (ok === undefined) {
      const b = iconv.encode(String.fromCodePoint(cp), this.iconvName);
      ok = cp === 0x3f || !b.every((x) => x === 0x3f);
      this.known.set(cp, ok);
    }
    return ok;
  }

  reset(): void {}
  setstate(): void {}
  getstate(): number { return 0; }
}

function countByte(b: Buffer, v: number): number {
  let n = 0;
  for (let i = b.indexOf(v); i !== -1; i = b.indexOf(v, i + 1)) n++;
  return n;
}

function countChar(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i !== -1; i = s.indexOf(c, i + 1)) n++;
  return n;
}

function iconvNameFor(whatwg: string, names: string[]): string | null {
  const candidates = [whatwg, whatwg === 'iso-8859-8-i' ? 'iso-8859-8' : '', ...names];
  return candidates.find((c) => c !== '' && iconv.encodingExists(c)) ?? null;
}

/** A codec for a WHATWG encoding name; throws ERR_ENCODING_NOT_SUPPORTED if Node lacks it. */
export function legacyCodec(whatwg: string, label: string): Codec {
  try { new TextDecoder(whatwg); } catch { throw notSupported(label); }
  const names = LEGACY[whatwg] ?? [whatwg];
  const pyName = names[0];
  const singleByte = !MULTIBYTE[whatwg] && whatwg !== 'iso-2022-jp';
  if (singleByte) {
    // WHATWG's single-byte encodings, as the CPython code page of the same name.
    const map = charmapFor(whatwg === 'iso-8859-8-i' ? 'iso8859-8' : pyName);
    if (map !== undefined) return charmapCodec(map);
  }
  return {
    name: pyName,
    fixedWidth: singleByte ? 1 : null,
    newDecoder: (errors) => new LegacyDecoder(whatwg, pyName, errors),
    newEncoder: (errors) => {
      const iconvName = iconvNameFor(whatwg, names);
      if (iconvName === null) throw notSupported(label, 'encoding for writing');
      return new LegacyEncoder(iconvName, pyName, singleByte, errors);
    },
  };
}
