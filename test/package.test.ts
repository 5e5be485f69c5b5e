// Packaging (issue 6): pack the package for real, install the tarball into
// fresh projects, and load it the way a user would. One pack serves every case.
// Runs on a copy of the repository in a temp dir: prepack's prebuildify
// rebuilds build/, which the working tree's own tests are using.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const test = suite('package');

const ROOT = path.join(__dirname, '..');
const TARGET = `${process.platform}-${process.arch}`;
// prebuildify --napi --tag-libc: one binary for every Node >= 20 on glibc Linux x64.
const PREBUILD = `prebuilds/${TARGET}/memfile.glibc.node`;
const NOT_COPIED = new Set(['.git', '.tmp', 'node_modules', 'build', 'dist', 'prebuilds']);
const TSC = require.resolve('typescript/bin/tsc');

let work = '';
let stage = '';
let tarball = '';
let entries: string[] = [];

// npm passes its own settings to scripts as npm_* variables; a nested npm must
// read the user's configuration afresh, as a user's shell would.
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv()): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 240_000 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const r = run(cmd, args, cwd, env);
  assert.ok(r.status === 0, `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout + r.stderr;
}

/** A fresh project with `allowScripts` as given, with the packed tarball installed. */
function consumer(name: string, allowMemfileScripts: boolean | undefined): { dir: string; npmOutput: string } {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  const pkg: Record<string, unknown> = { name, version: '1.0.0', private: true };
  // A tarball dependency's identity, for allowScripts, is its file: spec.
  if (allowMemfileScripts !== undefined) pkg.allowScripts = { [`file:${tarball}`]: allowMemfileScripts };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const npmOutput = ok('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts'], dir);
  return { dir, npmOutput };
}

const CJS_CHECK = `
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { MemFile } = require('memfile');
const data = crypto.randomBytes(200000);
const mf = MemFile.from(data);
assert.strictEqual(mf.size, data.length);
const r = mf.pread(0, data.length + 10);
assert.strictEqual(r.bytesRead, data.length);
assert.ok(r.buffer.equals(data), 'pread returns what was written');
assert.strictEqual(mf.pwrite(data.length + 5, 'tail'), 4);
assert.ok(mf.bytes().equals(Buffer.concat([data, Buffer.alloc(5), Buffer.from('tail')])));
mf.close();
assert.strictEqual(require('memfile/package.json').name, 'memfile');
const addons = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
  .filter((l) => l.endsWith('.node')).map((l) => l.slice(l.indexOf('/'))))];
console.log(JSON.stringify({ entry: require.resolve('memfile'), addons, backing: new MemFile().backing }));
`;

const ESM_CHECK = `
import assert from 'node:assert';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { MemFile } from 'memfile';
import * as ns from 'memfile';
const cjs = createRequire(import.meta.url)('memfile');
const dynamic = await import('memfile');
assert.strictEqual(MemFile, cjs.MemFile, 'one MemFile class for both module systems');
assert.strictEqual(dynamic.MemFile, MemFile);
const named = (o) => Object.keys(o).filter((k) => k !== 'default' && k !== '__esModule').sort();
assert.deepStrictEqual(named(ns), named(cjs), 'the ESM entry names every CommonJS export');
const data = crypto.randomBytes(100000);
const mf = new MemFile('esm');
assert.strictEqual(mf.pwrite(0, data), data.length);
const target = new Uint8Array(data.length);
const r = mf.pread(0, data.length, target);
assert.ok(r.buffer === target && Buffer.from(target).equals(data));
assert.ok(mf instanceof cjs.MemFile);
mf.close();
const addons = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
  .filter((l) => l.endsWith('.node')).map((l) => l.slice(l.indexOf('/'))))];
