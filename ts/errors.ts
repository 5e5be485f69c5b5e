// Node-style errors: every error has a string `code`; OS-level ones also carry
// a negative `errno` and the `syscall`, like Node's SystemError.
import { constants as bufferConstants } from 'node:buffer';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

export interface CodedError extends Error {
  code: string;
  errno?: number;
  syscall?: string;
}

type ErrorClass = new (message: string) => Error;

// This module's directory: ts/ in the repository, dist/ when installed (handles/ and codecs/
// are below it). Frames from there are the library's own, not the caller's.
const LIBRARY_DIRS = [`${__dirname}/`, `${pathToFileURL(__dirname).href}/`];
/** How many library frames an error may start with (the deepest throw is well below this). */
const MAX_LIBRARY_FRAMES = 12;

/**
 * The stack starts at the caller's line: the library's own frames above it are cut
 * (what `Error.captureStackTrace(error, publicMethod)` does, without naming the method).
 * A stack with no frame outside the library is left whole.
 */
function fromCaller(create: () => Error): Error {
  const limit = Error.stackTraceLimit;
  if (typeof limit !== 'number' || limit <= 0) return create();
  Error.stackTraceLimit = limit + MAX_LIBRARY_FRAMES;
  let error: Error;
  try {
    error = create();
  } finally {
    Error.stackTraceLimit = limit;
  }
  return trimLibraryFrames(error, limit);
}

/** Cuts the library's own frames from the top of `error.stack`, keeping at most `limit` frames. */
function trimLibraryFrames<E extends Error>(error: E, limit: number): E {
  const stack = error.stack;
  if (typeof stack !== 'string') return error;
  const lines = stack.split('\n');
  const first = lines.findIndex((line) => line.startsWith('    at '));
  if (first === -1) return error;
  const head = lines.slice(0, first);
  const frames = lines.slice(first);
  let skip = 0;
  while (skip < frames.length && LIBRARY_DIRS.some((dir) => frames[skip].includes(dir))) skip++;
  const kept = skip < frames.length ? frames.slice(skip) : frames;
  error.stack = [...head, ...kept.slice(0, limit)].join('\n');
  return error;
}

/**
 * An error the native layer threw (EPERM, ENOSPC, ...), with its stack starting at the
 * caller's line like the TypeScript layer's own errors. Anything else passes through.
 */
export function fromNative(error: unknown): unknown {
  if (error instanceof Error) {
    const limit = Error.stackTraceLimit;
    return trimLibraryFrames(error, typeof limit === 'number' && limit > 0 ? limit : Infinity);
  }
  return error;
}

export function codedError(Class: ErrorClass, code: string, message: string): CodedError {
  const error = fromCaller(() => new Class(message)) as CodedError;
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

/**
 * A buffer where MemFile wants a number first: the caller used fs's argument order.
 * `fs.readSync(fd, buffer, offset, length, position)` reads into buffer[offset..] from
 * `position`; MemFile's `pread(offset, size, buffer?)` puts the file offset first.
 */
export function fsOrderError(name: string, actual: unknown, method: 'pread' | 'pwrite'): CodedError {
  const order = method === 'pread'
    ? "MemFile's order is pread(offset, size, buffer?) → { bytesRead, buffer }, not fs.read's (buffer, offset, length, position)"
    : "MemFile's order is pwrite(offset, data) → bytes written, not fs.write's (buffer, offset, length, position)";
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" argument must be of type number. Received ${describe(actual)}: ${order}`);
}

export const closedError = (what: string): CodedError => systemError('EBADF', what, 'I/O operation on closed file');

/** A whole read whose result would not fit in one Buffer: fs's code (as fs.readFileSync), everywhere. */
export function fileTooLarge(size: number): CodedError {
  return codedError(RangeError, 'ERR_FS_FILE_TOO_LARGE',
    `File size (${size}) is greater than the largest possible Buffer (${bufferConstants.MAX_LENGTH} bytes)`);
}
