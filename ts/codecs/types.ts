import type { ErrorsMode } from './errors';

/** Python's `IncrementalDecoder.getstate()` -> `(bytes, int)` */
export interface DecoderState { pending: Uint8Array; flag: number }

export interface IncrementalDecoder {
  decode(input: Uint8Array, final?: boolean): string;
  getstate(): DecoderState;
  setstate(state: DecoderState): void;
  reset(): void;
}

export interface IncrementalEncoder {
  encode(input: string, final?: boolean): Buffer;
  reset(): void;
  /** Python: `setstate(0)` after a seek to a non-zero position means "don't write a BOM" */
  setstate(state: number): void;
  /** Python's `IncrementalEncoder.getstate()`: 2/1 = BOM still to write (utf-16/utf-8-sig), else 0 */
  getstate(): number;
}

export interface Codec {
  /** Python's `codecs.lookup(x).name`, e.g. 'utf-8', 'utf-16-le', 'iso8859-1' */
  name: string;
  /** bytes per character when fixed-width and stateless (1 for latin-1/ascii), else null */
  fixedWidth: number | null;
  newDecoder(errors: ErrorsMode): IncrementalDecoder;
  newEncoder(errors: ErrorsMode): IncrementalEncoder;
}