console.log(JSON.stringify({ entry: import.meta.resolve('memfile'), addons }));
`;

function loadChecks(dir: string): { cjs: { entry: string; addons: string[]; backing: string }; esm: { entry: string; addons: string[] } } {
  fs.writeFileSync(path.join(dir, 'check.cjs'), CJS_CHECK);
  fs.writeFileSync(path.join(dir, 'check.mjs'), ESM_CHECK);
  const cjs = JSON.parse(ok(process.execPath, ['check.cjs'], dir).trim());
  const esm = JSON.parse(ok(process.execPath, ['check.mjs'], dir).trim());
  const installed = path.join(dir, 'node_modules', 'memfile');
  assert.is(cjs.entry, path.join(installed, 'dist', 'index.js'));
  assert.is(esm.entry, `file://${path.join(installed, 'dist', 'index.mjs')}`);
  return { cjs, esm };
}

/** Section names of an ELF file (to tell a stripped binary: no .symtab). */
function elfSections(file: string): string[] {
  const b = fs.readFileSync(file);
  assert.equal([...b.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], `${file} is an ELF file`);
  assert.is(b[4], 2, 'ELF64');
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const shstrndx = b.readUInt16LE(0x3e);
  const header = (i: number): number => shoff + i * shentsize;
  const strtab = Number(b.readBigUInt64LE(header(shstrndx) + 0x18));
  const names: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = strtab + b.readUInt32LE(header(i));
    names.push(b.toString('latin1', at, b.indexOf(0, at)));
  }
  return names;
}

test.before(() => {
  try {
    setup();
  } catch (error) {
    // uvu reports a failed hook as failed tests without the reason.
    console.error('package: setup failed:', error);
    throw error;
  }
});

function setup(): void {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-package-'));
  process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  stage = path.join(work, 'repo');
  fs.cpSync(ROOT, stage, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ROOT, src);
      return !NOT_COPIED.has(rel.split(path.sep)[0]) && !rel.endsWith('.tgz');
    },
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  ok('npm', ['pack', '--pack-destination', work], stage);
  tarball = path.join(work, `memfile-${JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8')).version}.tgz`);
  entries = ok('tar', ['tzf', tarball], work)
    .split('\n')
    .filter(Boolean)
    .map((e) => e.replace(/^package\//, ''));
}

test.after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the prebuild, dist (CJS, ESM, types), the build inputs and nothing else', () => {
  const sources: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'native', 'sources.json'), 'utf8'));
  const required = [
    'package.json',
    'LICENSE',
    'binding.gyp',
    'CMakeLists.txt',
    'native/sources.json',
    ...sources,
    'dist/index.js',
    'dist/index.mjs',
    'dist/index.d.ts',
    'dist/index.d.mts',
    'dist/memfile.js',
    'dist/native.js',
    PREBUILD,
  ];
  if (fs.existsSync(path.join(ROOT, 'README.md'))) required.push('README.md');
  for (const file of required) assert.ok(entries.includes(file), `${file} is in the tarball`);
  const allowed = [
    /^(package\.json|README\.md|LICENSE|binding\.gyp|CMakeLists\.txt)$/,
    /^native\/[\w.-]+\.(cc|h|json)$/,
    /^dist\/[\w/.-]+\.(js|mjs|d\.ts|d\.mts)$/,
    /^prebuilds\/[\w-]+\/[\w.-]+\.node$/,
  ];
  const stray = entries.filter((e) => !allowed.some((re) => re.test(e)));
  assert.equal(stray, [], 'no tests, bench, ts sources, source maps, build/ or node_modules');
  for (const header of fs.readdirSync(path.join(ROOT, 'native')).filter((f) => f.endsWith('.h'))) {
    assert.ok(entries.includes(`native/${header}`), `native/${header} is in the tarball`);
  }
  const prebuild = path.join(stage, PREBUILD);
  const sections = elfSections(prebuild);
  assert.ok(sections.includes('.text') && sections.includes('.dynsym'), 'a shared object');
  assert.not.ok(sections.includes('.symtab'), 'prebuildify --strip removed the symbol table');
});

