// Where modes and flags are parsed: open()'s `mode` string and options, checked
// with CPython 3.11's rules (Modules/_io/_iomodule.c) before anything touches
// the content, and createWriteStream()'s fs flags. Python's ValueError becomes
// ERR_INVALID_ARG_VALUE, its TypeError ERR_INVALID_ARG_TYPE (README "Errors").
// Only a text mode loads the codecs (ts/text-convert.ts), to check its encoding.
import { validateErrors, type ErrorsMode } from './codecs/errors';
import { invalidArgType, invalidArgValue, outOfRange } from './errors';
import { lookupCodec } from './text-convert';
import { given, validateInt, validateOptions } from './validate';

export type { ErrorsMode } from './codecs/errors';
export type Newline = null | '' | '\n' | '\r' | '\r\n';

export interface OpenOptions {
  /** -1 (any negative) default; 0 raw (binary only); 1 line buffering (text; default size in binary); > 1 buffer size */
  buffering?: number | null;
  /** text only; default 'utf-8' */
  encoding?: string | null;
  /** text only; default 'strict' */
  errors?: ErrorsMode | null;
  /** text only; default null (universal newlines) */
  newline?: Newline | undefined;
}

export interface BinaryOpenOptions extends OpenOptions {
  encoding?: null;
  errors?: null;
  newline?: null;
}

export interface TextOpenOptions extends OpenOptions {
  buffering?: -1 | 1 | number | null;
}

type Perm2<A extends string, B extends string> = `${A}${B}` | `${B}${A}`;
type Perm3<A extends string, B extends string, C extends string> =
  | `${A}${B}${C}` | `${A}${C}${B}` | `${B}${A}${C}` | `${B}${C}${A}` | `${C}${A}${B}` | `${C}${B}${A}`;
type Primary = 'r' | 'w' | 'a' | 'x';

/** Literal binary modes that give a BufferedReader. */
export type ReadBinaryMode = Perm2<'r', 'b'>;
/** Literal binary modes that give a BufferedWriter. */
export type WriteBinaryMode = Perm2<'w' | 'a' | 'x', 'b'>;
/** Literal binary modes that give a BufferedRandom. */
export type UpdateBinaryMode = Perm3<Primary, 'b', '+'>;
export type BinaryMode = ReadBinaryMode | WriteBinaryMode | UpdateBinaryMode;
/** Literal text modes (TextHandle). */
export type TextMode = ReadTextMode | WriteTextMode | UpdateTextMode;
/** Literal text modes that read only: TextHandle<'r'>. */
export type ReadTextMode = 'r' | Perm2<'r', 't'>;
/** Literal text modes that write only: TextHandle<'w'>. */
export type WriteTextMode = 'w' | 'a' | 'x' | Perm2<'w' | 'a' | 'x', 't'>;
/** Literal text modes that read and write: TextHandle<'rw'>. */
export type UpdateTextMode = Perm2<Primary, '+'> | Perm3<Primary, 't', '+'>;

/** Largest buffer we agree to allocate for `buffering > 1`. */
export const MAX_BUFFER_SIZE = 2 ** 30;

export interface OpenConfig {
  reading: boolean;
  writing: boolean;
  appending: boolean;
  creating: boolean;
  updating: boolean;
  binary: boolean;
  readable: boolean;
  writable: boolean;
  /** FileIO's mode: 'rb' 'wb' 'ab' 'xb' 'rb+' 'ab+' 'xb+' (what binary handles report) */
  rawMode: string;
  /** What the handle open() returns reports as `mode` */
  mode: string;
  /** 0 = raw handle; otherwise the buffer size */
  bufferSize: number;
  lineBuffering: boolean;
  encoding: string;
  errors: ErrorsMode;
  newline: Newline;
}

const MODE_LETTERS = 'xrwa+tb';

function badMode(mode: string, reason: string): Error {
  return invalidArgValue('mode', mode, reason);
}

