/**
 * Where a 2-D sliding window (a convolution kernel or a pooling window) lands on an NHWC image, following
 * TensorFlow's conventions so models agree with Keras:
 *
 * - `'valid'`: no padding; `out = ⌊(in − k) / s⌋ + 1`, and the window must fit (`in ≥ k`).
 * - `'same'`:  `out = ⌈in / s⌉`; the total padding `max((out − 1)·s + k − in, 0)` is split with the smaller
 *   half at the top/left and the extra row/column at the bottom/right.
 *
 * Output pixel (oy, ox) covers input rows `oy·s − padTop + ky` for ky in [0, k) (likewise columns);
 * rows outside [0, in) are padding.
 */

/** How a window is padded: `'valid'` (none) or `'same'` (output size ⌈in / stride⌉), as in Keras. */
export type Padding = 'valid' | 'same';

/** Every size a window kernel needs, computed once per input shape by {@link windowGeometry}. */
export interface WindowGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly windowHeight: number;
  readonly windowWidth: number;
  readonly strideY: number;
  readonly strideX: number;
  /** Padding rows above the image (the rows below are implied by the output size). */
  readonly padTop: number;
  /** Padding columns left of the image. */
  readonly padLeft: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Output size and leading padding along one axis; throws (naming `op`) when a 'valid' window does not fit. */
function axis(size: number, window: number, stride: number, padding: Padding): { out: number; padBefore: number } {
  if (padding === 'valid') return { out: Math.floor((size - window) / stride) + 1, padBefore: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

/**
 * The geometry of a `window` × `stride` sliding window over an NHWC input of shape `inputShape`.
 * @param op - names the caller in errors, e.g. `"Conv2D(1→32, 3×3).forward"`
 * @param what - what the window is, for errors: `"kernel"` or `"pool window"`
 * @throws if the input is not 4-D, is empty, or is smaller than the window with 'valid' padding
 */
export function windowGeometry(
  op: string,
  what: string,
  inputShape: readonly number[],
  window: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
): WindowGeometry {
  const shapeText = `[${inputShape.join(', ')}]`;
  if (inputShape.length !== 4) {
    throw new RangeError(`${op}: expected a 4-D input [batch, height, width, channels], got shape ${shapeText}`);
  }
  const [batch, inHeight, inWidth, channels] = inputShape;
  if (inHeight === 0 || inWidth === 0 || channels === 0) {
    throw new RangeError(`${op}: input has an empty dimension: shape ${shapeText}`);
  }
  const [wh, ww] = window;
  if (padding === 'valid' && (inHeight < wh || inWidth < ww)) {
    throw new RangeError(
      `${op}: ${what} ${wh}×${ww} is larger than the ${inHeight}×${inWidth} input with padding 'valid' (input shape ${shapeText}); use padding 'same' or a smaller ${what}`,
    );
  }
  const rows = axis(inHeight, wh, strides[0], padding);
  const cols = axis(inWidth, ww, strides[1], padding);
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    windowHeight: wh,
    windowWidth: ww,
    strideY: strides[0],
    strideX: strides[1],
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
    outHeight: rows.out,
    outWidth: cols.out,
  };
}
