// Leaks at scale: 100,000 create/write/close cycles and 100,000 forgotten
// MemFiles, views and handles, under --expose-gc (as scripts/run-tests.js runs):
// the /proc/self/fd count comes back to baseline, no mapping is left, live JS
// objects stay flat and the memory outside V8's heap stops growing once warm.
// MEMFILE_LEAK_CYCLES overrides the count.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';
import { blockFds, fdCount, mapCount, rssMiB, settle } from './helpers';

// 100,000 of each takes ~15 s on this 2-core machine.
// Under ASan (npm run test:asan) freed memory sits in its quarantine, so RSS
// bounds only catch gross leaks there; fd, mapping and shm checks are unchanged.
const RSS_SLACK = process.env.MEMFILE_SANITIZER ? 256 : 0;
const CYCLES = Number(process.env.MEMFILE_LEAK_CYCLES ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
const test = suite('reliability: leaks');

// RSS outside V8's heap: native memory (ours, Node's, malloc's). V8 grows its
// committed heap (heapTotal) in steps under garbage pressure and keeps it, which
// moves RSS without any leak; JS objects are checked through heapUsed instead.
const nativeMiB = (): number => {
  const m = process.memoryUsage();
  return (m.rss - m.heapTotal) / 2 ** 20;
};
const heapUsedMiB = (): number => process.memoryUsage().heapUsed / 2 ** 20;
// Names this process created; other processes may be using /dev/shm at the same time.
const shmNames: string[] = [];
const shmLeft = (): string[] => shmNames.filter((n) => fs.existsSync(`/dev/shm/${n}`));
const memfdMaps = (): number => mapCount('/memfd:');

test('gc is exposed (the suite runs with --expose-gc)', () => {
  assert.type(gc, 'function');
});

test(`${CYCLES} create/write/read/close cycles (memfd, exposed memfd written through a view, shm, handles): fds, mappings, RSS at baseline`, async () => {
  const payload = Buffer.alloc(1000, 7);
  const kinds = ['memfd', 'exposed', 'shm', 'handle'] as const;
  const cycle = (i: number): void => {
    const kind = kinds[i % kinds.length];
    const file = new MemFile(undefined, { backing: kind === 'exposed' || kind === 'handle' ? 'memfd' : kind });
    if (kind === 'shm') shmNames.push(file.name);
    file.pwrite(i % 5000, payload);
    if (kind === 'exposed') void file.fd;
    if (kind === 'handle') {
      const h = file.open('rb+');
      h.write(payload);
      file.close();
      h.seek(0);
      if (h.read(1)[0] !== 7) throw new Error('handle read');
      h.close();
      return;
    }
    if (file.pread(i % 5000, 1).buffer[0] !== 7) throw new Error('read');
    if (kind === 'exposed') {
      file.view(0, 10)[0] = 2;
      if (file.pread(0, 1).buffer[0] !== 2) throw new Error('a write through a view');
    }
    file.close();
  };
  for (let i = 0; i < 2000; i++) cycle(i);
  await settle();
  const fds = fdCount();
  const blockFdsBefore = blockFds().size;
  const maps = memfdMaps();
  // RSS settles (JIT, heap and malloc arenas warming up) and then must stay:
  // a leak grows linearly, so the second half is compared with the first.
  // Four quarters: the first half warms up (JIT, V8's heap sizing, malloc's
  // high-water mark); a leak then keeps growing through the second half.
  const rss: number[] = [rssMiB()];
  const native: number[] = [nativeMiB()];
  const heap: number[] = [heapUsedMiB()];
  for (let q = 0; q < 4; q++) {
    for (let i = 0; i < CYCLES / 4; i++) cycle(i);
    await settle();
    rss.push(rssMiB());
    native.push(nativeMiB());
    heap.push(heapUsedMiB());
  }
  assert.is(blockFds().size, blockFdsBefore, 'memfd/shm fd count back to baseline');
  assert.ok(fdCount() <= fds + 2, `fd count ${fds} -> ${fdCount()}`);
  assert.ok(memfdMaps() <= maps, `memfd mappings grew: ${maps} -> ${memfdMaps()}`);
  assert.equal(shmLeft(), [], 'every shm name unlinked');
  const show = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(' -> ');
  const summary = `RSS ${show(rss)} MiB; outside V8's heap ${show(native)} MiB; heapUsed ${show(heap)} MiB`;
  if (process.env.MEMFILE_VERBOSE) console.log(`cycles: ${summary}`);
  const settled = Math.max(native[2], native[1]);
  assert.ok(Math.max(native[3], native[4]) - settled < 16 + RSS_SLACK, `native memory kept growing after warm-up: ${summary}`);
  assert.ok(heap[4] - heap[2] < 4, `live JS objects grew over the second half: ${summary}`);
});

test(`${CYCLES} forgotten MemFiles and handles are closed by the garbage collector`, async () => {
  await settle();
  const fds = fdCount();
  const blockFdsBefore = blockFds().size;
  const maps = memfdMaps();
  const forget = (count: number, base: number): void => {
    for (let i = 0; i < count; i++) {
      const n = base + i;
      const file = new MemFile(undefined, { backing: n % 7 === 0 ? 'shm' : 'memfd' });
      if (file.backing === 'shm') shmNames.push(file.name);
      file.pwrite(0, 'some bytes');
      if (n % 5 === 0) file.view(0, 4);
      if (n % 4 === 0) file.open('rb').read(2);
      if (n % 11 === 0 && file.backing === 'memfd') void file.fd;
    }
  };
  // In rounds, so the number alive at once stays far below RLIMIT_NOFILE.
  const ROUND = 2000;
  let rss1 = 0;
  for (let done = 0; done < CYCLES; done += ROUND) {
    if (done >= CYCLES / 2 && rss1 === 0) rss1 = rssMiB();
    forget(Math.min(ROUND, CYCLES - done), done);
    await settle();
  }
  await settle();
  assert.is(blockFds().size, blockFdsBefore, 'every forgotten memfd/shm fd was closed');
  assert.ok(memfdMaps() <= maps, `memfd mappings left by forgotten MemFiles and views: ${maps} -> ${memfdMaps()}`);
  assert.ok(fdCount() <= fds + 2, `fd count ${fds} -> ${fdCount()}`);
  assert.equal(shmLeft(), [], 'every forgotten shm name was unlinked');
  const grew = rssMiB() - rss1;
  if (process.env.MEMFILE_VERBOSE) console.log(`forgotten RSS MiB: second half grew ${grew.toFixed(1)}`);
  assert.ok(grew < 8 + RSS_SLACK, `RSS grew ${grew.toFixed(1)} MiB over the last ${CYCLES / 2} forgotten MemFiles`);
});

// The heap backing on its own, with fewer cycles: each block holds >= 64 KiB,
// so a leak shows at once (and a leaking run stays small).
for (const how of ['closed', 'forgotten'] as const) {
  test(`2,000 heap MemFiles read and then ${how}: their memory is freed`, async () => {
    const cycle = (): void => {
      const file = new MemFile(undefined, { backing: 'heap' });
      file.pwrite(4000, Buffer.alloc(1000, 7));
      if (file.pread(4000, 1).buffer[0] !== 7) throw new Error('read');
      if (how === 'closed') file.close();
    };
    for (let i = 0; i < 200; i++) cycle();
    await settle();
    const rss = rssMiB();
    for (let i = 0; i < 2000; i++) cycle();
    // close() frees the memory (the contract: "the memory is freed when the MemFile
    // and all its handles are closed"), so for closed blocks no GC may be
    // needed; forgotten ones are the garbage collector's job.
    if (how === 'forgotten') {
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settle();
    }
    const grew = rssMiB() - rss;
    assert.ok(grew < 16 + RSS_SLACK, `RSS grew ${grew.toFixed(1)} MiB over 2,000 ${how} heap MemFiles (~${((grew * 1024) / 2000).toFixed(0)} KiB each)`);
  });
}

test.run();
