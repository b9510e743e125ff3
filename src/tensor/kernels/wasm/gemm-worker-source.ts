/*
 * The source of a gemm worker thread, as a string: started with `new Worker(source, { eval: true })` in
 * Node and from a Blob URL in browsers, so it needs no separate file next to the bundle or dist/ build
 * (it imports nothing; everything arrives in its first message / workerData).
 *
 * Protocol (all Int32 slots in one SharedArrayBuffer, a block of SLOT slots per worker, see thread-pool.ts):
 *   [READY]  the worker sets 1 once its instance is up;
 *   [SEQ]    the main thread writes the job's sequence number (after the arguments) and notifies;
 *            -1 tells the worker to exit;
 *   [DONE]   the worker writes the sequence number it finished and notifies;
 *   [ARGS…]  gemm's 12 arguments.
 */
export const GEMM_WORKER_SOURCE = `
'use strict';
const SLOT = 16, READY = 0, SEQ = 1, DONE = 2, ARGS = 3;
const SPIN = 20000; // Atomics.load polls, about 100 µs
function serve(data) {
  const gemm = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports.gemm;
  const ctrl = new Int32Array(data.control);
  const base = data.index * SLOT;
  const a = base + ARGS;
  Atomics.store(ctrl, base + READY, 1);
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: products come in bursts (a training step runs several back to back),
    // and a sleeping worker takes tens of microseconds to wake, a spinning one well under one.
    for (let spin = 0; spin < SPIN && Atomics.load(ctrl, base + SEQ) === seen; spin++);
    Atomics.wait(ctrl, base + SEQ, seen);
    const seq = Atomics.load(ctrl, base + SEQ);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    gemm(ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5],
         ctrl[a + 6], ctrl[a + 7], ctrl[a + 8], ctrl[a + 9], ctrl[a + 10], ctrl[a + 11]);
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
