// The only module that touches the compiled addon, found by node-gyp-build: a
// local build (build/Release, build/Debug) if there is one, else the prebuilt
// binary for this platform (prebuilds/<platform>-<arch>). An installed package
// has no build/ unless the user built from source, so the prebuild is what loads.
// MEMFILE_PREBUILD=<dir> makes node-gyp-build look in <dir> instead (the ASan build).
import * as path from 'node:path';
import { fromNative } from './errors';

export interface NativeBlock {
  /** Copies up to `length` bytes at `offset` into target[start..]; returns bytes copied (short only at EOF). */
  read(offset: number, target: Uint8Array, start: number, length: number, cold?: boolean): number;
  /** Writes source[start, start+length) at `offset`, growing the file (zero-filled gap) as needed. */
  write(offset: number, source: Uint8Array, start: number, length: number): void;
  size(): number;
  truncate(length: number): number;
  /** Adds F_SEAL_* bits; views are detached first when write seals are added. */
  seal(bits: number): void;
  /** The F_SEAL_* bits on the file now (0 on shm and heap). */
  seals(): number;
  /** The OS fd; from now on other processes may see and change the file. */
  fd(): number;
  /** An ArrayBuffer over the block's own memory (caller checked the range). */
  view(offset: number, length: number): ArrayBuffer;
  /** Detaches every view (length 0), then closes the fd. Idempotent. */
  close(): void;
  /** Detaches every view without closing. */
  detachViews(): void;
  /** The 32-byte FastState (native/block.h) as an ArrayBuffer: [size, physical, generation, fast]. */
  shared(): ArrayBuffer;
  /** An ArrayBuffer over the whole current mapping while the block is private; else undefined. */
  window(): ArrayBuffer | undefined;
  /** [backing 0 memfd | 1 shm | 2 heap, name, writable, sealed, closed] */
  state(): [number, string, boolean, boolean, boolean];
  /** What saveFile() copies, captured now: a private dup of the fd, or the pinned heap memory. */
  saveSource(): SaveSourceToken;
}

/** Opaque handles between native calls (type-tagged Externals). */
export type LoadedToken = { readonly __brand: 'memfile.LoadedToken' };
export type SaveSourceToken = { readonly __brand: 'memfile.SaveSourceToken' };

interface NativeBlockConstructor {
  new (op: 'create', backing: number, name: string, size: number): NativeBlock;
  new (op: 'attach', name: string, readOnly: boolean): NativeBlock;
  new (op: 'fromFd', fd: number): NativeBlock;
  new (op: 'adopt', token: LoadedToken): NativeBlock;
}

/** native/fdpass-binding.cc; onEvent kind 0 = file, 1 = dropped connection, 2 = server error. */
export interface NativeFdServer {
  close(): void;
  ref(): void;
  unref(): void;
  setTimeout(ms: number): void;
}
export type FdServerEvent = (
  kind: 0 | 1 | 2, error: Error | null, fd: number, message: Buffer | undefined,
  pid: number, uid: number, gid: number,
) => void;

export interface Binding {
  Block: NativeBlockConstructor;
  FdServer: new (path: string, onEvent: FdServerEvent) => NativeFdServer;
  /** Throws when the connect fails at once; else done(error | null) later. */
  sendFd(path: string, fd: number, message: Uint8Array, done: (error: Error | null) => void): void;
  haveMemfd: boolean;
  pageSize: number;
  /** Numbers JavaScript and native code must agree on (native/binding.cc Init). */
  constants: {
    /** A write of at least this many bytes past the size goes through the kernel (native/block.h). */
    readonly bigFreshWrite: number;
    /** Float64Array indices of the FastState fields (native/block.h), and its size in bytes. */
    readonly fastState: { readonly size: number; readonly physical: number; readonly generation: number; readonly fast: number; readonly bytes: number };
  };
  /** A whole file (path or fd, read from offset 0) copied into a new block by the kernel (native/fileio.cc). */
  loadFile(source: string | number, backing: number, name: string, async: false): LoadedToken;
  loadFile(source: string | number, backing: number, name: string, async: true): Promise<LoadedToken>;
  /** Writes the source's bytes to a path (opened with open(2) `flags`, `mode`) or at an fd's position. */
  saveFile(source: SaveSourceToken, target: string | number, flags: number, mode: number, async: false): number;
  saveFile(source: SaveSourceToken, target: string | number, flags: number, mode: number, async: true): Promise<number>;
}

function load(): Binding {
  const root = path.join(__dirname, '..');
  try {
        return require('node-gyp-build')(root) as Binding;
  } catch (cause) {
    const error = new Error(
      `memfile: no native binary for ${process.platform}-${process.arch} (node ${process.version}, ` +
        `N-API 8). Build it from source with \`npm_config_build_from_source=true npm rebuild memfile\` ` +
        `(needs python3, make and a C++17 compiler; where npm blocks dependencies' install scripts, ` +
        `allow memfile's first: \`npm install-scripts approve memfile\`). Cause: ${(cause as Error).message}`,
    );
    (error as Error & { cause?: unknown }).cause = cause;
    throw error;
  }
}

/**
 * Errors from the block's native methods start their stack at the caller's line (the
 * library's frames cut, as for errors made in TypeScript). Fixed-arity wrappers: V8
 * inlines them, and the common call pays nothing but the try.
 */
function callerFirstErrors(b: Binding): Binding {
  // The addon's methods are read-only properties: a subclass overrides them.
  const Base = b.Block as unknown as new (...args: unknown[]) => NativeBlock;
  class Block extends Base {
    constructor(...args: unknown[]) {
      try { super(...args); } catch (e) { throw fromNative(e); }
    }
    read(offset: number, target: Uint8Array, start: number, length: number, cold?: boolean): number {
      try { return super.read(offset, target, start, length, cold); } catch (e) { throw fromNative(e); }
    }
    write(offset: number, source: Uint8Array, start: number, length: number): void {
      try { super.write(offset, source, start, length); } catch (e) { throw fromNative(e); }
    }
    size(): number {
      try { return super.size(); } catch (e) { throw fromNative(e); }
    }
    truncate(length: number): number {
      try { return super.truncate(length); } catch (e) { throw fromNative(e); }
    }
    seal(bits: number): void {
      try { super.seal(bits); } catch (e) { throw fromNative(e); }
    }
    seals(): number {
      try { return super.seals(); } catch (e) { throw fromNative(e); }
    }
    fd(): number {
      try { return super.fd(); } catch (e) { throw fromNative(e); }
    }
    view(offset: number, length: number): ArrayBuffer {
      try { return super.view(offset, length); } catch (e) { throw fromNative(e); }
    }
    saveSource(): SaveSourceToken {
      try { return super.saveSource(); } catch (e) { throw fromNative(e); }
    }
  }
  b.Block = Block as unknown as NativeBlockConstructor;
  // The sync file copies throw; their promise forms reject with no caller frames to cut.
  const { loadFile, saveFile } = b;
  b.loadFile = ((source: string | number, backing: number, name: string, async: boolean) => {
    try { return loadFile(source, backing, name, async as false); } catch (e) { throw fromNative(e); }
  }) as Binding['loadFile'];
  b.saveFile = ((source: SaveSourceToken, target: string | number, flags: number, mode: number, async: boolean) => {
    try { return saveFile(source, target, flags, mode, async as false); } catch (e) { throw fromNative(e); }
  }) as Binding['saveFile'];
  return b;
}

export const binding: Binding = callerFirstErrors(load());
