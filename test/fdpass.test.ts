// MemFile.listen / MemFile.send: fds over a Unix socket with real peers —
// python3's socket.send_fds / recv_fds, other Node processes, hostile senders —
// with the receiver's fd table checked flat and the event loop kept ticking.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemFile, MemFileServer, type Sender } from '../ts/index';
import { fdCount, fixture, rejectsCode, seededBytes } from './helpers';

const test = suite('fdpass');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-fdpass-'));
let serial = 0;
const socketPath = (): string => path.join(dir, `s${serial++}.sock`);

type Received = { file: MemFile; from: Sender };
type Dropped = { error: NodeJS.ErrnoException; from: Sender };

/** A server whose files and drops can be awaited in order. */
class Inbox {
  readonly server: MemFileServer;
  readonly files: Received[] = [];
  readonly drops: Dropped[] = [];
  #wake: (() => void) | null = null;

  constructor(readonly path = socketPath()) {
    this.server = MemFile.listen(this.path, (file, from) => {
      this.files.push({ file, from });
      this.#wake?.();
    });
    this.server.on('drop', (error: NodeJS.ErrnoException, from: Sender) => {
      this.drops.push({ error, from });
      this.#wake?.();
    });
  }

  async until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  async close(): Promise<void> {
    await this.server.close();
    for (const { file } of this.files) file.close();
  }
}

