"""The CNN workload in numpy (float32, OpenBLAS): the native reference of the CNN benchmark.

Convolutions are im2col + one GEMM each way (the classic way a native framework without a direct
convolution does it); pooling is a reshape + max. Driven by bench/cnn/numpy.ts through the JSON-lines
worker protocol of bench/lib/python.ts:
  {"cmd": "init", "files": {...}}  → loads the weights and the batch from raw little-endian files
  {"cmd": "steps", "n": k}          → k Adam steps; replies with each step's loss (before it) and its ms
"""
import json
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SHAPES = {
    "conv1W": (3, 3, 1, 32), "conv1B": (32,),
    "conv2W": (3, 3, 32, 64), "conv2B": (64,),
    "dense1W": (1600, 128), "dense1B": (128,),
    "dense2W": (128, 10), "dense2B": (10,),
}
BATCH, H, W, C, CLASSES = 64, 28, 28, 1, 10
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-7


def im2col(x, kh, kw):
    """[n, h, w, c] → [n·oh·ow, kh·kw·c], rows in (y, x) order, columns in (fy, fx, c) order (HWIO rows)."""
    n, h, w, c = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    win = sliding_window_view(x, (kh, kw), axis=(1, 2))  # [n, oh, ow, c, kh, kw], a view
    return np.ascontiguousarray(win.transpose(0, 1, 2, 4, 5, 3)).reshape(n * oh * ow, kh * kw * c), (n, oh, ow)


def conv_forward(x, w, b):
    kh, kw, cin, cout = w.shape
    cols, (n, oh, ow) = im2col(x, kh, kw)
    y = cols @ w.reshape(kh * kw * cin, cout) + b
    return y.reshape(n, oh, ow, cout), cols


def conv_backward(dy, cols, x_shape, w, need_dx):
    kh, kw, cin, cout = w.shape
    d = dy.reshape(-1, cout)
    dw = (cols.T @ d).reshape(w.shape)  # dL/dW = colsᵀ · dL/dY
    db = d.sum(axis=0)
    if not need_dx:
        return dw, db, None
    n, h, wd, _ = x_shape
    oh, ow = dy.shape[1], dy.shape[2]
    dcols = (d @ w.reshape(kh * kw * cin, cout).T).reshape(n, oh, ow, kh, kw, cin)  # dL/dcols = dL/dY · Wᵀ
    dx = np.zeros(x_shape, dtype=np.float32)
    for i in range(kh):  # col2im: every window position adds its slice back
        for j in range(kw):
            dx[:, i:i + oh, j:j + ow, :] += dcols[:, :, :, i, j, :]
    return dw, db, dx


def pool_forward(x, p=2):
    n, h, w, c = x.shape
    ph, pw = h // p, w // p
    xc = x[:, :ph * p, :pw * p, :].reshape(n, ph, p, pw, p, c)
    y = xc.max(axis=(2, 4))
    return y, (xc, y)


def pool_backward(dy, saved, x_shape, p=2):
    xc, y = saved
    n, ph, _, pw, _, c = xc.shape
    mask = xc == y[:, :, None, :, None, :]  # ties share the gradient; after ReLU they are zeros anyway
    dx = np.zeros(x_shape, dtype=np.float32)
    dx[:, :ph * p, :pw * p, :] = (mask * dy[:, :, None, :, None, :]).reshape(n, ph * p, pw * p, c)
    return dx


class Model:
    def __init__(self, params, x, y):
        self.p = params
        self.x = x
        self.onehot = np.eye(CLASSES, dtype=np.float32)[y]
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self):
        p, x = self.p, self.x
        n = x.shape[0]
        z1, cols1 = conv_forward(x, p["conv1W"], p["conv1B"])
        a1 = np.maximum(z1, 0)
        q1, s1 = pool_forward(a1)
        z2, cols2 = conv_forward(q1, p["conv2W"], p["conv2B"])
        a2 = np.maximum(z2, 0)
        q2, s2 = pool_forward(a2)
        flat = q2.reshape(n, -1)
        z3 = flat @ p["dense1W"] + p["dense1B"]
        a3 = np.maximum(z3, 0)
        logits = a3 @ p["dense2W"] + p["dense2B"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        probs = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.mean(np.log(np.clip((probs * self.onehot).sum(axis=1), 1e-7, 1.0))))

        g = {}
        dlogits = (probs - self.onehot) / n  # fused softmax + cross-entropy
        g["dense2W"] = a3.T @ dlogits
        g["dense2B"] = dlogits.sum(axis=0)
        dz3 = (dlogits @ p["dense2W"].T) * (z3 > 0)
        g["dense1W"] = flat.T @ dz3
        g["dense1B"] = dz3.sum(axis=0)
        dq2 = (dz3 @ p["dense1W"].T).reshape(q2.shape)
        dz2 = pool_backward(dq2, s2, a2.shape) * (z2 > 0)
        g["conv2W"], g["conv2B"], dq1 = conv_backward(dz2, cols2, q1.shape, p["conv2W"], True)
        dz1 = pool_backward(dq1, s1, a1.shape) * (z1 > 0)
        g["conv1W"], g["conv1B"], _ = conv_backward(dz1, cols1, x.shape, p["conv1W"], False)

        self.t += 1
        m_scale = 1 / (1 - BETA1 ** self.t)
        v_scale = 1 / (1 - BETA2 ** self.t)
        for k, w in p.items():
            gk = g[k]
            m, v = self.m[k], self.v[k]
            m *= BETA1
            m += (1 - BETA1) * gk
            v *= BETA2
            v += (1 - BETA2) * gk * gk
            w -= LR * (m * m_scale) / (np.sqrt(v * v_scale) + EPS)
        return loss


def blas_info():
    """The BLAS numpy runs: threadpoolctl's view (library, version, kernel, threads) if it is installed,
    else the BLAS numpy was built against."""
    try:
        from threadpoolctl import threadpool_info
        return [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")} for i in threadpool_info()]
    except ImportError:
        blas = np.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})
        return [{"name": blas.get("name"), "version": blas.get("version"), "kernel": "(threadpoolctl not installed)"}]


def main():
    model = None
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["cmd"] == "init":
            f = msg["files"]
            params = {k: np.fromfile(f[k], dtype="<f4").reshape(SHAPES[k]).copy() for k in SHAPES}
            x = np.fromfile(f["x"], dtype="<f4").reshape(BATCH, H, W, C)
            y = np.fromfile(f["y"], dtype="<i4")
            model = Model(params, x, y)
            reply = {"numpy": np.__version__, "blas": blas_info()}
        elif msg["cmd"] == "steps":
            losses, ms = [], []
            for _ in range(msg["n"]):
                t0 = time.perf_counter()
                losses.append(model.step())
                ms.append((time.perf_counter() - t0) * 1000)
            reply = {"losses": losses, "ms": ms}
        else:
            reply = {"error": f"unknown command {msg['cmd']!r}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
