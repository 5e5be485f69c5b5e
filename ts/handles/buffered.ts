// The buffered handles as users see them: BufferedReader / BufferedWriter / BufferedRandom,
// three runtime classes over a shared base (buffered-base.ts), each typed with only the
// methods of its direction, so `mf.open('rb').write(...)` fails to type-check (at run time
// a wrong-direction call throws EBADF, as Python's UnsupportedOperation).
//   buffered-state.ts   the buffer and bufferedio.c's macros (refill, flush, seek)
//   buffered-base.ts    what all three share; the other direction's methods → EBADF
//   buffered-reader.ts  the read side, and BufferedReader
//   buffered-writer.ts  the write side, and BufferedWriter
//   buffered-random.ts  BufferedRandom, from both sides
import type { BufferedBase } from './buffered-base';
import { BufferedRandomClass } from './buffered-random';
import { BufferedReaderClass } from './buffered-reader';
import { BufferedWriterClass } from './buffered-writer';

export { BufferedBase } from './buffered-base';
export { BufferedRandomClass, BufferedReaderClass, BufferedWriterClass };

/** Methods only a readable buffered handle has. */
type ReadMembers = 'read' | 'read1' | 'readinto' | 'readline' | 'readlines' | 'peek' | typeof Symbol.iterator;
/** Methods only a writable buffered handle has. */
type WriteMembers = 'write' | 'writelines' | 'truncate';

/** A handle class as users see it: `instanceof` works; instances come from `MemFile.open()`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a class value: what instanceof and a Function-typed parameter take
export interface HandleClass<T> extends Function {
  readonly prototype: T;
  [Symbol.hasInstance](value: unknown): value is T;
  readonly name: string;
}

/** ≈ io.BufferedReader, from `mf.open('rb')`: buffered binary reads (`read`, `read1`, `peek`, `readinto`, `readline`, line iteration). */
export interface BufferedReader extends Omit<BufferedBase, WriteMembers> {}
/** ≈ io.BufferedReader (see the interface); for `instanceof`. */
export const BufferedReader = BufferedReaderClass as unknown as HandleClass<BufferedReader>;

/** ≈ io.BufferedWriter, from `mf.open('wb')`, `'ab'`, `'xb'`: buffered binary writes (`write`, `writelines`, `truncate`, `flush`). */
export interface BufferedWriter extends Omit<BufferedBase, ReadMembers> {}
/** ≈ io.BufferedWriter (see the interface); for `instanceof`. */
export const BufferedWriter = BufferedWriterClass as unknown as HandleClass<BufferedWriter>;

/** ≈ io.BufferedRandom, from any binary `'+'` mode (`'rb+'`, `'wb+'`, ...): buffered reads and writes on one position. */
export interface BufferedRandom extends BufferedBase {}
/** ≈ io.BufferedRandom (see the interface); for `instanceof`. */
export const BufferedRandom = BufferedRandomClass as unknown as HandleClass<BufferedRandom>;

/** Any buffered handle (what `TextHandle.buffer` is). */
export type BufferedIO = BufferedReader | BufferedWriter | BufferedRandom;
