import type { WindowGeometry } from './window-geometry.js';

/*
 * Pooling kernels over NHWC images: each output pixel (n, oy, ox, c) reduces the window of input pixels
 * (n, oy·sy − padTop + ky, ox·sx − padLeft + kx, c), ky < kh, kx < kw, that lie inside the image.
 * Padding positions never take part (as in TensorFlow: max ignores them, average divides by the count of
 * real pixels), and with TensorFlow's padding every window holds at least one real pixel.
 */

/**
 * Max pooling: `y = max over the window of x`. Writes `y` (length `batch·outH·outW·C`) and, for each
 * output element, the flat index into `x` of the element that won (`argmax`), which is all backward needs.
 *
 * Ties: the first maximum in window order (row by row, top to bottom, left to right) wins, as in
 * TensorFlow.js's CPU backend; it alone receives the gradient.
 * A NaN in a window makes that output NaN (the NaN's position wins), so it is never hidden.
 */
export function maxPoolForward(x: Float32Array, g: WindowGeometry, y: Float32Array, argmax: Int32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, windowHeight: kh, windowWidth: kw } = g;
  const { strideY: sy, strideX: sx, padTop, padLeft, outHeight: oh, outWidth: ow } = g;
  for (let n = 0; n < batch; n++) {
    const image = n * H * W;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sy - padTop;
      const yStart = Math.max(iy0, 0);
      const yEnd = Math.min(iy0 + kh, H);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sx - padLeft;
        const xStart = Math.max(ix0, 0);
        const xEnd = Math.min(ix0 + kw, W);
        const out = ((n * oh + oy) * ow + ox) * C;
        // Channels innermost (contiguous in NHWC): each channel's winner starts at the window's first real
        // pixel, and every later pixel takes over where it is strictly greater (ties keep the first).
        const first = (image + yStart * W + xStart) * C;
        for (let c = 0; c < C; c++) argmax[out + c] = first + c;
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = iy === yStart ? xStart + 1 : xStart; ix < xEnd; ix++) {
            const i = (image + iy * W + ix) * C;
            for (let c = 0; c < C; c++) {
              const v = x[i + c];
              const b = argmax[out + c];
              // Branch-free: takeOver is 0 or 1 (strictly greater, or a NaN, which then stays: nothing
              // compares greater than NaN). On real activations "is it greater?" is a coin toss, and a
              // mispredicted branch per element made this loop twice as slow (8.5 → 4.3 ms for 64×26×26×32).
              const takeOver = +(v > x[b]) | +(v !== v);
              argmax[out + c] = b + takeOver * (i + c - b);
            }
          }
        }
        for (let c = 0; c < C; c++) y[out + c] = x[argmax[out + c]];
      }
    }
  }
}

/**
 * Max-pooling backward: `dx` (length `batch·H·W·C`) is overwritten with zeros, then each output gradient
 * is added at its window's winner: `dL/dx[argmax[o]] += dL/dy[o]` (windows may overlap when strides are
 * smaller than the window, so one input can win several).
 */
export function maxPoolBackward(dy: Float32Array, argmax: Int32Array, count: number, dx: Float32Array, inputSize: number): void {
  dx.fill(0, 0, inputSize);
  for (let o = 0; o < count; o++) dx[argmax[o]] += dy[o];
}

/**
 * Average pooling: `y = (1 / m) Σ over the window's m real (non-padding) pixels of x`.
 * Writes `y` (length `batch·outH·outW·C`).
 */
export function avgPoolForward(x: Float32Array, g: WindowGeometry, y: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, windowHeight: kh, windowWidth: kw } = g;
  const { strideY: sy, strideX: sx, padTop, padLeft, outHeight: oh, outWidth: ow } = g;
  for (let n = 0; n < batch; n++) {
    const image = n * H * W;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sy - padTop;
      const yStart = Math.max(iy0, 0);
      const yEnd = Math.min(iy0 + kh, H);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sx - padLeft;
        const xStart = Math.max(ix0, 0);
        const xEnd = Math.min(ix0 + kw, W);
        const out = ((n * oh + oy) * ow + ox) * C;
        const scale = 1 / ((yEnd - yStart) * (xEnd - xStart));
        for (let c = 0; c < C; c++) y[out + c] = 0;
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = xStart; ix < xEnd; ix++) {
            const i = (image + iy * W + ix) * C;
            for (let c = 0; c < C; c++) y[out + c] += x[i + c];
          }
        }
        for (let c = 0; c < C; c++) y[out + c] *= scale;
      }
    }
  }
}

/**
 * Average-pooling backward: each input pixel receives `dL/dy / m` from every window it belongs to
 * (m = that window's count of real pixels). `dx` (length `batch·H·W·C`) is overwritten.
 */
export function avgPoolBackward(dy: Float32Array, g: WindowGeometry, dx: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, windowHeight: kh, windowWidth: kw } = g;
  const { strideY: sy, strideX: sx, padTop, padLeft, outHeight: oh, outWidth: ow } = g;
  dx.fill(0, 0, batch * H * W * C);
  for (let n = 0; n < batch; n++) {
    const image = n * H * W;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sy - padTop;
      const yStart = Math.max(iy0, 0);
      const yEnd = Math.min(iy0 + kh, H);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sx - padLeft;
        const xStart = Math.max(ix0, 0);
        const xEnd = Math.min(ix0 + kw, W);
        const out = ((n * oh + oy) * ow + ox) * C;
        const scale = 1 / ((yEnd - yStart) * (xEnd - xStart));
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = xStart; ix < xEnd; ix++) {
            const i = (image + iy * W + ix) * C;
            // dL/dx += dL/dy / m
            for (let c = 0; c < C; c++) dx[i + c] += dy[out + c] * scale;
          }
        }
      }
    }
  }
}

/**
 * Global average pooling: `y[n, c] = (1 / (H·W)) Σ_{iy, ix} x[n, iy, ix, c]`, from `[batch, H, W, C]` to
 * `[batch, C]`. Writes every element of `y`.
 */
export function globalAvgPoolForward(x: Float32Array, batch: number, pixels: number, channels: number, y: Float32Array): void {
  const scale = 1 / pixels;
  for (let n = 0; n < batch; n++) {
    const out = n * channels;
    for (let c = 0; c < channels; c++) y[out + c] = 0;
    let i = n * pixels * channels;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) y[out + c] += x[i++];
    }
    for (let c = 0; c < channels; c++) y[out + c] *= scale;
  }
}

/** Global-average-pooling backward: `dL/dx[n, iy, ix, c] = dL/dy[n, c] / (H·W)` for every pixel. */
export function globalAvgPoolBackward(dy: Float32Array, batch: number, pixels: number, channels: number, dx: Float32Array): void {
  const scale = 1 / pixels;
  let i = 0;
  for (let n = 0; n < batch; n++) {
    const row = n * channels;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) dx[i++] = dy[row + c] * scale;
    }
  }
}
