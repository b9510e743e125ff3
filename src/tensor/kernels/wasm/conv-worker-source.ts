/*
 * The source of a convolution worker thread, as a string (started like the gemm workers: `eval: true` in
 * Node, a Blob URL in browsers; it imports nothing). It instantiates the shared-memory build of conv.wat
 * on the same `WebAssembly.Memory` as the calling thread and runs the exported kernels it is handed.
 *
 * Protocol (Int32 slots in one SharedArrayBuffer, a block of SLOT slots per worker, see conv-thread-pool.ts):
 *   [READY]  the worker sets 1 once its instance is up;
 *   [SEQ]    the main thread writes the job's sequence number (after the job) and notifies; -1: exit;
 *   [DONE]   the worker writes the sequence number it finished and notifies;
 *   [FN]     which export to call (an index into `names`);
 *   [ARGS…]  its integer arguments (unused trailing slots are passed too and ignored by WebAssembly).
 */
export const CONV_WORKER_SOURCE = `
'use strict';
const SLOT = 24, READY = 0, SEQ = 1, DONE = 2, FN = 3, ARGS = 4;
function serve(data) {
  const exports = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports;
  const fns = data.names.map((name) => exports[name]);
  const ctrl = new Int32Array(data.control);
  const base = data.index * SLOT;
  const a = base + ARGS;
  Atomics.store(ctrl, base + READY, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, base + SEQ, seen);
    const seq = Atomics.load(ctrl, base + SEQ);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    fns[ctrl[base + FN]](ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5], ctrl[a + 6],
      ctrl[a + 7], ctrl[a + 8], ctrl[a + 9], ctrl[a + 10], ctrl[a + 11], ctrl[a + 12], ctrl[a + 13], ctrl[a + 14],
      ctrl[a + 15], ctrl[a + 16], ctrl[a + 17], ctrl[a + 18], ctrl[a + 19]);
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
