// Targets (reported, never asserted) and the Markdown table.
import { TWO_STEP, WRITE_BYTES } from './files';
import { CaseResult, Curve, median } from './measure';

export interface Target {
  id: string;
  goal: string;
  measured: string;
  value: number | null; // null: could not be measured in this tree
  met: boolean | null;
}

const LIMIT = 'limit (Buffer.copy)';
const isPeer = (name: string): boolean => !name.startsWith('memfile') && name !== LIMIT;

export function bestPeer(c: CaseResult): number | undefined {
  const peers = c.results.filter((r) => isPeer(r.contender)).map((r) => r.median);
  if (!peers.length) return undefined;
  return c.lowerIsBetter ? Math.min(...peers) : Math.max(...peers);
}

const get = (cases: CaseResult[], id: string, who: string): number | undefined =>
  cases.find((c) => c.id === id)?.results.find((r) => r.contender === who)?.median;

export function targets(cases: CaseResult[], curves: Curve[]): Target[] {
  const out: Target[] = [];
  const ratio = (id: string, goal: string, a: number | undefined, b: number | undefined, min: number, what: string): void => {
    const v = a !== undefined && b !== undefined ? a / b : null;
    out.push({ id, goal, measured: v === null ? `not measured (${what})` : `${v.toFixed(3)}x`, value: v, met: v === null ? null : v >= min });
  };
  for (const op of ['pread', 'pwrite']) {
    ratio(`${op}-1MiB-vs-limit`, `${op} 1 MiB >= 0.9x the limit`, get(cases, `${op}-1048576`, 'memfile'), get(cases, `${op}-1048576`, LIMIT), 0.9, 'no 1 MiB case');
  }
  ratio('pread-64-vs-fs', '64 B pread >= 8x fs.readSync', get(cases, 'pread-64', 'memfile'), get(cases, 'pread-64', 'fs on memfile fd'), 8, 'no 64 B case');
  for (const chunk of [64, 65536]) {
    const curve = curves.find((c) => c.id === `append-${chunk}` && c.contender === 'memfile');
    if (curve) {
      // O(1) amortised: the last quarter of the file costs no more per byte than the first
      // (skipping segment 0, which includes warm-up), within 50 %.
      const q = curve.msPerSegment.length / 4;
      const first = median(curve.msPerSegment.slice(1, 1 + q));
      const last = median(curve.msPerSegment.slice(-q));
      const v = last / first;
      out.push({ id: `append-${chunk}-flat`, goal: `append ${chunk} B: cost per segment flat (last quarter <= 1.5x first)`, measured: `${v.toFixed(2)}x`, value: v, met: v <= 1.5 });
    }
    ratio(`append-${chunk}-vs-growable`, `append ${chunk} B >= 10x growable Buffer`, get(cases, `append-${chunk}`, 'memfile'), get(cases, `append-${chunk}`, 'growable Buffer'), 10, 'no append case');
  }
  for (const id of ['buffered-read64', 'buffered-write64', 'text-iter', 'text-write']) {
    const c = cases.find((x) => x.id === id);
    const py = c ? Math.max(...c.results.filter((r) => r.contender.startsWith('python3')).map((r) => r.median)) : undefined;
    ratio(`${id}-vs-cpython`, `${id} >= 1.0x best CPython`, c ? get(cases, id, 'memfile') : undefined, py, 1, c?.note ?? 'case missing');
  }
  // Like for like: the same kind of object over a file (issue 3's peers), beside the best of any CPython object.
  const same: Record<string, string> = {
    'buffered-read64': 'python3 BufferedReader/Writer',
    'buffered-write64': 'python3 BufferedReader/Writer',
    'text-iter': 'python3 TextIOWrapper',
    'text-write': 'python3 TextIOWrapper',
  };
  for (const [id, peer] of Object.entries(same)) {
    const c = cases.find((x) => x.id === id);
    ratio(`${id}-vs-same-cpython`, `${id} >= 1.0x CPython's ${peer.replace('python3 ', '')} on a file`, c ? get(cases, id, 'memfile') : undefined, c ? get(cases, id, peer) : undefined, 1, c?.note ?? 'case missing');
  }
  ratio('file-load-vs-two-step', `fromFileSync >= 1.5x ${TWO_STEP}`, get(cases, 'file-load', 'memfile'), get(cases, 'file-load', TWO_STEP), 1.5, 'no file case');
  ratio('file-save-vs-bytes', `saveToSync >= 1.5x ${WRITE_BYTES}`, get(cases, 'file-save', 'memfile'), get(cases, 'file-save', WRITE_BYTES), 1.5, 'no file case');
  for (const [who, goal, ok] of [
    ['memfile', 'fromFileSync peak RSS growth <= 0.10x the file', (v: number) => v <= 0.1],
    [TWO_STEP, `${TWO_STEP} peak RSS growth, for contrast (about 1.0x: the whole file as a Buffer)`, (v: number) => v >= 0.9],
  ] as const) {
    const v = get(cases, 'file-load-rss', who);
    out.push({ id: `file-load-rss-${who === 'memfile' ? 'memfile' : 'two-step'}`, goal, measured: v === undefined ? 'not measured' : `${v.toFixed(3)}x`, value: v ?? null, met: v === undefined ? null : ok(v) });
  }
  // Shared files (issue 11): same run, same bytes, ratios against fs on the same fd and Buffer.copy.
  for (const op of ['pread', 'pwrite']) {
    const id = `shared-${op}-64`;
    const fsOf = (who: string): string => (who === 'memfile shm' ? 'fs on shm fd' : 'fs on memfile fd');
    const goals: Array<[string, number]> = [['memfile shared', 1.2], ['memfile shm', 1.2], ["memfile shared + seal('shrink')", 8]];
    if (op === 'pread') goals.push(['memfile shared + seal()', 8], ['memfile fromFd child, sealed', 8]);
    for (const [who, min] of goals) {
      ratio(`${id}-${who}`, `${op} 64 B, ${who} >= ${min}x ${fsOf(who)}`, get(cases, id, who), get(cases, id, fsOf(who)), min, 'no shared case');
    }
  }
  for (const c of cases.filter((x) => x.id === 'shared-pread-1048576')) {
    for (const r of c.results.filter((x) => x.contender.startsWith('memfile'))) {
      ratio(`${c.id}-${r.contender}`, `pread 1 MiB, ${r.contender} >= 0.9x Buffer.copy`, r.median, get(cases, c.id, LIMIT), 0.9, 'no limit');
    }
  }
  // Handles as real programs meet them (one process per run): every phase against CPython's
  // same object on a file, and line iteration against node:readline.
  for (const c of cases.filter((x) => x.group === 'handles')) {
    const peer = c.results.find((r) => r.contender.startsWith('python3'));
    for (const r of c.results.filter((x) => x.contender.startsWith('memfile '))) {
      const phase = r.contender.slice('memfile '.length);
      ratio(`${c.id}-${phase}-vs-cpython`, `${c.id} ${phase} >= 1.0x ${peer?.contender ?? 'CPython'}`, r.median, peer?.median, 1, 'no CPython figure');
      if (c.id === 'handle-iter') {
        ratio(`${c.id}-${phase}-vs-readline`, `${c.id} ${phase} >= 2.0x node:readline`, r.median, get(cases, c.id, 'node:readline (fs /dev/shm stream)'), 2, 'no readline figure');
      }
    }
  }
  const rss = get(cases, 'rss', 'memfile');
  out.push({ id: 'rss', goal: 'peak memory (RSS + memfd pages) <= 1.02x the data', measured: rss === undefined ? 'not measured' : `${rss.toFixed(3)}x`, value: rss ?? null, met: rss === undefined ? null : rss <= 1.02 });
  return out;
}

