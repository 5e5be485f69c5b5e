# CPython io timings for the bench: run as `python3 pyio.py <case> <path> <arg>`,
# prints {"seconds": s, "ops": n}. Setup (reading the input, opening) is not timed.
import io, json, os, sys, time

case, path, arg = sys.argv[1], sys.argv[2], int(sys.argv[3])

def timed(fn):
    t = time.perf_counter()
    ops = fn()
    return time.perf_counter() - t, ops

def read64(f):
    n = 0
    r = f.read
    while r(64):
        n += 1
    return n

def write64(f, total):
    chunk = b'\x5a' * 64
    w = f.write
    for _ in range(total // 64):
        w(chunk)
    return total // 64

def lines_iter(f):
    n = 0
    for _ in f:
        n += 1
    return n

def lines_write(f, lines):
    w = f.write
    for line in lines:
        w(line)
    return len(lines)

if case == 'bytesio_read64':
    f = io.BytesIO(open(path, 'rb').read())
    s, ops = timed(lambda: read64(f))
elif case == 'file_read64':
    f = open(path, 'rb')  # BufferedReader over FileIO
    s, ops = timed(lambda: read64(f))
    f.close()
elif case == 'bytesio_write64':
    f = io.BytesIO()
    s, ops = timed(lambda: write64(f, arg))
elif case == 'file_write64':
    f = open(path, 'wb')  # BufferedWriter over FileIO
    s, ops = timed(lambda: (write64(f, arg), f.flush())[0])
    f.close()
elif case == 'text_iter_file':
    f = open(path, 'r', encoding='utf-8')  # TextIOWrapper over BufferedReader
    s, ops = timed(lambda: lines_iter(f))
    f.close()
elif case == 'text_iter_bytesio':
    f = io.TextIOWrapper(io.BytesIO(open(path, 'rb').read()), encoding='utf-8')
    s, ops = timed(lambda: lines_iter(f))
elif case == 'text_write_file':
    lines = open(sys.argv[4], encoding='utf-8').readlines()
    f = open(path, 'w', encoding='utf-8')
    s, ops = timed(lambda: (lines_write(f, lines), f.flush())[0])
    f.close()
elif case == 'text_write_bytesio':
    lines = open(sys.argv[4], encoding='utf-8').readlines()
    f = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')
    s, ops = timed(lambda: (lines_write(f, lines), f.flush())[0])
else:
    sys.exit('unknown case ' + case)
print(json.dumps({'seconds': s, 'ops': ops}))
