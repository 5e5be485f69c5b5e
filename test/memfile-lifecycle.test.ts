// Lifecycle: explicit closes and forgotten MemFiles leave no fd, mapping or
// memory behind (run under --expose-gc; scripts/run-tests.js passes it).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';

const test = suite('lifecycle');
const gc = (globalThis as { gc?: () => void }).gc;
// Under ASan (npm run test:asan) freed memory waits in its quarantine: RSS
// bounds only catch gross leaks there; the fd and mapping checks are unchanged.
const RSS_SLACK = process.env.MEMFILE_SANITIZER ? 256 : 0;

function mapCount(): number {
  return fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.includes('memfd:')).length;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function memfdFds(prefix = '/memfd:'): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(prefix)) n++;
    } catch {
      // the directory's own fd is gone by now
    }
  }
  return n;
}

function shmemMiB(): number {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/RssShmem:\s+(\d+) kB/);
  return Number(m![1]) / 1024;
}

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

test('gc is exposed', () => {
  assert.type(gc, 'function', 'run with --expose-gc');
});

test('10,000 create/write/view/close cycles leave fds, mappings and RSS at baseline', async () => {
  const payload = Buffer.alloc(16 << 10, 1);
  const cycle = () => {
    const file = new MemFile('cycle');
    file.pwrite(0, payload);
    file.view(0, 10)[0] = 2;
    void file.fd;
    file.close();
  };
  for (let i = 0; i < 500; i++) cycle();
  await settle();
  const fds = memfdFds();
  const maps = mapCount();
  const rss = rssMiB();
  for (let i = 0; i < 10_000; i++) cycle();
  await settle();
  assert.is(memfdFds(), fds);
  assert.ok(mapCount() <= maps, `mappings grew: ${maps} -> ${mapCount()}`);
  assert.ok(rssMiB() - rss < 24 + RSS_SLACK, `RSS grew ${(rssMiB() - rss).toFixed(1)} MiB`);
});

test('10,000 forgotten MemFiles (with views) are closed by the garbage collector', async () => {
  await settle();
  const fds = memfdFds();
  const rss = rssMiB();
  const forget = (count: number) => {
    for (let i = 0; i < count; i++) {
      const file = new MemFile('forgotten');
      file.pwrite(0, 'some bytes');
      if (i % 10 === 0) file.view(0, 4);
    }
  };
  for (let round = 0; round < 10; round++) {
    forget(1000);
    await settle();
  }
  assert.is(memfdFds(), fds, 'every forgotten fd was closed');
  assert.is(memfdFds('/memfd:forgotten'), 0);
  assert.ok(mapCount() <= 2, `memfd mappings left: ${mapCount()}`);
  assert.ok(rssMiB() - rss < 24 + RSS_SLACK, `RSS grew ${(rssMiB() - rss).toFixed(1)} MiB`);
});

test('a view outlives its forgotten MemFile and stays valid', async () => {
  let view: Buffer | undefined;
  (() => {
    const file = MemFile.from('still here');
    view = file.view();
  })();
  await settle();
  assert.is(view!.toString(), 'still here');
});

test('memory is returned: once closed, nothing in this process holds the 256 MiB block', async () => {
  const name = `big-${process.pid}`;
  const file = new MemFile(name);
  const chunk = Buffer.alloc(1 << 20, 3);
  for (let i = 0; i < 256; i++) file.pwrite(i << 20, chunk);
  const view = file.view(0, 4096);
  const allocated = fs.fstatSync(file.fd).blocks * 512;
  assert.ok(allocated >= 256 << 20, `the memfd holds ${allocated} bytes`);
  file.close();
  assert.is(view.length, 0);
  await settle();
  // The kernel frees a memfd's pages when its last fd and mapping are gone.
  const maps = fs.readFileSync('/proc/self/maps', 'utf8');
  assert.not.match(maps, `memfd:${name}`);
  assert.is(memfdFds(`/memfd:${name}`), 0);
});

test.run();
