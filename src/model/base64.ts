/*
 * Lossless float32 ↔ text for saved models: the IEEE-754 bytes, little-endian, in base64 (RFC 4648).
 * Written by hand so the browser-safe entry needs neither Node's Buffer nor DOM's atob/btoa.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** The alphabet as character codes. */
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 61; // '='
/** Characters turned into a string at a time (String.fromCharCode takes them as arguments). */
const SLICE = 8192;

/**
 * Base64 of `bytes`, with `=` padding. The characters are written as codes into a byte array and turned into
 * text a slice at a time, joined once: appending 4 characters at a time (`out += …`) built a rope of one node
 * per 4 characters, several times the text's size in memory until it was flattened.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    codes[o++] = CODES[n >> 18];
    codes[o++] = CODES[(n >> 12) & 63];
    codes[o++] = CODES[(n >> 6) & 63];
    codes[o++] = CODES[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    codes[o++] = CODES[n >> 18];
    codes[o++] = CODES[(n >> 12) & 63];
    codes[o++] = rest === 2 ? CODES[(n >> 6) & 63] : PAD;
    codes[o++] = PAD;
  }
  const parts: string[] = [];
  for (let k = 0; k < codes.length; k += SLICE) {
    parts.push(String.fromCharCode.apply(null, codes.subarray(k, k + SLICE) as unknown as number[]));
  }
  return parts.join('');
}

/**
 * Bytes of a padded base64 string.
 * @throws naming `field` if the text is not valid padded base64
 */
export function base64ToBytes(text: string, field: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new RangeError(`${field}: not base64 (length must be a multiple of 4)`);
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const isPad = c === 61 && i + k >= text.length - pad;
      const v = isPad ? 0 : c < 128 ? LOOKUP[c] : -1;
      if (v < 0) throw new RangeError(`${field}: not base64 (bad character at position ${i + k})`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** The float32 values as base64 of their little-endian bytes (bit-exact, NaN payloads included). */
export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytesToBase64(bytes);
}

/**
 * Float32 values from {@link float32ToBase64} text.
 * @throws naming `field` if the text is not base64 or its byte length is not `4 · expectedLength`
 */
export function base64ToFloat32(text: string, expectedLength: number, field: string): Float32Array {
  const bytes = base64ToBytes(text, field);
  if (bytes.length !== expectedLength * 4) {
    throw new RangeError(
      `${field}: holds ${bytes.length} bytes, expected ${expectedLength * 4} (${expectedLength} float32 values)`,
    );
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
