#!/usr/bin/env node
// The main job, in a few lines: one MemFile, written by one reference, read by
// another, and read by a real child program through the same fd — no temp
// file on disk, no copy.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { MemFile } = require('..');

// Optional programs: an example says "skipped: X not installed" and goes on without them.
const fs = require('node:fs');
const path = require('node:path');
const have = (cmd) =>
  (process.env.PATH || '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

const mf = new MemFile('demo');
mf.pwrite(0, 'Hello from one block of RAM.\n');
mf.pwrite(mf.size, Buffer.from('Written twice, stored once.\n'));

// A second reference to the same block, as a worker or child would get it.
const other = MemFile.fromFd(mf.fd);
console.log(`${mf.backing} '${mf.name}', ${other.size} bytes, visible at ${mf.path}`);
process.stdout.write(other.text());

// A real program reads the same bytes through the fd (stdio entry 3).
const ours = createHash('sha256').update(mf.bytes()).digest('hex');
if (have('sha256sum')) {
  const child = spawnSync('sha256sum', ['/dev/fd/3'], { stdio: ['ignore', 'pipe', 'inherit', mf.fd] });
  const theirs = child.stdout.toString().split(' ')[0];
  console.log(`sha256sum in a child: ${theirs}`);
  console.log(`node:crypto here:     ${ours}`);
  if (theirs !== ours) {
    console.error('mismatch!');
    process.exitCode = 1;
  }
} else {
  console.log(`node:crypto here: ${ours}; sha256sum in a child: skipped: sha256sum not installed`);
}

// A write through the view is seen by everyone.
const view = mf.view(0, 5);
view.write('HELLO');
console.log(`after a write through view(): ${JSON.stringify(other.pread(0, 11).buffer.toString())}`);
other.close();
mf.close();

// ---- The tour: the same block in Node pipelines and in programs that need a
// seekable file (a pipe won't do). More in examples/*.js.
tour().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

async function tour() {
  const { pipeline } = require('node:stream/promises');
  const zlib = require('node:zlib');
  const run = (cmd, args, file) =>
    spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit', file.fd], encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });

  // Streams: fs semantics, both ways, and a WHATWG body.
  const csv = new MemFile('squares.csv');
  const out = csv.createWriteStream();
  for (let i = 1000; i > 0; i--) out.write(`${i},${i * i}\n`);
  out.end();
  await new Promise((resolve) => out.on('finish', resolve));
  const gz = new MemFile('squares.csv.gz');
  await pipeline(csv.createReadStream(), zlib.createGzip(), gz.createWriteStream());
  const back = await new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).text();
  const streamsOk = back === csv.text();
  console.log(`\nstreams: ${csv.size} bytes -> gzip -> ${gz.size} bytes -> Response body -> same: ${streamsOk}`);

  // Unix tools over /dev/fd/3, sorting the MemFile in place.
  if (have('wc') && have('sort')) {
    console.log(`wc -l /dev/fd/3: ${run('wc', ['-l', '/dev/fd/3'], csv).stdout.trim()}`);
    run('sort', ['-n', '-o', '/dev/fd/3', '/dev/fd/3'], csv);
    console.log(`after sort -n -o /dev/fd/3: first line ${JSON.stringify(csv.pread(0, 8).buffer.toString().split('\n')[0])}`);
  } else {
    console.log('wc and sort: skipped: coreutils not installed');
  }
  let ok = streamsOk;

  // Zip: python3 writes an archive into a MemFile, unzip reads it back.
  const missingZip = ['python3', 'unzip'].filter((cmd) => !have(cmd));
  if (missingZip.length === 0) {
    const zip = new MemFile('squares.zip');
    const py = "import zipfile, sys; z = zipfile.ZipFile(open('/dev/fd/3', 'wb'), 'w', zipfile.ZIP_DEFLATED); z.write(sys.argv[1], 'squares.csv'); z.close()";
    spawnSync('python3', ['-c', py, csv.path], { stdio: ['ignore', 'inherit', 'inherit', zip.fd] });
    const extracted = run('unzip', ['-p', '/dev/fd/3', 'squares.csv'], zip).stdout;
    console.log(`zip: python3 wrote ${zip.size} bytes; unzip -p gives back the csv: ${extracted === csv.text()}`);
    ok &&= extracted === csv.text();
    zip.close();
  } else {
    console.log(`zip: skipped: ${missingZip.join(' and ')} not installed`);
  }

  // SQLite: a database in a shm-backed MemFile, queried read-only in place.
  if (have('sqlite3')) {
    const db = new MemFile(undefined, { backing: 'shm' });
    spawnSync('sqlite3', [db.path, 'create table sq(n integer, s integer);', `.import --csv ${csv.path} sq`], { stdio: 'inherit' });
    const answer = spawnSync('sqlite3', [`file:${db.path}?immutable=1`, 'select count(*), sum(s) from sq;'], { encoding: 'utf8' }).stdout.trim();
    console.log(`sqlite3 on ${db.path} (immutable): count|sum = ${answer}`);
    ok &&= answer.startsWith('1000|');
    db.close();
  } else {
    console.log('sqlite3: skipped: sqlite3 not installed');
  }

  if (!ok) process.exitCode = 1;
  for (const file of [csv, gz]) file.close();
}
