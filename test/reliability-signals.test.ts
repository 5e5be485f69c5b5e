// Signals to a process that created named shm blocks (real Node children,
// fixtures/shm-signal-child.ts): SIGTERM, SIGINT and SIGHUP with default handling unlink
// /dev/shm/<name> and the process still dies by that signal, exactly as a Node process
// without memfile does; a user's own handler decides (keeps running: the object stays;
// process.exit(): unlinked by the 'exit' hook); once every created block is closed or
// collected there is no listener left, so a signal ends even a blocked event loop at once.
// SIGKILL cannot be caught: the one case left (README).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const test = suite('reliability: signals to a shm creator');
const CHILD = path.join(__dirname, 'fixtures', 'shm-signal-child.ts');
// The same waiting process without memfile: what every exit must look like.
const BASELINE = `require('fs').writeSync(1, JSON.stringify({ listeners: ['SIGTERM', 'SIGINT', 'SIGHUP'].map((s) => process.listenerCount(s)) }) + '\\n');
if (process.argv[1] === 'busy') for (;;); else setInterval(() => {}, 1000);`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Array<Record<string, unknown>>;
  existedAfter: boolean;
}

const names: string[] = [];
const shmName = (tag: string): string => {
  const name = `sig-${process.pid}-${tag}`;
  names.push(name, `${name}-gc`);
  return name;
};
const exists = (name: string): boolean => fs.existsSync(`/dev/shm/${name}`);

/** Starts a child, sends `signals` one by one after its ready line (each after the previous one's output settled). */
function run(args: string[], name: string, signals: NodeJS.Signals[], settleMs = 400): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit after ${signals.join(', ')}; stdout ${out} stderr ${err}`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (started || !out.includes('"listeners"')) return;
      started = true;
      signals.forEach((signal, i) => setTimeout(() => child.kill(signal), i * settleMs));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
        existedAfter: exists(name),
      });
    });
  });
}

const memfileChild = (scenario: string, name: string, signals: NodeJS.Signals[]): Promise<Run> =>
  run(['--expose-gc', '--import', 'tsx', CHILD, scenario, name], name, signals);
const baseline = (signal: NodeJS.Signals, busy = false): Promise<Run> =>
  run(['-e', BASELINE, busy ? 'busy' : 'idle'], 'none', [signal]);

test('SIGTERM, SIGINT, SIGHUP: /dev/shm/<name> is gone and the process dies by the signal, as without memfile', async () => {
  // 'handle': the MemFile is closed, a handle and a view keep the block alive.
  const cases = ([['SIGTERM', 'default'], ['SIGINT', 'default'], ['SIGHUP', 'handle'], ['SIGTERM', 'handle']] as const)
    .map(([signal, scenario]) => ({ signal, scenario, name: shmName(`${signal}-${scenario}`) }));
  const [runs, baselines] = await Promise.all([
    Promise.all(cases.map((c) => memfileChild(c.scenario, c.name, [c.signal]))),
    Promise.all(cases.map((c) => baseline(c.signal))),
  ]);
  cases.forEach((c, i) => {
    const label = `${c.signal} (${c.scenario})`;
    const r = runs[i];
    assert.equal(r.lines[0], { exists: true, listeners: [1, 1, 1] }, `${label}: the object existed, our listeners were there`);
    assert.equal({ code: r.code, signal: r.signal }, { code: baselines[i].code, signal: baselines[i].signal }, `${label}: exit as without memfile`);
    assert.is(r.signal, c.signal, label);
    assert.not.ok(r.existedAfter, `${label}: /dev/shm/${c.name} left behind`);
  });
});

test("a user's own SIGTERM handler decides: keeps running → the object stays; SIGINT later → unlinked, dies by SIGINT", async () => {
  const name = shmName('keep');
  const r = await memfileChild('keep', name, ['SIGTERM', 'SIGINT']);
  assert.equal(r.lines[0], { exists: true, listeners: [2, 1, 1] });
  assert.equal(r.lines[1], { handled: 'SIGTERM', exists: true }, 'the handler ran and the object was still there');
  assert.is(r.signal, 'SIGINT', `exit ${r.code} ${r.signal}`);
  assert.not.ok(r.existedAfter);
});

test("a user's SIGTERM handler that calls process.exit(7): exit code 7, object unlinked", async () => {
  const name = shmName('exit');
  const r = await memfileChild('exit', name, ['SIGTERM']);
  assert.equal({ code: r.code, signal: r.signal }, { code: 7, signal: null });
  assert.not.ok(r.existedAfter);
});

test('no listener once every created block is closed or collected: SIGTERM ends a blocked event loop, as without memfile', async () => {
  const name = shmName('closed');
  const [r, b] = await Promise.all([memfileChild('closed', name, ['SIGTERM']), baseline('SIGTERM', true)]);
  assert.equal(r.lines[0], { gcGone: true }, 'the collected block was unlinked');
  assert.equal(r.lines[1], { exists: false, listeners: [0, 0, 0] });
  assert.equal(b.lines[0], { listeners: [0, 0, 0] });
  assert.equal({ code: r.code, signal: r.signal }, { code: b.code, signal: b.signal });
  assert.is(r.signal, 'SIGTERM');
});

test.after(() => {
  for (const name of names) fs.rmSync(`/dev/shm/${name}`, { force: true });
});

test.run();
