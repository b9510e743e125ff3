"""The Python side of bench/lib/python-peer.ts (transport: bench/lib/python.ts): a line-oriented JSON server for native-code peers.

The benchmark (Node) starts one Python process per peer configuration (e.g. numpy with 1 BLAS thread) and
keeps it alive for the whole run, so its timings interleave round by round with handgrad's and
TensorFlow.js's. Each request is one JSON line on stdin, each reply one JSON line on stdout:

    {"cmd": "<name>", ...arguments}   ->   {"ok": true, ...result}  or  {"ok": false, "error": "..."}

Arrays travel as raw little-endian float32/int32 files named in the request ({"path", "shape", "dtype"}),
written by the Node side into a temporary directory, so megabytes of weights are not JSON-encoded.
A peer script defines handler functions and calls serve({"name": handler, ...}).
"""
import json
import os
import sys
import time
import traceback

import numpy as np


def load_array(spec):
    """The array described by {"path", "shape", "dtype": "float32" | "int32"} (a raw little-endian file)."""
    dtype = {"float32": "<f4", "int32": "<i4"}[spec.get("dtype", "float32")]
    return np.fromfile(spec["path"], dtype=dtype).reshape(spec["shape"]).astype(dtype[1:], copy=False)


def blas_threads():
    """The BLAS thread count in effect: threadpoolctl's view when it is installed, else the env request."""
    try:
        from threadpoolctl import threadpool_info

        counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        if counts:
            return counts[0]
    except ImportError:
        pass
    return int(os.environ.get("OPENBLAS_NUM_THREADS", "0")) or None


def limit_threads():
    """Applies OPENBLAS_NUM_THREADS through threadpoolctl when available (the env vars already did it
    for OpenBLAS/MKL at start-up; this also covers BLAS builds that ignore them)."""
    n = os.environ.get("OPENBLAS_NUM_THREADS")
    if not n:
        return None
    try:
        from threadpoolctl import threadpool_limits

        return threadpool_limits(limits=int(n), user_api="blas")
    except ImportError:
        return None


def info(_request):
    blas = "unknown"
    try:
        config = np.show_config(mode="dicts")
        b = config["Build Dependencies"]["blas"]
        blas = f'{b.get("name", "?")} {b.get("version", "")}'.strip()
    except Exception:  # older numpy: show_config has no dict mode
        pass
    return {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": blas,
        "threads": blas_threads(),
    }


def time_calls(fn, count):
    """Milliseconds of each of `count` calls of fn()."""
    times = []
    for _ in range(count):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000.0)
    return times


def serve(handlers):
    """Answers JSON requests from stdin until it closes or a {"cmd": "exit"} arrives."""
    _limits = limit_threads()  # keep a reference: threadpoolctl restores limits when it is collected
    handlers = {"info": info, **handlers}
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            cmd = request.get("cmd")
            if cmd == "exit":
                break
            if cmd not in handlers:
                raise ValueError(f"unknown command {cmd!r}; known: {sorted(handlers)}")
            reply = {"ok": True, **(handlers[cmd](request) or {})}
        except Exception as e:  # report, keep serving: the Node side decides what to do
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()}
        out.write(json.dumps(reply) + "\n")
        out.flush()
