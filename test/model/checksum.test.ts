import { describe, expect, it } from 'vitest';
import { crc32, textChecksum } from '../../src/model/checksum.js';

describe('model checksum', () => {
  it('is the standard CRC-32 (check value of "123456789" is cbf43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
    expect(textChecksum('123456789')).toBe('crc32:cbf43926');
  });

  it('hashes the UTF-8 bytes of any text, as TextEncoder encodes them', () => {
    for (const text of ['', 'Dense(2→3)', 'naïve 😀 \u{10FFFF}', 'lone \ud800 surrogate', 'x\udc00']) {
      expect(textChecksum(text)).toBe(`crc32:${crc32(new TextEncoder().encode(text)).toString(16).padStart(8, '0')}`);
    }
  });
});
