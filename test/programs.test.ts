// Real programs on the same bytes (issue 4): tools that need a seekable file,
// not a pipe, given the MemFile as /dev/fd/3 or mf.path. Every test checks the
// exact bytes (hashes) on both sides: what the program reports and what we see.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import * as yauzl from 'yauzl';
import { MemFile } from '../ts/index';
import { DATA_SEED, fixture, prng, seededBytes, sha256 as sha } from './helpers';

/** Runs a program with the MemFile as fd 3; fails the test on a non-zero exit. */
function run(cmd: string, args: string[], file: MemFile | null, options: SpawnSyncOptions = {}): string {
  const stdio: SpawnSyncOptions['stdio'] = file ? ['pipe', 'pipe', 'pipe', file.fd] : ['pipe', 'pipe', 'pipe'];
  const out = spawnSync(cmd, args, { stdio, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20, ...options });
  assert.is(out.error, undefined, `${cmd}: ${out.error}`);
  assert.is(out.status, 0, `${cmd} ${args.join(' ')} exited ${out.status} (${out.signal}): ${out.stderr}`);
  return out.stdout as string;
}

const python = (code: string, file: MemFile | null, args: string[] = []): string => run('python3', ['-c', code, ...args], file);

// ---------------------------------------------------------------------------
const zip = suite('programs: zip round trip');

const WRITE_ZIP = `
import hashlib, json, os, random, zipfile
rng = random.Random(4)
members = {
    'readme.txt': ('hello from python\\n' * 500).encode(),
    'data/random.bin': bytes(rng.getrandbits(8) for _ in range(70000)),
    'data/stored.bin': bytes(rng.getrandbits(8) for _ in range(5000)),
    'empty': b'',
    'unicodé/ñame.txt': 'ünïcödé\\n'.encode(),
}
with open('/dev/fd/3', 'wb') as f:  # O_TRUNC on the memfd: the archive is the whole file
    with zipfile.ZipFile(f, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED if 'stored' in name else zipfile.ZIP_DEFLATED)
with open('/dev/fd/3', 'rb') as f:
    archive = hashlib.sha256(f.read()).hexdigest()
print(json.dumps({'archive': archive, 'members': {n: [len(d), hashlib.sha256(d).hexdigest()] for n, d in members.items()}}))
`;

interface ZipReport {
  archive: string;
  members: Record<string, [number, string]>;
}

