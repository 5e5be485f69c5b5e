// One native block shared by a MemFile and the handles and streams opened from
// it: the only module that touches the native block (ts/native.ts). The fd
// closes when the last holder lets go (or when the garbage collector takes
// the native object, whichever comes first).
//
// read()/write() here are the byte-moving entry points for everything in ts/.
// While no other process can see the block (a memfd whose fd was never handed
// out, or the heap backing), or seals make the answer certain (a shared memfd
// sealed with 'shrink': bytes below the known size cannot vanish), they copy
// through a window onto the native mapping in JavaScript, with no native call
// and no syscall; otherwise native code copies (native/block.cc). The native
// side publishes size, mapping generation and mode in a shared Float64Array
// (native/block.h FastState).
import { binding, type LoadedToken, type NativeBlock, type SaveSourceToken } from './native';
import { unlinkAtExit } from './shm-exit';

// Shared with native code (native/binding.cc exports them).
const { size: SIZE, physical: PHYSICAL, generation: GENERATION, fast: FAST } = binding.constants.fastState;
const BIG_WRITE = binding.constants.bigFreshWrite;
/**
 * Big reads of pages this process has not touched through its mapping go
 * through the kernel (pread). The first touch of a page through a mapping
 * costs far more than a kernel copy of it (measured here under a hypervisor:
 * ~15 µs against ~2.4 µs per 4 KiB page; a warm mapping copies it in
 * ~0.15 µs), so a file read once — the common case for handles — is fastest
 * without the mapping, and one read many times is fastest with it. A region
 * counts as warm, and is read through the window from then on, once the
 * kernel has copied twice its size out of it: a third pass pays the faults
 * once, every later one runs at memcpy speed.
 */
const COLD_READ = 4096;
const REGION_SHIFT = 20; // 1 MiB regions
const WARM_PAGES = 2 * (1 << (REGION_SHIFT - 12));

export class BlockRef {
  readonly #native: NativeBlock;
  #holders = 1;
  readonly #state: Float64Array;
  #window: Uint8Array | null = null;
  #generation = -1;
  /** Called once, after the last holder let go and the block closed. */
  #onClose: (() => void) | null = null;
  // ArrayBuffers of this block's views. A view may sit on an older mapping
  // of the same pages than the window: TypedArray#set cannot see that
  // overlap, so such a source goes to native code (which copies it first).
  #views: WeakSet<ArrayBuffer> | null = null;
  /** pages read through the kernel per region of the window; warm at WARM_PAGES */
  #heat: Uint16Array | null = null;
  /** heap memory has no kernel copy to prefer */
  readonly #heap: boolean;

  // Each opens (or creates) a native block with one holder, the caller (ts/native.ts NativeBlockConstructor).
  /** A new block: backing 0 memfd | 1 shm | 2 heap, `size` zero bytes. */
  static create(backing: number, name: string, size: number): BlockRef {
    return new BlockRef(new binding.Block('create', backing, name, size));
  }

  /** A named shm block another process created. */
  static attach(name: string, readOnly: boolean): BlockRef {
    return new BlockRef(new binding.Block('attach', name, readOnly));
  }

  /** A duplicate of a memory file's fd. */
  static fromFd(fd: number): BlockRef {
    return new BlockRef(new binding.Block('fromFd', fd));
  }

  /** The block binding.loadFile() filled (ts/files.ts). */
  static adopt(token: LoadedToken): BlockRef {
    return new BlockRef(new binding.Block('adopt', token));
  }

  private constructor(native: NativeBlock) {
    this.#native = native;
    this.#state = new Float64Array(native.shared());
    this.#heap = native.state()[0] === 2;
  }

  acquire(): void {
    this.#holders++;
  }

  release(): void {
    if (--this.#holders === 0) {
      this.#window = null;
      this.#native.close();
      this.#onClose?.();
    }
  }

  /** A shm block this process created: unlinked at process.exit() and on SIGTERM/SIGINT/SIGHUP (ts/shm-exit.ts). */
  unlinkAtExit(): void {
    this.#onClose = unlinkAtExit(this.#native);
  }

  /** [backing 0 memfd | 1 shm | 2 heap, the name the native block was given (or found)] */
  identity(): [backing: number, name: string] {
    const state = this.#native.state();
    return [state[0], state[1]];
  }

  /** Opened for writing (false for a read-only attach or fd); seals aside. */
  get openedWritable(): boolean {
    return this.#native.state()[2];
  }

  /** Writes are sealed off, by this process or another (asks the kernel on a shared memfd). */
  get sealed(): boolean {
    return this.#native.state()[3];
  }

  /** Opened for writing and not sealed. */
  get writable(): boolean {
    const state = this.#native.state();
    return state[2] && !state[3];
  }

  /** Which path reads take now (FastState.fast): 0 native calls, 1 window (exact size), 2 window below a known floor. */
  get fastMode(): number {
    return this.#state[FAST];
  }

