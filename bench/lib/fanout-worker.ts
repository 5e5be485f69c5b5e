// A worker-thread consumer for the fan-out case (bench/lib/fanout.ts): hashes
// what each message hands it and answers with the sha256 hex.
//   { kind: 'fd', fd }          MemFile.fromFd(fd), hashed through zero-copy views
//   { kind: 'bytes', bytes }    a Uint8Array that postMessage copied
//   { kind: 'sab', sab }        a SharedArrayBuffer the producer filled
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { MemFile } from '../../ts/memfile';

const VIEW = 256 * 1024 * 1024;  // one view per 256 MiB keeps each window modest

type Job = { kind: 'fd'; fd: number } | { kind: 'bytes'; bytes: Uint8Array } | { kind: 'sab'; sab: SharedArrayBuffer };

parentPort!.on('message', (job: Job) => {
  const h = createHash('sha256');
  if (job.kind === 'fd') {
    const file = MemFile.fromFd(job.fd);
    for (let off = 0, size = file.size; off < size; off += VIEW) h.update(file.view(off, Math.min(VIEW, size - off)));
    file.close();
  } else if (job.kind === 'bytes') {
    h.update(job.bytes);
  } else {
    h.update(new Uint8Array(job.sab));
  }
  parentPort!.postMessage(h.digest('hex'));
});
parentPort!.postMessage('ready');
