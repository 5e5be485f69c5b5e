"""CPython's io as the oracle: runs op scripts through the built-in open() on
/dev/shm files and prints what each op returned (see oracle-runner.ts).

stdin:  {"scripts": [Script, ...]}
stdout: {"results": [Result, ...]}

Script = {"mode": str, "options": {buffering?, encoding?, errors?, newline?},
          "initial": hex, "ops": [{"op": name, "args": [arg, ...]}, ...]}
An arg {"b": hex} is bytes; any other JSON value is passed as is.
Result = {"open": outcome, "ops": [outcome, ...], "final": hex}
outcome = {"ok": value} | {"err": code}; a bytes value is {"b": hex}.
"""
import io
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")  # buffering=1 in binary mode warns

ERRNO_CODES = {1: "EPERM", 9: "EBADF", 17: "EEXIST", 22: "EINVAL", 13: "EACCES", 2: "ENOENT"}


def error_code(exc):
    """Python's exception -> the Node-style code memfile gives the same failure (README, API: Errors)."""
    if isinstance(exc, io.UnsupportedOperation):
        return "EBADF"  # wrong direction ("File not open for reading", "read", "truncate")
    if isinstance(exc, AttributeError):
        return "EBADF"  # e.g. BufferedReader has no write(): a read-only handle
    if isinstance(exc, UnicodeDecodeError):
        return "ERR_ENCODING_INVALID_ENCODED_DATA"
    if isinstance(exc, UnicodeEncodeError):
        return "ERR_ENCODING_UNENCODABLE"
    if isinstance(exc, UnicodeError):
        return "ERR_ENCODING_INVALID_ENCODED_DATA"
    if isinstance(exc, ValueError):
        if "closed file" in str(exc):
            return "EBADF"
        return "ValueError: " + str(exc)
    if isinstance(exc, OSError):
        return ERRNO_CODES.get(exc.errno, "OSError %s" % exc.errno)
    if isinstance(exc, TypeError):
        return "ERR_INVALID_ARG_TYPE"
    return "%s: %s" % (type(exc).__name__, exc)


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


def attrs(f):
    # A closed Python file raises on readable(); memfile handles report false.
    if f.closed:
        return [f.mode, False, False, False, True, type(f).__name__]
    return [f.mode, f.readable(), f.writable(), f.seekable(), f.closed, type(f).__name__]


def run_op(f, path, op, args):
    if op == "peer":  # what another reader of the file sees right now
        with open(path, "rb") as g:
            return g.read()
    if op == "attrs":
        return attrs(f)
    if op == "readinto":
        buf = bytearray(args[0])
        n = f.readinto(buf)
        return [n, bytes(buf[: n or 0])]
    if op == "readline" and (f.closed or not f.readable()):
        # Deliberate difference: Python's IOBase.readline(0) returns b'' without reading;
        # memfile refuses every read on a closed or write-only handle with EBADF.
        raise ValueError("I/O operation on closed file") if f.closed else io.UnsupportedOperation("read")
    if op == "iter":
        return list(f)
    if op == "read1" and isinstance(f, io.BufferedRandom):
        # CPython 3.11's read1() ignores pending writes (a known bug); the port flushes first.
        f.flush()
    return getattr(f, op)(*args)


def run_script(script, index):
    path = "/dev/shm/memfile-oracle-%d-%d" % (os.getpid(), index)
    mode = script["mode"]
    initial = bytes.fromhex(script["initial"])
    if os.path.exists(path):
        os.unlink(path)
    if initial or "x" not in mode:  # 'x' on an empty MemFile must behave as on a missing file
        with open(path, "wb") as g:
            g.write(initial)
    result = {"ops": []}
    try:
        try:
            f = open(path, mode, **{k: v for k, v in script["options"].items() if v is not None})
        except Exception as exc:  # noqa: BLE001 - every failure is a result
            result["open"] = {"err": error_code(exc)}
            f = None
        else:
            result["open"] = {"ok": None}
        if f is not None:
            for step in script["ops"]:
                try:
                    value = run_op(f, path, step["op"], [decode_arg(a) for a in step.get("args", [])])
                    result["ops"].append({"ok": encode(value)})
                except Exception as exc:  # noqa: BLE001
                    result["ops"].append({"err": error_code(exc)})
            try:
                f.close()
            except Exception as exc:  # noqa: BLE001
                result["closeError"] = error_code(exc)
        with open(path, "rb") as g:
            result["final"] = g.read().hex()
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
