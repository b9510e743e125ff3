"""numpy peer for the MLP training-step benchmark (bench/train.ts): the same step as handgrad's
Sequential.trainStep on Dense/ReLU/.../Dense/Softmax with categorical cross-entropy and Adam:

    forward   z_i = h_i · W_i + b_i,  h_{i+1} = relu(z_i)  (softmax after the last layer)
    loss      mean over the batch of -log(clip(p[y], 1e-7, 1 - 1e-7))
    backward  G = (p - onehot(y)) / N   (fused softmax + cross-entropy gradient)
              dW_i = h_iᵀ · G,  db_i = Σ_rows G,  G ← (G · W_iᵀ) ⊙ [z_{i-1} > 0]  (not for the first layer)
    Adam      m ← β1 m + (1-β1) g,  v ← β2 v + (1-β2) g²,  w ← w - lr · m/(1-β1ᵗ) / (√(v/(1-β2ᵗ)) + ε)

all in float32 with preallocated buffers and out= arguments, so numpy is measured at its best (the BLAS
products dominate; elementwise passes are single-threaded numpy loops).
"""
import numpy as np

from peer import load_array, serve, time_calls


class MLP:
    def __init__(self, request):
        self.x = load_array(request["x"])
        self.y = load_array(request["y"]).astype(np.intp)
        self.W = [load_array(w) for w in request["weights"]]
        self.b = [load_array(b).reshape(-1) for b in request["biases"]]
        adam = request["adam"]
        self.lr, self.beta1, self.beta2, self.eps = adam["learningRate"], adam["beta1"], adam["beta2"], adam["epsilon"]
        self.t = 0
        n = self.x.shape[0]
        self.rows = np.arange(n)
        self.z = [np.empty((n, W.shape[1]), np.float32) for W in self.W]
        self.dz = [np.empty((n, W.shape[0]), np.float32) for W in self.W]  # dL/dh_i for i >= 1
        self.params = self.W + self.b
        self.grads = [np.empty_like(p) for p in self.params]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.tmp = [np.empty_like(p) for p in self.params]
        self.probe = {}

    def forward(self, x):
        h = x
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = self.z[i] if x is self.x else np.empty((x.shape[0], W.shape[1]), np.float32)
            np.matmul(h, W, out=z)
            z += b
            if i < last:
                np.maximum(z, 0, out=z)
            h = z
        # softmax, in place on the last layer's output
        h -= h.max(axis=1, keepdims=True)
        np.exp(h, out=h)
        h /= h.sum(axis=1, keepdims=True)
        return h

    def step(self):
        n = self.x.shape[0]
        p = self.forward(self.x)
        loss = float(-np.log(np.clip(p[self.rows, self.y], 1e-7, 1 - 1e-7)).mean(dtype=np.float64))
        # G = (p - onehot(y)) / N, in place
        g = p
        g[self.rows, self.y] -= 1
        g *= 1.0 / n
        layers = len(self.W)
        for i in range(layers - 1, -1, -1):
            h = self.x if i == 0 else self.z[i - 1]
            np.matmul(h.T, g, out=self.grads[i])          # dL/dW = hᵀ · G
            np.sum(g, axis=0, out=self.grads[layers + i])  # dL/db = Σ_rows G
            if i > 0:
                d = self.dz[i]
                np.matmul(g, self.W[i].T, out=d)           # dL/dh = G · Wᵀ
                d *= self.z[i - 1] > 0                     # through relu: h > 0 exactly where z > 0
                g = d
        self.adam()
        return loss

    def adam(self):
        self.t += 1
        m_scale = 1.0 / (1.0 - self.beta1 ** self.t)
        v_scale = 1.0 / (1.0 - self.beta2 ** self.t)
        b1, b2 = self.beta1, self.beta2
        for w, g, m, v, tmp in zip(self.params, self.grads, self.m, self.v, self.tmp):
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp
            np.multiply(v, v_scale, out=tmp)
            np.sqrt(tmp, out=tmp)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= self.lr * m_scale
            w -= tmp


model = None


def setup(request):
    global model
    model = MLP(request)
    return {}


def step(_request):
    return {"loss": model.step()}


def time_steps(request):
    return {"ms": time_calls(model.step, int(request["steps"]))}


def time_predict(request):
    """Forward passes (inference: softmax probabilities) on the first `rows` rows of the batch."""
    x = np.ascontiguousarray(model.x[: int(request["rows"])])
    return {"ms": time_calls(lambda: model.forward(x), int(request["steps"]))}


def predict_row(request):
    """The first output row of a forward pass on the first `rows` rows (to check agreement)."""
    x = np.ascontiguousarray(model.x[: int(request["rows"])])
    return {"row": model.forward(x)[0].tolist()}


serve({"setup": setup, "step": step, "time_steps": time_steps, "time_predict": time_predict, "predict_row": predict_row})
