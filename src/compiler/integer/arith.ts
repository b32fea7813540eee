/** Exact integer helpers shared by the quantizer, the interpreter and the renderer. */

/** floor(a / b) for b > 0 (BigInt division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** Round-half-up division by 2^k: floor((v + 2^(k−1)) / 2^k); v itself when k = 0. */
export function roundShift(v: bigint, k: number): bigint {
  if (k === 0) return v;
  return floorDiv(v + (1n << BigInt(k - 1)), 1n << BigInt(k));
}

/** Round-half-even division by 2^k (ONNX QuantizeLinear's rounding); v itself when k = 0. */
export function roundShiftEven(v: bigint, k: number): bigint {
  if (k === 0) return v;
  const q = roundShift(v, k);
  const tie = ((v % (1n << BigInt(k))) + (1n << BigInt(k))) % (1n << BigInt(k)) === 1n << BigInt(k - 1);
  return tie && (q & 1n) === 1n ? q - 1n : q;
}

export const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);

/** Number of bits of a non-negative integer (0 → 0). */
export function bitLength(n: bigint): number {
  if (n < 0n) throw new RangeError('bitLength of a negative number');
  return n === 0n ? 0 : n.toString(2).length;
}

/** Smallest A with −2^(A−1) ≤ lo and hi < 2^(A−1) (two's-complement width of [lo, hi]). */
export function signedWidth(lo: bigint, hi: bigint): number {
  let a = 1;
  while (-(1n << BigInt(a - 1)) > lo || hi >= 1n << BigInt(a - 1)) a++;
  return a;
}

export const absBig = (v: bigint): bigint => (v < 0n ? -v : v);
export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** The bound every intermediate must stay within (design §2). */
export const FIELD_SAFE_BITS = 250;