  /** The OS fd; from now on other processes may see and change the file. */
  fd(): number {
    return this.#native.fd();
  }

  /** Sets the size (shrinks, or extends with zeros) → the new size. */
  truncate(length: number): number {
    return this.#native.truncate(length);
  }

  /** Adds F_SEAL_* bits (views are detached first when write seals are added). */
  seal(bits: number): void {
    this.#native.seal(bits);
  }

  /** The F_SEAL_* bits on the file now (0 on shm and heap). */
  seals(): number {
    return this.#native.seals();
  }

  /** What saveFile() copies, captured now (ts/files.ts). */
  saveSource(): SaveSourceToken {
    return this.#native.saveSource();
  }

  /** Detaches every view (length 0) without closing. */
  detachViews(): void {
    this.#native.detachViews();
  }

  /** An ArrayBuffer over bytes [offset, offset + length) of the block's own memory (the caller checked the range). */
  view(offset: number, length: number): ArrayBuffer {
    const buffer = this.#native.view(offset, length);
    (this.#views ??= new WeakSet()).add(buffer);
    return buffer;
  }

  /** The mapping window covering [0, end), or null when a native call is needed. */
  #windowFor(end: number): Uint8Array | null {
    const state = this.#state;
    if (state[FAST] === 0) return null;
    if (state[GENERATION] !== this.#generation || this.#window === null) {
      const ab = this.#native.window();
      this.#window = ab === undefined ? null : new Uint8Array(ab);
      this.#generation = state[GENERATION];
      if (state[FAST] === 0) return null;
    }
    const window = this.#window;
    return window !== null && end <= window.length ? window : null;
  }

  /** Like NativeBlock.read: copies up to `length` bytes at `offset` into target[start..]. */
  read(offset: number, target: Uint8Array, start: number, length: number): number {
    return this.#read(offset, target, start, length, true);
  }

  /**
   * read() without the kernel copy for big reads of untouched pages (see COLD_READ): the
   * pages are faulted in through the mapping at once. What streams use: they read a file
   * start to end, in practice often again and again, and have always read this way.
   */
  readWarm(offset: number, target: Uint8Array, start: number, length: number): number {
    return this.#read(offset, target, start, length, false);
  }

  #read(offset: number, target: Uint8Array, start: number, length: number, coldToKernel: boolean): number {
    const state = this.#state;
    const fast = state[FAST];
    let n = length;
    if (fast === 1) {
      const size = state[SIZE];
      n = offset >= size ? 0 : Math.min(length, size - offset);
      if (n === 0) return 0;
    } else if (fast === 2 && (offset + length > state[SIZE] || length === 0)) {
      // Past the known floor a peer may have appended: native code asks the kernel once.
      return this.#native.read(offset, target, start, length);
    }
    if (coldToKernel && n >= COLD_READ && !this.#heap && this.#cold(offset, n)) return this.#native.read(offset, target, start, n, true);
    if (fast !== 0) {
      const window = this.#windowFor(offset + n);
      if (window !== null) {
        target.set(window.subarray(offset, offset + n), start);
        return n;
      }
    }
    return this.#native.read(offset, target, start, n);
  }

  /** Whether a big read should go through the kernel; counts it towards warming its region. */
  #cold(offset: number, length: number): boolean {
    const region = Math.floor(offset / (1 << REGION_SHIFT));
    let heat = this.#heat;
    if (heat === null || region >= heat.length) {
      if (region >= 1 << 16) return false; // past 64 GiB: not tracked, the window decides
      const grown = new Uint16Array(Math.max(64, 2 ** Math.ceil(Math.log2(region + 1))));
      if (heat !== null) grown.set(heat);
      heat = this.#heat = grown;
    }
    const h = heat[region];
    if (h >= WARM_PAGES) return false;
    heat[region] = h + ((length + 4095) >>> 12 > WARM_PAGES ? WARM_PAGES : (length + 4095) >>> 12);
    return true;
  }

  /** Like NativeBlock.write: writes source[start, start+length) at `offset`. */
  write(offset: number, source: Uint8Array, start: number, length: number): void {
    const state = this.#state;
    const end = offset + length;
    // Big writes into fresh pages go native (kernel write path, see block.cc).
    if (
      state[FAST] !== 0 && end <= state[PHYSICAL] && length > 0 && (length < BIG_WRITE || end <= state[SIZE]) &&
      (this.#views === null || !this.#views.has(source.buffer as ArrayBuffer))
    ) {
      const window = this.#windowFor(end);
      if (window !== null) {
        window.set(start === 0 && length === source.length ? source : source.subarray(start, start + length), offset);
        if (end > state[SIZE]) state[SIZE] = end;
        return;
      }
    }
    this.#native.write(offset, source, start, length);
  }

  size(): number {
    const state = this.#state;
    return state[FAST] === 1 ? state[SIZE] : this.#native.size();
  }
}
