// What every handle shares, as Python's IOBase: readlines/writelines and line
// iteration built on readline(), `using` support, and the EBADF errors for a
// closed handle or a call in the wrong direction.
import { closedError, invalidArgType, systemError, type CodedError } from '../errors';
import { given, validateBytes, validateInt } from '../validate';
import { hideCloneGuard, markUncloneable } from '../uncloneable';

export const notReadable = (syscall = 'read'): CodedError => systemError('EBADF', syscall, 'File not open for reading');
export const notWritable = (syscall = 'write'): CodedError => systemError('EBADF', syscall, 'File not open for writing');
export { closedError };

/** `size`/`limit`/`hint` arguments: null/undefined mean -1. */
export function optionalInt(value: unknown, name: string): number {
  if (value === undefined || value === null) return -1;
  return validateInt(value, name);
}

/** Bytes for a binary write: any ArrayBufferView or ArrayBuffer, never a string. */
export function binaryData(value: unknown, name = 'data'): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return validateBytes(value, name);
}

/** A target for readinto(): any ArrayBufferView or ArrayBuffer, as bytes over its memory. */
export function readintoTarget(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' || !given(value)) {
    throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, DataView or ArrayBuffer', value);
  }
  return validateBytes(value, 'buffer');
}

const CLONE_ADVICE = 'a MemFile handle cannot be cloned: pass mf.fd, call MemFile.fromFd(fd) in the receiver and open() there';

/** Line-oriented members shared by binary and text handles (T = Buffer or string). */
export abstract class IOBase<T extends { length: number }> implements Iterable<T>, Disposable {
  readonly name: string;
  readonly mode: string;

  constructor(name: string, mode: string) {
    this.name = name;
    this.mode = mode;
    markUncloneable(this, CLONE_ADVICE);
  }

  abstract get closed(): boolean;
  abstract get readable(): boolean;
  abstract get writable(): boolean;
  abstract get seekable(): boolean;
  abstract readline(limit?: number | null): T;
  abstract write(data: unknown): number;
  abstract close(): void;

  /** Lines until their total length exceeds `hint` (hint <= 0: all lines), as Python's IOBase.readlines. */
  readlines(hint?: number | null): T[] {
    const limit = optionalInt(hint, 'hint');
    if (this.closed) throw closedError('read');
    const lines: T[] = [];
    let total = 0;
    for (;;) {
      const line = this.readline();
      if (line.length === 0) break;
      lines.push(line);
      total += line.length;
      if (limit > 0 && total > limit) break;
    }
    return lines;
  }

  writelines(items: Iterable<unknown>): void {
    if (this.closed) throw closedError('write');
    if (!given(items) || typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw invalidArgType('items', 'an iterable', items);
    }
    for (const item of items) this.write(item);
  }

  [Symbol.iterator](): Iterator<T> {
    if (this.closed) throw closedError('read');
    return {
      next: (): IteratorResult<T> => {
        const line = this.readline();
        return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
      },
    };
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
hideCloneGuard(IOBase.prototype);
