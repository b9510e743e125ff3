import type { WindowGeometry } from './window-geometry.js';

/*
 * im2col and its adjoint col2im: the reshuffles that turn a convolution into one matrix product.
 *
 * A 2-D convolution of an NHWC input x with HWIO weights W is, written out,
 *
 *   y[n, oy, ox, f] = Σ_{ky, kx, c} x[n, oy·sy − padTop + ky, ox·sx − padLeft + kx, c] · W[ky, kx, c, f]
 *
 * (x is 0 outside the image). im2col copies, for every output pixel (n, oy, ox), the kh·kw·C input values
 * its kernel sees into one row of a matrix X̃ `[batch·outH·outW, kh·kw·C]`, in (ky, kx, c) order — the
 * order of W's elements when W is read as a `[kh·kw·C, F]` matrix. Then y = X̃ · W is one GEMM, and its
 * `[batch·outH·outW, F]` result already is y in NHWC order.
 *
 * col2im is the transpose of that copy: it adds every row of a `[batch·outH·outW, kh·kw·C]` matrix back
 * onto the input positions it came from (overlapping windows sum; padding positions are dropped). It turns
 * dL/dX̃ into dL/dx.
 */

/**
 * Fills `cols` (length `batch·outH·outW · kh·kw·C`, or `batch·outH·outW · (kh·kw·C + 1)` with `ones`) with
 * the im2col matrix of `x` (NHWC, length `batch·H·W·C`); padding positions become 0. With `ones`, every
 * row ends with an extra 1 (so a bias row appended to the weights joins the product). Every element of
 * `cols` is written.
 */
export function im2col(x: Float32Array, g: WindowGeometry, cols: Float32Array, ones = false): void {
  const { batch, inHeight: H, inWidth: W, channels: C, windowHeight: kh, windowWidth: kw } = g;
  const { strideY: sy, strideX: sx, padTop, padLeft, outHeight: oh, outWidth: ow } = g;
  let o = 0; // write position in cols
  for (let n = 0; n < batch; n++) {
    const image = n * H * W * C;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sy - padTop;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sx - padLeft;
        if (iy0 >= 0 && ix0 >= 0 && iy0 + kh <= H && ix0 + kw <= W) {
          // Interior window: kh runs of kw·C contiguous input values.
          const run = kw * C;
          for (let ky = 0; ky < kh; ky++) {
            let i = image + ((iy0 + ky) * W + ix0) * C;
            const end = o + run;
            while (o < end) cols[o++] = x[i++];
          }
          if (ones) cols[o++] = 1;
          continue;
        }
        // Border window: some rows or columns fall in the padding.
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) {
            cols.fill(0, o, o + kw * C);
            o += kw * C;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx;
            if (ix < 0 || ix >= W) {
              for (let c = 0; c < C; c++) cols[o++] = 0;
              continue;
            }
            let i = image + (iy * W + ix) * C;
            for (let c = 0; c < C; c++) cols[o++] = x[i++];
          }
        }
        if (ones) cols[o++] = 1;
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: `dx` (NHWC, length `batch·H·W·C`) is overwritten with the sum, over
 * every row of `cols` and every kernel position, of the value at the input position it was copied from.
 * Values that im2col took from padding are dropped.
 */
export function col2im(cols: Float32Array, g: WindowGeometry, dx: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, windowHeight: kh, windowWidth: kw } = g;
  const { strideY: sy, strideX: sx, padTop, padLeft, outHeight: oh, outWidth: ow } = g;
  dx.fill(0, 0, batch * H * W * C);
  let o = 0; // read position in cols
  for (let n = 0; n < batch; n++) {
    const image = n * H * W * C;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sy - padTop;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sx - padLeft;
        if (iy0 >= 0 && ix0 >= 0 && iy0 + kh <= H && ix0 + kw <= W) {
          const run = kw * C;
          for (let ky = 0; ky < kh; ky++) {
            let i = image + ((iy0 + ky) * W + ix0) * C;
            const end = o + run;
            while (o < end) dx[i++] += cols[o++];
          }
          continue;
        }
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) {
            o += kw * C;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx;
            if (ix < 0 || ix >= W) {
              o += C;
              continue;
            }
            let i = image + (iy * W + ix) * C;
            for (let c = 0; c < C; c++) dx[i++] += cols[o++];
          }
        }
      }
    }
  }
}