interface Letters { r: boolean; w: boolean; a: boolean; x: boolean; plus: boolean; t: boolean; b: boolean }

function parseLetters(mode: string): Letters {
  for (let i = 0; i < mode.length; i++) {
    const c = mode[i];
    if (!MODE_LETTERS.includes(c)) throw badMode(mode, `has an unknown letter '${c}'`);
    if (mode.indexOf(c, i + 1) !== -1) throw badMode(mode, `repeats the letter '${c}'`);
  }
  const has = (c: string): boolean => mode.includes(c);
  return { r: has('r'), w: has('w'), a: has('a'), x: has('x'), plus: has('+'), t: has('t'), b: has('b') };
}

/** FileIO's mode_string(): how Python reports a binary mode. */
function rawModeString(l: Letters): string {
  if (l.x) return l.plus ? 'xb+' : 'xb';
  if (l.a) return l.plus ? 'ab+' : 'ab';
  if (l.r || l.plus) return l.plus ? 'rb+' : 'rb';
  return 'wb';
}

function validateNewline(value: unknown): Newline {
  if (!given(value)) return null;
  if (typeof value !== 'string') throw invalidArgType('options.newline', 'of type string or null', value);
  if (value === '' || value === '\n' || value === '\r' || value === '\r\n') return value;
  throw invalidArgValue('options.newline', value, "must be one of null, '', '\\n', '\\r', '\\r\\n'");
}

/**
 * Checks every argument of open() and resolves the defaults. Throws before
 * anything is touched; `defaultBufferSize` is the block's st_blksize
 * equivalent (Python uses st_blksize when buffering is -1).
 */
export function parseOpenArgs(modeArg: unknown, optionsArg: unknown, defaultBufferSize: number): OpenConfig {
  // Types first, as Python's argument parsing does.
  const mode = given(modeArg) ? modeArg : 'r';
  if (typeof mode !== 'string') throw invalidArgType('mode', 'of type string', mode);
  const opts = validateOptions(optionsArg);
  const { buffering: bufferingArg, encoding: encodingArg, errors: errorsArg, newline: newlineArg } = opts;
  const buffering = given(bufferingArg) ? validateInt(bufferingArg, 'options.buffering') : -1;
  if (given(encodingArg) && typeof encodingArg !== 'string') {
    throw invalidArgType('options.encoding', 'of type string or null', encodingArg);
  }
  if (given(errorsArg) && typeof errorsArg !== 'string') {
    throw invalidArgType('options.errors', 'of type string or null', errorsArg);
  }
  if (given(newlineArg) && typeof newlineArg !== 'string') {
    throw invalidArgType('options.newline', 'of type string or null', newlineArg);
  }

  const l = parseLetters(mode);
  let reported = mode;
  if (l.w && l.x && !l.r && !l.a) {
    // Node's 'wx' / 'wx+': exclusive creation, which Python spells 'x'.
    l.w = false;
    reported = mode.replace('w', '');
  }
  if (l.t && l.b) throw badMode(mode, "can't have text and binary mode at once");
  const primaries = Number(l.r) + Number(l.w) + Number(l.a) + Number(l.x);
  if (primaries > 1) {
    // 'rw' and the like: Python spells "read and write" with '+'.
    const b = l.b ? 'b' : '';
    throw badMode(mode, `must have exactly one of read/write/append/create mode (r, w, a, x): to read and write, use 'r${b}+' (keeps the content) or 'w${b}+' (truncates first)`);
  }
  if (primaries !== 1) {
    throw badMode(mode, 'must have exactly one of read/write/append/create mode (r, w, a, x)');
  }
  const binary = l.b;
  if (binary && given(encodingArg)) throw invalidArgValue('options.encoding', encodingArg, "is not allowed in binary mode");
  if (binary && given(errorsArg)) throw invalidArgValue('options.errors', errorsArg, "is not allowed in binary mode");
  if (binary && given(newlineArg)) throw invalidArgValue('options.newline', newlineArg, "is not allowed in binary mode");
  if (!binary && buffering === 0) throw invalidArgValue('options.buffering', 0, "can't be 0 (unbuffered) in text mode");
  if (buffering > MAX_BUFFER_SIZE) throw outOfRange('options.buffering', `<= ${MAX_BUFFER_SIZE}`, buffering);

  const errors = given(errorsArg) ? validateErrors(errorsArg) : 'strict';
  const newline = validateNewline(newlineArg);
  const encoding = given(encodingArg) ? (encodingArg as string) : 'utf-8';
  if (!binary) lookupCodec(encoding); // ERR_ENCODING_NOT_SUPPORTED now, not after a truncation

  const lineBuffering = !binary && buffering === 1;
  const bufferSize = buffering === 0 ? 0 : buffering === 1 || buffering < 0 ? defaultBufferSize : buffering;
  const rawMode = rawModeString(l);
  return {
    reading: l.r,
    writing: l.w,
    appending: l.a,
    creating: l.x,
    updating: l.plus,
    binary,
    readable: l.r || l.plus,
    writable: !l.r || l.plus,
    rawMode,
    mode: binary ? rawMode : reported,
    bufferSize,
    lineBuffering,
    encoding,
    errors,
    newline,
  };
}

