// The README's headline: one producer, 4 consumers that each sha256 all of it.
// Node produces the bytes (1 GiB in the full run) and hands them over:
//   python3 processes: memfile = a sealed MemFile sent to each (MemFile.send,
//     SCM_RIGHTS); peers = a pipe to each, a temp file on disk, a temp file on
//     /dev/shm. Python reads every fd and file the same way (preadv, 1 MiB).
//   worker threads: memfile = MemFile.fromFd + views; peers = postMessage with
//     a copy (structured clone), a SharedArrayBuffer.
// Consumers are long-running (started before the clock, reused across runs).
// Each run is timed from the first produced byte to the last consumer's
// answer; producer CPU is the producing thread's own: process.cpuUsage() for
// the python family (consumers are other processes), the main thread's
// /proc schedstat for the worker family (process.cpuUsage() counts workers).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { MemFile } from '../../ts/memfile';
import { CaseResult, fmtSize, GiB, Level, MiB, now, progress, stat, Stat } from './measure';

const CONSUMERS = 4;
const BLOCK = MiB;

export function fanoutBytes(level: Level): number {
  return level === 'full' ? GiB : level === 'quick' ? 64 * MiB : 4 * MiB;
}

// Produced data: a fixed pseudo-random block, stamped with its index.
const base = Buffer.alloc(BLOCK);
for (let i = 0; i < BLOCK; i++) base[i] = (i * 2654435761) >>> 24;
function produce(index: number, into: Buffer, at = 0): void {
  base.copy(into, at);
  into.writeUInt32LE(index, at);
}

