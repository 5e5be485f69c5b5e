// Issue 12 §1: whole files in and out of a MemFile. fromFileSync (a kernel
// copy into the block) against the two-step way users write first,
// MemFile.from(fs.readFileSync(p)); saveToSync against fs.writeFileSync(p,
// mf.bytes()). Plus the peak memory of each load, each in its own child.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemFile } from '../../ts/memfile';
import type { Config } from './cases';
import { CaseResult, fmtSize as fmt, GiB, interleave, KiB, MiB, mibps, now, progress, Stat, stat } from './measure';

export const TWO_STEP = 'MemFile.from(fs.readFileSync())';
export const WRITE_BYTES = 'fs.writeFileSync(p, mf.bytes())';

/** The size the file cases use: 1 GiB at full level when the temp dir has room for three copies. */
export function fileBytes(cfg: Config): { bytes: number; note?: string } {
  const want = cfg.level === 'full' ? GiB : cfg.level === 'quick' ? 64 * MiB : 4 * MiB;
  const free = fs.statfsSync(os.tmpdir());
  const avail = free.bavail * free.bsize;
  if (avail >= want * 4) return { bytes: want };
  const bytes = Math.max(MiB, 2 ** Math.floor(Math.log2(avail / 4)));
  return { bytes, note: `scaled down from ${fmt(want)}: ${fmt(Math.floor(avail / MiB) * MiB)} free in ${os.tmpdir()}` };
}

function writePattern(p: string, size: number): void {
  const block = Buffer.allocUnsafe(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131 + (i >> 8)) & 0xff;
  const fd = fs.openSync(p, 'w');
  for (let off = 0; off < size; off += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, size - off));
  fs.closeSync(fd);
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

export async function files(cfg: Config): Promise<CaseResult[]> {
  const { bytes, note } = fileBytes(cfg);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-bench-files-'));
  const src = path.join(dir, 'src.bin');
  const out = path.join(dir, 'out.bin');
  progress(`files: writing a ${fmt(bytes)} source in ${dir}${note ? ` (${note})` : ''}`);
  writePattern(src, bytes);
  fs.readFileSync(src); // cached: the case is the copy, not the disk
  gc();
  const timed = (fn: () => void): number => {
    const t = now();
    fn();
    const r = mibps(bytes, now() - t);
    gc();
    return r;
  };
  try {
    progress(`files: load ${fmt(bytes)}`);
    const load = await interleave(cfg.runs, [
      ['memfile', () => timed(() => MemFile.fromFileSync(src).close())],
      ['memfile (async fromFile)', async () => { const t = now(); (await MemFile.fromFile(src)).close(); const r = mibps(bytes, now() - t); gc(); return r; }],
      [TWO_STEP, () => timed(() => MemFile.from(fs.readFileSync(src)).close())],
      ['fs.readFileSync (a Buffer, no MemFile)', () => timed(() => void fs.readFileSync(src))],
    ]);
    progress(`files: save ${fmt(bytes)}`);
    const mf = MemFile.fromFileSync(src);
    const plain = fs.readFileSync(src);
    const save = await interleave(cfg.runs, [
      ['memfile', () => timed(() => { mf.saveToSync(out); fs.rmSync(out); })],
      ['memfile (async saveTo)', async () => { const t = now(); await mf.saveTo(out); const r = mibps(bytes, now() - t); fs.rmSync(out); return r; }],
      [WRITE_BYTES, () => timed(() => { fs.writeFileSync(out, mf.bytes()); fs.rmSync(out); })],
      ['fs.writeFileSync(p, buffer) (a Buffer in hand)', () => timed(() => { fs.writeFileSync(out, plain); fs.rmSync(out); })],
    ]);
    mf.close();
    const results: CaseResult[] = [
      { id: 'file-load', group: 'files', title: `load a cached ${fmt(bytes)} file from ${os.tmpdir()} into a MemFile`, unit: 'MiB/s', results: load, note },
      { id: 'file-save', group: 'files', title: `save a ${fmt(bytes)} MemFile to ${os.tmpdir()} (file removed between runs)`, unit: 'MiB/s', results: save, note },
    ];
    results.push(loadMemory(src, bytes));
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Peak memory of one load, alone in a child: RSS growth (the target) and, beside it,
// RSS + the memfd's pages outside RSS (what the machine really spends).
function loadMemory(src: string, bytes: number): CaseResult {
  const child = path.join(__dirname, 'files-rss-child.ts');
  const results: Stat[] = [];
  for (const name of ['memfile', TWO_STEP]) {
    progress(`files: peak RSS of a ${fmt(bytes)} load: ${name}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, name, src], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
    if (r.status !== 0) throw new Error(`files rss child ${name} failed: ${r.stderr}`);
    const { before, after, allocatedKiB } = JSON.parse(r.stdout) as { before: Record<string, number>; after: Record<string, number>; allocatedKiB: number };
    const rssGrowth = ((after.VmHWM - before.VmRSS) * KiB) / bytes;
    const outside = Math.max(0, allocatedKiB - (after.RssShmem - (before.RssShmem ?? 0)));
    const total = ((after.VmHWM - before.VmRSS + outside) * KiB) / bytes;
    results.push(stat(name, [rssGrowth], `peak RSS growth ${((after.VmHWM - before.VmRSS) / 1024).toFixed(0)} MiB; with the memfd's pages outside RSS ${(total * 100).toFixed(0)} % of the file`));
  }
  return { id: 'file-load-rss', group: 'files', title: `peak RSS growth while loading ${fmt(bytes)} (x file size; one child each)`, unit: 'x data', lowerIsBetter: true, results };
}
