// assert.throws with the two things every error here promises: its class and its code.
import * as assert from 'uvu/assert';

export function throwsCode(fn: () => unknown, Class: new (...args: never[]) => Error, code: string, label?: string): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  const what = label ?? fn.toString().slice(0, 80);
  assert.ok(caught !== undefined, `expected ${code} from ${what}, nothing thrown`);
  assert.ok(caught instanceof Class, `expected ${Class.name} from ${what}, got ${String(caught)}`);
  assert.is((caught as { code?: string }).code, code, `code for ${what}: ${String(caught)}`);
  return caught as Error;
}

export function fdCount(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:fs') as typeof import('node:fs')).readdirSync('/proc/self/fd').length;
}
