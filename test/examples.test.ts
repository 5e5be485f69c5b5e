// A newcomer's commands (issue 13): `npm run demo` and the examples on a machine without the
// optional programs (unzip, sqlite3) say what they skipped and finish; `node scripts/run-tests.js
// <pattern>` runs matching suites only (not fixtures), in plain text unless on a terminal.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.join(__dirname, '..');
const OPTIONAL = ['unzip', 'sqlite3'];

/** A PATH with every program of this one except `without`: one directory of symlinks. */
function pathWithout(without: string[]): { dir: string; PATH: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-path-'));
  for (const from of (process.env.PATH ?? '').split(path.delimiter)) {
    let names: string[];
    try {
      names = fs.readdirSync(from);
    } catch {
      continue;
    }
    for (const name of names) {
      if (without.includes(name) || fs.existsSync(path.join(dir, name))) continue;
      fs.symlinkSync(path.join(from, name), path.join(dir, name));
    }
  }
  return { dir, PATH: dir };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const bare = pathWithout(OPTIONAL);
const bareEnv = { ...process.env, PATH: bare.PATH };
process.on('exit', () => fs.rmSync(bare.dir, { recursive: true, force: true }));

test('the stripped PATH really lacks unzip and sqlite3 and still has node, npm and python3', () => {
  for (const cmd of OPTIONAL) assert.is.not(spawnSync('sh', ['-c', `command -v ${cmd}`], { env: bareEnv }).status, 0, cmd);
  for (const cmd of ['node', 'npm', 'python3', 'sha256sum']) {
    assert.is(spawnSync('sh', ['-c', `command -v ${cmd}`], { env: bareEnv }).status, 0, cmd);
  }
});

test('npm run demo without unzip and sqlite3: says what it skipped, runs the rest, exits 0', () => {
  const { status, out } = run('npm', ['run', '--silent', 'demo'], bareEnv);
  assert.is(status, 0, out);
  assert.match(out, 'zip: skipped: unzip not installed');
  assert.match(out, 'sqlite3: skipped: sqlite3 not installed');
  assert.not.match(out, /TypeError|Cannot read properties/);
  // The parts that need neither still ran and checked themselves.
  assert.match(out, /sha256sum in a child: ([0-9a-f]{64})\nnode:crypto here: {5}\1/);
  assert.match(out, /streams: \d+ bytes -> gzip -> \d+ bytes -> Response body -> same: true/);
  assert.match(out, 'wc -l /dev/fd/3: 1000 /dev/fd/3');
});

test('npm run demo with every program: nothing skipped (the check is not "always skip")', () => {
  const { status, out } = run('npm', ['run', '--silent', 'demo'], process.env);
  assert.is(status, 0, out);
  assert.not.match(out, 'skipped');
  assert.match(out, 'unzip -p gives back the csv: true');
  assert.match(out, /sqlite3 on \/dev\/shm\/\S+ \(immutable\): count\|sum = 1000\|333833500/);
});

test('examples/zip.js without unzip: yauzl still reads the archive python3 wrote', () => {
  const { status, out } = run(process.execPath, ['examples/zip.js'], bareEnv);
  assert.is(status, 0, out);
  assert.match(out, 'unzip: skipped: unzip not installed');
  assert.match(out, 'yauzl: hello.txt 48 bytes');
  assert.match(out, /yauzl: numbers\.csv \d+ bytes/);
});

test('examples/sqlite.js without sqlite3: skipped, exit 0', () => {
  const { status, out } = run(process.execPath, ['examples/sqlite.js'], bareEnv);
  assert.is(status, 0, out);
  assert.match(out, /^skipped: sqlite3 not installed/);
});

test("run-tests.js 'programs': the suite only (not test/fixtures/programs-*.ts), plain text into a pipe", () => {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.CI;
  const { status, out } = run(process.execPath, ['scripts/run-tests.js', 'programs'], env);
  assert.is(status, 0, out.slice(-3000));
  assert.match(out, /^programs\.test\.ts$/m);
  assert.not.match(out, 'fixtures');
  assert.not.match(out, 'not a memfd');
  assert.match(out, /\d+ passed, 0 failed/);
  assert.not.match(out, /\x1b\[/, 'no colour codes when stdout is not a terminal');
});

test('run-tests.js: FORCE_COLOR=1 gives colour, NO_COLOR overrides it; a pattern matching no suite is an error', () => {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.CI;
  const colour = run(process.execPath, ['scripts/run-tests.js', '^handles-binary'], { ...env, FORCE_COLOR: '1' });
  assert.is(colour.status, 0, colour.out.slice(-2000));
  assert.match(colour.out, /\x1b\[/);
  const plain = run(process.execPath, ['scripts/run-tests.js', '^handles-binary'], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' });
  assert.is(plain.status, 0, plain.out.slice(-2000));
  assert.not.match(plain.out, /\x1b\[/);
  const none = run(process.execPath, ['scripts/run-tests.js', 'truncate-race'], env); // a fixture's name only
  assert.is(none.status, 2, none.out);
  assert.match(none.out, 'no suite matches "truncate-race"; suites: ');
});

test.run();
