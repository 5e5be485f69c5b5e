// Views that used to take the process down (issue 10, defects 2 and 9):
// views of a read-only MemFile (attach readOnly, fromFd of an O_RDONLY fd)
// are copy-on-write, so a store into one — or using one as the target of
// another MemFile's pread — works and never reaches the file; 100,000 views
// of a sealed, a shared unsealed and a read-only file work (or throw ENOMEM)
// and add a bounded number of mappings. Each case runs in a child
// (fixtures/reliability-views-child.ts), so a signal is a failed exit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const test = suite('reliability: read-only views, many views');

function child(which: string): Promise<{ code: number | null; signal: string | null; out: Record<string, unknown>; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'reliability-views-child.ts'), which], { cwd: root });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code, signal) => {
      let out: Record<string, unknown> = {};
      try {
        out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      } catch {
        // reported through code/stderr below
      }
      resolve({ code, signal, out, stderr });
    });
  });
}

for (const how of ['attach', 'fromFd']) {
  test(`read-only MemFile (${how === 'attach' ? "attach(name, { readOnly: true })" : 'fromFd of an O_RDONLY fd'}): view stores are copy-on-write; a view is a valid pread target on the JS and native paths`, async () => {
    const r = await child(`ro-${how}`);
    assert.is(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
    assert.is(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    assert.ok(r.out.ok);
  });
}

test('100,000 views each of a sealed, a shared unsealed and a read-only file: all work (or ENOMEM), a bounded number of new mappings, the process lives', async () => {
  const kinds = ['sealed', 'shared', 'read-only'];
  const runs = await Promise.all(kinds.map((k) => child(k)));
  runs.forEach((r, i) => {
    const kind = kinds[i];
    assert.is(r.signal, null, `${kind}: killed by ${r.signal}\n${r.stderr.slice(-2000)}`);
    assert.is(r.code, 0, `${kind}: exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const out = r.out as { views: number; enomem: number; grown: number; reached: boolean };
    assert.is(out.views + out.enomem, 100_000, `${kind}: ${JSON.stringify(out)}`);
    assert.ok(out.views > 0, `${kind}: no view worked: ${JSON.stringify(out)}`);
    // V8's own heap grows too; 100,000 mappings would be ~100,000 lines.
    assert.ok(out.grown < 2000, `${kind}: /proc/self/maps grew by ${out.grown} lines`);
    assert.is(out.reached, kind === 'shared', `${kind}: a store through a view ${out.reached ? 'reached' : 'did not reach'} the file`);
  });
});

test.run();
