// Hostile peers: a python3 process holding the same fd truncates it to 0,
// extends, rewrites and tries to seal it for ~2 s while a Node process reads
// (pread, handle, createReadStream, stream()), views and writes; a python3
// peer truncates and rewrites a file of 'A's under 64 MiB preads (the SIGBUS
// guard of the release build must hold: fixtures/guard-race.ts); and 4 worker
// threads write disjoint stripes of one memfd through their own fromFd
// MemFiles. Each side runs in a child process (fixtures/reliability-peers-*),
// so a crash is a failed exit here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

function nodeTs(fixture: string, args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', fixture), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function lastJson(out: string): Record<string, unknown> {
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

const test = suite('reliability: hostile peers');

test('a peer truncating, regrowing, rewriting and sealing the fd: the process survives and reads only bytes that were written', async () => {
  // Both backings at once: the peers run concurrently, so the wall time is one run.
  const [memfd, shm] = await Promise.all([nodeTs('reliability-peers-parent.ts', ['memfd', '2']), nodeTs('reliability-peers-parent.ts', ['shm', '2'])]);
  for (const [backing, r] of [['memfd', memfd], ['shm', shm]] as const) {
    assert.is(r.signal, null, `${backing}: killed by ${r.signal}\n${r.stderr}`);
    assert.is(r.code, 0, `${backing}: exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const out = lastJson(r.stdout);
    assert.ok(out.survived);
    if (process.env.MEMFILE_VERBOSE) console.log(JSON.stringify(out));
    const counts = out.counts as Record<string, number>;
    for (const k of ['preads', 'views', 'writes', 'handleReads', 'streams', 'webStreams']) {
      assert.ok(counts[k] > 0, `${backing}: no ${k} happened while the peer ran: ${JSON.stringify(out)}`);
    }
    const peer = out.peer as Record<string, number>;
    assert.ok(peer.cycles > 10, `${backing}: the peer barely ran: ${JSON.stringify(peer)}`);
    assert.is(peer.errors, 0, `${backing}: the peer's own truncate/pwrite failed: ${JSON.stringify(peer)}`);
    if (backing === 'memfd') {
      // The peer's last act seals SHRINK|GROW|FUTURE_WRITE: our writes must now fail cleanly.
      assert.ok(peer.seal_ok >= 1, `the final seal did not take: ${JSON.stringify(peer)}`);
      assert.is(out.finalWrite, 'EPERM');
    } else {
      assert.is(out.finalWrite, 'ok');
    }
  }
});

test('a peer that grows the memfd and seals it (FUTURE_WRITE): view() is copy-on-write as on a sealed file, or EPERM — never ENOMEM', async () => {
  const { MemFile } = await import('../ts/index');
  const { execFileSync } = await import('node:child_process');
  const file = MemFile.from(Buffer.alloc(100_000, 1));
  const fd = file.fd;
  void file.view(0, 10); // a mapping exists, sized for the old length
  // F_ADD_SEALS (1033): F_SEAL_SHRINK 2 | F_SEAL_GROW 4 | F_SEAL_FUTURE_WRITE 16
  execFileSync('python3', ['-c', 'import fcntl, os; os.ftruncate(3, 300000); fcntl.fcntl(3, 1033, 2 | 4 | 16)'], { stdio: ['ignore', 'ignore', 'inherit', fd] });
  assert.is(file.size, 300_000);
  let outcome = 'ok';
  try {
    const v = file.view();
    assert.is(v.length, 300_000);
    assert.is(v[0], 1);
    assert.is(v[200_000], 0);
  } catch (error) {
    outcome = `${(error as { code?: string }).code}:${(error as { syscall?: string }).syscall}`;
  }
  file.close();
  assert.ok(outcome === 'ok' || outcome.startsWith('EPERM'), `view() after a peer's seal: ${outcome}`);
});

test('the SIGBUS guard guards on the release build: pread of 64 MiB while a peer truncates and rewrites a file of only \'A\'s never reports a byte that is not \'A\'', async () => {
  const r = await nodeTs('guard-race.ts', ['2']);
  assert.is(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
  assert.is(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-3000)}`);
  const out = lastJson(r.stdout);
  if (process.env.MEMFILE_VERBOSE) console.log(JSON.stringify(out));
  assert.is(out.bad, 0, `reads returned bytes that were never written (first at ${out.firstBad}): ${JSON.stringify(out)}`);
  assert.ok((out.short as number) > 0, `no short read happened, the race was not exercised: ${JSON.stringify(out)}`);
  assert.ok((out.cycles as number) > 0, `the peer did not run: ${JSON.stringify(out)}`);
});

for (const mode of ['presized', 'growing']) {
  test(`4 worker threads writing disjoint stripes through their own fromFd MemFiles (${mode}): exact final content`, async () => {
    const r = await nodeTs('reliability-peers-workers.ts', [mode]);
    assert.is(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
    assert.is(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const out = lastJson(r.stdout);
    assert.is(out.size, out.expected);
    assert.is(out.badStripe, -1, `stripe ${out.badStripe} has the wrong bytes`);
  });
}

test.run();
