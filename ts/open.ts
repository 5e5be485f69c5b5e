// MemFile.open(): Python's open() over the block. Everything is validated
// (modes.ts) before the content is touched, so a failed open('w') truncates nothing.
import { systemError } from './errors';
import { BufferedRandomClass, BufferedReaderClass, BufferedWriterClass, type BufferedBase, type BufferedIO, type BufferedRandom } from './handles/buffered';
import { RawHandle } from './handles/raw';
import { TextHandle } from './handles/text';
import { blockOf } from './internal';
import type { MemFile } from './memfile';
import { parseOpenArgs } from './modes';
import { binding } from './native';

/** Any handle `mf.open()` returns (to name in a parameter that takes any of them). */
export type AnyHandle = RawHandle | BufferedIO | TextHandle;

/**
 * What `mf.open(mode)` returns for a mode known only at run time: a type offering both
 * directions (a call in the wrong one throws `EBADF`), since the mode can't be checked statically.
 */
export type DynamicHandle = RawHandle | BufferedRandom | TextHandle;

/** Python's io.DEFAULT_BUFFER_SIZE, used where the block has no st_blksize. */
export const DEFAULT_BUFFER_SIZE = 8192;

/** What Python picks for buffering=-1: st_blksize, which is the page size on tmpfs and for a memfd. */
function defaultBufferSize(file: MemFile): number {
  return file.backing !== 'heap' && binding.pageSize > 1 ? binding.pageSize : DEFAULT_BUFFER_SIZE;
}

export function openFile(file: MemFile, mode?: unknown, options?: unknown): DynamicHandle {
  const config = parseOpenArgs(mode, options, defaultBufferSize(file));
  const ref = blockOf(file);
  if (config.writable && !file.writable) {
    // Fail at open rather than at the first flush, so nothing half-happens.
    throw file.sealed
      ? systemError('EPERM', 'open', `'${file.name}' is sealed`)
      : systemError('EBADF', 'open', `'${file.name}' is read-only`);
  }
  if (config.creating && ref.size() > 0) {
    throw systemError('EEXIST', 'open', `'${file.name}' already holds data (mode '${config.mode}')`);
  }
  if (config.writing) ref.truncate(0);

  const raw = new RawHandle(ref, {
    name: file.name,
    mode: config.rawMode,
    readable: config.readable,
    writable: config.writable,
    appending: config.appending,
  });
  if (config.bufferSize === 0) return raw;
  let buffered: BufferedBase;
  if (config.updating) buffered = new BufferedRandomClass(raw, config.bufferSize);
  else if (config.reading) buffered = new BufferedReaderClass(raw, config.bufferSize);
  else buffered = new BufferedWriterClass(raw, config.bufferSize);
  if (config.binary) return buffered as BufferedRandom;

  // The codecs load on the first text open (parseOpenArgs looked the encoding up): binary
  // users never load them.
  try {
    return new TextHandle(buffered, {
      encoding: config.encoding,
      errors: config.errors,
      newline: config.newline,
      lineBuffering: config.lineBuffering,
      mode: config.mode,
      name: file.name,
    });
  } catch (error) {
    raw.close();
    throw error;
  }
}
