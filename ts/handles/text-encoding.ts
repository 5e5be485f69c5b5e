// The write side's encoding choices for a TextHandle: which writes may be queued as text
// and encoded in one go per 8 KiB chunk (text-pending.ts), and how many BOM bytes the
// first piece carries. Anything else is encoded at once by the codec's incremental encoder.
import type { Codec, IncrementalEncoder } from '../codecs';
import { DirectPending, PendingWrites, type Pending } from './text-pending';

/** How queued text becomes bytes: which writes may be deferred and joined. */
export type Deferral = 'utf8' | 'utf8-sig' | 'utf16' | 'latin1' | 'ascii' | 'none';

export function deferralOf(codec: Codec): Deferral {
  switch (codec.name) {
    case 'utf-8': return 'utf8';
    case 'utf-8-sig': return 'utf8-sig';
    case 'utf-16': case 'utf-16-le': case 'utf-16-be': return 'utf16';
    case 'iso8859-1': return 'latin1';
    case 'ascii': return 'ascii';
    default: return 'none';
  }
}

/** The write queue for a deferral (the encoder encodes what is queued as text, when it is flushed). */
export function makePending(deferral: Deferral, encoder: IncrementalEncoder | null): Pending {
  switch (deferral) {
    case 'utf8': return new DirectPending('utf8');
    case 'latin1': return new DirectPending('latin1');
    case 'ascii': return new DirectPending('ascii');
    case 'utf16': return new PendingWrites(2, (t) => encoder!.encode(t));
    default: return new PendingWrites(0, (t) => encoder!.encode(t));
  }
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const NOT_LATIN1 = /[^\x00-\xff]/;
const NOT_ASCII = /[^\x00-\x7f]/;

/** May `text` wait in the queue as text (it will encode without error)? */
export function canDefer(deferral: Deferral, text: string): boolean {
  switch (deferral) {
    case 'utf8': case 'utf8-sig': case 'utf16': return isWellFormed(text);
    case 'latin1': return !NOT_LATIN1.test(text);
    case 'ascii': return !NOT_ASCII.test(text);
    default: return false;
  }
}

/** BOM bytes the first deferred piece will carry (`bomName`: the codec is plain 'utf-16'). */
export function bomBytes(deferral: Deferral, bomName: boolean, encoder: IncrementalEncoder): number {
  if (deferral === 'utf8-sig') return encoder.getstate() ? 3 : 0;
  if (bomName) return encoder.getstate() ? 2 : 0;
  return 0;
}

/** Encodes now; a failed 'utf-16' encode still marks the stream started, as CPython's fast path does. */
export function encodeNow(encoder: IncrementalEncoder, bomName: boolean, text: string): Buffer {
  try {
    return encoder.encode(text);
  } catch (error) {
    if (bomName) encoder.setstate(0);
    throw error;
  }
}
