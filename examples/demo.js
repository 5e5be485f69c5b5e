#!/usr/bin/env node
// The main job, in a few lines: one MemFile, written by one reference, read by
// another, and read by a real child program through the same fd — no temp
// file on disk, no copy.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { MemFile } = require('..');

const mf = new MemFile('demo');
mf.pwrite(0, 'Hello from one block of RAM.\n');
mf.pwrite(mf.size, Buffer.from('Written twice, stored once.\n'));

// A second reference to the same block, as a worker or child would get it.
const other = MemFile.fromFd(mf.fd);
console.log(`${mf.backing} '${mf.name}', ${other.size} bytes, visible at ${mf.path}`);
process.stdout.write(other.text());

// A real program reads the same bytes through the fd (stdio entry 3).
const child = spawnSync('sha256sum', ['/dev/fd/3'], { stdio: ['ignore', 'pipe', 'inherit', mf.fd] });
const theirs = child.stdout.toString().split(' ')[0];
const ours = createHash('sha256').update(mf.bytes()).digest('hex');
console.log(`sha256sum in a child: ${theirs}`);
console.log(`node:crypto here:     ${ours}`);
if (theirs !== ours) {
  console.error('mismatch!');
  process.exitCode = 1;
}

// A write through the view is seen by everyone.
const view = mf.view(0, 5);
view.write('HELLO');
console.log(`after a write through view(): ${JSON.stringify(other.pread(0, 11).buffer.toString())}`);
other.close();
mf.close();