function python(script: string, args: string[] = []): ChildProcess & { output: Promise<string> } {
  const child = spawn('python3', ['-c', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const output = new Promise<string>((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 exited ${code}: ${out}`))));
  });
  return Object.assign(child, { output });
}

function lineFrom(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      const line = seen.split('\n').slice(0, -1).find((l) => l.startsWith(prefix));  // complete lines only
      if (line !== undefined) {
        child.stdout!.off('data', onData);
        resolve(line);
      }
    };
    child.stdout!.on('data', onData);
    child.on('close', () => reject(new Error(`child ended before "${prefix}": ${seen}`)));
  });
}

const PY_SEND = `
import os, socket, sys
def send(path, msg, fds):
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(path)
        socket.send_fds(s, [msg], fds)
`;

test('python3 send_fds → Node: content, message and SO_PEERCRED', async () => {
  const inbox = new Inbox();
  const child = python(`${PY_SEND}
fd = os.memfd_create('from-python')
os.write(fd, b'written by python\\n' * 1000)
send(sys.argv[1], 'héllo'.encode(), [fd])
`, [inbox.path]);
  await child.output;
  await inbox.until(() => inbox.files.length === 1, 'the file');
  const { file, from } = inbox.files[0];
  assert.is(file.backing, 'memfd');
  assert.is(file.name, 'from-python');
  assert.is(file.text(), 'written by python\n'.repeat(1000));
  assert.is(from.message.toString(), 'héllo');
  assert.is(from.pid, child.pid);
  assert.is(from.uid, process.getuid!());
  assert.is(from.gid, process.getgid!());
  assert.is(inbox.drops.length, 0);
  await inbox.close();
});

test('a message split across several writes arrives whole; the fd rides on the first bytes', async () => {
  const inbox = new Inbox();
  const child = python(`${PY_SEND}
import time
fd = os.memfd_create('split')
os.write(fd, b'split')
with socket.socket(socket.AF_UNIX) as s:
    s.connect(sys.argv[1])
    socket.send_fds(s, [b'first-'], [fd])
    for part in (b'second-', b'third-', b'x' * 60000):
        time.sleep(0.05)
        s.sendall(part)
`, [inbox.path]);
  await child.output;
  await inbox.until(() => inbox.files.length === 1, 'the file');
  assert.equal(inbox.files[0].from.message, Buffer.concat([Buffer.from('first-second-third-'), Buffer.alloc(60000, 'x')]));
  assert.is(inbox.files[0].file.text(), 'split');
  await inbox.close();
});

test('Node → python3 recv_fds: python sees the seals, reads its own offset, writes back through the fd', async () => {
  const target = socketPath();
  const child = python(`
import fcntl, os, socket, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1]); srv.listen()
print('ready', flush=True)
got = []
for _ in range(3):
    conn, _ = srv.accept()
    msg, fds, flags, addr = socket.recv_fds(conn, 65536, 4)
    conn.close()
    got.append((msg, fds))
srv.close(); os.unlink(sys.argv[1])
(m1, [sealed]), (m2, [shared]), (m3, [shared2]) = got
seals = fcntl.fcntl(sealed, 1034)  # F_GET_SEALS
try:
    os.pwrite(sealed, b'X', 0); wrote = 'wrote'
except PermissionError:
    wrote = 'EPERM'
# os.read moves the fd's offset: each send is its own open file description
first = os.read(sealed, 1 << 20)
again = os.read(shared, 1 << 20)
again2 = os.read(shared2, 1 << 20)
os.pwrite(shared, b'PYTHON', 0)
os.pwrite(shared, b'!', 100)
print(m1.decode(), m2.decode(), m3.decode(), seals & 0x1f, wrote, first.decode(), len(again), len(again2), flush=True)
`, [target]);
  await lineFrom(child, 'ready');
  const sealed = MemFile.from('frozen content', { name: 'sealed-one' });
  sealed.seal();
  const shared = MemFile.from(Buffer.alloc(50, '.'), { name: 'shared' });
  await MemFile.send(target, sealed);
  await MemFile.send(target, shared, Buffer.from('for writing'));
  await MemFile.send(target, shared, new Uint16Array([0x6968]));
  const out = (await child.output).trim().split('\n').pop();
  // F_SEAL_SEAL|SHRINK|GROW|WRITE = 15
  // Each send is its own open file description: python's os.read of one
  // does not move the other's offset.
  assert.is(out, 'sealed-one for writing hi 15 EPERM frozen content 50 50');
  assert.is(shared.size, 101);
  assert.equal(shared.pread(0, 6).buffer, Buffer.from('PYTHON'));
  assert.equal(shared.pread(100, 1).buffer, Buffer.from('!'));
  assert.is(sealed.text(), 'frozen content');
  sealed.close();
  shared.close();
});

test('Node → Node across processes: the file outlives its sender', async () => {
  const inbox = new Inbox();
  // spawnSync blocks this loop, so the child connects, sends, closes its
  // MemFile and exits before this process accepts anything.
  const child = spawnSync(process.execPath, ['--import', 'tsx', fixture('fdpass-sender.ts'), inbox.path, String(8 << 20), 'bye'],
    { encoding: 'utf8', timeout: 60_000 });
  assert.is(child.status, 0, child.stderr);
  const [, sentPid, sha] = /^sent (\d+) ([0-9a-f]{64})/.exec(child.stdout)!;
  const pid = Number(sentPid);
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
  await inbox.until(() => inbox.files.length === 1, 'the file');
  const { file, from } = inbox.files[0];
  assert.is(from.pid, pid);
  assert.is(from.message.toString(), 'bye');
  assert.is(file.name, 'from-node-child');
  assert.ok(file.sealed);
  assert.is(file.size, 8 << 20);
  assert.is(createHash('sha256').update(file.bytes()).digest('hex'), sha);
  assert.throws(() => file.pwrite(0, 'x'), (e: NodeJS.ErrnoException) => e.code === 'EPERM');
  await inbox.close();
});

test('Node → Node in one process: sealed stays sealed, 65536-byte message, default message is the name', async () => {
  const inbox = new Inbox();
  const file = MemFile.from('abc', { name: 'naïve name' });
  file.seal(['write', 'shrink']);
  const big = seededBytes(65536, 'fdpass 1');
  // Sender and receiver share one thread: any blocking wait would hang here.
  await Promise.all([MemFile.send(inbox.path, file, big), MemFile.send(inbox.path, file)]);
  await inbox.until(() => inbox.files.length === 2, 'two files');
  const byLength = [...inbox.files].sort((a, b) => b.from.message.length - a.from.message.length);
  assert.equal(byLength[0].from.message, big);
  assert.is(byLength[1].from.message.toString(), 'naïve name');
  for (const { file: got, from } of inbox.files) {
    assert.is(from.pid, process.pid);
    assert.ok(got.sealed);
    assert.equal(got.seals, ['shrink', 'write']);
    assert.is(got.text(), 'abc');
  }
  file.close();
  await inbox.close();
});

test('hostile senders are dropped with every fd closed; a silent one holds up no one', async () => {
  const before = fdCount();
  const inbox = new Inbox();
  const child = python(`${PY_SEND}
import time
path = sys.argv[1]
fd = os.memfd_create('good')
os.write(fd, b'good')
r, w = os.pipe()
print('pipe', os.fstat(r).st_ino, flush=True)
sys.stdin.readline()
silent = socket.socket(socket.AF_UNIX); silent.connect(path)
def attempt(f):
    try: f()
    except (BrokenPipeError, ConnectionResetError): pass
attempt(lambda: send(path, b'no fd', []))
attempt(lambda: send(path, b'two', [fd, fd]))
attempt(lambda: send(path, b'twenty', [fd] * 20))
attempt(lambda: send(path, b'pipe', [r]))
attempt(lambda: send(path, b'x' * 65537, [fd]))
def late():
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(path); socket.send_fds(s, [b'a'], [fd]); socket.send_fds(s, [b'b'], [fd])
attempt(late)
disk = os.open(os.path.join(os.path.dirname(path), 'on-disk'), os.O_RDWR | os.O_CREAT)
attempt(lambda: send(path, b'disk', [disk]))
send(path, b'good', [fd])
print('sent', flush=True)
sys.stdin.readline()
silent.close()
`, [inbox.path]);
  const pipeInode = (await lineFrom(child, 'pipe')).split(' ')[1];
  // The received pipe fd is still open while 'drop' runs: it must be close-on-exec.
  let pipeFlags = -1;
  inbox.server.on('drop', (error: NodeJS.ErrnoException, from: Sender) => {
    if (from.message.toString() !== 'pipe') return;
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      try {
        if (fs.readlinkSync(`/proc/self/fd/${fd}`) === `pipe:[${pipeInode}]`) {
          pipeFlags = parseInt(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8);
        }
      } catch { /* an fd that closed meanwhile */ }
    }
  });
  child.stdin!.write('start\n');
  await inbox.until(() => inbox.files.length === 1 && inbox.drops.length === 7, 'the good file and 7 drops');
  // The silent connection is still open: the good file got through past it.
  assert.is(child.exitCode, null);
  assert.is(inbox.files[0].file.text(), 'good');
  const codes = inbox.drops.map((d) => `${d.from.message.subarray(0, 6).toString()}:${d.error.code}`);
  assert.equal(codes.sort(), ['disk:EINVAL', 'no fd:EPROTO', 'pipe:EINVAL', 'two:EPROTO', 'twenty:EPROTO', 'ab:EPROTO',
    `${'x'.repeat(6)}:EMSGSIZE`].sort());
  assert.ok(pipeFlags >= 0, 'saw the received pipe fd');
  assert.ok((pipeFlags & 0o2000000) !== 0, `O_CLOEXEC on the received fd (flags ${pipeFlags.toString(8)})`);
  for (const d of inbox.drops) assert.is(d.from.pid, child.pid);
  child.stdin!.end('close the silent one\n');
  await child.output;
  await inbox.until(() => inbox.drops.length === 8, 'the silent connection to end');
  assert.is(inbox.drops[7].error.code, 'EPROTO');
  assert.is(inbox.drops[7].from.message.length, 0);
  await inbox.close();
  fs.rmSync(path.join(dir, 'on-disk'));
  assert.ok(fdCount() <= before, `fd table flat: ${before} before, ${fdCount()} after`);
});

test('a connection that never finishes is dropped after server.timeout (ETIMEDOUT), fds closed', async () => {
  const before = fdCount();
  const inbox = new Inbox();
  inbox.server.timeout = 300;
  const child = python(`${PY_SEND}
fd = os.memfd_create('never')
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
socket.send_fds(s, [b'half'], [fd])
quiet = socket.socket(socket.AF_UNIX); quiet.connect(sys.argv[1])
print('holding', flush=True)
sys.stdin.readline()
`, [inbox.path]);
  await lineFrom(child, 'holding');
  await inbox.until(() => inbox.drops.length === 2, 'two timeouts');
  assert.equal(inbox.drops.map((d) => d.error.code), ['ETIMEDOUT', 'ETIMEDOUT']);
  assert.equal(inbox.drops.map((d) => d.from.message.toString()).sort(), ['', 'half']);
  assert.is(inbox.files.length, 0);
  child.stdin!.end('\n');
  await child.output;
  await inbox.close();
  assert.ok(fdCount() <= before, `fd table flat: ${before} before, ${fdCount()} after`);
  assert.throws(() => { inbox.server.timeout = -1; }, (e: NodeJS.ErrnoException) => e.code === 'ERR_OUT_OF_RANGE');
});

test('200 sends while the event loop keeps ticking; fd table flat afterwards', async () => {
  const before = fdCount();
  const inbox = new Inbox();
  const file = MemFile.from(seededBytes(4096, 'fdpass 2'));
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
  }, 1);
  const tickSeen: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    const start = ticks;
    await Promise.all(Array.from({ length: 20 }, (_, i) => MemFile.send(inbox.path, file, `n${batch * 20 + i}`)));
    await inbox.until(() => inbox.files.length === (batch + 1) * 20, 'a batch');
    tickSeen.push(ticks - start);
  }
  clearInterval(timer);
  assert.ok(ticks > 0, 'the interval ran during the sends');
  assert.is(inbox.files.length, 200);
  const messages = new Set(inbox.files.map((f) => f.from.message.toString()));
  assert.is(messages.size, 200);
  for (const { file: got } of inbox.files) assert.equal(got.bytes(), file.bytes());
  file.close();
  await inbox.close();
  assert.ok(fdCount() <= before, `fd table flat: ${before} before, ${fdCount()} after`);
});

test('listen: EADDRINUSE at once on a taken path (file left alone); close() removes only its own socket', async () => {
  const p = socketPath();
  fs.writeFileSync(p, 'not a socket');
  assert.throws(() => MemFile.listen(p, () => undefined), (e: NodeJS.ErrnoException) =>
    e.code === 'EADDRINUSE' && e.syscall === 'bind' && e.errno === -os.constants.errno.EADDRINUSE);
  assert.is(fs.readFileSync(p, 'utf8'), 'not a socket');
  fs.rmSync(p);

  const inbox = new Inbox();
  assert.throws(() => MemFile.listen(inbox.path, () => undefined), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
  assert.ok(fs.statSync(inbox.path).isSocket());
  assert.ok(inbox.server.listening);
  assert.is(inbox.server.path, inbox.path);
  let closed = 0;
  inbox.server.on('close', () => closed++);
  const closing = inbox.server.close();
  assert.is(inbox.server.close(), closing, 'close() is idempotent');
  await closing;
  assert.is(closed, 1);
  assert.not.ok(inbox.server.listening);
  assert.not.ok(fs.existsSync(inbox.path));
  await rejectsCode(MemFile.send(inbox.path, MemFile.from('late')), Error, 'ENOENT');

  // Someone replaced the socket file meanwhile: close() leaves theirs.
  const other = new Inbox();
  fs.rmSync(other.path);
  fs.writeFileSync(other.path, 'theirs');
  await other.close();
  assert.is(fs.readFileSync(other.path, 'utf8'), 'theirs');
  fs.rmSync(other.path);
});

test('close() drops a connection in progress (its fd closed) and no file arrives after it', async () => {
  const before = fdCount();
  const inbox = new Inbox();
  const child = python(`${PY_SEND}
fd = os.memfd_create('pending')
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
socket.send_fds(s, [b'pending'], [fd])
print('sent', flush=True)
sys.stdin.readline()
`, [inbox.path]);
  await lineFrom(child, 'sent');
  await new Promise((r) => setTimeout(r, 100));
  await inbox.server.close();
  child.stdin!.end('\n');
  await child.output;
  await new Promise((r) => setTimeout(r, 100));
  assert.is(inbox.files.length, 0);
  assert.ok(fdCount() <= before, `fd table flat: ${before} before, ${fdCount()} after`);
});

test('send: ENOENT, ECONNREFUSED, ENOTSUP (heap), EBADF, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_TYPE/VALUE', async () => {
  const file = MemFile.from('x');
  const e = await rejectsCode(MemFile.send(path.join(dir, 'nobody'), file), Error, 'ENOENT');
  assert.is((e as NodeJS.ErrnoException).syscall, 'connect');
  assert.is((e as NodeJS.ErrnoException).errno, -os.constants.errno.ENOENT);
  // A socket file no one listens on any more.
  const stale = socketPath();
  spawnSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', stale]);
  await rejectsCode(MemFile.send(stale, file), Error, 'ECONNREFUSED');
  await rejectsCode(MemFile.send(stale, MemFile.from('h', { backing: 'heap' })), Error, 'ENOTSUP');
  await rejectsCode(MemFile.send(stale, file, Buffer.alloc(65537)), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsCode(MemFile.send(stale, file, ''), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsCode(MemFile.send(stale, MemFile.from('x', { name: '' })), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsCode(MemFile.send(stale, file, 42 as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  await rejectsCode(MemFile.send(stale, {} as never), TypeError, 'ERR_INVALID_ARG_TYPE');
  await rejectsCode(MemFile.send(42 as never, file), TypeError, 'ERR_INVALID_ARG_TYPE');
  await rejectsCode(MemFile.send('', file), TypeError, 'ERR_INVALID_ARG_VALUE');
  await rejectsCode(MemFile.send(path.join(dir, 'x'.repeat(120)), file), Error, 'ENAMETOOLONG');
  const closed = MemFile.from('gone');
  closed.close();
  await rejectsCode(MemFile.send(stale, closed), Error, 'EBADF');
  assert.throws(() => MemFile.listen(socketPath(), 'no' as never), (x: NodeJS.ErrnoException) => x.code === 'ERR_INVALID_ARG_TYPE');
  assert.throws(() => MemFile.listen('a\0b', () => undefined), (x: NodeJS.ErrnoException) => x.code === 'ERR_INVALID_ARG_VALUE');
  file.close();
});

test('accept() failing with EMFILE is an error event; the server goes on and the waiting sender gets through', () => {
  const p = socketPath();
  const child = spawn('prlimit', ['--nofile=64:64', process.execPath, '--import', 'tsx', fixture('fdpass-child.ts'), 'emfile', p],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  const ended = new Promise((resolve) => child.on('close', resolve));
  return (async () => {
    await lineFrom(child, 'ready');
    const sender = python(`${PY_SEND}
fd = os.memfd_create('late')
os.write(fd, b'through')
send(sys.argv[1], b'after-emfile', [fd])
`, [p]);
    await sender.output;
    await ended;
    assert.match(out, /error EMFILE accept/);
    assert.match(out, /file through after-emfile/);
    assert.not.ok(fs.existsSync(p));
  })();
});

test('a worker torn down while listening and sending: no crash, its socket files removed', () => {
  const p = socketPath();
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture('fdpass-child.ts'), 'worker-teardown', p],
    { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /terminated socket-left=false/);
  assert.not.ok(fs.existsSync(`${p}.2`));
});

test('unref() lets the process exit; process.exit() while listening removes the socket file', () => {
  for (const mode of ['unref', 'exit']) {
    const p = socketPath();
    const r = spawnSync(process.execPath, ['--import', 'tsx', fixture('fdpass-child.ts'), mode, p],
      { encoding: 'utf8', timeout: 30_000 });
    assert.is(r.status, 0, `${mode}: ${r.stderr}`);
    assert.match(r.stdout, /listening/);
    assert.not.ok(fs.existsSync(p), `${mode}: socket file left behind`);
  }
});

test('examples/fd-passing.js: a long-running python3 answers sealed MemFiles through memfds of its own', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'examples', 'fd-passing.js')], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'report.csv: 17 bytes, 3 lines, python saw it sealed: true, same sha256 as ours: true');
  assert.match(r.stdout, 'big.log: 900000 bytes, 100000 lines, python saw it sealed: true, same sha256 as ours: true');
  assert.is((r.stdout.match(/in a memfd, sealed: true/g) ?? []).length, 2);
  assert.match(r.stdout, /exited 0; socket files removed: true/);
});

test.after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
