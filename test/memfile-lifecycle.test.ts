// Lifecycle promises of one MemFile: a view outlives its forgotten MemFile, and closing gives the
// memory back (no fd or mapping of the block is left in this process). Run under --expose-gc
// (scripts/run-tests.js passes it). Leaks over many create/close cycles and forgotten MemFiles
// are test/reliability-leaks.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { MemFile } from '../ts/index';
import { blockFds, settle } from './helpers';

const test = suite('lifecycle');

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
  assert.is(blockFds([`/memfd:${name}`]).size, 0);
});

test.run();
