// Small byte helpers shared by the codecs. Views, not copies, wherever a view is safe.

export const EMPTY: Uint8Array = new Uint8Array(0);

export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** pending + input; no copy when nothing is pending (the common case) */
export function join(pending: Uint8Array, input: Uint8Array): Buffer {
  if (pending.length === 0) return asBuffer(input);
  if (input.length === 0) return asBuffer(pending);
  return Buffer.concat([pending, input]);
}

/** An owned copy: pending bytes must not alias the caller's buffer, which it may reuse. */
export function copyOf(u: Uint8Array): Uint8Array {
  return u.length === 0 ? EMPTY : Uint8Array.prototype.slice.call(u);
}

/** Node 20 has String.prototype.isWellFormed (V8 11); the ES2022 lib typings do not. */
export function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}
