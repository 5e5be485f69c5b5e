// `npm run bench [-- --quick | --smoke] [--only <case,...>] [--out <dir>]`: the one bench
// runner. Every case (bench/lib/*: timed with bench/lib/measure.ts), memfile and every peer in
// one process run, interleaved, median of 5 with min–max; prints a Markdown table and writes
// <dir>/latest.{md,json,svg} (default bench/results; env MEMFILE_BENCH_OUT).
// --only runs some cases (names below, e.g. `--only pread,files`) into the same report shape;
// with --only the default <dir> is bench/results/only, so a partial run never replaces latest.*.
// --smoke is a tiny level for test/bench.test.ts only; the numbers it prints mean nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { appends, buffered, Config, config, handlePhases, preadPwrite, randomReads, rss, sha, sharedFiles, streams, text } from './lib/cases';
import { chartContenders, svgChart } from './lib/chart';
import { codecs } from './lib/codecs';
import { files } from './lib/files';
import { fanout } from './lib/fanout';
import { CaseResult, Curve, Level, progress } from './lib/measure';
import { markdown, targets } from './lib/report';

type Run = (cfg: Config) => Promise<{ cases: CaseResult[]; curves?: Curve[] }>;
const only = (f: (cfg: Config) => Promise<CaseResult[]>): Run => async (cfg) => ({ cases: await f(cfg) });

/** Every case, in the order of the report. */
const CASES: Array<[string, Run]> = [
  ['pread', only(preadPwrite)], // pread/pwrite, 64 B to 16 MiB
  ['shared', only(sharedFiles)],
  ['random', only(randomReads)],
  ['append', appends],
  ['buffered', only(buffered)],
  ['text', only(text)],
  ['handles', only(handlePhases)],
  ['streams', only(streams)],
  ['sha', only(sha)],
  ['rss', only(rss)],
  ['files', only(files)],
  ['codecs', only(codecs)],
  ['fanout', only((cfg) => fanout(cfg.level, cfg.runs))],
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const level: Level = argv.includes('--smoke') ? 'smoke' : argv.includes('--quick') ? 'quick' : 'full';
  const onlyIdx = argv.indexOf('--only');
  const picked = onlyIdx >= 0 ? argv[onlyIdx + 1]?.split(',') ?? [] : CASES.map(([name]) => name);
  const unknown = picked.filter((name) => !CASES.some(([n]) => n === name));
  if (unknown.length > 0 || picked.length === 0) {
    throw new Error(`--only takes a comma-separated list of ${CASES.map(([n]) => n).join(', ')}; got ${unknown.join(', ') || 'nothing'}`);
  }
  const outIdx = argv.indexOf('--out');
  const outDir = outIdx >= 0 ? argv[outIdx + 1]
    : process.env.MEMFILE_BENCH_OUT || path.join(__dirname, 'results', ...(onlyIdx >= 0 ? ['only'] : []));
  const cfg = config(level);
  const started = Date.now();
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const meta = {
    level, runs: cfg.runs, node: process.version, python: py, platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', loadavg: os.loadavg(), date: new Date().toISOString(), seconds: 0,
  };
  progress(`level ${level}, ${cfg.runs} runs per contender, results to ${outDir}`);
  const cases: CaseResult[] = [];
  const curves: Curve[] = [];
  for (const [name, run] of CASES) {
    if (!picked.includes(name)) continue;
    const r = await run(cfg);
    cases.push(...r.cases);
    curves.push(...(r.curves ?? []));
  }
  meta.seconds = (Date.now() - started) / 1000;
  const tg = targets(cases, curves);
  const which = onlyIdx >= 0 ? `, only ${picked.join(', ')}` : '';
  const header = `## memfile bench (${level}${which}): node ${meta.node}, ${meta.python}, ${meta.cpus} × ${meta.cpu}, load ${meta.loadavg.map((l) => l.toFixed(1)).join(' ')}, ${meta.date}, ${meta.seconds.toFixed(0)} s\n\nHigher is better except RSS. Median of ${cfg.runs} interleaved runs; "vs best peer" divides by the best non-memfile contender, "vs limit" by Buffer.copy of the same bytes.`;
  const md = markdown(cases, curves, tg, header);
  process.stdout.write(md);
  fs.mkdirSync(outDir, { recursive: true });
  const contenders = [...new Set(cases.flatMap((c) => c.results.map((r) => r.contender)))];
  const chartCases = cases.filter((c) => c.group === 'pread' || c.group === 'pwrite');
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ meta, contenders, chart: { contenders: chartContenders(chartCases) }, cases, curves, targets: tg }, null, 2) + '\n');
  // The chart is of the pread/pwrite case: a run without it has none.
  if (chartCases.length > 0) fs.writeFileSync(path.join(outDir, 'latest.svg'), svgChart(chartCases, `memfile pread/pwrite throughput by chunk size (${level}, ${meta.date.slice(0, 10)})`));
  fs.writeFileSync(path.join(outDir, 'latest.md'), md);
  progress(`done in ${meta.seconds.toFixed(0)} s`);
}

let finished = false;
process.on('exit', (code) => {
  // An awaited child that never reports back would otherwise end the run silently with 0.
  if (!finished && code === 0) {
    process.stderr.write('bench: the event loop emptied before the run finished (a case never settled)\n');
    process.exitCode = 1;
  }
});

main().then(() => (finished = true), (err) => {
  finished = true;
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
