// Argument validation with Node's codes. The native layer trusts what passes.
import { invalidArgType, outOfRange } from './errors';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A non-negative safe integer (offsets, sizes, lengths). */
export function validateUint(value: unknown, name: string, max = MAX_SAFE): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw outOfRange(name, max === MAX_SAFE ? '>= 0 && <= 2^53-1 and an integer' : `>= 0 && <= ${max} and an integer`, value);
  }
  return value;
}

/** A safe integer that may be negative (seek offsets, "-1 means all" sizes). */
export function validateInt(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < -MAX_SAFE || value > MAX_SAFE) {
    throw outOfRange(name, 'a safe integer', value);
  }
  return value;
}

/** `null`/`undefined` mean "not given" everywhere. */
export function given<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** Any ArrayBufferView or ArrayBuffer, as a Uint8Array over the same memory (no copy). */
export function toBytes(value: unknown, name: string): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return new Uint8Array(value);
  void name;
  return undefined;
}

export function validateBytes(value: unknown, name: string): Uint8Array {
  const bytes = toBytes(value, name);
  if (bytes === undefined) {
    throw invalidArgType(name, 'an instance of Buffer, TypedArray, DataView or ArrayBuffer', value);
  }
  return bytes;
}
