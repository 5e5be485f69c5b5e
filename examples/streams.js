#!/usr/bin/env node
// A MemFile in Node pipelines: write through a Writable, gzip into a second
// MemFile, read back through a WHATWG stream and Response, iterate lines.
'use strict';
const { createHash } = require('node:crypto');
const readline = require('node:readline');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const zlib = require('node:zlib');
const { MemFile } = require('..');

async function main() {
  const log = new MemFile('log.txt');
  const out = log.createWriteStream(); // fs semantics: 'w' truncates, { flags: 'a' } appends
  for (let i = 0; i < 100_000; i++) out.write(`line ${i}: ${'x'.repeat(i % 50)}\n`);
  out.end();
  await new Promise((resolve) => out.on('finish', resolve));
  console.log(`wrote ${log.size} bytes through createWriteStream()`);

  // Compress into another MemFile; both ends are streams over RAM.
  const gz = new MemFile('log.txt.gz');
  await pipeline(log.createReadStream(), zlib.createGzip(), gz.createWriteStream());
  console.log(`gzipped to ${gz.size} bytes (a real file: ${gz.path})`);

  // Back again through a WHATWG byte stream, as a fetch Response body.
  const unzipped = Buffer.from(await new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const same = createHash('sha256').update(unzipped).digest('hex') === createHash('sha256').update(log.bytes()).digest('hex');
  console.log(`Response(gz.stream()) -> gunzip -> same bytes: ${same}`);

  // for await over lines, from a byte range (end is inclusive, as in fs).
  let lines = 0;
  for await (const line of readline.createInterface({ input: log.createReadStream({ start: 0, end: 99_999 }) })) {
    if (lines++ === 0) console.log(`first line: ${JSON.stringify(line)}`);
  }
  console.log(`${lines} lines in the first 100000 bytes`);

  // Node's own stream tools accept it too.
  const head = await Readable.fromWeb(log.stream()).take(1).toArray();
  console.log(`first chunk via Readable.fromWeb: ${head[0].length} bytes`);

  log.close(); // a stream still open would keep the block alive until it ends
  gz.close();
  if (!same) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
