/**
 * Non-linear constraint counts (at --O2) of the templates in circuits/, copied from the
 * formulas in their header comments. A test compares the compiled r1cs with these.
 */

/** Rescale(A, k, B, RELU): circuits/rescale.circom, with M = A − 1 − k. */
export function rescaleConstraints(A: number, k: number, B: number, relu: boolean): number {
  const M = A - 1 - k;
  if (relu) return M <= 0 ? 0 : M <= B ? A + 1 : A + 3;
  return M <= B - 1 || B === 1 ? A : A + 3;
}

/** Max2(B): circuits/max.circom. */
export const max2Constraints = (B: number): number => B + 2;

const bitLen = (x: number): number => (x <= 0 ? 0 : Math.floor(Math.log2(x)) + 1);

/** DivRound(N, D): circuits/div_round.circom. */
export function divRoundConstraints(N: number, D: number): number {
  if (D === 1) return 0;
  const Q = bitLen(Math.floor((2 ** N - 1 + Math.floor(D / 2)) / D));
  const R = bitLen(D - 1);
  return (D & (D - 1)) === 0 ? Q + R : Q + 2 * R;
}

/** RescaleEven(A, k, B, RELU): circuits/rescale_even.circom (k ≥ 1, A ≥ k + 2), with M = A − 1 − k. */
export function rescaleEvenConstraints(A: number, k: number, B: number, relu: boolean): number {
  const M = A - 1 - k;
  if (relu) return M <= B ? A + 3 : M === B + 1 ? A + 4 : A + 5;
  if (B === 1) return A;
  return M <= B - 1 ? A + 2 : M === B ? A + 4 : A + 5;
}

/** Width A of the rescale decomposition of an input in [lo, hi] (relative to its zero point). */
export function rescaleWidth(lo: bigint, hi: bigint, shift: number, rounding?: 'half-even'): number {
  const half = shift > 0 ? 1n << BigInt(shift - 1) : 0n;
  let A = 1;
  while (-(1n << BigInt(A - 1)) > lo + half || hi + half >= 1n << BigInt(A - 1)) A++;
  return rounding === 'half-even' && shift > 0 ? Math.max(A, shift + 2) : A;
}

/** PiecewiseLinear(BIN, T, Y, D): circuits/pwl.circom: the decomposition, the 2^T − T − 1 segment monomials, one product. */
export const pwlConstraints = (bits: number, segBits: number): number => bits + 2 ** segBits - segBits;
