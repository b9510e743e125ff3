/** Writes IDX bytes by hand (independently of the parser), for tests that need small IDX files. */
const TYPE_BYTES = { uint8: [0x08, 1], int8: [0x09, 1], int16: [0x0b, 2], int32: [0x0c, 4], float32: [0x0d, 4], float64: [0x0e, 8] } as const;

export function encodeIdx(type: keyof typeof TYPE_BYTES, shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const [code, size] = TYPE_BYTES[type];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((s, i) => view.setUint32(4 + 4 * i, s, false));
  for (let i = 0; i < values.length; i++) {
    const at = header + i * size;
    const v = values[i];
    if (type === 'uint8') view.setUint8(at, v);
    else if (type === 'int8') view.setInt8(at, v);
    else if (type === 'int16') view.setInt16(at, v, false);
    else if (type === 'int32') view.setInt32(at, v, false);
    else if (type === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}
