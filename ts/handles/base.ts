// What every handle shares, as Python's IOBase: readlines/writelines and line
// iteration built on readline(), `using` support, and the EBADF errors for a
// closed handle or a call in the wrong direction.
import { inspect, type InspectOptionsStylized } from 'node:util';
import { closedError, invalidArgType, systemError, type CodedError } from '../errors';
import { given, validateBytes, validateInt } from '../validate';
import { hideCloneGuard, markUncloneable } from '../uncloneable';

/** EBADF for reading a write-only handle: names the handle's mode, and what would read. */
export const notReadable = (mode: string, syscall = 'read'): CodedError =>
  systemError('EBADF', syscall, `File not open for reading: this handle's mode is '${mode}' (write-only; a mode with '+' reads and writes)`);
/** EBADF for writing a read-only handle. */
export const notWritable = (mode: string, syscall = 'write'): CodedError =>
  systemError('EBADF', syscall, `File not open for writing: this handle's mode is '${mode}' (read-only; a mode with '+' reads and writes)`);
export { closedError };

/**
 * What a buffered handle asks of its raw handle, unchecked (the buffered handle has done the
 * argument, direction and closed checks): `_pyio`'s layering, where a BufferedReader uses
 * only `raw.readinto/write/seek/tell`. `pos` is the raw position (tell()), `closed` the raw
 * handle's state. Reached through the raw handle's `[RAW_IO]`; not public API.
 * @internal
 */
export interface RawIO {
  readonly pos: number;
  readonly closed: boolean;
  /** Reads up to `length` bytes at the position into target[start..], moving the position → bytes read. */
  readInto(target: Uint8Array, start: number, length: number): number;
  /** Writes source[start, start+length) at the position (the end when appending), moving it → bytes written. */
  write(source: Uint8Array, start: number, length: number): number;
  /** lseek(): → the new position; EINVAL before 0, nothing changed then. */
  seek(offset: number, whence: number): number;
  /** The block's current size. */
  size(): number;
}

/** @internal */
export const RAW_IO: unique symbol = Symbol('memfile.rawIO');
/** @internal A buffered handle's room before 2^53-1 (see BufferedBase), for the text handle over it. */
export const WRITE_ROOM: unique symbol = Symbol('memfile.writeRoom');

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

/**
 * Which way a text or raw handle goes: 'r' (mode `r`), 'w' (`w`, `a`, `x`), 'rw' (any `+` mode).
 * `TextHandle` / `RawHandle` without a direction mean either (both directions typed); the
 * narrow ones `mf.open()` gives for a literal mode are assignable to them.
 */
export type Direction = 'r' | 'w' | 'rw';
/**
 * `this` of a read-side method: on a write-only handle a type nothing matches, so that
 * `mf.open('w').read()` fails to compile, and the error says why.
 */
export type ReadThis<D extends Direction> = D extends 'w' ? 'a write-only handle cannot read' : unknown;
/** `this` of a write-side method: nothing matches on a read-only handle. */
export type WriteThis<D extends Direction> = D extends 'r' ? 'a read-only handle cannot write' : unknown;

/** Line-oriented members shared by binary and text handles (T = Buffer or string). */
export abstract class IOBase<T extends { length: number }> implements Iterable<T>, Disposable {
  /** The MemFile's name. */
  readonly name: string;
  /** The mode as Python reports it: binary normalised ('rb', 'wb', 'rb+', ...), text as given. */
  readonly mode: string;

  constructor(name: string, mode: string) {
    this.name = name;
    this.mode = mode;
    markUncloneable(this, CLONE_ADVICE);
  }

  /** What `console.log(handle)` shows: `BufferedReader { name: 'x', mode: 'rb', closed: false }` (text handles add `encoding`). */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    const type = this.constructor.name;
    if (depth < 0) return options.stylize(`[${type}]`, 'special');
    const show = (value: unknown): string => inspect(value, options);
    const encoding = (this as { encoding?: unknown }).encoding; // text handles
    const extra = typeof encoding === 'string' ? `, encoding: ${show(encoding)}` : '';
    return `${type} { name: ${show(this.name)}, mode: ${show(this.mode)}${extra}, closed: ${show(this.closed)} }`;
  }

  /** True once closed (stays readable after close). */
  abstract get closed(): boolean;
  /** Whether reading is allowed: mode `r` or `+`, and open. */
  abstract get readable(): boolean;
  /** Whether writing is allowed: mode `w`, `a`, `x` or `+`, and open. */
  abstract get writable(): boolean;
  /** True while open. */
  abstract get seekable(): boolean;
  /** The next line, ending with its newline (or at EOF, or at `limit`); empty at EOF. */
  abstract readline(limit?: number | null): T;
  /** Writes `data` → how much was taken. */
  abstract write(data: unknown): number;
  /** Flushes and closes (idempotent); then every operation throws `EBADF`. */
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

  /** Writes each item in turn (no newlines added), as Python's writelines. */
  writelines(items: Iterable<unknown>): void {
    if (this.closed) throw closedError('write');
    if (!given(items) || typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw invalidArgType('items', 'an iterable', items);
    }
    for (const item of items) this.write(item);
  }

  /** Iterates over lines (`for (const line of handle)`), each ending with its newline. */
  [Symbol.iterator](): Iterator<T> {
    if (this.closed) throw closedError('read');
    return {
      next: (): IteratorResult<T> => {
        const line = this.readline();
        return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
      },
    };
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
hideCloneGuard(IOBase.prototype);
