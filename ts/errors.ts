// Node-style errors: every error has a string `code`; OS-level ones also carry
// a negative `errno` and the `syscall`, like Node's SystemError.
import { constants as bufferConstants } from 'node:buffer';
import { constants } from 'node:os';
import { inspect } from 'node:util';

export interface CodedError extends Error {
  code: string;
  errno?: number;
  syscall?: string;
}

type ErrorClass = new (message: string) => Error;

export function codedError(Class: ErrorClass, code: string, message: string): CodedError {
  const error = new Class(message) as CodedError;
  error.code = code;
  return error;
}

const errnos = constants.errno as Record<string, number>;

/** An OS-style error (EBADF, EPERM, ...) raised by the TypeScript layer. */
export function systemError(code: string, syscall: string, message: string): CodedError {
  const error = codedError(Error, code, `${code}: ${message}, ${syscall}`);
  if (errnos[code] !== undefined) error.errno = -errnos[code];
  error.syscall = syscall;
  return error;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    return ctor?.name ? `an instance of ${ctor.name}` : inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

export function invalidArgType(name: string, expected: string, actual: unknown): CodedError {
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
}

export function outOfRange(name: string, range: string, actual: unknown): CodedError {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(actual)}`);
}

export function invalidArgValue(name: string, actual: unknown, reason = 'is invalid'): CodedError {
  let shown = inspect(actual);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument '${name}' ${reason}. Received ${shown}`);
}

export const closedError = (what: string): CodedError => systemError('EBADF', what, 'I/O operation on closed file');

/** A whole read whose result would not fit in one Buffer: fs's code (as fs.readFileSync), everywhere. */
export function fileTooLarge(size: number): CodedError {
  return codedError(RangeError, 'ERR_FS_FILE_TOO_LARGE',
    `File size (${size}) is greater than the largest possible Buffer (${bufferConstants.MAX_LENGTH} bytes)`);
}
