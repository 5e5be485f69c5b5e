// Streams and handing bytes to a child. Medians of 5 runs (3 with --quick,
// which also uses 64 MiB instead of 256 MiB).
//  1. createReadStream -> a null sink, against fs.createReadStream of the same
//     bytes in a file on /dev/shm (both at the default 64 KiB chunk size);
//     stream() and createWriteStream alongside, for reference.
//  2. 256 MiB handed to `sha256sum`: the MemFile's fd as /dev/fd/3, piping the
//     bytes to its stdin, writing a temp file on disk (os.tmpdir()) first.
//     End-to-end time and the parent's own CPU time (process.cpuUsage delta).
// Usage: node --import tsx bench/streams.bench.ts [--quick]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MemFile } from '../ts/index';
import { sha256sum } from './lib/cases';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const SIZE = (quick ? 64 : 256) << 20;
const MiB = 1 << 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nullSink = () => new Writable({ write: (_c, _e, cb) => cb(), writev: (_c, cb) => cb() });

interface Sample {
  ms: number;
  cpuMs: number;
}

async function measure(fn: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

async function series(label: string, runs: number, fn: () => Promise<void>): Promise<{ label: string; ms: number; cpuMs: number }> {
  await fn(); // warm-up
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measure(fn));
  return { label, ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}

function table(title: string, rows: Array<{ label: string; ms: number; cpuMs: number }>, baseline: string): void {
  const base = rows.find((r) => r.label === baseline)!;
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(44)} ${'median ms'.padStart(10)} ${'MiB/s'.padStart(8)} ${'parent CPU ms'.padStart(14)} ${`vs ${baseline}`.padStart(10)}`);
  for (const r of rows) {
    const rate = SIZE / MiB / (r.ms / 1000);
    console.log(`${r.label.padEnd(44)} ${r.ms.toFixed(1).padStart(10)} ${rate.toFixed(0).padStart(8)} ${r.cpuMs.toFixed(1).padStart(14)} ${`${(base.ms / r.ms).toFixed(2)}x`.padStart(10)}`);
  }
}


async function main(): Promise<void> {
  console.log(`memfile streams bench: ${SIZE / MiB} MiB, median of ${RUNS}, node ${process.version}, ${os.cpus().length} CPUs`);
  const data = randomBytes(SIZE);
  const want = createHash('sha256').update(data).digest('hex');
  const hidden = MemFile.from(data); // fd never exposed
  const shared = MemFile.from(data);
  void shared.fd; // exposed: size is fstat'ed per chunk
  const shmPath = path.join('/dev/shm', `memfile-bench-${process.pid}`);
  fs.writeFileSync(shmPath, data);

  try {
    // 1. streams
    const rows = [
      await series('fs.createReadStream (/dev/shm file)', RUNS, () => pipeline(fs.createReadStream(shmPath), nullSink())),
      await series('mf.createReadStream (fd not exposed)', RUNS, () => pipeline(hidden.createReadStream(), nullSink())),
      await series('mf.createReadStream (fd exposed)', RUNS, () => pipeline(shared.createReadStream(), nullSink())),
      await series('mf.createReadStream (1 MiB chunks)', RUNS, () => pipeline(hidden.createReadStream({ highWaterMark: MiB }), nullSink())),
      await series('mf.stream() default reader', RUNS, async () => {
        const reader = hidden.stream().getReader();
        while (!(await reader.read()).done);
      }),
      await series('Readable.fromWeb(mf.stream())', RUNS, () => pipeline(Readable.fromWeb(hidden.stream()), nullSink())),
    ];
    table('read: stream -> null sink', rows, 'fs.createReadStream (/dev/shm file)');

    const chunks = Array.from({ length: SIZE / (64 * 1024) }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536));
    const target = new MemFile();
    const writes = [
      await series('fs.createWriteStream (/dev/shm file)', RUNS, () => pipeline(Readable.from(chunks), fs.createWriteStream(shmPath))),
      await series("mf.createWriteStream ('w': truncate, regrow)", RUNS, () => pipeline(Readable.from(chunks), target.createWriteStream())),
      await series("mf.createWriteStream ('r+': pages in place)", RUNS, () => pipeline(Readable.from(chunks), target.createWriteStream({ flags: 'r+' }))),
    ];
    table('write: 64 KiB chunks -> stream', writes, 'fs.createWriteStream (/dev/shm file)');
    target.close();

    // 2. handing the bytes to a child
    const tmpFile = path.join(os.tmpdir(), `memfile-bench-${process.pid}.bin`);
    const check = (got: string) => {
      if (got !== want) throw new Error(`sha256sum saw different bytes: ${got}`);
    };
    const child = [
      await series('MemFile fd as /dev/fd/3', RUNS, async () =>
        check(await sha256sum(['/dev/fd/3'], ['ignore', 'pipe', 'inherit', shared.fd]))),
      await series('MemFile.from(buffer) + fd (bytes copied in)', RUNS, async () => {
        const file = MemFile.from(data);
        check(await sha256sum(['/dev/fd/3'], ['ignore', 'pipe', 'inherit', file.fd]));
        file.close();
      }),
      await series('pipe to stdin', RUNS, async () => check(await sha256sum([], ['pipe', 'pipe', 'inherit'], data))),
      await series(`temp file on disk (${os.tmpdir()}, no fsync)`, RUNS, async () => {
        await fs.promises.writeFile(tmpFile, data);
        check(await sha256sum([tmpFile], ['ignore', 'pipe', 'inherit']));
        await fs.promises.unlink(tmpFile);
      }),
    ];
    table(`hand ${SIZE / MiB} MiB to sha256sum (end to end)`, child, 'pipe to stdin');
  } finally {
    fs.rmSync(shmPath, { force: true });
    hidden.close();
    shared.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
