// Handing a MemFile to any process: the fd itself travels over a Unix domain
// stream socket as SCM_RIGHTS ancillary data, one connection per file, with a
// 1..65536-byte message — exactly Python's socket.send_fds / recv_fds.
// The socket work is native (native/fdpass-binding.cc) on libuv polls, so
// neither side ever blocks the event loop; this module validates, adopts the
// received fd through MemFile.fromFd (the one door for "is this fd a memory
// file") and turns native events into EventEmitter events.
import { EventEmitter } from 'node:events';
import { closeSync } from 'node:fs';
import { invalidArgType, invalidArgValue, outOfRange, systemError } from './errors';
import { MemFile } from './memfile';
import { binding, type NativeFdServer } from './native';
import { given, toBytes, validateUint } from './validate';

export const MAX_MESSAGE = 65536;
const DEFAULT_TIMEOUT = 10_000;

/** Who sent a file, and the message that came with it. */
export interface Sender {
  message: Buffer;
  /** SO_PEERCRED of the connecting process (pid in this process's pid namespace). */
  pid: number;
  uid: number;
  gid: number;
}

export type OnFile = (mf: MemFile, from: Sender) => void;

// process.exit() skips handle cleanup; a socket file left behind would make
// the next listen() on that path fail with EADDRINUSE. So 'exit' closes (and
// unlinks) whatever is still listening, as shm blocks are unlinked.
const listening = new Set<NativeFdServer>();
let exitHooked = false;
function closeAtExit(native: NativeFdServer): void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const server of listening) server.close();
      listening.clear();
    });
  }
  listening.add(native);
}

function validatePath(path: unknown): string {
  if (typeof path !== 'string') throw invalidArgType('path', 'of type string', path);
  if (path.length === 0 || path.includes('\0')) {
    throw invalidArgValue('path', path, 'must be a non-empty string without null bytes');
  }
  return path;
}

function withAddress<T>(error: T, path: string): T {
  const e = error as Error & { code?: string; address?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('E') && !e.code.startsWith('ERR_')) {
    e.message += ` '${path}'`;
    e.address = path;
  }
  return error;
}

/**
 * A listening socket at `path` that turns each connection carrying one fd into
 * a MemFile. Events: 'error' (the server itself failed, e.g. EMFILE on accept;
 * it keeps listening), 'drop' (error, from) for a connection that was refused —
 * no fd, more than one, an fd fromFd refuses, a message over 65536 bytes, or
 * no end within `timeout` — and 'close'.
 */
export class MemFileServer extends EventEmitter {
  readonly path: string;
  #native: NativeFdServer | null;
  #onFile: OnFile;
  #timeout = DEFAULT_TIMEOUT;
  #closed: Promise<void> | null = null;

  constructor(path: string, onFile: OnFile) {
    super();
    this.path = validatePath(path);
    if (typeof onFile !== 'function') throw invalidArgType('onFile', 'of type function', onFile);
    this.#onFile = onFile;
    try {
      this.#native = new binding.FdServer(path, (kind, error, fd, message, pid, uid, gid) =>
        this.#event(kind, error, fd, { message: message ?? Buffer.alloc(0), pid, uid, gid }));
    } catch (error) {
      throw withAddress(error, path);
    }
    closeAtExit(this.#native);
  }

  get listening(): boolean {
    return this.#native !== null;
  }

  /**
   * Milliseconds a connection may take from accept to the sender's close
   * (default 10000; 0 = no limit). Applies to connections accepted afterwards.
   */
  get timeout(): number {
    return this.#timeout;
  }

  set timeout(ms: number) {
    this.#timeout = validateUint(ms, 'timeout', 0x7fffffff);
    this.#native?.setTimeout(ms);
  }

  /** Stops listening, drops connections still in progress and removes the socket file. */
  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    const native = this.#native;
    this.#native = null;
    if (native !== null) {
      listening.delete(native);
      native.close();
    }
    this.#closed = new Promise((resolve) => {
      process.nextTick(() => {
        this.emit('close');
        resolve();
      });
    });
    return this.#closed;
  }

  /** As net.Server: an unref'd server does not keep the process alive. */
  ref(): this {
    this.#native?.ref();
    return this;
  }

  unref(): this {
    this.#native?.unref();
    return this;
  }

  #event(kind: 0 | 1 | 2, error: Error | null, fd: number, from: Sender): void {
    if (kind === 2) {
      this.emit('error', error);
      return;
    }
    if (kind === 1) {
      this.emit('drop', error, from);
      return;
    }
    let file: MemFile;
    try {
      file = MemFile.fromFd(fd);
    } catch (refused) {
      this.emit('drop', refused, from);
      return;
    } finally {
      closeSync(fd);  // fromFd holds its own dup
    }
    this.#onFile(file, from);
  }
}

export function listen(path: string, onFile: OnFile): MemFileServer {
  return new MemFileServer(path, onFile);
}

function messageBytes(mf: MemFile, message: unknown): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (!given(message)) bytes = Buffer.from(mf.name, 'utf8');
  else if (typeof message === 'string') bytes = Buffer.from(message, 'utf8');
  else bytes = toBytes(message, 'message');
  if (bytes === undefined) {
    throw invalidArgType('message', 'of type string or an instance of Buffer, TypedArray or DataView', message);
  }
  if (bytes.byteLength < 1 || bytes.byteLength > MAX_MESSAGE) {
    throw outOfRange('message.byteLength', `>= 1 && <= ${MAX_MESSAGE}`, bytes.byteLength);
  }
  return bytes;
}

export async function send(path: string, mf: MemFile, message?: string | ArrayBufferView | null): Promise<void> {
  validatePath(path);
  if (!(mf instanceof MemFile)) throw invalidArgType('mf', 'an instance of MemFile', mf);
  if (mf.backing === 'heap') {
    throw systemError('ENOTSUP', 'sendmsg', 'a heap MemFile has no file descriptor to send');
  }
  const bytes = messageBytes(mf, message);
  const fd = mf.fd;  // EBADF when closed
  await new Promise<void>((resolve, reject) => {
    try {
      binding.sendFd(path, fd, bytes, (error) => (error === null ? resolve() : reject(withAddress(error, path))));
    } catch (error) {
      reject(withAddress(error, path));
    }
  });
}
