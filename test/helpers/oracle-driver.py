"""CPython's io as the oracle for memfile's handles (see oracle.ts): runs op scripts
through the built-in open() on /dev/shm files and prints what each op returned. One runner
(run_script) for both kinds of script; a kind (BinaryRun, TextRun) opens the file, runs an
op and names an error as memfile does.

stdin:  {"kind": "binary" | "text", "scripts": [Script, ...]}
stdout: {"results": [Result, ...]}
Script = {"mode": str, "options": {buffering?, encoding?, errors?, newline?},
          "initial": hex, "ops": [[name, arg, ...], ...]}
An arg {"b": hex} is bytes; any other JSON value is passed as is.
Result = {"open": outcome, "ops": [outcome, ...], "close": outcome, "final": hex}
outcome = {"ok": value} | {"err": code, "msg"?: str}; a bytes value is {"b": hex}.

binary ops: the handle's methods by name, plus peer (what another reader of the file sees),
attrs, readinto n (a buffer of n bytes) and iter.

text ops: write s | read n | readline n | readlines n | tell | seek_tell k (seek to the k-th
tell's cookie) | seek n whence | truncate n|null | flush | newlines | peer.
A tell() cookie is reported as itself when it is a byte offset, else as "opaque": the
TextHandle's cookies differ in shape (safe integers), so they are compared by what seeking
to them does, and equal only when Python's is a plain byte offset.

Emulations make CPython do what memfile does on purpose:
- BufferedRandom.read1() flushes pending writes first (CPython 3.11 forgets them; the
  contract asks for the sensible thing, which memfile's BufferedRandom does); text '+' modes are
  opened as open() does it, over a BufferedRandom subclass with that read1();
- text: a write after reads first seeks to the text position (CPython writes after its
  read-ahead chunk, bpo-12215), and truncate() without a size cuts at that text position
  (CPython: read-ahead, bpo-26158) (both documented in ts/handles/text.ts);
- text readlines(hint) is IOBase.readlines' loop over readline() (CPython's C loop iterates
  with next(), which disables tell() afterwards).
"""
import codecs
import io
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")  # buffering=1 in binary mode warns


def decode_arg(a):
    if isinstance(a, dict) and "b" in a:
        return bytes.fromhex(a["b"])
    if isinstance(a, list):
        return [decode_arg(x) for x in a]
    return a