const num = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

export function markdown(cases: CaseResult[], curves: Curve[], tg: Target[], header: string): string {
  const lines: string[] = [header, '', '| case | contender | median | min–max | vs best peer | vs limit |', '|---|---|---:|---:|---:|---:|'];
  for (const c of cases) {
    const best = bestPeer(c);
    const limit = c.results.find((r) => r.contender === LIMIT)?.median;
    for (const r of c.results) {
      const vsBest = best === undefined ? '' : `${(r.median / best).toFixed(2)}x`;
      const vsLimit = limit === undefined ? '' : `${(r.median / limit).toFixed(2)}x`;
      const who = r.contender === 'memfile' ? '**memfile**' : r.contender;
      lines.push(`| ${c.title} | ${who} | ${num(r.median)} ${c.unit} | ${num(r.min)}–${num(r.max)} | ${vsBest} | ${vsLimit} |`);
    }
    if (c.note) lines.push(`| ${c.title} | _${c.note}_ | | | | |`);
  }
  lines.push('', 'Append cost curve (ms per segment, median of runs; flat = O(1) amortised):', '');
  for (const cv of curves) lines.push(`- ${cv.id} ${cv.contender} (${cv.segmentBytes / 1048576} MiB segments): ${cv.msPerSegment.map((v) => v.toFixed(0)).join(' ')}`);
  lines.push('', '| target | measured | met |', '|---|---:|---|');
  for (const t of tg) lines.push(`| ${t.goal} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'met' : '**missed**'} |`);
  for (const id of ['rss', 'file-load-rss']) {
    const rssCase = cases.find((c) => c.id === id);
    if (!rssCase) continue;
    lines.push('', `RSS detail (${id}):`, '');
    for (const r of rssCase.results) lines.push(`- ${r.contender}: ${r.note ?? ''}`);
  }
  return lines.join('\n') + '\n';
}
