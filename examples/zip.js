#!/usr/bin/env node
// Zip archives need a seekable file (readers start at the central directory
// at the end), which a pipe is not. A MemFile is a real file in RAM: python3
// writes an archive through /dev/fd/3, unzip and an npm reader (yauzl) read it.
'use strict';
const { spawnSync } = require('node:child_process');
const yauzl = require('yauzl');
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
if (!have('python3')) {
  console.log('skipped: python3 not installed (it writes the archive)');
  process.exit(0);
}

const zip = new MemFile('example.zip');
const withFd = { stdio: ['pipe', 'pipe', 'inherit', zip.fd], encoding: 'utf8' };

// 1. python3's zipfile writes the archive into the MemFile.
const write = `
import zipfile
with zipfile.ZipFile(open('/dev/fd/3', 'wb'), 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('hello.txt', 'Hello from python3, read by unzip and by yauzl.\\n')
    z.writestr('numbers.csv', ''.join('%d,%d\\n' % (i, i * i) for i in range(1000)))
`;
if (spawnSync('python3', ['-c', write], withFd).status !== 0) process.exit(1);
console.log(`python3 wrote a ${zip.size}-byte archive into ${zip.path}`);

// 2. unzip lists and extracts it through the fd.
if (have('unzip')) {
  console.log(spawnSync('unzip', ['-l', '/dev/fd/3'], withFd).stdout);
  console.log(`unzip -p hello.txt: ${spawnSync('unzip', ['-p', '/dev/fd/3', 'hello.txt'], withFd).stdout.trim()}`);

  // The same bytes through a pipe: unzip cannot seek, so it fails.
  const piped = spawnSync('unzip', ['-l', '/dev/stdin'], { input: zip.bytes(), encoding: 'utf8' });
  console.log(`unzip -l on a pipe of the same bytes: exit ${piped.status}`);
} else {
  console.log('unzip: skipped: unzip not installed');
}

// 3. An npm zip reader, given the path.
yauzl.open(zip.path, { lazyEntries: true }, (error, archive) => {
  if (error) throw error;
  archive.on('entry', (entry) => {
    archive.openReadStream(entry, (err, stream) => {
      if (err) throw err;
      let bytes = 0;
      stream.on('data', (chunk) => (bytes += chunk.length));
      stream.on('end', () => {
        console.log(`yauzl: ${entry.fileName} ${bytes} bytes`);
        archive.readEntry();
      });
    });
  });
  archive.on('end', () => zip.close());
  archive.readEntry();
});
