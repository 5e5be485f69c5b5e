// `npm run bench` (issue 5): runs the real runner at its --smoke level in a child process,
// into a temp dir (the committed bench/results stay untouched), and checks that its outputs
// are complete and well-formed. Never its speed: the numbers are only checked to be numbers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Stat { contender: string; median: number; min: number; max: number; samples: number[] }
interface Case { id: string; unit: string; results: Stat[]; bytes?: number; lowerIsBetter?: boolean }
interface Report {
  meta: { level: string; runs: number };
  contenders: string[];
  chart: { contenders: string[] };
  cases: Case[];
  curves: Array<{ id: string; contender: string; msPerSegment: number[] }>;
  targets: Array<{ id: string; value: number | null; met: boolean | null }>;
}

const root = path.join(__dirname, '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-bench-test-'));
let run: { code: number | null; stdout: string; stderr: string };
let report: Report;
let svg: string;

const bench = suite('bench: npm run bench -- --smoke');

bench.before(async () => {
  run = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (run.code === 0) {
    report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as Report;
    svg = fs.readFileSync(path.join(out, 'latest.svg'), 'utf8');
  }
});

bench.after(() => fs.rmSync(out, { recursive: true, force: true }));

bench('exits 0, prints progress per case on stderr and the Markdown tables on stdout', () => {
  assert.is(run.code, 0, run.stderr);
  for (const what of ['pread/pwrite 64 B', 'random 64 B reads', 'append', 'buffered', 'text', 'streams', 'sha256sum', 'peak RSS', 'files: load', 'files: save', 'files: peak RSS', 'codecs', 'fan-out']) {
    assert.ok(run.stderr.includes(what), `no progress line for ${what}`);
  }
  assert.ok(run.stdout.includes('| case | contender | median | min–max | vs best peer | vs limit |'));
  assert.ok(run.stdout.includes('| target | measured | met |'));
  // --out was honoured: all three files landed in the temp dir.
  for (const f of ['latest.json', 'latest.svg', 'latest.md']) assert.ok(fs.existsSync(path.join(out, f)), f);
  assert.is(fs.readFileSync(path.join(out, 'latest.md'), 'utf8'), run.stdout);
});

bench('latest.json has every case and every contender', () => {
  assert.is(report.meta.level, 'smoke');
  const ids = report.cases.map((c) => c.id);
  for (const id of ['pread-64', 'pread-4096', 'pread-65536', 'pread-1048576', 'pwrite-64', 'pwrite-1048576', 'random-64',
    'append-64', 'append-65536', 'buffered-read64', 'buffered-write64', 'text-iter', 'text-write', 'stream-read', 'stream-write', 'sha256sum', 'rss',
    'file-load', 'file-save', 'file-load-rss',
    'fanout-python-wall', 'fanout-python-cpu', 'fanout-workers-wall', 'fanout-workers-cpu',
    'handle-read64', 'handle-write64', 'handle-iter', 'handle-wline',
    'buffer-return-64', 'codec-decode-mixed', 'codec-decode-ascii', 'codec-decode-utf16le', 'codec-encode-utf8']) {
    assert.ok(ids.includes(id), `case ${id} missing`);
  }
  for (const who of ['memfile', 'limit (Buffer.copy)', 'growable Buffer', 'Buffer.concat', 'memfs', 'fs /dev/shm', 'fs on memfile fd',
    'python3 BytesIO', 'python3 BufferedReader/Writer', 'python3 TextIOWrapper', 'stdin pipe', 'temp file',
    'memfile (sealed fd each)', 'pipe to each', 'temp file (/dev/shm)', 'memfile (fromFd + views)', 'postMessage (copy)', 'SharedArrayBuffer']) {
    assert.ok(report.contenders.includes(who), `contender ${who} missing`);
  }
  // The core cases have memfile, the limit and the syscall/memfs peers side by side.
  for (const c of report.cases.filter((x) => /^(pread|pwrite|random)-/.test(x.id))) {
    assert.equal(c.results.map((r) => r.contender).sort(), ['fs /dev/shm', 'fs on memfile fd', 'limit (Buffer.copy)', 'memfile', 'memfile (fd exposed)', 'memfs']);
  }
  for (const c of report.cases.filter((x) => x.id.startsWith('append-'))) {
    assert.equal(c.results.map((r) => r.contender).sort(), ['Buffer.concat', 'fs /dev/shm', 'fs on memfile fd', 'growable Buffer', 'memfile', 'memfs']);
  }
});

bench('every figure is a finite positive number, median within min–max, ≥ 5 runs', () => {
  for (const c of report.cases) {
    assert.ok(c.results.length >= 2, `${c.id} has ${c.results.length} contenders`);
    for (const r of c.results) {
      const where = `${c.id} / ${r.contender}`;
      // Memory growth (lower is better) may be 0; speeds are positive.
      for (const v of [r.median, r.min, r.max, ...r.samples]) assert.ok(Number.isFinite(v) && (v > 0 || (c.lowerIsBetter && v === 0)), `${where}: ${v}`);
      assert.ok(r.min <= r.median && r.median <= r.max, where);
      // Memory figures and the per-process handle cases take one sample per process: one round at --smoke.
      const oneShot = c.lowerIsBetter || c.id.startsWith('handle-');
      assert.ok(r.samples.length >= (oneShot ? 1 : report.meta.runs) && report.meta.runs >= 5, where);
    }
  }
  assert.ok(report.curves.length >= 4);
  for (const cv of report.curves) {
    assert.is(cv.msPerSegment.length, 16);
    for (const v of cv.msPerSegment) assert.ok(Number.isFinite(v) && v >= 0, `${cv.id} ${cv.contender}: ${v}`);
  }
  for (const t of report.targets) {
    assert.ok(t.met === null || typeof t.met === 'boolean', t.id);
    assert.ok(t.value === null || (Number.isFinite(t.value) && (t.value > 0 || (t.id.includes('rss') && t.value === 0))), t.id);
  }
  assert.ok(report.targets.length >= 12);
});

/** A small well-formedness check: balanced tags, quoted attributes. */
function wellFormed(xml: string): string | null {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<[^>]*>/g)) {
    const tag = m[0];
    if (tag.startsWith('<?') || tag.startsWith('<!')) continue;
    const close = /^<\/([\w:-]+)\s*>$/.exec(tag);
    if (close) {
      if (stack.pop() !== close[1]) return `unbalanced ${tag}`;
      continue;
    }
    const open = /^<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(tag);
    if (!open) return `malformed tag ${tag.slice(0, 80)}`;
    if (!open[3]) stack.push(open[1]);
  }
  return stack.length ? `unclosed ${stack.join(',')}` : null;
}

bench('latest.svg is well-formed, one line per contender in each panel', () => {
  assert.ok(svg.trimStart().startsWith('<svg'), 'does not start with <svg');
  assert.is(wellFormed(svg), null);
  assert.ok(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg));
  const lines = [...svg.matchAll(/<polyline data-contender="([^"]*)"[^>]*points="([^"]*)"/g)];
  assert.ok(report.chart.contenders.includes('memfile') && report.chart.contenders.includes('limit (Buffer.copy)'));
  const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const who of report.chart.contenders) {
    const mine = lines.filter((l) => unescape(l[1]) === who);
    assert.is(mine.length, 2, `${who}: ${mine.length} polylines`);
    for (const l of mine) {
      const pts = l[2].trim().split(/\s+/);
      assert.is(pts.length, 4, `${who}: one point per chunk size`);
      for (const p of pts) assert.ok(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/.test(p), p);
    }
  }
  assert.is(lines.length, 2 * report.chart.contenders.length);
});

bench.run();
