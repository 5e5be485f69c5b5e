// TextHandle against CPython's TextIOWrapper: seeded random op scripts over every
// text mode × encoding × errors × newline combination (buffering incl. line buffering
// and tiny buffers random), initial bytes with \r\n, lone \r, a \r or a multi-byte
// character on the 8 KiB chunk boundary, non-ASCII and invalid data. Every op's outcome
// (tell() cookies as text-oracle.ts explains), what another reader sees, the close and
// the final bytes must match. A failure prints the seed and the smallest failing script.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describeText, ENCODINGS, ERRORS, firstTextDifference, generateTextScripts, MODES, NEWLINES,
  runOursText, runPythonText, shrinkText,
} from './helpers/text-oracle';
import { oracleSeed } from './helpers/oracle-runner';

const COMBINATIONS = MODES.length * ENCODINGS.length * ERRORS.length * NEWLINES.length;
const SCRIPTS = Number(process.env.TEXT_ORACLE_SCRIPTS ?? COMBINATIONS);
const SEED = oracleSeed(process.env.TEXT_ORACLE_SEED, 20261203);

test(`${SCRIPTS} random text scripts match CPython (seed ${SEED})`, () => {
  const scripts = generateTextScripts(SEED, SCRIPTS);
  const theirs = runPythonText(scripts);
  for (let i = 0; i < scripts.length; i++) {
    const ours = runOursText(scripts[i]);
    if (firstTextDifference(ours, theirs[i]) !== null) {
      assert.unreachable(describeText(shrinkText(scripts[i]), SEED, i));
    }
  }
});

test('the generator covers every combination and the interesting content', () => {
  const scripts = generateTextScripts(1, COMBINATIONS);
  const combos = new Set(scripts.map((s) => `${s.mode}|${s.options.encoding}|${s.options.errors}|${s.options.newline}`));
  assert.is(combos.size, COMBINATIONS);
  const has = (pred: (b: Buffer) => boolean): boolean => scripts.some((s) => pred(Buffer.from(s.initial, 'hex')));
  assert.ok(has((b) => b.length > 8192 && b[8191] === 0x0d), 'a \\r as the last byte of the first chunk');
  assert.ok(has((b) => b.includes(Buffer.from('\r\n'))), '\\r\\n');
  assert.ok(has((b) => /\r[^\n]/.test(b.toString('latin1'))), 'a lone \\r');
  assert.ok(has((b) => b.includes(Buffer.from([0xff]))), 'invalid bytes');
  const ops = new Set(scripts.flatMap((s) => s.ops.map((o) => o[0])));
  for (const op of ['write', 'read', 'readline', 'readlines', 'tell', 'seek_tell', 'seek', 'truncate', 'flush', 'newlines', 'peer']) {
    assert.ok(ops.has(op), op);
  }
  const bufferings = new Set(scripts.map((s) => s.options.buffering));
  for (const b of [undefined, 1, 2, 3, 7]) assert.ok(bufferings.has(b), `buffering ${b}`);
});

test.run();
