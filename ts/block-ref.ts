// One native block shared by a MemFile and the handles opened from it. The fd
// closes when the last holder lets go (or when the garbage collector takes
// the native object, whichever comes first).
import { NativeBlock } from './native';

export class BlockRef {
  readonly native: NativeBlock;
  #holders = 1;

  constructor(native: NativeBlock) {
    this.native = native;
  }

  acquire(): void {
    this.#holders++;
  }

  release(): void {
    if (--this.#holders === 0) this.native.close();
  }
}
