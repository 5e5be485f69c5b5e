#!/usr/bin/env node
// Handing a MemFile to a process that is not our child: a long-running python3
// worker listens on a Unix socket. Node sends it sealed MemFiles (the fd itself,
// SCM_RIGHTS — no copy, no name in /dev/shm); python maps each one read-only,
// computes an answer, writes it into a memfd of its own, seals it and sends it
// back to Node's listener with socket.send_fds. Both sides only ever see fds.
'use strict';
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { MemFile } = require('..');

const PYTHON_WORKER = String.raw`
import fcntl, hashlib, json, mmap, os, socket, sys
inbox_path, reply_path = sys.argv[1], sys.argv[2]
inbox = socket.socket(socket.AF_UNIX)
inbox.bind(inbox_path)
inbox.listen()
print('ready', flush=True)
while True:
    conn, _ = inbox.accept()
    with conn:
        msg, fds, _, _ = socket.recv_fds(conn, 65536, 1)
    if msg == b'quit':
        break
    fd = fds[0]
    seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
    with mmap.mmap(fd, 0, prot=mmap.PROT_READ) as m:
        answer = {'job': msg.decode(), 'bytes': len(m), 'lines': m[:].count(b'\n'),
                  'sha256': hashlib.sha256(m).hexdigest(),
                  'sealed': bool(seals & fcntl.F_SEAL_WRITE), 'pid': os.getpid()}
    os.close(fd)
    out = os.memfd_create('answer', os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    os.write(out, json.dumps(answer).encode())
    fcntl.fcntl(out, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(reply_path)
        socket.send_fds(s, [b'answer'], [out])
    os.close(out)
inbox.close()
os.unlink(inbox_path)
`;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memfile-fd-passing-'));
  const inbox = path.join(dir, 'python.sock');
  const replies = path.join(dir, 'node.sock');

  // Node's side: every answer arrives as a MemFile on `replies`.
  const waiting = [];
  const server = MemFile.listen(replies, (answer, from) => {
    const result = JSON.parse(answer.text());
    console.log(`answer from pid ${from.pid} (uid ${from.uid}) in a ${answer.backing}, sealed: ${answer.sealed}`);
    answer.close();
    waiting.shift()(result);
  });
  server.on('drop', (error) => console.error(`dropped a connection: ${error.message}`));

  const python = spawn('python3', ['-c', PYTHON_WORKER, inbox, replies], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => python.on('close', resolve));
  await new Promise((resolve) => readline.createInterface({ input: python.stdout }).once('line', resolve));

  for (const [job, text] of [['report.csv', 'id,value\n1,2\n3,4\n'], ['big.log', 'log line\n'.repeat(100_000)]]) {
    const mf = MemFile.from(text, { name: job });
    mf.seal();  // python can map it, never change it
    const answered = new Promise((resolve) => waiting.push(resolve));
    await MemFile.send(inbox, mf, job);
    const result = await answered;
    const ours = createHash('sha256').update(mf.bytes()).digest('hex');
    console.log(`${result.job}: ${result.bytes} bytes, ${result.lines} lines, python saw it sealed: ${result.sealed}, ` +
      `same sha256 as ours: ${result.sha256 === ours}`);
    mf.close();
  }

  // Any fd-bearing message will do to stop it; a tiny MemFile carries 'quit'.
  await MemFile.send(inbox, MemFile.from('.'), 'quit');
  await exited;
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`python3 (pid ${python.pid}) exited ${python.exitCode}; socket files removed: ${!fs.existsSync(replies)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