test('install with install scripts blocked: require and import load the prebuild, no compiler ran', () => {
  const { dir, npmOutput } = consumer('blocked', false);
  assert.not.match(npmOutput, /memfile@[\d.]+ install/, 'npm ran no install script of memfile');
  const installed = path.join(dir, 'node_modules', 'memfile');
  assert.not.ok(fs.existsSync(path.join(installed, 'build')), 'no build/ directory: nothing was compiled');
  const prebuild = fs.realpathSync(path.join(installed, PREBUILD));
  const { cjs, esm } = loadChecks(dir);
  assert.equal(cjs.addons, [prebuild]);
  assert.equal(esm.addons, [prebuild]);
  assert.is(cjs.backing, process.platform === 'linux' ? 'memfd' : 'shm');
});

test("install with npm's default script policy: the install script runs, finds the prebuild, compiles nothing", () => {
  const { dir, npmOutput } = consumer('default', undefined);
  assert.match(npmOutput, /memfile@[\d.]+ install\n> node-gyp-build/, 'npm ran memfile install script');
  const installed = path.join(dir, 'node_modules', 'memfile');
  assert.not.ok(fs.existsSync(path.join(installed, 'build')), 'no build/ directory: nothing was compiled');
  const { cjs } = loadChecks(dir);
  assert.equal(cjs.addons, [fs.realpathSync(path.join(installed, PREBUILD))]);
});

test('npm_config_build_from_source=true npm rebuild memfile compiles the fallback, which then loads', () => {
  const { dir } = consumer('from-source', true);
  const installed = path.join(dir, 'node_modules', 'memfile');
  assert.not.ok(fs.existsSync(path.join(installed, 'build')));
  // The variable reaches node-gyp-build through the script's environment, whether or not npm
  // still knows it as a config (npm 11 warns "Unknown env config", as it does for the flag).
  ok('npm', ['rebuild', 'memfile', '--foreground-scripts'], dir, cleanEnv({ npm_config_build_from_source: 'true' }));
  const built = path.join(installed, 'build', 'Release', 'memfile.node');
  assert.ok(fs.existsSync(built), 'node-gyp built build/Release/memfile.node');
  const { cjs, esm } = loadChecks(dir);
  assert.equal(cjs.addons, [fs.realpathSync(built)]);
  assert.equal(esm.addons, [fs.realpathSync(built)]);
});

test('with neither a prebuild nor a local build, loading fails with the platform and how to build', () => {
  const dir = path.join(work, 'default'); // installed by an earlier case
  fs.rmSync(path.join(dir, 'node_modules', 'memfile', 'prebuilds'), { recursive: true });
  for (const entry of ['check.cjs', 'check.mjs']) {
    const r = run(process.execPath, [entry], dir);
    assert.is(r.status, 1, `${entry} fails cleanly: ${r.stderr}`);
    assert.ok(r.stderr.includes(`memfile: no native binary for ${TARGET}`), r.stderr);
    assert.ok(r.stderr.includes('npm_config_build_from_source=true npm rebuild memfile'), r.stderr);
  }
});

