// Hard edges of the machine (issue 10, defects 5, 6, 7): a full tmpfs and
// RLIMIT_FSIZE. A write that cannot be done fails with ENOSPC / EFBIG and
// changes nothing; everything up to the limit works; views over space that
// cannot be had are refused up front; a fault inside a view never takes
// valid pages with it; no signal kills the process. Each side runs in a child
// (fixtures/reliability-{full,fsize}-child.ts), so a crash is a failed exit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const test = suite('reliability: full tmpfs and RLIMIT_FSIZE');

function fixture(name: string): string[] {
  return [process.execPath, '--import', 'tsx', path.join(__dirname, 'fixtures', name)];
}

function run(argv: string[]): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

// A private mount namespace with a 1 MiB tmpfs on /dev/shm: shm blocks and
// files opened under /dev/shm live on it; the machine's /dev/shm is untouched.
const namespaceProbe = run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=1m memfile-test /dev/shm']);
const canMount = namespaceProbe.status === 0;
if (!canMount) {
  console.log(`reliability-space: SKIPPING the full-tmpfs cases — cannot mount a tmpfs in a private mount namespace here (needs root / CAP_SYS_ADMIN): ${namespaceProbe.stderr.trim()}`);
}

if (canMount) {
  test('full tmpfs (shm backing and fromFd of a tmpfs file): pwrite, handles, streams and views fail with ENOSPC and change nothing; a fault in a view replaces only its page', () => {
    const r = run([
      'unshare', '--mount', '--propagation', 'private', 'sh', '-c',
      'mount -t tmpfs -o size=1m memfile-test /dev/shm && exec "$@"', 'sh', ...fixture('reliability-full-child.ts'),
    ]);
    assert.is(r.signal, null, `killed by ${r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.is(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr.slice(-4000)}`);
    for (const kind of ['shm', 'fromFd']) {
      for (const what of ['writes', 'stream', 'views']) assert.ok(r.stdout.includes(`ok ${what} ${kind}`), `missing: ${what} ${kind}\n${r.stdout}`);
    }
    assert.ok(r.stdout.includes('ok punched hole'), r.stdout);
  });
}

test('RLIMIT_FSIZE (prlimit --fsize=1 MiB): everything up to the limit works on every backing, EFBIG past it with nothing changed, no SIGXFSZ', () => {
  const r = run(['prlimit', '--fsize=1048576', ...fixture('reliability-fsize-child.ts')]);
  assert.is(r.signal, null, `killed by ${r.signal}\n${r.stdout}\n${r.stderr}`);
  assert.is(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr.slice(-4000)}`);
  for (const kind of ['memfd (private)', 'memfd (shared)', 'shm']) {
    assert.ok(r.stdout.includes(`ok up to the limit ${kind}`), `missing: up to the limit ${kind}\n${r.stdout}`);
    assert.ok(r.stdout.includes(`ok past the limit ${kind}`), `missing: past the limit ${kind}\n${r.stdout}`);
  }
  assert.ok(r.stdout.includes('ok stream past the limit'), r.stdout);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { sigxfsz?: number };
  assert.is(last.sigxfsz, 0, 'the kernel was asked to grow a file past RLIMIT_FSIZE (SIGXFSZ sent)');
});

test.run();
