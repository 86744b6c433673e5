/**
 * MurmurHash3 (x86, 32-bit, seed 0) over the UTF-8 bytes of a string.
 *
 * Chosen over FNV-1a because its finaliser mixes every input bit into every output bit:
 * with FNV-1a, keys like `b#0`, `b#1`, … land close together and a 5-node ring stays ~30%
 * uneven even with 200 virtual nodes. Being standard murmur3, any language reproduces it.
 */
export function hash32(s: string): number {
  let h = 0;
  let block = 0; // up to 4 pending bytes, little-endian
  let pending = 0;
  let length = 0;

  const pushByte = (b: number): void => {
    block |= b << (pending * 8);
    pending++;
    length++;
    if (pending === 4) {
      h ^= mixBlock(block);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
      block = 0;
      pending = 0;
    }
  };

  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) pushByte(c);
    else if (c < 0x800) {
      pushByte(0xc0 | (c >> 6));
      pushByte(0x80 | (c & 63));
    } else if (c < 0x10000) {
      pushByte(0xe0 | (c >> 12));
      pushByte(0x80 | ((c >> 6) & 63));
      pushByte(0x80 | (c & 63));
    } else {
      pushByte(0xf0 | (c >> 18));
      pushByte(0x80 | ((c >> 12) & 63));
      pushByte(0x80 | ((c >> 6) & 63));
      pushByte(0x80 | (c & 63));
    }
  }
  if (pending > 0) h ^= mixBlock(block);

  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixBlock(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}
