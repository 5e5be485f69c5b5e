#!/usr/bin/env node
// Removes build outputs named on the command line (relative to the package
// root), so a pack never ships files left over from an older build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const name of process.argv.slice(2)) {
  const target = path.resolve(root, name);
  if (path.dirname(target) !== root) throw new Error(`clean: ${name} is not a top-level folder of the package`);
  fs.rmSync(target, { recursive: true, force: true });
}