function yauzlRead(file: string): Promise<Record<string, [number, string]>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const seen: Record<string, [number, string]> = {};
      archive.on('error', reject);
      archive.on('end', () => resolve(seen));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const hash = createHash('sha256');
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            size += chunk.length;
          });
          stream.on('error', reject);
          stream.on('end', () => {
            seen[entry.fileName] = [size, hash.digest('hex')];
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}

for (const backing of ['memfd', 'shm'] as const) {
  zip(`${backing}: python3 zipfile writes through /dev/fd/3; unzip -l/-p, python and yauzl (mf.path) read it`, async () => {
    const file = new MemFile(`archive-${process.pid}.zip`, { backing });
    try {
      const report = JSON.parse(python(WRITE_ZIP, file)) as ZipReport;
      assert.is(sha(file.bytes()), report.archive, 'the archive python wrote is what we hold');

      // unzip -l: names and sizes
      const listing = run('unzip', ['-l', '/dev/fd/3'], file);
      const listed: Record<string, number> = {};
      for (const line of listing.split('\n')) {
        const m = /^\s*(\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+(.+)$/.exec(line);
        if (m) listed[m[2]] = Number(m[1]);
      }
      const expected = Object.fromEntries(Object.entries(report.members).map(([n, [size]]) => [n, size]));
      assert.equal(listed, expected);

      // unzip -p: every member's bytes
      for (const [name, [, digest]] of Object.entries(report.members)) {
        const out = spawnSync('unzip', ['-p', '/dev/fd/3', name], { stdio: ['ignore', 'pipe', 'pipe', file.fd] });
        assert.is(out.status, 0, out.stderr.toString());
        assert.is(sha(out.stdout), digest, `unzip -p ${name}`);
      }
      assert.ok(run('unzip', ['-t', '/dev/fd/3'], file).includes('No errors detected'));

      // an npm zip reader, given the path
      assert.equal(await yauzlRead(file.path), report.members);

      // python reads it back through the path too
      const check = python('import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip())', null, [file.path]);
      assert.is(check.trim(), 'None');
      assert.is(sha(file.bytes()), report.archive, 'reading changed nothing');
    } finally {
      file.close();
    }
  });
}

zip.run();

// ---------------------------------------------------------------------------
const sqlite = suite('programs: SQLite');

const QUERY = "select count(*), sum(x), group_concat(y, ',') from t where x % 97 = 3;";
const ORACLE = `
import hashlib, json, sqlite3, sys
data = open('/dev/fd/3', 'rb').read()
db = sqlite3.connect(':memory:')
db.deserialize(data)
row = db.execute(sys.argv[1]).fetchone()
print(json.dumps({'sha': hashlib.sha256(data).hexdigest(), 'answer': '|'.join(str(v) for v in row)}))
`;

sqlite('shm: the sqlite3 CLI builds a database in mf.path, then opens it read-only (immutable URI, -readonly /dev/fd/3)', () => {
  const file = new MemFile(undefined, { backing: 'shm' });
  try {
    run('sqlite3', [file.path,
      "create table t(x integer primary key, y text);" +
      "with recursive c(i) as (select 1 union all select i + 1 from c where i < 5000) insert into t select i, 'v' || (i * i) from c;"], null);
    assert.is(file.pread(0, 16).buffer.toString('latin1'), 'SQLite format 3\0');
    const oracle = JSON.parse(python(ORACLE, file, [QUERY])) as { sha: string; answer: string };
    assert.is(oracle.sha, sha(file.bytes()), 'python read exactly our bytes');
    const before = sha(file.bytes());

    const viaUri = run('sqlite3', [`file:${file.path}?immutable=1`, QUERY], null).trim();
    assert.is(viaUri, oracle.answer);
    const viaFd = run('sqlite3', ['-readonly', '/dev/fd/3', QUERY], file).trim();
    assert.is(viaFd, oracle.answer);
    const write = spawnSync('sqlite3', ['-readonly', '/dev/fd/3', 'delete from t;'], { stdio: ['ignore', 'pipe', 'pipe', file.fd], encoding: 'utf8' });
    assert.is.not(write.status, 0, 'a read-only open refuses writes');
    assert.match(write.stderr, /readonly/);
    assert.is(sha(file.bytes()), before, 'the image is unchanged');
  } finally {
    file.close();
  }
});

sqlite('memfd: python3 writes a database image through /dev/fd/3, the sqlite3 CLI loads it with -deserialize', () => {
  const file = new MemFile('image.db');
  try {
    const build = `
import hashlib, json, sqlite3, sys
db = sqlite3.connect(':memory:')
db.execute('create table t(x integer primary key, y text)')
db.executemany('insert into t values (?, ?)', [(i, 'w%d' % (i * 7)) for i in range(1, 3001)])
db.commit()
image = db.serialize()
with open('/dev/fd/3', 'wb') as f:
    f.write(image)
row = db.execute(sys.argv[1]).fetchone()
print(json.dumps({'sha': hashlib.sha256(image).hexdigest(), 'answer': '|'.join(str(v) for v in row)}))
`;
    const built = JSON.parse(python(build, file, [QUERY])) as { sha: string; answer: string };
    assert.is(sha(file.bytes()), built.sha);
    // SQLite resolves /dev/fd/3 and /proc/<pid>/fd/<n> to the memfd's link text
    // ("/memfd:image.db (deleted)"), so a memfd is loaded, not opened in place.
    const answer = run('sqlite3', ['-deserialize', '/dev/fd/3', QUERY], file).trim();
    assert.is(answer, built.answer);
    assert.is(sha(file.bytes()), built.sha);
  } finally {
    file.close();
  }
});

sqlite.run();

// ---------------------------------------------------------------------------
const tools = suite('programs: sha256sum, wc -l, sort, python3 over /dev/fd/3');

/** Lines of random words (seeded: the same for the same `seed` and TEST_SEED). */
function lines(count: number, seed: number): Buffer {
  const r = prng(DATA_SEED + seed);
  const words = Array.from({ length: 300 }, () => Buffer.from(Array.from({ length: r.int(1, 12) }, () => r.below(256))).toString('base64url'));
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(r.pick(words) + (i % 11 === 0 ? ' ü' : ''));
  return Buffer.from(out.join('\n') + '\n');
}

tools('sha256sum (/dev/fd/3 and mf.path), wc -l and python3 see exactly our 64 MiB', () => {
  const data = Buffer.concat([lines(50_000, 1), seededBytes(64 << 20, 'programs 64 MiB')]);
  const file = MemFile.from(data);
  const ours = sha(data);
  assert.is(run('sha256sum', ['/dev/fd/3'], file).split(' ')[0], ours);
  assert.is(run('sha256sum', [file.path], null).split(' ')[0], ours);
  const newlines = data.filter((b) => b === 0x0a).length;
  assert.is(Number(run('wc', ['-l', '/dev/fd/3'], file).trim().split(/\s+/)[0]), newlines);
  const py = python("import hashlib; d = open('/dev/fd/3', 'rb').read(); print(hashlib.sha256(d).hexdigest(), d.count(b'\\n'))", file);
  assert.is(py.trim(), `${ours} ${newlines}`);
  assert.is(sha(file.bytes()), ours, 'reading changed nothing');
  file.close();
});

tools('sort reads /dev/fd/3, and sort -o /dev/fd/3 sorts the MemFile in place (LC_ALL=C, python3 as oracle)', () => {
  const data = lines(20_000, 2);
  const file = MemFile.from(data);
  const env = { ...process.env, LC_ALL: 'C' };
  const oracle = python("import sys; sys.stdout.buffer.write(b''.join(sorted(open('/dev/fd/3', 'rb').read().splitlines(True))))", file);
  const sorted = run('sort', ['/dev/fd/3'], file, { env });
  assert.is(sorted, oracle);
  assert.is(sha(file.bytes()), sha(data), 'reading left the bytes alone');
  run('sort', ['-o', '/dev/fd/3', '/dev/fd/3'], file, { env });
  assert.is(file.text(), oracle);
  file.close();
});

tools('python3 reads and writes through the fd; each side sees the other exactly', () => {
  const data = seededBytes(1 << 20, 'programs 1');
  const file = MemFile.from(data);
  const code = `
import hashlib, os
data = os.pread(3, 1 << 21, 0)
print(hashlib.sha256(data).hexdigest(), len(data))
os.pwrite(3, data[:4096][::-1], 1000)                  # overwrite a range
os.pwrite(3, hashlib.sha256(data).digest(), len(data) + 10)  # grow, leaving a gap
`;
  const out = python(code, file).trim();
  assert.is(out, `${sha(data)} ${data.length}`);
  const expected = Buffer.concat([data, Buffer.alloc(10), createHash('sha256').update(data).digest()]);
  Buffer.from(data.subarray(0, 4096)).reverse().copy(expected, 1000);
  assert.is(file.size, expected.length);
  assert.is(sha(file.bytes()), sha(expected));
  file.close();
});

tools.run();

// ---------------------------------------------------------------------------
const node = suite('programs: Node children, workers and named shm');

node('a Node child does MemFile.fromFd(3), reads through a stream and appends through one', () => {
  const data = seededBytes(3 << 20, 'programs 2');
  const payload = seededBytes(40_000, 'programs 3'); // hex in argv: one argument must stay under 128 KiB
  const file = MemFile.from(data, { name: 'for-child' });
  const out = spawnSync(process.execPath, ['--import', 'tsx', fixture('programs-child.ts'), payload.toString('hex')], {
    stdio: ['ignore', 'pipe', 'pipe', file.fd], encoding: 'utf8', timeout: 60_000,
  });
  assert.is(out.status, 0, out.stderr);
  const report = JSON.parse(out.stdout);
  assert.equal(report, { read: sha(data), sizeBefore: data.length, backing: 'memfd', name: 'for-child' });
  assert.is(sha(file.bytes()), sha(Buffer.concat([data, payload])));
  file.close();
});

node('a worker thread does MemFile.fromFd(fd) from workerData, reads via stream(), writes', async () => {
  const data = seededBytes(2 << 20, 'programs 4');
  const payload = seededBytes(5000, 'programs 5');
  const file = MemFile.from(data);
  const code = `require('tsx/cjs'); require(${JSON.stringify(fixture('programs-worker.ts'))});`;
  const worker = new Worker(code, { eval: true, workerData: { fd: file.fd, offset: 12345, payload } });
  const message = await new Promise<{ read: string; size: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((resolve) => worker.once('exit', resolve));
  assert.equal(message, { read: sha(data), size: data.length });
  const expected = Buffer.from(data);
  payload.copy(expected, 12345);
  assert.is(sha(file.bytes()), sha(expected));
  file.close();
});

node('a named shm block: a Node child attaches it by name, python3 opens /dev/shm/<name>', () => {
  const name = `programs-${process.pid}-${randomBytes(4).toString('hex')}`;
  const data = seededBytes(1 << 20, 'programs 6');
  const file = new MemFile(name, { backing: 'shm' });
  try {
    file.pwrite(0, data);
    const fromNode = seededBytes(777, 'programs 7');
    const out = spawnSync(process.execPath, ['--import', 'tsx', fixture('programs-shm-child.ts'), name, '5000', fromNode.toString('hex')], {
      encoding: 'utf8', timeout: 60_000,
    });
    assert.is(out.status, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout), { read: sha(data), size: data.length, backing: 'shm' });
    const expected = Buffer.from(data);
    fromNode.copy(expected, 5000);
    assert.is(sha(file.bytes()), sha(expected));

    const py = `
import hashlib, sys
with open('/dev/shm/' + sys.argv[1], 'r+b') as f:
    data = f.read()
    f.seek(0, 2)
    f.write(b'python was here')
print(hashlib.sha256(data).hexdigest(), len(data))
`;
    assert.is(python(py, null, [name]).trim(), `${sha(expected)} ${expected.length}`);
    assert.is(sha(file.bytes()), sha(Buffer.concat([expected, Buffer.from('python was here')])));
  } finally {
    file.close();
  }
});

node.run();
