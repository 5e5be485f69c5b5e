// A named shm object outlives its process unless unlinked, holding RAM until reboot. The
// addon's cleanup hook unlinks on normal teardown; this module covers what skips it:
// - process.exit(): the 'exit' event closes (and so unlinks) every block this process
//   created and still holds;
// - SIGTERM, SIGINT, SIGHUP with Node's default handling (death by the signal): while such
//   a block is alive, a listener for each unlinks them, then removes itself and raises the
//   signal again, so the process still dies by it (same exit signal as without memfile).
//   When anyone else listens for that signal, ours does nothing: their handler decides,
//   and if it calls process.exit() the 'exit' hook unlinks.
// A listener changes how Node treats a signal (it is handled on the event loop, not at
// once), so the listeners exist only while a created shm block is alive.
// Left over: SIGKILL (nothing can run), and signals while the event loop is blocked are
// handled when it next turns. Worker threads get no signal events: their blocks are
// unlinked at worker exit, process.exit() and by the main thread's signals only if the
// main thread created some too (it unlinks its own only).
import { isMainThread } from 'node:worker_threads';

/** What is closed at exit: a native block (ts/block-ref.ts hands it over); closing unlinks it. */
interface Closable {
  close(): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

const live = new Set<WeakRef<Closable>>();
/** Blocks collected by the garbage collector were unlinked by their native finalizer. */
const collected = new FinalizationRegistry<WeakRef<Closable>>((entry) => forget(entry));
let exitHooked = false;
let listening = false;

function closeAll(): void {
  for (const entry of live) entry.deref()?.close();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // the user's handler decides
  closeAll();
  stopListening();
  // Our listener was the only one and is gone: Node is back to the default action.
  process.kill(process.pid, signal);
}

function startListening(): void {
  if (listening || !isMainThread || process.platform === 'win32') return;
  listening = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function stopListening(): void {
  if (!listening) return;
  listening = false;
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

function forget(entry: WeakRef<Closable>): void {
  if (!live.delete(entry)) return;
  collected.unregister(entry);
  if (live.size === 0) stopListening();
}

/**
 * Unlinks the shm block `native` (created by this process) at process.exit() and on
 * SIGTERM/SIGINT/SIGHUP, by closing it. Returns the function to call once the block is closed.
 */
export function unlinkAtExit(native: Closable): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', closeAll);
  }
  const entry = new WeakRef(native);
  live.add(entry);
  collected.register(native, entry, entry);
  startListening();
  return () => forget(entry);
}

