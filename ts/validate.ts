// Argument validation with Node's codes and messages (Node's lib/internal/validators.js
// model): the one module every other checks arguments with. The native layer trusts what
// passes. What an option *means* (open modes, fs flags: ts/modes.ts) is parsed elsewhere.
import { invalidArgType, invalidArgValue, outOfRange } from './errors';

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

/** An integer in [min, max], with Node's validateInteger messages (fs.createReadStream's start/end). */
export function validateInteger(value: unknown, name: string, min = -MAX_SAFE, max = MAX_SAFE): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** A seek's `whence`: 0 (set, the default), 1 (current) or 2 (end). */
export function validateWhence(value: unknown): 0 | 1 | 2 {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw invalidArgType('whence', 'of type number', value);
  if (value !== 0 && value !== 1 && value !== 2) throw invalidArgValue('whence', value, 'must be 0 (set), 1 (current) or 2 (end)');
  return value;
}

/** An options argument: `null`/`undefined` → `{}`, an object as it is, anything else `ERR_INVALID_ARG_TYPE`. */
export function validateOptions(value: unknown, name = 'options'): Record<string, unknown> {
  if (!given(value)) return {};
  if (typeof value !== 'object') throw invalidArgType(name, 'of type object', value);
  return value as Record<string, unknown>;
}

/** An optional AbortSignal (anything with `aborted`, as Node's validateAbortSignal). */
export function validateAbortSignal(value: unknown, name: string): AbortSignal | undefined {
  if (!given(value)) return undefined;
  if (typeof value !== 'object' || value === null || !('aborted' in value)) {
    throw invalidArgType(name, 'an instance of AbortSignal', value);
  }
  return value as AbortSignal;
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
