// The structure the code promises (issue 14): the package entry exports nothing internal,
// no ts/ module imports itself back through another, only ts/block-ref.ts touches the
// native block, and binary use never loads the text codecs (or iconv-lite behind them).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const test = suite('architecture');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'ts');

function sources(dir = SRC): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve '${spec}'`);
}

/** The ts/ modules each module loads at run time: value imports and re-exports, and require() calls (lazy ones too). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Set<string>();
  const add = (spec: string): void => {
    const target = resolveLocal(file, spec);
    if (target !== undefined) out.add(target);
  };
  source.forEachChild(function visit(node): void {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) add(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) &&
        node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' &&
      node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text);
    }
    node.forEachChild(visit);
  });
  return [...out];
}

test('the package entry exports only the public API; memfile.ts exports only MemFile', () => {
  /* eslint-disable @typescript-eslint/no-require-imports -- the exports object exactly as a CommonJS user gets it */
  const entry = require('../ts/index') as Record<string, unknown>;
  const memfile = require('../ts/memfile') as Record<string, unknown>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  assert.equal(Object.keys(entry).sort(), ['BufferedRandom', 'BufferedReader', 'BufferedWriter', 'MemFile', 'MemFileServer', 'RawHandle', 'TextHandle']);
  assert.equal(Object.keys(memfile), ['MemFile']);
  // The block sits under a Symbol only ts/internal.ts holds: no string-keyed member reaches it.
  const names = Object.getOwnPropertyNames((entry.MemFile as { prototype: object }).prototype);
  assert.not.ok(names.some((n) => /block|native|internal/i.test(n)), `MemFile.prototype: ${names.join(', ')}`);
});

test('no ts/ module loads itself back through others (no import cycle)', () => {
  const files = sources();
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
  const rel = (f: string): string => path.relative(SRC, f);
  // Known and left: MemFile.listen/send load fdpass.ts on use, and fdpass.ts builds MemFiles
  // (MemFile.fromFd) from the fds it receives.
  const allowed = new Set(['fdpass.ts -> memfile.ts -> fdpass.ts']);
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        // Written from its alphabetically first module, so a cycle reads the same whichever way it was reached.
        const ring = stack.slice(stack.indexOf(next)).map(rel);
        const first = ring.indexOf([...ring].sort()[0]);
        const cycle = [...ring.slice(first), ...ring.slice(0, first), ring[first]].join(' -> ');
        if (!allowed.has(cycle)) cycles.push(cycle);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [path.join(SRC, 'index.ts'), ...files]) if (!state.has(file)) visit(file);
  assert.equal(cycles, []);
  // The scan sees real edges (a broken parser would find no cycle at all).
  assert.ok(graph.get(path.join(SRC, 'open.ts'))!.includes(path.join(SRC, 'internal.ts')), 'open.ts -> internal.ts is seen');
  assert.ok(graph.get(path.join(SRC, 'memfile.ts'))!.includes(path.join(SRC, 'open.ts')), "memfile.ts -> open.ts (a lazy require) is seen");
});

test('only ts/block-ref.ts (and the binding itself, ts/native.ts) touches the native block', () => {
  const offenders: string[] = [];
  for (const file of sources()) {
    const name = path.relative(SRC, file);
    if (name === 'block-ref.ts' || name === 'native.ts') continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bNativeBlock\b|\bbinding\.Block\b|\.native\.\w+\(/g)) offenders.push(`${name}: ${m[0]}`);
  }
  assert.equal(offenders, []);
  assert.match(fs.readFileSync(path.join(SRC, 'block-ref.ts'), 'utf8'), /binding\.Block\b/, 'the scan finds what block-ref.ts does');
});

test('binary use loads no codec and no iconv-lite; the first text open loads them', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'codec-loading-child.ts')],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const steps = JSON.parse(r.stdout) as Record<string, { codecs: string[]; iconv: boolean }>;
  // ts/codecs/errors.ts is the errors-mode check open() runs on every mode: no table, no iconv-lite.
  const none = (codecs: string[]): string[] => codecs.filter((c) => c !== 'errors.ts');
  assert.equal(none(steps.import.codecs), [], 'codec modules loaded by importing the package');
  assert.is(steps.import.iconv, false, 'iconv-lite loaded by importing the package');
  const binaryUse = "open('rb'), buffering 0, 'ab+', 'r+b', 'xb', pread/pwrite/bytes/view and the three streams";
  assert.equal(none(steps.binary.codecs), [], `codec modules loaded by ${binaryUse}`);
  assert.is(steps.binary.iconv, false, `iconv-lite loaded by ${binaryUse}`);
  // The child sees modules load: the first text open brings the codecs and iconv-lite.
  assert.ok(steps.text.codecs.includes('index.ts') && steps.text.codecs.includes('utf8.ts'), `after open('r'): ${steps.text.codecs.join(', ')}`);
  assert.is(steps.text.iconv, true, "iconv-lite after open('r')");
});

test.run();