/** What an fs flag string asks for when writing: createWriteStream()'s `flags`, saveTo()'s `flag`. */
export interface WriteFlags {
  /** The flag as given. */
  flags: string;
  truncate: boolean;
  append: boolean;
  exclusive: boolean;
}

// fs's flag strings that allow writing ('s', synchronous, changes nothing in memory);
// 'r'/'rs' (read-only) are rejected.
const WRITE_FLAGS = new Map<string, Omit<WriteFlags, 'flags'>>();
for (const [names, truncate, append, exclusive] of [
  [['w', 'w+'], true, false, false],
  [['wx', 'xw', 'wx+', 'xw+'], true, false, true],
  [['a', 'a+', 'as', 'sa', 'as+', 'sa+'], false, true, false],
  [['ax', 'xa', 'ax+', 'xa+'], false, true, true],
  [['r+', 'rs+', 'sr+'], false, false, false],
] as const) {
  for (const name of names) WRITE_FLAGS.set(name, { truncate, append, exclusive });
}

/** saveTo() writes a whole file: no reading ('+'), no keeping the old bytes in place ('r+'). */
const SAVE_FLAGS: ReadonlySet<string> = new Set(['w', 'wx', 'xw', 'a', 'ax', 'xa']);

function parseFlags(value: unknown, typeName: string, valueName: string, allowed: ReadonlySet<string> | null, reason: string): WriteFlags {
  let flags = 'w';
  if (given(value)) {
    if (typeof value !== 'string') throw invalidArgType(typeName, 'of type string', value);
    flags = value;
  }
  const mode = allowed === null || allowed.has(flags) ? WRITE_FLAGS.get(flags) : undefined;
  if (mode === undefined) throw invalidArgValue(valueName, flags, reason);
  return { flags, ...mode };
}

/** createWriteStream()'s `options.flags` (default 'w'), as fs.createWriteStream takes them. */
export function parseWriteFlags(value: unknown): WriteFlags {
  return parseFlags(value, 'options.flags', 'flags', null, "must be a writable fs flag such as 'w', 'wx', 'a', 'ax' or 'r+'");
}

/** saveTo()'s `options.flag` (default 'w'): 'w', 'wx', 'a' and their spellings 'xw', 'ax', 'xa', as fs.writeFile. */
export function parseSaveFlag(value: unknown): WriteFlags {
  return parseFlags(value, 'options.flag', 'options.flag', SAVE_FLAGS, "must be one of 'w', 'wx', 'a' (or 'xw', 'ax', 'xa')");
}
