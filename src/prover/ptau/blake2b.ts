/**
 * BLAKE2b-512 whose intermediate state can be exported in snarkjs's "partial hash" layout.
 *
 * A ptau contribution stores the state of the response hasher just before the contributor's
 * public key is absorbed (216 bytes: the 128-byte block buffer, the eight 64-bit chaining
 * words as (low, high) 32-bit pairs, then bytes-compressed-so-far and buffer position), so
 * `snarkjs powersoftau verify` can finish the hash. Node's native BLAKE2b cannot export its
 * state, hence this small implementation (RFC 7693). Like @noble/hashes (which snarkjs uses)
 * it keeps the last, possibly full, block in the buffer until more data arrives.
 */

const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

export class Blake2b512 {
  /** Chaining value h[0..7] as (low, high) 32-bit words. */
  private readonly h = new Uint32Array(16);
  private readonly buffer = new Uint8Array(128);
  private readonly buffer32 = new Uint32Array(this.buffer.buffer);
  private readonly v = new Uint32Array(32);
  private readonly m = new Uint32Array(32);
  private pos = 0;
  /** Total bytes absorbed (including the buffered ones). */
  private length = 0;

  constructor() {
    this.h.set(IV);
    this.h[0] ^= 0x01010000 ^ 64; // parameter block: digest length 64, fanout 1, depth 1
  }

  update(data: Uint8Array): this {
    let off = 0;
    while (off < data.length) {
      if (this.pos === 128) {
        this.compress(this.buffer32, false);
        this.pos = 0;
      }
      const take = Math.min(128 - this.pos, data.length - off);
      this.buffer.set(data.subarray(off, off + take), this.pos);
      this.pos += take;
      this.length += take;
      off += take;
    }
    return this;
  }

  digest(): Uint8Array {
    this.buffer.fill(0, this.pos);
    this.compress(this.buffer32, true);
    return new Uint8Array(this.h.buffer.slice(0));
  }

  /** snarkjs's `toPartialHash` layout (216 bytes). Lengths must stay below 2^32 bytes, as there. */
  partialState(): Uint8Array {
    const out = new Uint8Array(216);
    const out32 = new Uint32Array(out.buffer, 128, 22);
    out.set(this.buffer, 0);
    out32.set(this.h, 0);
    out32[16] = this.length - this.pos;
    out32[18] = this.pos;
    return out;
  }

  private compress(block: Uint32Array, last: boolean): void {
    const v = this.v;
    const m = this.m;
    m.set(block);
    v.set(this.h, 0);
    v.set(IV, 16);
    v[24] ^= this.length >>> 0; // t low 64 bits: (low, high) words
    v[25] ^= Math.floor(this.length / 0x100000000);
    if (last) {
      v[28] = ~v[28];
      v[29] = ~v[29];
    }
    for (let r = 0; r < 12; r++) {
      const s = SIGMA[r];
      g(v, m, 0, 4, 8, 12, s[0], s[1]);
      g(v, m, 1, 5, 9, 13, s[2], s[3]);
      g(v, m, 2, 6, 10, 14, s[4], s[5]);
      g(v, m, 3, 7, 11, 15, s[6], s[7]);
      g(v, m, 0, 5, 10, 15, s[8], s[9]);
      g(v, m, 1, 6, 11, 12, s[10], s[11]);
      g(v, m, 2, 7, 8, 13, s[12], s[13]);
      g(v, m, 3, 4, 9, 14, s[14], s[15]);
    }
    for (let i = 0; i < 16; i++) this.h[i] ^= v[i] ^ v[i + 16];
  }
}

/** v[a] += v[b] + x (64-bit words as (low, high) pairs at 2a, 2a+1). */
function add3(v: Uint32Array, a: number, b: number, xl: number, xh: number): void {
  const lo = v[2 * a] + v[2 * b];
  let hi = v[2 * a + 1] + v[2 * b + 1] + (lo >= 0x100000000 ? 1 : 0);
  const lo2 = (lo >>> 0) + xl;
  hi += xh + (lo2 >= 0x100000000 ? 1 : 0);
  v[2 * a] = lo2;
  v[2 * a + 1] = hi;
}

/** v[d] = (v[d] ^ v[a]) >>> n (64-bit rotate right). */
function xorRot(v: Uint32Array, d: number, a: number, n: number): void {
  const xl = v[2 * d] ^ v[2 * a];
  const xh = v[2 * d + 1] ^ v[2 * a + 1];
  if (n === 32) {
    v[2 * d] = xh;
    v[2 * d + 1] = xl;
  } else if (n < 32) {
    v[2 * d] = (xl >>> n) | (xh << (32 - n));
    v[2 * d + 1] = (xh >>> n) | (xl << (32 - n));
  } else {
    const k = n - 32;
    v[2 * d] = (xh >>> k) | (xl << (32 - k));
    v[2 * d + 1] = (xl >>> k) | (xh << (32 - k));
  }
}

function g(v: Uint32Array, m: Uint32Array, a: number, b: number, c: number, d: number, x: number, y: number): void {
  add3(v, a, b, m[2 * x], m[2 * x + 1]);
  xorRot(v, d, a, 32);
  add3(v, c, d, 0, 0);
  xorRot(v, b, c, 24);
  add3(v, a, b, m[2 * y], m[2 * y + 1]);
  xorRot(v, d, a, 16);
  add3(v, c, d, 0, 0);
  xorRot(v, b, c, 63);
}
