// A MemFile, a handle or a stream cannot be structured-cloned (README, API: Sharing):
// structuredClone() and a real worker's postMessage() throw DOMException DataCloneError,
// also when the object sits deep inside the message, and nothing reaches the worker.
// The guard that does it on Node 20 stays out of console.log output.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import { MemFile } from '../ts/index';
import { errorOf } from './helpers';

const test = suite('sharing: no structured clone');

function everything(mf: MemFile): Array<[string, object]> {
  const text = mf.open('r+');
  return [
    ['MemFile', mf],
    ['RawHandle', mf.open('rb+', { buffering: 0 })],
    ['BufferedReader', mf.open('rb')],
    ['BufferedWriter', mf.open('ab')],
    ['BufferedRandom', mf.open('rb+')],
    ['TextHandle', text],
    ['TextHandle.buffer', text.buffer],
    ['BufferedRandom.raw', mf.open('rb+').raw],
    ['createReadStream', mf.createReadStream()],
    ['createWriteStream', mf.createWriteStream({ flags: 'r+' })],
  ];
}

function cloneError(fn: () => unknown, label: string): DOMException {
  const caught = errorOf(fn);
  assert.ok(caught !== undefined, `${label}: cloned without an error`);
  assert.instance(caught, DOMException, `${label}: ${String(caught)}`);
  assert.is((caught as DOMException).name, 'DataCloneError', label);
  return caught as DOMException;
}

test('structuredClone of a MemFile, each handle class and both streams throws DataCloneError', () => {
  for (const backing of ['memfd', 'shm', 'heap'] as const) {
    const mf = MemFile.from('content', { backing });
    for (const [what, value] of everything(mf)) {
      const label = `${backing} ${what}`;
      cloneError(() => structuredClone(value), label);
      cloneError(() => structuredClone({ deep: [1, { value }] }), `${label} (nested)`);
    }
    // the guard says what to do instead
    assert.match(cloneError(() => structuredClone(mf), 'message').message, 'MemFile.fromFd');
    mf.close();
  }
  // MemFiles made by from(), fromFd() and attach() are guarded too
  const shm = new MemFile(`clone-${process.pid}`, { backing: 'shm' });
  const attached = MemFile.attach(shm.name);
  const dup = MemFile.fromFd(shm.fd);
  for (const [what, value] of [['attach', attached], ['fromFd', dup]] as const) cloneError(() => structuredClone(value), what);
  dup.close();
  attached.close();
  shm.close();
});

test('postMessage to a real worker (and over a MessageChannel) throws DataCloneError and sends nothing', async () => {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => parentPort.postMessage(typeof m === 'object' && m !== null ? Object.keys(m).join(',') : String(m)));`,
    { eval: true },
  );
  const received: string[] = [];
  worker.on('message', (m: string) => received.push(m));
  const mf = MemFile.from('content');
  const { port1, port2 } = new MessageChannel();
  try {
    for (const [what, value] of everything(mf)) {
      cloneError(() => worker.postMessage(value), `worker.postMessage(${what})`);
      cloneError(() => worker.postMessage({ file: value }), `worker.postMessage({ file: ${what} })`);
      cloneError(() => port1.postMessage(value), `port.postMessage(${what})`);
    }
    // The channel still works, and the only thing the worker ever got is this.
    worker.postMessage('ping');
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    assert.equal(received, ['ping']);
    // What to do instead: the fd (a number) goes through.
    worker.postMessage({ fd: mf.fd });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    assert.equal(received, ['ping', 'fd']);
  } finally {
    port1.close();
    port2.close();
    await worker.terminate();
    mf.close();
  }
});

test('console.log output shows no guard; JSON and Object.keys users see name and backing as before', () => {
  const mf = MemFile.from('x', { name: 'shown' });
  const text = mf.open('r');
  for (const value of [mf, text, text.buffer, mf.open('rb', { buffering: 0 }), mf.createReadStream()]) {
    const shown = inspect(value, { depth: 0 });
    assert.not.match(shown, 'cannot be cloned', shown);
    assert.not.match(shown, 'Symbol(a MemFile', shown);
  }
  assert.is(inspect(mf), "MemFile { name: 'shown', backing: 'memfd', size: 1, closed: false }");
  assert.match(inspect(text), /^TextHandle \{/);
  assert.match(inspect(text), "encoding: 'utf-8'");
  assert.is(JSON.stringify(mf), '{"name":"shown","backing":"memfd"}');
  mf.close();
});

test.run();
