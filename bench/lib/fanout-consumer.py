# A long-running python3 consumer for the fan-out case (bench/lib/fanout.ts).
# argv[1]: a Unix socket path it listens on for MemFile.send. Commands on stdin,
# one answer (the sha256 hex of everything it got) per command on stdout:
#   fd            accept one connection, take its fd (socket.recv_fds), hash it
#   pipe <n>      hash exactly n bytes read from fd 3 (a pipe from the producer)
#   path <p>      open the file p, hash it
import hashlib, os, socket, sys

srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1])
srv.listen()
print('ready', flush=True)

buf = bytearray(1 << 20)
view = memoryview(buf)

def hash_fd(fd):
    # preadv into one reused 1 MiB buffer: on this class of VM, faulting in a
    # shared-memory mapping page by page costs more than the copy (measured:
    # mmap of a 64 MiB memfd 0.27 s, MAP_POPULATE 0.18 s, preadv 0.09 s).
    # The same code reads the memfd, the disk file and the /dev/shm file.
    h = hashlib.sha256()
    off = 0
    while True:
        n = os.preadv(fd, [buf], off)
        if n == 0:
            return h.hexdigest()
        h.update(view[:n])
        off += n

for line in sys.stdin:
    cmd, *args = line.split()
    if cmd == 'fd':
        conn, _ = srv.accept()
        with conn:
            msg, fds, _, _ = socket.recv_fds(conn, 65536, 1)
        try:
            out = hash_fd(fds[0])
        finally:
            os.close(fds[0])
    elif cmd == 'pipe':
        left = int(args[0])
        h = hashlib.sha256()
        while left > 0:
            n = os.readv(3, [view[:min(left, len(buf))]])
            if n == 0:
                raise SystemExit('pipe ended early')
            h.update(view[:n])
            left -= n
        out = h.hexdigest()
    elif cmd == 'path':
        fd = os.open(args[0], os.O_RDONLY)
        try:
            out = hash_fd(fd)
        finally:
            os.close(fd)
    else:
        raise SystemExit(f'unknown command {cmd}')
    print(out, flush=True)
