// Linux memfd seals by name (README, API: seal() and seals). The bits are F_SEAL_*'s own
// values (native/platform.h kSeal*), so they cross to native code unchanged.
import { invalidArgType, invalidArgValue } from './errors';
import { given } from './validate';

export type SealName = 'seal' | 'shrink' | 'grow' | 'write' | 'future-write';

/** In bit order, which is also the order `seals` reports them in. */
const NAMES: readonly SealName[] = ['seal', 'shrink', 'grow', 'write', 'future-write'];

/** What `seal()` without arguments adds: content and size frozen, no more seals. */
export const FREEZE = 0x01 | 0x02 | 0x04 | 0x08;

function bit(value: unknown, name: string): number {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string or an array of strings', value);
  const i = (NAMES as readonly string[]).indexOf(value);
  if (i < 0) throw invalidArgValue(name, value, `must be one of ${NAMES.map((n) => `'${n}'`).join(', ')}`);
  return 1 << i;
}

/** The bits for seal(seals): a name, an array of names, or nothing (= FREEZE). */
export function sealBits(seals: unknown): number {
  if (!given(seals)) return FREEZE;
  if (!Array.isArray(seals)) return bit(seals, 'seals');
  let bits = 0;
  for (let i = 0; i < seals.length; i++) bits |= bit(seals[i], `seals[${i}]`);
  return bits;
}

export function sealNames(bits: number): SealName[] {
  return NAMES.filter((_, i) => (bits & (1 << i)) !== 0);
}
