/**
 * Committed weights in the quantizer (design §4, `--weights committed`): the weights of a
 * weighted linear node become private inputs of the circuit, so its static interval must hold
 * for ANY weights of the declared widths, not only the model's own:
 *
 *   acc[r] = b[r] + Σ_e w[e] · 2^shift(e) · (x[col(e)] − zp(e)),
 *   w[e] ∈ [−2^(B_w−1), 2^(B_w−1)),  b[r] ∈ [−2^(B_b−1), 2^(B_b−1)),
 *
 * where B_w = --weight-bits and B_b (the bias width) is chosen so a bias can be as large as the
 * largest dot product of the node: B_b = max(B_w, signedWidth(−D, D)), D = max over rows of
 * max |Σ_e w[e]·2^shift·(x − zp)|. b[r] is the raw bias (before the zero points are folded
 * into it); the integer IR keeps its usual (folded) form, which computes the same numbers:
 * bias_IR[r] = b[r] − Σ_e values[e]·zp(e), values[e] = w[e]·2^shift(e).
 *
 * Scales (weight scale, accumulator scale, rescale shifts) are the model's: one circuit then
 * serves every model of the same architecture whose weights, quantized at these scales, fit
 * the widths (e.g. fine-tuned versions).
 */
import { QuantizationError } from '../../errors.ts';
import type { WeightsLayout } from '../../manifest.ts';
import { maxBig, minBig, signedWidth } from '../integer/arith.ts';
import type { IntNode } from '../integer/ir.ts';

/** Op kinds whose coefficients are model weights (others are layout or preprocessing constants). */
export const WEIGHTED_KINDS: ReadonlySet<string> = new Set(['Gemm', 'MatMul', 'Conv', 'ConvTranspose', 'BatchNormalization']);

/** True for a linear node made (partly) of a weighted op, e.g. 'Conv+BatchNormalization', 'Flatten+Gemm'. */
export const isWeightedKind = (kind: string): boolean => kind.split('+').some((k) => WEIGHTED_KINDS.has(k));

export type CommittedNode = WeightsLayout['nodes'][number];

export interface CommittedLinearArgs {
  name: string;
  origin: string;
  rows: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  /** The IR's coefficients (w · 2^shift) and folded bias. */
  values: bigint[];
  bias: bigint[];
  blocks: Array<{ start: number; end: number; x: IntNode; shift: number }>;
  weightBits: number;
}

/** Interval of the node for any weights of the declared widths, and its layout entry. */
export function committedLinear(a: CommittedLinearArgs): { lo: bigint; hi: bigint; node: CommittedNode } {
  const blockOf = (col: number) => a.blocks.find((b) => col >= b.start && col < b.end)!;
  const wHalf = 1n << BigInt(a.weightBits - 1);
  const dlo: bigint[] = [];
  const dhi: bigint[] = [];
  let D = 0n;
  for (let r = 0; r < a.rows; r++) {
    let lo = 0n;
    let hi = 0n;
    for (let e = a.rowPtr[r]; e < a.rowPtr[r + 1]; e++) {
      const b = blockOf(a.colIdx[e]);
      const s = 1n << BigInt(b.shift);
      const xs = [(b.x.lo - b.x.zeroPoint) * s, (b.x.hi - b.x.zeroPoint) * s];
      const corners = [-wHalf * xs[0], -wHalf * xs[1], (wHalf - 1n) * xs[0], (wHalf - 1n) * xs[1]];
      lo += corners.reduce(minBig);
      hi += corners.reduce(maxBig);
    }
    dlo.push(lo);
    dhi.push(hi);
    D = maxBig(D, maxBig(-lo, hi));
  }
  const biasBits = Math.max(a.weightBits, signedWidth(-D, D));
  const bHalf = 1n << BigInt(biasBits - 1);
  // The model's own raw weights and biases must fit the declared widths.
  for (let r = 0; r < a.rows; r++) {
    let raw = a.bias[r];
    for (let e = a.rowPtr[r]; e < a.rowPtr[r + 1]; e++) {
      const b = blockOf(a.colIdx[e]);
      const w = a.values[e] >> BigInt(b.shift);
      if (w << BigInt(b.shift) !== a.values[e] || w < -wHalf || w >= wHalf) {
        throw new QuantizationError('COMMITTED_WEIGHT_RANGE', `a weight of layer '${a.origin}' does not fit ${a.weightBits} bits`, {
          fix: 'this is a quantizer bug: report it (or try another --weight-bits)',
        });
      }
      raw += a.values[e] * b.x.zeroPoint;
    }
    if (raw < -bHalf || raw >= bHalf) {
      throw new QuantizationError('COMMITTED_BIAS_RANGE', `a bias of layer '${a.origin}' (${raw} at the accumulator scale) exceeds the ${biasBits}-bit range committed weights allow`, {
        fix: 'use --weights constant for this model, or retrain it with smaller biases',
      });
    }
  }
  let lo = 0n;
  let hi = 0n;
  for (let r = 0; r < a.rows; r++) {
    if (r === 0 || dlo[r] - bHalf < lo) lo = dlo[r] - bHalf;
    if (r === 0 || dhi[r] + bHalf - 1n > hi) hi = dhi[r] + bHalf - 1n;
  }
  return {
    lo,
    hi,
    node: {
      name: a.name,
      origin: a.origin,
      entries: a.rowPtr[a.rows],
      rows: a.rows,
      biasBits,
      blocks: a.blocks.map((b) => ({ start: b.start, end: b.end, zeroPoint: b.x.zeroPoint.toString(), shift: b.shift })),
    },
  };
}

export function weightsLayout(nodes: CommittedNode[], weightBits: number): WeightsLayout {
  return { weightBits, count: nodes.reduce((a, n) => a + n.entries + n.rows, 0), nodes };
}
