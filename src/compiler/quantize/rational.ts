/**
 * Exact rational numbers over BigInt, for the quantized-model lowering: every float64 is a
 * dyadic rational, so scales, dequantized weights and their products and averages compose
 * without rounding, and integer structure (weights = scale × integer) is recovered exactly.
 */

export interface Rat {
  /** Numerator. */
  readonly n: bigint;
  /** Denominator, > 0; gcd(n, d) = 1. */
  readonly d: bigint;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

export function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rat(n: bigint, d = 1n): Rat {
  if (d === 0n) throw new RangeError('rational with zero denominator');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export const ZERO: Rat = { n: 0n, d: 1n };
export const ONE: Rat = { n: 1n, d: 1n };

/** The exact value of a finite float64. */
export function fromNumber(x: number): Rat {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (Number.isSafeInteger(x)) return { n: BigInt(x), d: 1n };
  let k = 0;
  let y = x;
  // Multiplying by 2 is exact (no overflow: |x| < 2^53 here unless x is an integer ≥ 2^53).
  while (!Number.isInteger(y)) {
    y *= 2;
    k++;
  }
  return rat(BigInt(y), 1n << BigInt(k));
}

export const add = (a: Rat, b: Rat): Rat => (a.d === b.d ? rat(a.n + b.n, a.d) : rat(a.n * b.d + b.n * a.d, a.d * b.d));
export const sub = (a: Rat, b: Rat): Rat => add(a, neg(b));
export const neg = (a: Rat): Rat => ({ n: -a.n, d: a.d });
export const mul = (a: Rat, b: Rat): Rat => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rat, b: Rat): Rat => rat(a.n * b.d, a.d * b.n);
export const mulInt = (a: Rat, k: bigint): Rat => rat(a.n * k, a.d);
export const isZero = (a: Rat): boolean => a.n === 0n;
export const isInt = (a: Rat): boolean => a.d === 1n;
export const eq = (a: Rat, b: Rat): boolean => a.n === b.n && a.d === b.d;
export const cmp = (a: Rat, b: Rat): number => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};

/** floor(a). */
export function floor(a: Rat): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}

/** Round half up: floor(a + 1/2). */
export const roundHalfUp = (a: Rat): bigint => floor(add(a, { n: 1n, d: 2n }));

/** |a − round(a)|, the distance to the nearest integer. */
export const fracDistance = (a: Rat): Rat => {
  const r = roundHalfUp(a);
  const d = sub(a, { n: r, d: 1n });
  return d.n < 0n ? neg(d) : d;
};

/** Approximate float value (for logs and heuristics only). */
export function toNumber(a: Rat): number {
  const n = Number(a.n);
  const d = Number(a.d);
  if (Number.isFinite(n) && Number.isFinite(d)) return n / d;
  const shift = BigInt(Math.max(0, a.d.toString(2).length - 60, a.n.toString(2).length - 60));
  return Number(a.n >> shift) / Number(a.d >> shift);
}

/** log2|a| (approximate, for choosing shifts). */
export function log2Abs(a: Rat): number {
  const n = abs(a.n);
  const bn = n.toString(2).length;
  const bd = a.d.toString(2).length;
  const top = (x: bigint, b: number): number => Number(b > 53 ? x >> BigInt(b - 53) : x) * 2 ** Math.max(0, b - 53);
  return Math.log2(top(n, bn)) - Math.log2(top(a.d, bd));
}

/** The largest positive rational g such that every a_i / g is an integer (gcd of rationals). */
export function gcdAll(xs: Iterable<Rat>): Rat | undefined {
  let num = 0n;
  let den = 1n;
  let any = false;
  for (const x of xs) {
    if (x.n === 0n) continue;
    any = true;
    num = gcd(num, x.n);
    den = (den / gcd(den, x.d)) * x.d;
  }
  return any ? rat(num, den) : undefined;
}

export const toString = (a: Rat): string => (a.d === 1n ? a.n.toString() : `${a.n}/${a.d}`);
