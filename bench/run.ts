// `npm run bench [-- --quick | --smoke] [--out <dir>]`: every case, memfile and every peer in
// one process run, interleaved, median of 5 with min–max; prints a Markdown table and
// writes <dir>/latest.json and <dir>/latest.svg (default bench/results; env MEMFILE_BENCH_OUT).
// --smoke is a tiny level for test/bench.test.ts only; the numbers it prints mean nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { appends, buffered, config, handlePhases, preadPwrite, randomReads, rss, sha, sharedFiles, streams, text } from './lib/cases';
import { chartContenders, svgChart } from './lib/chart';
import { files } from './lib/files';
import { fanout } from './lib/fanout';
import { CaseResult, Curve, Level, progress } from './lib/measure';
import { markdown, targets } from './lib/report';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const level: Level = argv.includes('--smoke') ? 'smoke' : argv.includes('--quick') ? 'quick' : 'full';
  const outIdx = argv.indexOf('--out');
  const outDir = outIdx >= 0 ? argv[outIdx + 1] : process.env.MEMFILE_BENCH_OUT || path.join(__dirname, 'results');
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
  cases.push(...(await preadPwrite(cfg)));
  cases.push(...(await sharedFiles(cfg)));
  cases.push(...(await randomReads(cfg)));
  const ap = await appends(cfg);
  cases.push(...ap.cases);
  curves.push(...ap.curves);
  cases.push(...(await buffered(cfg)));
  cases.push(...(await text(cfg)));
  cases.push(...(await handlePhases(cfg)));
  cases.push(...(await streams(cfg)));
  cases.push(...(await sha(cfg)));
  cases.push(...(await rss(cfg)));
  cases.push(...(await files(cfg)));
  cases.push(...(await fanout(level, cfg.runs)));
  meta.seconds = (Date.now() - started) / 1000;
  const tg = targets(cases, curves);
  const header = `## memfile bench (${level}): node ${meta.node}, ${meta.python}, ${meta.cpus} × ${meta.cpu}, load ${meta.loadavg.map((l) => l.toFixed(1)).join(' ')}, ${meta.date}, ${meta.seconds.toFixed(0)} s\n\nHigher is better except RSS. Median of ${cfg.runs} interleaved runs; "vs best peer" divides by the best non-memfile contender, "vs limit" by Buffer.copy of the same bytes.`;
  const md = markdown(cases, curves, tg, header);
  process.stdout.write(md);
  fs.mkdirSync(outDir, { recursive: true });
  const contenders = [...new Set(cases.flatMap((c) => c.results.map((r) => r.contender)))];
  const chartCases = cases.filter((c) => c.group === 'pread' || c.group === 'pwrite');
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ meta, contenders, chart: { contenders: chartContenders(chartCases) }, cases, curves, targets: tg }, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'latest.svg'), svgChart(chartCases, `memfile pread/pwrite throughput by chunk size (${level}, ${meta.date.slice(0, 10)})`));
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
