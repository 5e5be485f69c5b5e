#!/usr/bin/env node
// One MemFile shared with a Node child (stdio fd 3 -> MemFile.fromFd(3)), a
// worker thread (fd in workerData -> MemFile.fromFd(fd)), and, by name, with
// any process: a named 'shm' block attached from Node and opened by python3.
'use strict';
const { spawnSync } = require('node:child_process');
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');
const { MemFile } = require('..');

if (!isMainThread) {
  const mf = MemFile.fromFd(workerData.fd);
  mf.pwrite(mf.size, `worker saw ${mf.size} bytes\n`);
  mf.close();
  parentPort.postMessage('done');
} else if (process.argv[2] === 'child') {
  const mf = MemFile.fromFd(3);
  mf.pwrite(mf.size, `node child (pid ${process.pid}) saw ${mf.size} bytes\n`);
  mf.close();
} else if (process.argv[2] === 'attach') {
  const mf = MemFile.attach(process.argv[3]);
  mf.pwrite(mf.size, `node child attached '${mf.name}' by name\n`);
  mf.close();
} else {
  main();
}

function main() {
  const mf = MemFile.from('parent wrote this\n', { name: 'shared-log' });
  spawnSync(process.execPath, [__filename, 'child'], { stdio: ['ignore', 'inherit', 'inherit', mf.fd] });
  const worker = new Worker(__filename, { workerData: { fd: mf.fd } });
  worker.once('message', () => {
    process.stdout.write(mf.text());
    mf.close();

    const named = new MemFile(`memfile-example-${process.pid}`, { backing: 'shm' });
    named.pwrite(0, 'created by the parent\n');
    spawnSync(process.execPath, [__filename, 'attach', named.name], { stdio: 'inherit' });
    const py = "import sys; f = open('/dev/shm/' + sys.argv[1], 'r+b'); f.seek(0, 2); f.write(b'python3 opened /dev/shm/<name>\\n')";
    spawnSync('python3', ['-c', py, named.name], { stdio: 'inherit' });
    process.stdout.write(named.text());
    named.close(); // the creator unlinks the name
  });
}
