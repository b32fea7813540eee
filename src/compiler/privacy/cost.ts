/**
 * Constraint cost of the privacy options (design §3–4), before compiling: the formulas of
 * circuits/poseidon_sponge.circom and circuits/commit_packed.circom (checked against compiled
 * circuits in test/privacy/), plus the committed weights' range checks and products. Intervals
 * widened by committed weights are already in the integer model, so estimateCost covers the
 * rest (rescales, comparisons).
 */
import type { CommitmentLayout, WeightsLayout } from '../../manifest.ts';
import type { NodeCost } from '../integer/cost.ts';

const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

/** One Poseidon permutation of width t = inputs + 1 (circomlib PoseidonEx): 3 constraints per S-box. */
export const permutationConstraints = (t: number): number => 3 * (8 * t + N_ROUNDS_P[t - 2]);

/** PoseidonSponge(N, RATE): the constant state elements of the first chunk (domain, padding) save their first S-box. */
export const spongeConstraints = (N: number, rate: number): number =>
  Math.ceil(N / rate) * permutationConstraints(rate + 1) - 3 * (1 + Math.max(0, rate - N));

/** CommitPacked with this layout. */
export const commitmentConstraints = (c: CommitmentLayout): number => spongeConstraints(c.elements, c.rate);

/** Committed weights: a range check of every parameter (its width) and one product per matrix entry. */
export function weightsConstraints(w: WeightsLayout): { rangeChecks: number; products: number } {
  let rangeChecks = 0;
  let products = 0;
  for (const n of w.nodes) {
    rangeChecks += n.entries * w.weightBits + n.rows * n.biasBits;
    products += n.entries;
  }
  return { rangeChecks, products };
}

/** Extra cost lines for a report (appended to estimateCost's per-node lines). */
export function privacyCostLines(p: { commitments: Array<{ role: string; layout: CommitmentLayout }>; weights?: WeightsLayout }): NodeCost[] {
  const lines: NodeCost[] = [];
  if (p.weights) {
    const { rangeChecks, products } = weightsConstraints(p.weights);
    lines.push({ name: 'weights', origin: 'weights (range checks)', op: 'weights', elements: p.weights.count, constraints: rangeChecks });
    lines.push({ name: 'weights', origin: 'weights (products)', op: 'mac', elements: products, constraints: products });
  }
  for (const c of p.commitments) {
    lines.push({ name: c.role, origin: `${c.role} (Poseidon)`, op: 'commit', elements: c.layout.elements, constraints: commitmentConstraints(c.layout) });
  }
  return lines;
}
