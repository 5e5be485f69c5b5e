// Smoke script for `npm run test:valgrind` (scripts/asan.sh --valgrind): one
// pass over every native entry point (create on each backing, grow across
// capacity steps, read, write, views, shrink below a view, seal, fromFd,
// attach, a peer shrinking the file under a view, close and GC), run under
// valgrind memcheck. Plain JS on dist/ so no TypeScript loader runs under valgrind.
'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const { MemFile } = require('../dist/index.js');

for (const backing of ['memfd', 'shm', 'heap']) {
  const f = new MemFile(undefined, { backing });
  f.pwrite(0, 'hello');
  f.pwrite(70000, Buffer.alloc(5000, 1)); // past the first 64 KiB step
  assert.strictEqual(f.pread(0, 5).buffer.toString(), 'hello');
  const v = f.view(0, 10);
  v[0] = 0x48;
  assert.strictEqual(f.text().slice(0, 5), 'Hello');
  const tail = f.view(70000, 100);
  f.truncate(100); // detaches `tail`
  assert.strictEqual(tail.length, 0);
  const h = f.open('rb+');
  h.seek(0, 2);
  h.write(Buffer.from('!'));
  h.close();
  assert.strictEqual(f.size, 101);
  if (backing !== 'heap') {
    const g = MemFile.fromFd(f.fd);
    assert.strictEqual(g.pread(0, 5).buffer.toString(), 'Hello');
    const big = g.view(0, 101);
    fs.ftruncateSync(g.fd, 0); // a "peer" shrinks the file under a live view: zeros, no crash
    assert.strictEqual(big[50], 0);
    g.close();
    if (backing === 'shm') MemFile.attach(f.name, { readOnly: true }).close();
  }
  if (backing === 'memfd') {
    f.pwrite(0, 'sealed');
    const w = f.view();
    f.seal();
    assert.strictEqual(w.length, 0);
    assert.throws(() => f.pwrite(0, 'x'), { code: 'EPERM' });
    f.view()[0] = 1; // copy-on-write, private
  }
  f.close();
  assert.throws(() => f.pread(0, 1), { code: 'EBADF' });
}
for (let i = 0; i < 200; i++) new MemFile('forgotten').pwrite(0, 'x');
if (global.gc) global.gc();
console.log('valgrind smoke: ok');
