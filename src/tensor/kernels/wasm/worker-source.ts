/*
 * The source of a kernel worker thread, as a string: started with `new Worker(source, { eval: true })` in
 * Node and from a Blob URL in browsers, so it needs no separate file next to the bundle or dist/ build
 * (it imports nothing; everything arrives in its first message / workerData). It instantiates every
 * module it is given — the shared-memory builds of matmul.wat, updates.wat and conv.wat, any of them —
 * on the one shared `WebAssembly.Memory` of the calling thread, and runs the jobs it is handed.
 *
 * Protocol (Int32 slots in one SharedArrayBuffer: a block of SLOT slots per worker, then the shared chunk
 * counter; see thread-pool.ts):
 *   [READY]   the worker sets 1 once its instances are up;
 *   [SEQ]     the main thread writes the job's sequence number (after the arguments) and notifies;
 *             -1 tells the worker to exit;
 *   [DONE]    the worker writes the sequence number it finished and notifies;
 *   [CURRENT] the chunk the worker is computing, −1 between chunks (lets the main thread redo it if the
 *             worker dies mid-chunk);
 *   [KIND]    0: a matrix product, 1: an Adam update, 2: a call of a conv.wat export;
 *   [ARGS…]   a product: a, sai, sap, b, sbp, sbj, c, m, k, n, work, byRows, chunk;
 *             an Adam update: w, g, m, c, n, chunk, then as float32 bits b1, s1, b2, s2, lrm, cscale, eps,
 *             then the backup addresses bw, bm, bc (0: none);
 *             a call: the export's number (an index into `convJobs`), then CALL_ARGS integer arguments
 *             (all passed; WebAssembly ignores those past the export's parameters).
 * A product is cut into chunks of `chunk` rows (byRows) or columns of C; an update into chunks of
 * `chunk` elements (a multiple of 4, so each runs the same vector code as one call over all would). Every
 * thread — the main one too — takes the next chunk from the shared counter (Atomics.add) until none is
 * left, so a thread that is descheduled holds up at most one chunk. A chunk's elements are summed by the
 * same code in the same order whoever computes it: results do not depend on the thread count or on who
 * took which chunk. A call is one share the caller chose (the convolution kernels split by images or
 * channel blocks, each share computed exactly as one thread would).
 */
export const WORKER_SOURCE = `
'use strict';
const SLOT = 32, READY = 0, SEQ = 1, DONE = 2, CURRENT = 3, KIND = 4, ARGS = 5;
const SPIN = 20000; // Atomics.load polls, about 0.1 ms (longer keeps a core busy that the machine may need)
function serve(data) {
  const instantiate = (module) =>
    module ? new WebAssembly.Instance(module, { env: { memory: data.memory } }).exports : null;
  const matmul = instantiate(data.matmul);
  const updates = instantiate(data.updates);
  const conv = instantiate(data.conv);
  const gemm = matmul ? matmul.gemm : null;
  const adam = updates ? updates.adam : null;
  const calls = conv ? data.convJobs.map((name) => conv[name]) : [];
  const ctrl = new Int32Array(data.control);
  const floats = new Float32Array(data.control);
  const counter = data.counter;
  const base = data.index * SLOT;
  const x = base + ARGS;
  Atomics.store(ctrl, base + CURRENT, -1);
  Atomics.store(ctrl, base + READY, 1);
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: jobs come in bursts (a training step runs several back to back),
    // and a sleeping worker takes tens of microseconds to wake, a spinning one well under one.
    for (let spin = 0; spin < SPIN && Atomics.load(ctrl, base + SEQ) === seen; spin++);
    Atomics.wait(ctrl, base + SEQ, seen);
    const seq = Atomics.load(ctrl, base + SEQ);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    const kind = ctrl[base + KIND];
    if (kind === 2) {
      const a = x + 1;
      calls[ctrl[x]](ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5], ctrl[a + 6],
        ctrl[a + 7], ctrl[a + 8], ctrl[a + 9], ctrl[a + 10], ctrl[a + 11], ctrl[a + 12], ctrl[a + 13],
        ctrl[a + 14], ctrl[a + 15], ctrl[a + 16], ctrl[a + 17], ctrl[a + 18], ctrl[a + 19]);
    } else if (kind === 1) {
      const w = ctrl[x], g = ctrl[x + 1], m = ctrl[x + 2], c = ctrl[x + 3], n = ctrl[x + 4], chunk = ctrl[x + 5];
      const b1 = floats[x + 6], s1 = floats[x + 7], b2 = floats[x + 8], s2 = floats[x + 9];
      const lrm = floats[x + 10], cs = floats[x + 11], eps = floats[x + 12];
      const bw = ctrl[x + 13], bm = ctrl[x + 14], bc = ctrl[x + 15];
      for (;;) {
        const i = Atomics.add(ctrl, counter, 1);
        const start = i * chunk;
        if (start >= n) break;
        Atomics.store(ctrl, base + CURRENT, i);
        const o = start * 4;
        adam(w + o, g + o, m + o, c + o, Math.min(chunk, n - start), b1, s1, b2, s2, lrm, cs, eps,
          bw === 0 ? 0 : bw + o, bw === 0 ? 0 : bm + o, bw === 0 ? 0 : bc + o);
        Atomics.store(ctrl, base + CURRENT, -1);
      }
    } else {
      const a = ctrl[x], sai = ctrl[x + 1], sap = ctrl[x + 2], b = ctrl[x + 3], sbp = ctrl[x + 4], sbj = ctrl[x + 5];
      const c = ctrl[x + 6], m = ctrl[x + 7], k = ctrl[x + 8], n = ctrl[x + 9], work = ctrl[x + 10];
      const byRows = ctrl[x + 11] === 1, chunk = ctrl[x + 12];
      const extent = byRows ? m : n;
      for (;;) {
        const i = Atomics.add(ctrl, counter, 1);
        const start = i * chunk;
        if (start >= extent) break;
        Atomics.store(ctrl, base + CURRENT, i);
        const len = Math.min(chunk, extent - start);
        if (byRows) gemm(a + start * sai * 4, sai, sap, b, sbp, sbj, c + start * n * 4, n, len, k, n, work);
        else gemm(a, sai, sap, b + start * sbj * 4, sbp, sbj, c + start * 4, n, m, k, len, work);
        Atomics.store(ctrl, base + CURRENT, -1);
      }
    }
    Atomics.store(ctrl, base + DONE, seq);
    Atomics.notify(ctrl, base + DONE);
  }
}
if (typeof require === 'function') {
  serve(require('worker_threads').workerData);
} else {
  self.onmessage = (event) => { serve(event.data); self.close(); };
}
`;
