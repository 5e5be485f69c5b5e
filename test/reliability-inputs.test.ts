// The bad-input matrix: every public MemFile method and static, and each
// handle class's methods, × -1, NaN, ±Infinity, 0.5, 2^53, 2^52, '1', null,
// {}, [], Symbol(), 1n, undefined; every call after close and in the wrong
// direction on each handle class; writes after seal. (open()'s modes and
// options are test/open-validation.test.ts.) Each case must give the
// error class and code the contract names (README, API: Errors) (or succeed where null/undefined mean
// "not given"), and leave the content byte-identical. The cases (with their
// expectations) are in fixtures/reliability-inputs-cases.ts; they all run in
// one child process, so a crash fails this suite instead of killing it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildCases, lifecycleCases, STATIC_CASES } from './fixtures/reliability-inputs-cases';

interface Result {
  label: string;
  outcome: string;
  message: string;
  same: boolean;
  done?: boolean;
}

const test = suite('reliability: bad-input matrix');
const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'reliability-inputs-child.ts')], {
  cwd: path.join(__dirname, '..'),
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
const lines = child.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result);
const results = new Map(lines.filter((r) => !r.done).map((r) => [r.label, r]));

const expected = new Map<string, { expect: string[]; mutates: boolean }>();
for (const c of buildCases()) expected.set(c.label, { expect: c.expect, mutates: c.mutates === true });
for (const c of lifecycleCases()) expected.set(c.label, { expect: c.expect, mutates: false });
for (const c of STATIC_CASES) expected.set(c.label, { expect: c.expect, mutates: false });

test('the child ran every case and exited cleanly (no signal, no crash)', () => {
  const last = lines.filter((r) => !r.done).at(-1)?.label ?? '(none)';
  assert.is(child.signal, null, `child killed by ${child.signal} after case "${last}"\n${child.stderr}`);
  assert.is(child.status, 0, `child exited ${child.status} after case "${last}"\n${child.stderr.slice(-2000)}`);
  assert.ok(lines.at(-1)?.done, 'the child did not reach the end of the matrix');
  assert.is(results.size, expected.size, 'labels are unique and every case reported');
  assert.ok(expected.size > 1500, `matrix too small: ${expected.size}`);
});

test('every case gives the error class and code the contract names', () => {
  const wrong: string[] = [];
  for (const [label, want] of expected) {
    const got = results.get(label);
    if (got === undefined) wrong.push(`${label}: no result`);
    else if (!want.expect.includes(got.outcome)) {
      wrong.push(`${label}: got ${got.outcome}${got.message ? ` (${got.message})` : ''}, expected ${want.expect.join(' or ')}`);
    }
  }
  assert.ok(wrong.length === 0, `${wrong.length} of ${expected.size} cases wrong:\n  ${wrong.slice(0, 60).join('\n  ')}`);
});

test('a failed call leaves the content byte-identical (and so does every call that should not write)', () => {
  const changed: string[] = [];
  for (const [label, want] of expected) {
    const got = results.get(label);
    if (got === undefined || got.same) continue;
    if (want.mutates && got.outcome === 'ok') continue;
    changed.push(`${label} (${got.outcome})`);
  }
  assert.ok(changed.length === 0, `content changed by:\n  ${changed.slice(0, 60).join('\n  ')}`);
});

test('the matrix can fail: a wrong expectation is caught', () => {
  // Guards against a harness that passes everything: a case known to succeed
  // must report 'ok', and one known to fail must not.
  assert.is(results.get("memfd pread(0, 4, null)")?.outcome, 'ok');
  assert.is(results.get('memfd pread(-1, 4)')?.outcome, 'RangeError:ERR_OUT_OF_RANGE');
});

test.run();
