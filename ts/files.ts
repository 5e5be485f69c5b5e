// MemFile.fromFile / saveTo, the fs side: what a `file` argument may be,
// saveTo's mode (its flag is parsed in modes.ts, with the other fs flags), and
// errors shaped like fs's (with `path`). The copy
// itself is native (native/fileio.cc): in the kernel, and for the promise
// forms on libuv's thread pool, never on the event loop.
import { constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError, invalidArgType, invalidArgValue, outOfRange } from './errors';
import { binding, LoadedToken, SaveSourceToken } from './native';
import { parseSaveFlag } from './modes';
import { DEFAULT_NAME } from './names';
import { given, validateOptions, validateUint } from './validate';

export type FileArg = string | URL | number;

/** A path to open, or an fd the caller owns (we use a dup of it). */
export type FileSource = { path: string; fd?: undefined } | { fd: number; path?: undefined };

export interface SaveOptions {
  /** 'w' (default: create or truncate), 'wx' (fail with EEXIST if it exists), 'a' (append); as fs.writeFile. */
  flag?: 'w' | 'wx' | 'a' | 'xw' | 'ax' | 'xa' | null;
  /** Permission bits for a file this call creates, before the umask; default 0o666. */
  mode?: number | string | null;
}

export function fileArg(file: unknown, name = 'file'): FileSource {
  if (typeof file === 'number') return { fd: validateUint(file, name, 0x7fffffff) };
  let p: string;
  if (typeof file === 'string') p = file;
  else if (file instanceof URL) p = fileURLToPath(file); // fs's own errors for a non-file: URL
  else throw invalidArgType(name, 'of type string or number or an instance of URL', file);
  if (p.includes('\0')) throw invalidArgValue(name, p, 'must be a string or URL without null bytes');
  return { path: p };
}

/** A path's base name; for an fd, which has no name of its own here, the default. */
export function defaultName(source: FileSource): string {
  return source.path === undefined ? DEFAULT_NAME : path.basename(source.path) || DEFAULT_NAME;
}


export interface SaveRequest {
  target: FileSource;
  flags: number;
  mode: number;
}

export function saveRequest(file: unknown, options: unknown): SaveRequest {
  const target = fileArg(file);
  const opts = validateOptions(options);
  const flag = parseSaveFlag(opts.flag);
  const flags = (flag.truncate ? fsConstants.O_TRUNC : 0) | (flag.append ? fsConstants.O_APPEND : 0) | (flag.exclusive ? fsConstants.O_EXCL : 0);
  let mode = 0o666;
  if (given(opts.mode)) {
    if (typeof opts.mode === 'string') {
      // As fs: an octal string is a mode too.
      if (!/^[0-7]+$/.test(opts.mode)) throw invalidArgValue('options.mode', opts.mode, 'must be a 32-bit unsigned integer or an octal string');
      mode = parseInt(opts.mode, 8);
    } else {
      mode = validateUint(opts.mode, 'options.mode', 0xffffffff);
    }
    if (mode > 0o7777) throw outOfRange('options.mode', '>= 0 && <= 4095 (0o7777)', opts.mode);
  }
  return { target, flags: fsConstants.O_WRONLY | fsConstants.O_CREAT | flags, mode };
}

/** As fs: a failure on a path names it, in `path` and at the end of the message. */
function withPath(error: unknown, source: FileSource): unknown {
  if (source.path !== undefined && error instanceof Error && typeof (error as CodedError).syscall === 'string') {
    (error as CodedError & { path: string }).path = source.path;
    error.message += ` '${source.path}'`;
  }
  return error;
}

const sourceArg = (s: FileSource): string | number => (s.path !== undefined ? s.path : s.fd);

export function loadSync(source: FileSource, backing: number, nativeName: string): LoadedToken {
  try {
    return binding.loadFile(sourceArg(source), backing, nativeName, false);
  } catch (error) {
    throw withPath(error, source);
  }
}

export async function load(source: FileSource, backing: number, nativeName: string): Promise<LoadedToken> {
  try {
    return await binding.loadFile(sourceArg(source), backing, nativeName, true);
  } catch (error) {
    throw withPath(error, source);
  }
}

export function saveSync(from: SaveSourceToken, req: SaveRequest): number {
  try {
    return binding.saveFile(from, sourceArg(req.target), req.flags, req.mode, false);
  } catch (error) {
    throw withPath(error, req.target);
  }
}

export async function save(from: SaveSourceToken, req: SaveRequest): Promise<number> {
  try {
    return await binding.saveFile(from, sourceArg(req.target), req.flags, req.mode, true);
  } catch (error) {
    throw withPath(error, req.target);
  }
}
