"""CPython's TextIOWrapper as the oracle for memfile's TextHandle (see text-oracle.ts).

stdin:  {"scripts": [Script, ...]}      stdout: {"results": [Result, ...]}
Script = {"mode", "options": {buffering?, encoding, errors, newline}, "initial": hex,
          "ops": [[name, arg...], ...]}
Result = {"open": outcome, "ops": [outcome, ...], "final": hex, "close": outcome}
outcome = {"ok": value} | {"err": code, "msg"?: str}

Ops: write s | read n | readline n | readlines n | tell | seek_tell k (seek to the k-th
tell's cookie) | seek n whence | truncate n|null | flush | newlines | peer.
A tell() cookie is reported as itself when it is a byte offset, else as "opaque": the
TextHandle's cookies differ in shape (safe integers), so they are compared by what seeking
to them does, and equal only when Python's is a plain byte offset.

Two emulations make CPython do what memfile does on purpose (documented in text.ts):
- a write after reads first seeks to the text position (CPython writes after its
  read-ahead chunk, bpo-12215);
- truncate() without a size cuts at that text position (CPython: read-ahead, bpo-26158).
- BufferedRandom.read1() flushes pending writes first (CPython 3.11 forgets them; the contract
  asks for the sensible thing, which memfile's BufferedRandom does), so '+' modes are
  opened as open() does it, over a BufferedRandom subclass with that read1().
readlines(hint) is IOBase.readlines' loop over readline() (CPython's C loop iterates with
next(), which disables tell() afterwards).
"""
import codecs
import io
import json
import os
import sys

def unpack(cookie):
    """The C TextIOWrapper's cookie layout (textio.c, little-endian): start_pos in bits
    0-63, then 32-bit dec_flags, bytes_to_feed, chars_to_skip and an 8-bit need_eof."""
    field = lambda shift, bits: (cookie >> shift) & ((1 << bits) - 1)  # noqa: E731
    return field(0, 64), field(64, 32), field(96, 32), bool(field(160, 8)), field(128, 32)


def show_cookie(cookie):
    return cookie if cookie < 1 << 64 else "opaque"


def error(exc):
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


class FlushingRandom(io.BufferedRandom):
    def read1(self, size=-1):
        self.flush()
        return super().read1(size)


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


class Runner:
    def __init__(self, script, path):
        self.script = script
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


def run_script(script, index):
    path = "/dev/shm/memfile-text-oracle-%d-%d" % (os.getpid(), index)
    initial = bytes.fromhex(script["initial"])
    if os.path.exists(path):
        os.unlink(path)
    if initial or "x" not in script["mode"]:  # 'x' on an empty MemFile = on a missing file
        with open(path, "wb") as g:
            g.write(initial)
    result = {"ops": []}
    try:
        try:
            runner = Runner(script, path)
        except Exception as exc:  # noqa: BLE001 - every failure is a result
            result["open"] = error(exc)
            runner = None
        else:
            result["open"] = {"ok": None}
        if runner is not None:
            for step in script["ops"]:
                try:
                    result["ops"].append({"ok": runner.op(step[0], step[1:])})
                except Exception as exc:  # noqa: BLE001
                    result["ops"].append(error(exc))
            try:
                runner.f.close()
                result["close"] = {"ok": None}
            except Exception as exc:  # noqa: BLE001
                result["close"] = error(exc)
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
    results = [run_script(s, i) for i, s in enumerate(request["scripts"])]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
