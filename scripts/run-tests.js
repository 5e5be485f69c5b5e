#!/usr/bin/env node
// Runs every uvu suite (test/*.test.ts) in one Node process with --expose-gc,
// streams uvu's output, and ends with the line CI reads: "N passed, M failed".
// Usage: node scripts/run-tests.js [pattern]   (a regex on suite file names: test/*.test.ts)
// Output has colour only on a terminal (not under NO_COLOR or CI, nor into a pipe or file).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const uvu = path.join(root, 'node_modules', 'uvu', 'bin.js');

// Suites are the top-level test/*.test.ts files; the pattern picks among their names only
// (uvu would also match fixtures and helpers in subdirectories, which are not suites).
const testDir = path.join(root, 'test');
const suites = fs.readdirSync(testDir).filter((f) => f.endsWith('.test.ts') && fs.statSync(path.join(testDir, f)).isFile());
let chosen = suites;
if (process.argv[2]) {
  let filter;
  try {
    filter = new RegExp(process.argv[2]);
  } catch (error) {
    console.error(`run-tests: bad pattern ${JSON.stringify(process.argv[2])}: ${error.message}`);
    process.exit(2);
  }
  chosen = suites.filter((f) => filter.test(f));
  if (chosen.length === 0) {
    console.error(`run-tests: no suite matches ${JSON.stringify(process.argv[2])}; suites: ${suites.map((f) => f.replace(/\.test\.ts$/, '')).join(', ')}`);
    process.exit(2);
  }
}
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = `^(${chosen.map(escapeRegExp).join('|')})$`;

// Colour only for a person at a terminal: NO_COLOR wins, FORCE_COLOR asks for it, CI and a
// stdout that is not a TTY (a pipe, a log file) get plain text. uvu forces colour unless
// told --no-color; NO_COLOR also reaches kleur and any program a test runs.
const env = { ...process.env };
const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
const color = env.NO_COLOR === undefined && (forced || (!env.CI && process.stdout.isTTY === true));
if (!color) {
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
}
const args = ['--expose-gc', '--import', 'tsx', uvu, 'test', pattern, ...(color ? [] : ['--no-color'])];
const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });

let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
  if (output.length > 1 << 20) output = output.slice(-(1 << 16));
});

child.on('close', (code, signal) => {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const number = (label) => {
    const m = plain.match(new RegExp(`${label}:\\s+(\\d+)`));
    return m ? Number(m[1]) : undefined;
  };
  const total = number('Total');
  const passed = number('Passed');
  const skipped = number('Skipped') ?? 0;
  let failed;
  if (total === undefined || passed === undefined) {
    console.log(`\nthe test process ended without uvu's totals (exit ${code}, signal ${signal})`);
    failed = 1;
  } else {
    failed = total - passed - skipped;
    if ((code !== 0 || signal) && failed === 0) failed = 1;
  }
  console.log(`${passed ?? 0} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
