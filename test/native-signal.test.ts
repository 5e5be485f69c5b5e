// The SIGBUS handler and the guard (native/sigbus.cc) on the machine code
// users run (build/Release, -O3) — issue 10, defects 1 and 14; issue 14.
// Races with real peers are tested by reliability-peers (guard race) and
// faults in views by reliability-space. This suite checks:
//  * the guarded copy's fallback, made to fault for certain in a child
//    (fixtures/sigbus-fallback.ts): a short read and a landed write, where a
//    broken guard would crash the child or hand out zeros;
//  * what behaviour cannot show reliably, on the disassembly: every function
//    the handler can reach is async-signal-safe (no sysconf, no malloc, no
//    locks), following its direct calls through the binary; GuardedCopy
//    publishes its guard (a store to the thread-local pointer) in the same
//    basic block as the memmove it guards — the optimizer once dropped that
//    store, silently disarming the guard.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const test = suite('native: signal-handler hygiene (release build)');
const binary = path.join(__dirname, '..', 'build', 'Release', 'memfile.node');

interface Fn {
  name: string;
  lines: string[];
}

let functions: Map<string, Fn> | null = null;
function disassembly(): Map<string, Fn> {
  if (functions !== null) return functions;
  assert.ok(fs.existsSync(binary), `${binary} is missing: run npm run build:native`);
  const text = execFileSync('objdump', ['-d', '--no-show-raw-insn', '-C', binary], { encoding: 'utf8', maxBuffer: 256 << 20 });
  functions = new Map();
  let current: Fn | null = null;
  for (const line of text.split('\n')) {
    const head = line.match(/^[0-9a-f]+ <(.+)>:$/);
    if (head) {
      current = { name: head[1], lines: [] };
      functions.set(head[1], current);
    } else if (current !== null && /^\s+[0-9a-f]+:\t/.test(line)) {
      current.lines.push(line);
    }
  }
  return functions;
}

function find(fragment: string): Fn {
  const matches = [...disassembly().values()].filter((f) => f.name.includes(fragment));
  assert.ok(matches.length >= 1, `no function matching ${fragment} in ${binary} (stripped?)`);
  return matches[0];
}

/** External (PLT) functions reachable from `root` through direct calls and tail jumps. */
function reachableImports(root: Fn): Set<string> {
  const seen = new Set<string>([root.name]);
  const imports = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const fn = queue.pop()!;
    for (const line of fn.lines) {
      const m = line.match(/\t(?:call|jmp)\s+[0-9a-f]+ <([^>]+)>/);
      if (!m) continue;
      const target = m[1];
      if (target.endsWith('@plt')) {
        imports.add(target.slice(0, -4));
        continue;
      }
      const own = target.replace(/\+0x[0-9a-f]+$/, '');
      if (own === fn.name || seen.has(own)) continue;
      const callee = disassembly().get(own);
      if (callee) {
        seen.add(own);
        queue.push(callee);
      } else {
        imports.add(own);
      }
    }
  }
  return imports;
}

// POSIX async-signal-safe functions (signal-safety(7)) the handler may need,
// under their glibc symbol names, plus the stack protector's abort.
const SAFE = new Set([
  'fstat', 'fstat64', '__fstat64', '__fxstat', '__fxstat64', 'mmap', 'mmap64', 'sigaction', '__sigaction',
  'signal', 'sigemptyset', 'siglongjmp', '__longjmp_chk', 'longjmp', '_longjmp', 'memset', 'memcpy', '__stack_chk_fail', 'abort',
]);

test('the SIGBUS handler reaches only async-signal-safe functions (no sysconf, malloc or locks)', () => {
  const handler = find('OnSigbus(');
  const imports = reachableImports(handler);
  const unsafe = [...imports].filter((name) => !SAFE.has(name));
  assert.equal(unsafe, [], `the handler calls ${unsafe.join(', ')}`);
  assert.ok(imports.has('mmap') || imports.has('mmap64'), `expected the handler to map zero pages; it calls ${[...imports].join(', ')}`);
  assert.ok([...imports].some((n) => n.includes('longjmp')), `expected siglongjmp for guarded copies; it calls ${[...imports].join(', ')}`);
});

test('GuardedCopy stores the guard pointer (thread-local) right before the memmove it guards', () => {
  const fn = find('GuardedCopy(');
  const at = fn.lines.findIndex((l) => /\tcall\s+[0-9a-f]+ <(memmove|memcpy)@plt>/.test(l));
  assert.ok(at > 0, `no memmove call in GuardedCopy:\n${fn.lines.join('\n')}`);
  // Jump targets start basic blocks: a store before one of them may not run.
  const targets = new Set(fn.lines.flatMap((l) => [...l.matchAll(/\tj\w+\s+([0-9a-f]+) </g)].map((m) => m[1])));
  let stored = false;
  for (let i = at - 1; i >= 0; i--) {
    const line = fn.lines[i];
    if (/\t(ret|jmp|j\w+|call)\b/.test(line)) break;
    if (/\tmov\w*\s+[^,]+,%fs:/.test(line)) {
      stored = true;
      break;
    }
    const addr = line.trim().split(':')[0];
    if (targets.has(addr)) break;
  }
  assert.ok(stored, `no store to the thread-local guard in the basic block of the memmove:\n${fn.lines.join('\n')}`);
});

test('a copy through the mapping that faults falls back to the kernel: a short read, a write that lands (memfd cut through /proc/self/fd)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'sigbus-fallback.ts')], {
    cwd: path.join(__dirname, '..'), encoding: 'utf8', timeout: 60_000,
  });
  assert.is(r.signal, null, `the child died of ${r.signal}: the SIGBUS of the faulting copy was not handled\n${r.stderr}`);
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number | string>;
  // Past the cut nothing is left; a guard that let the handler map zero pages would read 18 zeros.
  assert.is(out.pastRead, 0, JSON.stringify(out));
  // Across the cut: exactly the bytes below it (40 with zero pages), as the kernel's pread says.
  assert.is(out.acrossRead, 10, JSON.stringify(out));
  assert.is(out.acrossBytes, 'ABCDEFGHIJ');
  // The faulting write went through pwrite into the file, not into a private zero page.
  assert.is(out.written, 21);
  assert.is(out.landed, 'written after the cut');
  assert.is(out.sizeSeenByPeer, 5 * 2 ** 30 + 4096 + 21);
});

test.run();
