/**
 * Non-linear constraint counts (at --O2) of the templates in circuits/, as stated in their
 * header comments. Tests compare these with the compiled r1cs.
 */

/** Rescale(A, k, B, RELU): see circuits/rescale.circom. */
export function rescaleConstraints(A: number, k: number, B: number, relu: boolean): number {
  void k;
  void B;
  void relu;
  return A + 4;
}

/** Max2(B): B + 2. */
export const max2Constraints = (B: number): number => B + 2;

/** DivRound(N, D): r and D−1−r range checks plus q's width. */
export function divRoundConstraints(N: number, D: number): number {
  const rb = Math.ceil(Math.log2(D));
  const qb = Math.ceil(Math.log2((2 ** N + Math.floor(D / 2)) / D + 1));
  return 2 * rb + qb;
}
