// Whole-buffer text conversion for MemFile.from(string) and MemFile.text(),
// through the same Python-semantics codecs the text handles use. The codecs
// (and iconv-lite behind the legacy ones) load on first use, here: binary
// users never pay for the codec tables.
import type * as Codecs from './codecs';

let codecs: typeof Codecs | undefined;
function load(): typeof Codecs {
    codecs ??= require('./codecs') as typeof Codecs;
  return codecs;
}

/** The codec for an encoding name (loads the codecs); unknown → `ERR_ENCODING_NOT_SUPPORTED`. */
export function lookupCodec(name: string): Codecs.Codec {
  return load().lookupCodec(name);
}

export function encodeText(text: string, encoding: unknown): Uint8Array {
  if (encoding === 'utf-8' || encoding === 'utf8') {
    if (text.isWellFormed()) return Buffer.from(text, 'utf8');
  }
  return load().lookupCodec(encoding as string).newEncoder('strict').encode(text, true);
}

export function decodeText(bytes: Uint8Array, encoding: unknown): string {
  return load().lookupCodec(encoding as string).newDecoder('strict').decode(bytes, true);
}
