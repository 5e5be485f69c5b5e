#!/usr/bin/env node
// Ordinary programs on the same bytes: sha256sum, wc -l, sort (even in place)
// and python3, each given the MemFile as /dev/fd/3. Nothing touches the disk.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { MemFile } = require('..');

const words = ['pear', 'apple', 'fig', 'banana', 'cherry', 'kiwi', 'date'];
const text = Array.from({ length: 10_000 }, (_, i) => words[(i * 7919) % words.length] + ' ' + (i % 13)).join('\n') + '\n';
const mf = MemFile.from(text, { name: 'fruit.txt' });
const run = (cmd, args) =>
  spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit', mf.fd], encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).stdout;

const ours = createHash('sha256').update(mf.bytes()).digest('hex');
const theirs = run('sha256sum', ['/dev/fd/3']).split(' ')[0];
console.log(`sha256sum: ${theirs} (${theirs === ours ? 'same as node:crypto' : 'MISMATCH'})`);
console.log(`wc -l: ${run('wc', ['-l', '/dev/fd/3']).trim()}`);
console.log(`sort | head -3: ${JSON.stringify(run('sort', ['/dev/fd/3']).split('\n').slice(0, 3))}`);

run('sort', ['-u', '-o', '/dev/fd/3', '/dev/fd/3']); // sort the MemFile in place
console.log(`after sort -u -o /dev/fd/3: ${mf.size} bytes, ${mf.text().split('\n').length - 1} unique lines`);

// python3 reads and writes through the fd (os.pread/os.pwrite, no copy on our side).
run('python3', ['-c', "import os; d = os.pread(3, 1 << 20, 0); os.pwrite(3, d.upper(), 0)"]);
console.log(`python3 upper-cased it: ${JSON.stringify(mf.pread(0, 20).buffer.toString())}`);
if (theirs !== ours) process.exitCode = 1;
mf.close();
