/*
 * The integrity check of a saved model: CRC-32 (IEEE 802.3, the polynomial of zip, gzip and PNG) of the
 * UTF-8 bytes of the model's JSON text without its `checksum` field. A CRC catches every single-bit error
 * and every burst up to 32 bits, and any other random corruption with probability 1 − 2⁻³². It is not a
 * signature: anyone can recompute it, so it guards against accidents (disk, transfer, truncation), not
 * against someone who means harm.
 */

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

/** CRC-32 of `bytes`, as an unsigned 32-bit integer (`crc32("123456789")` is 0xcbf43926). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * `'crc32:'` and the CRC-32 of the UTF-8 bytes of `text` as 8 lowercase hex digits. Encodes as it goes
 * (no copy of a large model's text, and no TextEncoder, which bare JavaScript engines lack).
 */
export function textChecksum(text: string): string {
  let c = 0xffffffff;
  const add = (byte: number): void => {
    c = TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  };
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      add(code);
      continue;
    }
    if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code >= 0xd800 && code < 0xe000) code = 0xfffd; // a lone surrogate, as TextEncoder writes it
    if (code < 0x800) {
      add(0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      add(0xe0 | (code >> 12));
      add(0x80 | ((code >> 6) & 63));
    } else {
      add(0xf0 | (code >> 18));
      add(0x80 | ((code >> 12) & 63));
      add(0x80 | ((code >> 6) & 63));
    }
    add(0x80 | (code & 63));
  }
  return `crc32:${((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0')}`;
}
