#!/usr/bin/env node
// Runs every uvu suite (test/*.test.ts) in one Node process with --expose-gc,
// streams uvu's output, and ends with the line CI reads: "N passed, M failed".
// Usage: node scripts/run-tests.js [pattern]   (pattern filters test file names)
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pattern = process.argv[2] || '\\.test\\.ts$';
const uvu = path.join(root, 'node_modules', 'uvu', 'bin.js');
const args = ['--expose-gc', '--import', 'tsx', uvu, 'test', pattern];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });

let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
  if (output.length > 1 << 20) output = output.slice(-(1 << 16));
});

child.on('close', (code, signal) => {
  // eslint-disable-next-line no-control-regex
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
