// Internal keys between the package's own modules (better-sqlite3's lib/util.js `cppdb`
// pattern): a MemFile keeps its block under the private Symbol kBlock, and open.ts and
// streams.ts reach it through blockOf() without importing memfile.ts (no import cycle).
// A leaf module: nothing here is exported from the package (ts/index.ts); tests that
// need the block import it as the internal entry it is.
import type { BlockRef } from './block-ref';
import { closedError } from './errors';

export const kBlock: unique symbol = Symbol('memfile.block');

/** What carries a block: a MemFile (null once closed). */
export interface HasBlock {
  readonly [kBlock]: BlockRef | null;
}

/** The block behind a MemFile; `EBADF` once the MemFile is closed. */
export function blockOf(file: HasBlock): BlockRef {
  const ref = file[kBlock];
  if (ref === null) throw closedError('memfile');
  return ref;
}