const TYPES_GOOD = `
import { MemFile, RawHandle, BufferedReader, BufferedWriter, BufferedRandom, TextHandle } from 'memfile';
import type { Backing, PreadResult, MemFileOptions, AnyHandle, OpenOptions, OpenFdOptions } from 'memfile';
import type { MemFileReadStream, MemFileWriteStream, ReadStreamOptions, WriteStreamOptions } from 'memfile';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const mf = new MemFile('typed', { backing: 'memfd', size: 16 });
const plain = mf.pread(0, 4);
const t1: Equal<typeof plain, PreadResult<Buffer>> = true;
const target = new Uint8Array(4);
const into = mf.pread(0, 4, target);
const t2: Equal<typeof into.buffer, typeof target> = true;
const t3: Equal<typeof mf.size, number> = true;
const t4: Equal<typeof mf.backing, Backing> = true;
const t5: Equal<Backing, 'memfd' | 'shm' | 'heap'> = true;
const t6: Equal<ReturnType<typeof MemFile.from>, MemFile> = true;
const options: MemFileOptions = { backing: 'auto', size: null };
// Literal modes select the handle type (the TypeScript overloads of MemFile.open).
const rb = mf.open('rb');
const h1: Equal<typeof rb, BufferedReader> = true;
const wb = mf.open('wb');
const h2: Equal<typeof wb, BufferedWriter> = true;
const ab = mf.open('ab');
const h3: Equal<typeof ab, BufferedWriter> = true;
const rw = mf.open('w+b');
const h4: Equal<typeof rw, BufferedRandom> = true;
const raw = mf.open('rb', { buffering: 0 });
const h5: Equal<typeof raw, RawHandle<'r'>> = true;
const wideRaw: RawHandle = raw; // a narrow handle widens to the type with both directions
// @ts-expect-error: a read-only raw handle cannot write
raw.write(Buffer.from('x'));
// @ts-expect-error: a write-only raw handle cannot read
mf.open('ab', { buffering: 0 }).pread(0, 1);
const chunk: Buffer = rb.read();
const line: string = mf.open('r').readline();
const all: string = mf.open().read();
const units: number = mf.open('a+', { encoding: 'latin-1', newline: '' }).write('x');
// @ts-expect-error: a binary handle reads Buffers
const notText: string = mf.open('rb').read();
// @ts-expect-error: a text handle reads strings
const notBytes: Buffer = mf.open('r').read();
// @ts-expect-error: the mode is a string
mf.open(1);
// @ts-expect-error: not a backing
new MemFile('bad', { backing: 'tmpfs' });
// @ts-expect-error: size is read-only
mf.size = 3;
// @ts-expect-error: pwrite takes bytes or a string
mf.pwrite(0, 42);
// @ts-expect-error: bytesRead is a number
const s: string = plain.bytesRead;
// Types offer only what works (issue 13): a reader has no write side, a writer no read side.
// @ts-expect-error: BufferedWriter has no read()
mf.open('wb').read();
// @ts-expect-error: BufferedReader has no write()
mf.open('rb').write(Buffer.from('x'));
// @ts-expect-error: nor truncate()
mf.open('br').truncate(0);
// @ts-expect-error: a writer is not iterable over lines
for (const l of mf.open('ab')) void l;
// Text handles too: 'r' reads only, 'w' / 'a' / 'x' write only, '+' both; each widens to TextHandle.
// @ts-expect-error: a read-only text handle cannot write
mf.open('r').write('x');
// @ts-expect-error: a write-only text handle cannot read
mf.open('a').readline();
const tr: TextHandle = mf.open('r');
const tw: TextHandle<'w'> = mf.open('w');
tw.write(tr.read());
const both = mf.open('rb+');
both.write(both.read(1));
const dynamic = mf.open(String('rb'));
dynamic.read();
// The names users reach for are exported: the handle union, streams, option interfaces.
const anyHandle: AnyHandle[] = [rb, wb, rw, raw, mf.open('r')];
const rs: MemFileReadStream = mf.createReadStream({ start: 0, end: 3 } satisfies ReadStreamOptions);
const ws: MemFileWriteStream = mf.createWriteStream({ flags: 'a' } satisfies WriteStreamOptions);
const openOptions: OpenOptions = { buffering: 0 };
const fdOptions: OpenFdOptions = { readOnly: true };
const fd: number = mf.openFd(fdOptions);
const isReader: boolean = anyHandle[0] instanceof BufferedReader;
const text: TextHandle = mf.open('r+');
export { wideRaw, t1, t2, t3, t4, t5, t6, h1, h2, h3, h4, h5, chunk, line, all, units, notText, notBytes, options, s, rs, ws, openOptions, fd, isReader, text };
`;

const TYPES_BAD = `
import { MemFile } from 'memfile';
const mf = new MemFile();
const size: string = mf.size;
mf.pread('0', 4);
const text: string = mf.open('rb').read();
mf.open('wb').read();
mf.open('rb').write(Buffer.from('x'));
mf.open('rt').write('x');
export { size, text };
`;
const TYPES_BAD_ERRORS = [
  'bad.mts(4,7) error TS2322', 'bad.mts(5,10) error TS2345', 'bad.mts(6,7) error TS2322',
  'bad.mts(7,15) error TS2339', 'bad.mts(8,15) error TS2339', 'bad.mts(9,1) error TS2684',
];