function mainThreadCpuMs(): number {
  try {
    const ns = Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
    if (Number.isFinite(ns)) return ns / 1e6;
  } catch { /* not Linux */ }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

class Lines {
  #queue: string[] = [];
  #waiting: Array<(line: string) => void> = [];
  constructor(input: NodeJS.ReadableStream) {
    readline.createInterface({ input }).on('line', (line) => {
      const w = this.#waiting.shift();
      if (w) w(line);
      else this.#queue.push(line);
    });
  }
  next(): Promise<string> {
    const line = this.#queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

class PyConsumer {
  readonly lines: Lines;
  constructor(readonly child: ChildProcess, readonly socket: string) {
    this.lines = new Lines(child.stdout!);
  }
  static async start(socket: string): Promise<PyConsumer> {
    const child = spawn('python3', [path.join(__dirname, 'fanout-consumer.py'), socket], { stdio: ['pipe', 'pipe', 'inherit', 'pipe'] });
    const c = new PyConsumer(child, socket);
    const first = await c.lines.next();
    if (first !== 'ready') throw new Error(`fan-out consumer said ${first}`);
    return c;
  }
  command(line: string): Promise<string> {
    this.child.stdin!.write(`${line}\n`);
    return this.lines.next();
  }
  get pipe(): Writable {
    return this.child.stdio[3] as Writable;
  }
  stop(): void {
    this.child.stdin!.end();
  }
}

class WorkerConsumer {
  #next: Array<(hex: string) => void> = [];
  constructor(readonly worker: Worker) {
    worker.on('message', (m: string) => this.#next.shift()?.(m));
  }
  static async start(): Promise<WorkerConsumer> {
    const code = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'fanout-worker.ts'))});`;
    const w = new WorkerConsumer(new Worker(code, { eval: true }));
    const [first] = (await once(w.worker, 'message')) as [string];
    if (first !== 'ready') throw new Error(`fan-out worker said ${first}`);
    return w;
  }
  job(message: unknown): Promise<string> {
    const answer = new Promise<string>((resolve) => this.#next.push(resolve));
    this.worker.postMessage(message);
    return answer;
  }
}

interface Run { wallMs: number; cpuMs: number; hashes: string[] }

async function timed(cpu: () => number, body: () => Promise<string[]>): Promise<Run> {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = cpu();
  const t0 = now();
  const hashes = await body();
  return { wallMs: now() - t0, cpuMs: cpu() - c0, hashes };
}

function producedMemFile(total: number): MemFile {
  const mf = new MemFile('fanout');
  const scratch = Buffer.allocUnsafe(BLOCK);
  for (let i = 0, off = 0; off < total; i++, off += BLOCK) {
    produce(i, scratch);
    mf.pwrite(off, scratch);
  }
  mf.seal();
  return mf;
}

function producedFile(file: string, total: number): void {
  const fd = fs.openSync(file, 'w');
  const scratch = Buffer.allocUnsafe(BLOCK);
  try {
    for (let i = 0, off = 0; off < total; i++, off += BLOCK) {
      produce(i, scratch);
      fs.writeSync(fd, scratch);
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function pipeToEach(consumers: PyConsumer[], total: number): Promise<string[]> {
  const answers = consumers.map((c) => c.command(`pipe ${total}`));
  for (let i = 0, off = 0; off < total; i++, off += BLOCK) {
    const block = Buffer.allocUnsafe(BLOCK);  // queued in 4 streams: one per block, never reused
    produce(i, block);
    const full = consumers.filter((c) => !c.pipe.write(block));
    if (full.length) await Promise.all(full.map((c) => once(c.pipe, 'drain')));
  }
  return Promise.all(answers);
}

function summarize(family: string, total: number, runs: Map<string, Run[]>, hashes: Set<string>, cpuWhat: string): CaseResult[] {
  if (hashes.size !== 1) throw new Error(`fan-out consumers disagreed: ${[...hashes].join(', ')}`);
  const wall: Stat[] = [];
  const cpu: Stat[] = [];
  for (const [who, rs] of runs) {
    wall.push(stat(who, rs.map((r) => r.wallMs / 1000)));
    cpu.push(stat(who, rs.map((r) => Math.max(r.cpuMs, 0.001) / 1000)));
  }
  const what = `${fmtSize(total)} to ${CONSUMERS} ${family}, each sha256s all of it`;
  return [
    { id: `fanout-${family === 'python3 processes' ? 'python' : 'workers'}-wall`, group: 'fanout', title: `${what}: wall time to the last answer`, unit: 's', lowerIsBetter: true, results: wall },
    { id: `fanout-${family === 'python3 processes' ? 'python' : 'workers'}-cpu`, group: 'fanout', title: `${what}: producer CPU (${cpuWhat})`, unit: 's', lowerIsBetter: true, results: cpu },
  ];
}

export async function fanout(level: Level, requestedRuns: number): Promise<CaseResult[]> {
  const total = fanoutBytes(level);
  // At 1 GiB one postMessage-copy run alone takes about a minute: median of 3 there.
  const runs = level === 'full' ? Math.min(requestedRuns, 3) : requestedRuns;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-fanout-'));
  const disk = path.join(dir, 'data.bin');
  const shm = `/dev/shm/memfile-fanout-${process.pid}.bin`;
  const hashes = new Set<string>();
  const out: CaseResult[] = [];
  const py: PyConsumer[] = [];
  const workers: WorkerConsumer[] = [];
  const record = (map: Map<string, Run[]>, who: string, r: Run): void => {
    r.hashes.forEach((h) => hashes.add(h));
    map.get(who)!.push(r);
  };
  try {
    progress(`fan-out ${fmtSize(total)} to ${CONSUMERS} python3 processes: sealed MemFile vs pipe vs temp files`);
    for (let i = 0; i < CONSUMERS; i++) py.push(await PyConsumer.start(path.join(dir, `c${i}.sock`)));
    const pyRuns = new Map<string, Run[]>([['memfile (sealed fd each)', []], ['pipe to each', []], [`temp file (${os.tmpdir()})`, []], ['temp file (/dev/shm)', []]]);
    for (let r = 0; r < runs; r++) {
      let mf: MemFile | null = null;
      record(pyRuns, 'memfile (sealed fd each)', await timed(processCpuMs, async () => {
        mf = producedMemFile(total);
        const answers = py.map((c) => c.command('fd'));
        await Promise.all(py.map((c) => MemFile.send(c.socket, mf!)));
        return Promise.all(answers);
      }));
      (mf as MemFile | null)?.close();
      record(pyRuns, 'pipe to each', await timed(processCpuMs, () => pipeToEach(py, total)));
      for (const [who, file] of [[`temp file (${os.tmpdir()})`, disk], ['temp file (/dev/shm)', shm]]) {
        record(pyRuns, who, await timed(processCpuMs, () => {
          producedFile(file, total);
          return Promise.all(py.map((c) => c.command(`path ${file}`)));
        }));
        fs.rmSync(file, { force: true });
      }
    }
    out.push(...summarize('python3 processes', total, pyRuns, hashes, 'process.cpuUsage()'));

    progress(`fan-out ${fmtSize(total)} to ${CONSUMERS} worker threads: MemFile.fromFd vs postMessage copy vs SharedArrayBuffer`);
    for (let i = 0; i < CONSUMERS; i++) workers.push(await WorkerConsumer.start());
    const wRuns = new Map<string, Run[]>([['memfile (fromFd + views)', []], ['postMessage (copy)', []], ['SharedArrayBuffer', []]]);
    for (let r = 0; r < runs; r++) {
      let mf: MemFile | null = null;
      record(wRuns, 'memfile (fromFd + views)', await timed(mainThreadCpuMs, () => {
        mf = producedMemFile(total);
        return Promise.all(workers.map((w) => w.job({ kind: 'fd', fd: mf!.fd })));
      }));
      (mf as MemFile | null)?.close();
      record(wRuns, 'postMessage (copy)', await timed(mainThreadCpuMs, () => {
        const bytes = Buffer.allocUnsafeSlow(total);
        for (let i = 0, off = 0; off < total; i++, off += BLOCK) produce(i, bytes, off);
        return Promise.all(workers.map((w) => w.job({ kind: 'bytes', bytes })));
      }));
      record(wRuns, 'SharedArrayBuffer', await timed(mainThreadCpuMs, () => {
        const sab = new SharedArrayBuffer(total);
        const bytes = Buffer.from(sab);
        for (let i = 0, off = 0; off < total; i++, off += BLOCK) produce(i, bytes, off);
        return Promise.all(workers.map((w) => w.job({ kind: 'sab', sab })));
      }));
    }
    out.push(...summarize('worker threads', total, wRuns, hashes, 'main thread'));
    return out;
  } finally {
    for (const c of py) c.stop();
    await Promise.all(workers.map((w) => w.worker.terminate()));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(shm, { force: true });
  }
}
