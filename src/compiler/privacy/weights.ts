/**
 * The private weights of a committed-weights build (manifest WeightsLayout) and the integer
 * model: extract them in commitment order (per node: matrix entries in CSR order, then one raw
 * bias per row), or put other weights of the same architecture into the model. The IR keeps
 * the folded form values[e] = w[e]·2^shift, bias[r] = b[r] − Σ_e values[e]·zp(e)
 * (quantize/committedWeights.ts), so the interpreter needs no change.
 */
import { InputError } from '../../errors.ts';
import type { CommitmentLayout, WeightsLayout } from '../../manifest.ts';
import type { IntGraph, IntLinear } from '../integer/ir.ts';

type LayoutNode = WeightsLayout['nodes'][number];

function linearOf(g: IntGraph, n: LayoutNode): IntLinear {
  const node = g.nodes.find((m) => m.name === n.name);
  if (!node || node.op !== 'linear' || node.matrix.rowPtr[node.matrix.rows] !== n.entries || node.matrix.rows !== n.rows) {
    throw new InputError('WEIGHTS_LAYOUT', `the integer model has no layer '${n.name}' shaped as the weights layout says`, { fix: 'recompile the build' });
  }
  return node;
}

const blockOf = (n: LayoutNode, col: number) => {
  const b = n.blocks.find((x) => col >= x.start && col < x.end);
  if (!b) throw new InputError('WEIGHTS_LAYOUT', `column ${col} of '${n.name}' is in no input block`, { fix: 'recompile the build' });
  return b;
};

/** The raw weights of the model, in commitment order. */
export function extractWeights(g: IntGraph, layout: WeightsLayout): bigint[] {
  const out: bigint[] = [];
  for (const n of layout.nodes) {
    const node = linearOf(g, n);
    const { rowPtr, colIdx, values } = node.matrix;
    for (let e = 0; e < n.entries; e++) out.push(values[e] >> BigInt(blockOf(n, colIdx[e]).shift));
    for (let r = 0; r < n.rows; r++) {
      let b = node.bias[r];
      for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) b += values[e] * BigInt(blockOf(n, colIdx[e]).zeroPoint);
      out.push(b);
    }
  }
  return out;
}

/** A copy of the model with `weights` (raw, commitment order) in place of its own. */
export function applyWeights(g: IntGraph, layout: WeightsLayout, weights: readonly bigint[]): IntGraph {
  if (weights.length !== layout.count) {
    throw new InputError('WEIGHTS_COUNT', `the build takes ${layout.count} weights, got ${weights.length}`, { fix: 'use a weights file made for this build' });
  }
  const replaced = new Map<string, IntLinear>();
  let k = 0;
  for (const n of layout.nodes) {
    const node = linearOf(g, n);
    const { rows, rowPtr, colIdx } = node.matrix;
    const values = new Array<bigint>(n.entries);
    for (let e = 0; e < n.entries; e++) values[e] = weights[k++] << BigInt(blockOf(n, colIdx[e]).shift);
    const bias = new Array<bigint>(rows);
    for (let r = 0; r < rows; r++) {
      let b = weights[k++];
      for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) b -= values[e] * BigInt(blockOf(n, colIdx[e]).zeroPoint);
      bias[r] = b;
    }
    replaced.set(n.name, { ...node, matrix: { ...node.matrix, values }, bias });
  }
  return { ...g, nodes: g.nodes.map((n) => replaced.get(n.name) ?? n) };
}

/** The runs of the weights commitment: per node, its entries then its biases. */
export function weightRuns(layout: WeightsLayout): CommitmentLayout['runs'] {
  const half = (bits: number) => (-(1n << BigInt(bits - 1))).toString();
  return layout.nodes.flatMap((n) => [
    { name: `${n.name}.weight`, count: n.entries, bits: layout.weightBits, lo: half(layout.weightBits) },
    { name: `${n.name}.bias`, count: n.rows, bits: n.biasBits, lo: half(n.biasBits) },
  ]).filter((r) => r.count > 0);
}