test('the packed types: literal modes and options type-check in ESM and CommonJS consumers, wrong uses fail', () => {
  const dir = path.join(work, 'blocked'); // installed by an earlier case
  fs.writeFileSync(path.join(dir, 'good.mts'), TYPES_GOOD);
  fs.writeFileSync(path.join(dir, 'good.cts'), TYPES_GOOD);
  fs.writeFileSync(path.join(dir, 'bad.mts'), TYPES_BAD);
  const config = (files: string[]): string => {
    const name = `tsconfig.${files[0].replace(/\W/g, '-')}.json`;
    const compilerOptions = {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2022'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      skipLibCheck: false,
    };
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ compilerOptions, files }));
    return name;
  };
  ok(process.execPath, [TSC, '-p', config(['good.mts', 'good.cts'])], dir);
  const bad = run(process.execPath, [TSC, '-p', config(['bad.mts']), '--pretty', 'false'], dir);
  assert.is.not(bad.status, 0, 'tsc rejects bad.mts');
  const errors = bad.stdout.split('\n').filter((l) => l.includes('error TS'));
  assert.equal(
    errors.map((l) => l.replace(/\).*?(error TS\d+).*/, ') $1')),
    TYPES_BAD_ERRORS,
    bad.stdout,
  );
});

/** tsc's errors as `file(line,col) error TSnnnn`, from `--pretty false` output. */
const tscErrors = (out: string): string[] =>
  out.split('\n').filter((l) => l.includes('error TS')).map((l) => l.replace(/\).*?(error TS\d+).*/, ') $1'));

test("a strict consumer with no \"types\" setting compiles against the newest TypeScript (typescript@latest) and 5.x", () => {
  // The newcomer's setup: `npm i typescript @types/node`, `strict`, nothing else. TypeScript >= 6
  // includes no @types by default, so the declarations must pull in Node's types themselves.
  const dir = path.join(work, 'blocked'); // memfile installed by an earlier case
  ok('npm', ['install', '--save-dev', 'typescript@latest', '@types/node@^20.19.0', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  const latestTsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  const latest = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), 'utf8')).version as string;
  const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')).version as string;
  assert.match(pinned, /^5\./, 'the repository pins a TypeScript 5.x');
  assert.ok(Number(latest.split('.')[0]) >= 5, latest);
  console.log(`  package: typescript@latest is ${latest}; 5.x is ${pinned}`);
  fs.writeFileSync(path.join(dir, 'strict.mts'), TYPES_GOOD);
  fs.writeFileSync(path.join(dir, 'strict.cts'), TYPES_GOOD);
  fs.copyFileSync(path.join(dir, 'bad.mts'), path.join(dir, 'strict-bad.mts'));
  const write = (name: string, files: string[], extra: Record<string, unknown> = {}): string => {
    const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', target: 'es2022', skipLibCheck: false, ...extra };
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ compilerOptions, files }));
    return name;
  };
  const good = write('tsconfig.strict.json', ['strict.mts', 'strict.cts']);
  // 5.x includes every @types package unless told otherwise; "types": [] is what >= 6 does by default.
  const goodNoTypes = write('tsconfig.strict-none.json', ['strict.mts', 'strict.cts'], { types: [] });
  const bad = write('tsconfig.strict-bad.json', ['strict-bad.mts']);
  for (const [label, tsc] of [[`typescript ${latest}`, latestTsc], [`typescript ${pinned}`, TSC]] as const) {
    ok(process.execPath, [tsc, '-p', good], dir);
    ok(process.execPath, [tsc, '-p', goodNoTypes], dir);
    const r = run(process.execPath, [tsc, '-p', bad, '--pretty', 'false'], dir);
    assert.is.not(r.status, 0, `${label} rejects strict-bad.mts`);
    assert.equal(tscErrors(r.stdout + r.stderr), TYPES_BAD_ERRORS.map((e) => e.replace('bad.mts', 'strict-bad.mts')), `${label}: ${r.stdout}`);
  }
});

