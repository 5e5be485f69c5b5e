// Names of blocks: any string for memfd (the kernel keeps up to 249 bytes),
// a portable file name for POSIX shm.
import { randomBytes } from 'node:crypto';
import { invalidArgType, invalidArgValue } from './errors';

export const DEFAULT_NAME = 'memfile';
const SHM_NAME = /^[A-Za-z0-9._-]{1,200}$/;

export function validateName(value: unknown, name = 'name'): string {
  if (value === undefined || value === null) return DEFAULT_NAME;
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (value.includes('\0')) throw invalidArgValue(name, value, 'must not contain null bytes');
  return value;
}

/** Strips one leading '/', then checks the portable shm character set. */
export function validateShmName(value: unknown, name = 'name'): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  const bare = value.startsWith('/') ? value.slice(1) : value;
  if (!SHM_NAME.test(bare) || bare === '.' || bare === '..') {
    throw invalidArgValue(name, value, 'must be 1-200 characters of [A-Za-z0-9._-] (a leading "/" is allowed)');
  }
  return bare;
}

export function randomShmName(): string {
  return `memfile-${randomBytes(16).toString('hex')}`;
}

/** memfd_create() refuses names over 249 bytes; the full name stays in JavaScript. */
export function kernelName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= 249) return name;
  let end = 249;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
