// Timing primitives and the result shapes shared by every bench case.
// Every figure is "higher is better" unless the case says lowerIsBetter (RSS).

export type Level = 'full' | 'quick' | 'smoke';

export interface Stat {
  contender: string;
  median: number;
  min: number;
  max: number;
  samples: number[];
  note?: string;
}

export interface CaseResult {
  id: string;
  group: string;
  title: string;
  unit: string; // 'MiB/s', 'Mops/s', 'x data'
  lowerIsBetter?: boolean;
  bytes?: number; // size of one op (chunk size) where it has one, for the chart
  results: Stat[];
  note?: string;
}

export interface Curve {
  id: string;
  contender: string;
  chunk: number;
  segmentBytes: number;
  msPerSegment: number[]; // median over runs, segment by segment
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function stat(contender: string, samples: number[], note?: string): Stat {
  return { contender, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples, ...(note ? { note } : {}) };
}

export const now = (): number => Number(process.hrtime.bigint()) / 1e6; // ms

/** Ops per second of op(i) over roughly budgetMs, after a warm-up proportional to the op size. */
export function opsPerSec(budgetMs: number, bytesPerOp: number, op: (i: number) => void): number {
  const warm = Math.max(3, Math.min(1000, Math.floor((64 * MiB) / Math.max(bytesPerOp, 1))));
  for (let i = 0; i < warm; i++) op(i);
  const batch = bytesPerOp >= MiB ? 1 : bytesPerOp >= 64 * KiB ? 8 : 64;
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(budgetMs * 1e6));
  let t = start;
  while (t < deadline || n < 3) {
    for (let k = 0; k < batch; k++) op(n++);
    t = process.hrtime.bigint();
  }
  return n / (Number(t - start) / 1e9);
}

/** MiB/s of a fixed amount of work. */
export const mibps = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000);

/** Runs each contender once per round, `runs` rounds (interleaved), and collects one stat each. */
export async function interleave(
  runs: number,
  contenders: Array<[string, () => number | Promise<number>]>,
): Promise<Stat[]> {
  const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of contenders) samples.get(name)!.push(await fn());
  }
  return contenders.map(([name]) => stat(name, samples.get(name)!));
}

let progressStart = 0;
export function progress(msg: string): void {
  if (!progressStart) progressStart = now();
  process.stderr.write(`[bench ${((now() - progressStart) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

export function fmtSize(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} B`;
}

/** Wall time and this process's own CPU time (user + system) of one run of fn, in ms. */
export async function wallAndCpu<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const t = now();
  const value = await fn();
  const ms = now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}