test('the packed declarations: JSDoc on every public member, pointing at nothing the package does not ship, no internals', () => {
  const distDir = path.join(work, 'blocked', 'node_modules', 'memfile', 'dist');
  const handles = fs.readdirSync(path.join(distDir, 'handles')).filter((f) => f.endsWith('.d.ts')).map((f) => `handles/${f}`);
  const files = ['memfile.d.ts', ...handles, 'streams.d.ts'];
  const classes = ['MemFile', 'IOBase', 'RawHandle', 'BufferedBase', 'BufferedReaderClass', 'BufferedWriterClass', 'BufferedRandomClass', 'TextHandle', 'MemFileReadStream', 'MemFileWriteStream'];
  const undocumented: string[] = [];
  const documented = new Set<string>();
  const undocumentedSignatures: string[] = [];
  const seen: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(distDir, file), 'utf8');
    assert.not.match(text, /\b_[a-z]\w*\b[?]?[(:]/, `${file}: no _-prefixed member`);
    assert.not.match(text, /\bts\/[\w/.-]+|\bAPI\.md\b|\b(test|bench|scripts)\/\w/, `${file}: a pointer to a file the package does not ship`);
    assert.not.match(text, /\b(internalBlock|kBlock|blockOf)\b|['"]\.\.?\/internal['"]/, `${file}: an internal (ts/internal.ts) in the public declarations`);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    source.forEachChild(function visit(node): void {
      if (ts.isClassDeclaration(node) && node.name && classes.includes(node.name.text)) {
        seen.push(node.name.text);
        if (ts.getJSDocCommentsAndTags(node).length === 0) undocumented.push(node.name.text);
        for (const member of node.members) {
          if (ts.isPropertyDeclaration(member) && member.name && ts.isPrivateIdentifier(member.name)) continue; // #private
          const modifiers = ts.getCombinedModifierFlags(member as import('typescript').Declaration);
          if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          if (ts.isConstructorDeclaration(member) && node.name.text !== 'MemFile') continue; // "not for direct use"
          const name = member.name ? member.name.getText(source) : 'constructor';
          // Overloads: the name is documented when one of its signatures is (editors show that one).
          const key = `${node.name.text}.${name}`;
          if (ts.getJSDocCommentsAndTags(member).length > 0) documented.add(key);
          else undocumentedSignatures.push(key);
        }
      }
      node.forEachChild(visit);
    });
  }
  assert.equal(seen.sort(), [...classes].sort(), 'every class was found in the declarations');
  assert.equal(undocumented.concat([...new Set(undocumentedSignatures)].filter((k) => !documented.has(k))), [], 'members without JSDoc');
});

test('the cmake-js build loads and passes the core tests', () => {
  ok('npx', ['--no-install', 'cmake-js', 'rebuild', '--log-level', 'warn'], stage);
  const built = path.join(stage, 'build', 'Release', 'memfile.node');
  assert.ok(fs.existsSync(path.join(stage, 'build', 'CMakeCache.txt')), 'build/ was made by CMake');
  assert.ok(fs.existsSync(built));
  const report = path.join(work, 'cmake-addons.json');
  const reporter = path.join(work, 'report-addons.cjs');
  fs.writeFileSync(
    reporter,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(
      [...new Set(require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n')
        .filter((l) => l.endsWith('.node')).map((l) => l.slice(l.indexOf('/'))))])));`,
  );
  const uvu = path.join(ROOT, 'node_modules', 'uvu', 'bin.js');
  const r = run(process.execPath, ['--expose-gc', '--import', 'tsx', '--require', reporter, uvu, 'test', 'memfile-core\\.test\\.ts$'], stage);
  const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  assert.is(r.status, 0, out.slice(-4000));
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1]);
  const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1]);
  assert.ok(total > 0 && passed === total, out.slice(-2000));
  assert.equal(JSON.parse(fs.readFileSync(report, 'utf8')), [fs.realpathSync(built)]);
});

test.run();
