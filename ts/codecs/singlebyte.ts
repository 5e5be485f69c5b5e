// latin-1 (true ISO-8859-1: 0x80-0x9F are U+0080-U+009F, not windows-1252) and strict
// 7-bit ascii. Both are stateless and fixed-width; the fast paths are native
// (isAscii, latin1 slices, one regex test before encoding).
import { isAscii } from 'node:buffer';
import { decodeError, type ErrorsMode } from './errors';
import { asBuffer, EMPTY } from './bytes';
import { encodeSlow } from './encode';
import type { DecoderState, IncrementalDecoder, IncrementalEncoder } from './types';

abstract class StatelessDecoder implements IncrementalDecoder {
  abstract decode(input: Uint8Array, final?: boolean): string;
  getstate(): DecoderState { return { pending: EMPTY, flag: 0 }; }
  setstate(): void {}
  reset(): void {}
}

export class Latin1Decoder extends StatelessDecoder {
  decode(input: Uint8Array): string { return asBuffer(input).toString('latin1'); }
}

export class AsciiDecoder extends StatelessDecoder {
  constructor(private readonly errors: ErrorsMode) { super(); }

  decode(input: Uint8Array): string {
    const data = asBuffer(input);
    if (isAscii(data)) return data.toString('latin1');
    let out = '';
    let run = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] < 0x80) continue;
      if (this.errors === 'strict') throw decodeError('ascii', data, i, i + 1, 'ordinal not in range(128)');
      out += data.toString('latin1', run, i);
      if (this.errors === 'replace') out += '\ufffd';
      run = i + 1;
    }
    return out + data.toString('latin1', run);
  }
}

class RangeEncoder implements IncrementalEncoder {
  constructor(
    private readonly errors: ErrorsMode,
    private readonly name: string,
    private readonly limit: number,
    private readonly outside: RegExp,
  ) {}

  encode(input: string): Buffer {
    if (!this.outside.test(input)) return Buffer.from(input, 'latin1');
    return encodeSlow(input, this.errors, {
      encoding: this.name,
      reason: `ordinal not in range(${this.limit})`,
      groupRuns: true,
      canEncode: (cp) => cp < this.limit,
      encodeRun: (s) => Buffer.from(s, 'latin1'),
    });
  }

  reset(): void {}
  setstate(): void {}
  getstate(): number { return 0; }
}

export const latin1Encoder = (errors: ErrorsMode): IncrementalEncoder =>
  new RangeEncoder(errors, 'latin-1', 256, /[^\x00-\xff]/);
export const asciiEncoder = (errors: ErrorsMode): IncrementalEncoder =>
  new RangeEncoder(errors, 'ascii', 128, /[^\x00-\x7f]/);
