#!/usr/bin/env node
// A SQLite database image held in RAM and opened in place by the sqlite3 CLI.
// SQLite follows /dev/fd/N and /proc/<pid>/fd/N links to their target, which
// for a memfd is not openable ("/memfd:name (deleted)"), so a database opened
// in place uses the 'shm' backing: its path is a real file on /dev/shm.
'use strict';
const { spawnSync } = require('node:child_process');
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
if (!have('sqlite3')) {
  console.log('skipped: sqlite3 not installed (this example drives the sqlite3 command-line program)');
  process.exit(0);
}

const sqlite = (args, file) =>
  spawnSync('sqlite3', args, { stdio: ['ignore', 'pipe', 'inherit', ...(file ? [file.fd] : [])], encoding: 'utf8' }).stdout.trim();

const db = new MemFile(undefined, { backing: 'shm' });
sqlite([db.path, `create table squares(n integer primary key, sq integer);
  with recursive c(i) as (select 1 union all select i + 1 from c where i < 10000) insert into squares select i, i * i from c;`]);
console.log(`sqlite3 built a ${db.size}-byte database in ${db.path}; header: ${JSON.stringify(db.pread(0, 15).buffer.toString())}`);

const query = 'select count(*), sum(sq) from squares where n % 7 = 0;';
console.log(`immutable URI:     ${sqlite([`file:${db.path}?immutable=1`, query])}`);
console.log(`-readonly /dev/fd/3: ${sqlite(['-readonly', '/dev/fd/3', query], db)}`);

// A memfd-backed image: the CLI loads it through the fd into its own memory.
const image = MemFile.from(db.bytes(), { name: 'copy.db' });
console.log(`memfd, -deserialize: ${sqlite(['-deserialize', '/dev/fd/3', query], image)}`);
image.close();
db.close(); // unlinks /dev/shm/<name>
