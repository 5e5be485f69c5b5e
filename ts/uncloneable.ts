// MemFiles, handles and streams refuse structured cloning (README, API: Sharing). A clone
// would copy only the own enumerable data properties — `{ name, backing }`, no block, no
// methods — and the user would meet "m.pread is not a function" in the worker. Node >= 22.10
// has worker_threads.markAsUncloneable for this. Node 20 lacks it, but V8 refuses to clone
// Symbol *values*: an own enumerable string-keyed property holding a Symbol makes
// structuredClone and postMessage throw DOMException DataCloneError, whose message then
// carries the Symbol's description (what to do instead). That property is hidden from
// util.inspect (console.log) by hideCloneGuard.
import { inspect, type InspectOptionsStylized } from 'node:util';
import * as workerThreads from 'node:worker_threads';

const markAsUncloneable = (workerThreads as { markAsUncloneable?: (value: object) => void }).markAsUncloneable;

/** The property that carries the Symbol on Node versions without markAsUncloneable. */
export const CLONE_GUARD = 'cloneGuard';

const symbols = new Map<string, symbol>();

/** Makes structuredClone(target) / postMessage(target) throw DataCloneError; `advice` says what to pass instead. */
export function markUncloneable(target: object, advice: string): void {
  if (markAsUncloneable !== undefined) {
    markAsUncloneable(target);
    return;
  }
  let value = symbols.get(advice);
  if (value === undefined) {
    value = Symbol(advice);
    symbols.set(advice, value);
  }
  Object.defineProperty(target, CLONE_GUARD, { value, enumerable: true, writable: false, configurable: false });
}

/** util.inspect of `this` as if the guard property were not there (same class name, same other properties). */
function inspectWithoutGuard(this: object, depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
  // A stand-in with the same prototype chain, minus this hook, holding every own property but the guard.
  const proto = Object.create(Object.getPrototypeOf(this) as object, { [inspect.custom]: { value: undefined } }) as object;
  const descriptors = Object.getOwnPropertyDescriptors(this) as Record<string | symbol, PropertyDescriptor>;
  delete descriptors[CLONE_GUARD];
  return show(Object.create(proto, descriptors), { ...options, depth });
}

/** Installs inspectWithoutGuard on a class's prototype (unless the class inspects itself). */
export function hideCloneGuard(prototype: object): void {
  if (markAsUncloneable !== undefined || Object.prototype.hasOwnProperty.call(prototype, inspect.custom)) return;
  Object.defineProperty(prototype, inspect.custom, { value: inspectWithoutGuard, writable: true, configurable: true });
}