def encode(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"b": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return repr(v)


class FlushingRandom(io.BufferedRandom):
    def read1(self, size=-1):
        self.flush()
        return super().read1(size)


# ---- binary scripts ----

ERRNO_CODES = {1: "EPERM", 9: "EBADF", 17: "EEXIST", 22: "EINVAL", 13: "EACCES", 2: "ENOENT"}


def binary_error(exc):
    """Python's exception -> the Node-style code memfile gives the same failure (README, API: Errors)."""
    if isinstance(exc, io.UnsupportedOperation):
        code = "EBADF"  # wrong direction ("File not open for reading", "read", "truncate")
    elif isinstance(exc, AttributeError):
        code = "EBADF"  # e.g. BufferedReader has no write(): a read-only handle
    elif isinstance(exc, ValueError):
        code = "EBADF" if "closed file" in str(exc) else "ValueError: " + str(exc)
    elif isinstance(exc, OSError):
        code = ERRNO_CODES.get(exc.errno, "OSError %s" % exc.errno)
    elif isinstance(exc, TypeError):
        code = "ERR_INVALID_ARG_TYPE"
    else:
        code = "%s: %s" % (type(exc).__name__, exc)
    return {"err": code}


class BinaryRun:
    error = staticmethod(binary_error)

    def __init__(self, script, path):
        self.path = path
        self.f = open(path, script["mode"], **{k: v for k, v in script["options"].items() if v is not None})

    def op(self, name, args):
        f = self.f
        if name == "peer":  # what another reader of the file sees right now
            with open(self.path, "rb") as g:
                return g.read()
        if name == "attrs":
            # A closed Python file raises on readable(); memfile handles report false.
            if f.closed:
                return [f.mode, False, False, False, True, type(f).__name__]
            return [f.mode, f.readable(), f.writable(), f.seekable(), f.closed, type(f).__name__]
        if name == "readinto":
            buf = bytearray(args[0])
            n = f.readinto(buf)
            return [n, bytes(buf[: n or 0])]
        if name == "readline" and (f.closed or not f.readable()):
            # Deliberate difference: Python's IOBase.readline(0) returns b'' without reading;
            # memfile refuses every read on a closed or write-only handle with EBADF.
            raise ValueError("I/O operation on closed file") if f.closed else io.UnsupportedOperation("read")
        if name == "iter":
            return list(f)
        if name == "read1" and isinstance(f, io.BufferedRandom):
            f.flush()  # as FlushingRandom.read1 (see above)
        return getattr(f, name)(*args)


# ---- text scripts ----

def unpack(cookie):
    """The C TextIOWrapper's cookie layout (textio.c, little-endian): start_pos in bits
    0-63, then 32-bit dec_flags, bytes_to_feed, chars_to_skip and an 8-bit need_eof."""
    field = lambda shift, bits: (cookie >> shift) & ((1 << bits) - 1)  # noqa: E731
    return field(0, 64), field(64, 32), field(96, 32), bool(field(160, 8)), field(128, 32)


def show_cookie(cookie):
    return cookie if cookie < 1 << 64 else "opaque"


def text_error(exc):
    msg = str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return {"err": "ERR_ENCODING_INVALID_ENCODED_DATA", "msg": msg}
    if isinstance(exc, UnicodeEncodeError):
        return {"err": "ERR_ENCODING_UNENCODABLE", "msg": msg}
    if isinstance(exc, UnicodeError):
        return {"err": "ERR_ENCODING_INVALID_ENCODED_DATA", "msg": msg}
    if isinstance(exc, io.UnsupportedOperation):
        if "nonzero" in msg:
            return {"err": "ERR_INVALID_ARG_VALUE"}
        return {"err": "EBADF"}
    if isinstance(exc, ValueError):
        if "negative seek position" in msg:
            return {"err": "EINVAL"}
        if "closed file" in msg:
            return {"err": "EBADF"}
        return {"err": "ValueError: " + msg}
    if isinstance(exc, OSError):
        if "logical file position" in msg:
            return {"err": "EINVAL"}
        return {"err": "OSError: " + msg}
    return {"err": "%s: %s" % (type(exc).__name__, msg)}


def open_text(path, mode, buffering, **kwargs):
    """open() for text modes; '+' modes get FlushingRandom (see above)."""
    if "+" not in mode:
        return open(path, mode, buffering=buffering, **kwargs)
    raw = io.FileIO(path, mode.replace("t", ""))
    line_buffering = buffering == 1
    if buffering < 0 or buffering == 1:
        buffering = io.DEFAULT_BUFFER_SIZE
        blksize = os.fstat(raw.fileno()).st_blksize
        if blksize > 1:
            buffering = blksize
    text = io.TextIOWrapper(FlushingRandom(raw, buffering), line_buffering=line_buffering, **kwargs)
    text.mode = mode
    return text


class TextRun:
    error = staticmethod(text_error)

    def __init__(self, script, path):
        self.path = path
        opts = script["options"]
        self.encoding = opts["encoding"]
        self.errors = opts["errors"]
        self.newline = opts["newline"]
        buffering = opts.get("buffering")
        self.f = open_text(path, script["mode"], -1 if buffering is None else buffering,
                           encoding=self.encoding, errors=self.errors, newline=self.newline)
        self.tells = []
        self.read_since_seek = False

    def decoder(self):
        dec = codecs.getincrementaldecoder(self.encoding)(self.errors)
        if self.newline is None or self.newline == "":
            dec = io.IncrementalNewlineDecoder(dec, translate=self.newline is None)
        return dec

    def byte_position(self):
        start, flags, feed, eof, skip = unpack(self.f.tell())
        if skip == 0:
            return start
        data = os.pread(self.f.fileno(), feed, start)
        dec = self.decoder()
        for p in range(feed + 1):
            if start == 0 and flags == 0:
                dec.reset()
            else:
                dec.setstate((b"", flags))
            try:
                n = len(dec.decode(data[:p], True))
            except UnicodeError:
                continue
            if n >= skip:
                return start + p
        return start + feed

    def op(self, name, args):
        f = self.f
        if name == "write":
            if self.read_since_seek and not f.closed and f.writable():
                self.read_since_seek = False
                f.seek(self.byte_position())
            n = f.write(args[0])
            # memfile counts UTF-16 units (README, API: open); Python code points
            return n + sum(1 for c in args[0] if ord(c) > 0xFFFF)
        if name in ("read", "readline", "readlines") and not f.closed and f.readable():
            self.read_since_seek = True
        if name == "read":
            return f.read(args[0])
        if name == "readline":
            return f.readline(args[0])
        if name == "readlines":
            hint, total, lines = args[0], 0, []
            while True:
                line = f.readline()
                if not line:
                    return lines
                lines.append(line)
                if hint > 0 and len(line) > hint - total:
                    return lines
                total += len(line)
        if name == "tell":
            try:
                cookie = f.tell()
            except Exception:
                self.tells.append(None)
                raise
            self.tells.append(cookie)
            return show_cookie(cookie)
        if name == "seek_tell":
            cookie = self.tells[args[0]] if args[0] < len(self.tells) else None
            if cookie is None:
                return "no cookie"
            result = show_cookie(f.seek(cookie))
            self.read_since_seek = False
            return result
        if name == "seek":
            result = show_cookie(f.seek(args[0], args[1]))
            self.read_since_seek = False
            return result
        if name == "truncate":
            size = args[0]
            if size is None and not f.closed and f.writable():
                f.flush()
                size = self.byte_position()
            return f.truncate(size)
        if name == "flush":
            return f.flush()
        if name == "newlines":
            nl = f.newlines
            return list(nl) if isinstance(nl, tuple) else nl
        if name == "peer":
            with open(self.path, "rb") as g:
                return g.read().hex()
        raise ValueError("unknown op " + name)



# ---- the runner ----

KINDS = {"binary": BinaryRun, "text": TextRun}


def run_script(kind, script, index):
    Run = KINDS[kind]
    path = "/dev/shm/memfile-oracle-%s-%d-%d" % (kind, os.getpid(), index)
    initial = bytes.fromhex(script["initial"])
    if os.path.exists(path):
        os.unlink(path)
    if initial or "x" not in script["mode"]:  # 'x' on an empty MemFile = on a missing file
        with open(path, "wb") as g:
            g.write(initial)
    result = {"ops": []}
    try:
        try:
            run = Run(script, path)
        except Exception as exc:  # noqa: BLE001 - every failure is a result
            result["open"] = Run.error(exc)
            run = None
        else:
            result["open"] = {"ok": None}
        if run is not None:
            for step in script["ops"]:
                try:
                    result["ops"].append({"ok": encode(run.op(step[0], [decode_arg(a) for a in step[1:]]))})
                except Exception as exc:  # noqa: BLE001
                    result["ops"].append(Run.error(exc))
            try:
                run.f.close()
                result["close"] = {"ok": None}
            except Exception as exc:  # noqa: BLE001
                result["close"] = Run.error(exc)
        if os.path.exists(path):
            with open(path, "rb") as g:
                result["final"] = g.read().hex()
        else:
            result["final"] = ""
    finally:
        if os.path.exists(path):
            os.unlink(path)
    return result


def main():
    request = json.load(sys.stdin)
    results = [run_script(request["kind"], s, i) for i, s in enumerate(request["scripts"])]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
