/**
 * Fuses chains of linear nodes where fusing cannot change quantization, i.e. where no two
 * dense layers merge (that would change the weights being quantized and their fan-in):
 *
 *  - backward: a linear node A whose only consumer B is "row-selective" — every row of B
 *    has at most one coefficient and reads each element of A at most once (permutation or
 *    gather: Transpose, Pad, Concat, Slice...; diagonal: BatchNormalization, Mul/Div by a
 *    constant; bias-only: Add/Sub of a constant) — is folded into B. So BatchNormalization
 *    after Conv/Gemm becomes part of it ('Conv+BatchNormalization').
 *  - forward: a pure 0/1 gather P (coefficients 1, no bias) whose consumers are all linear
 *    is folded into each of them (a column re-indexing), e.g. Pad before Conv, Transpose before Gemm.
 *
 * A standalone BatchNormalization (after an input or a relu) has no linear producer and
 * stays a diagonal linear node. Graph outputs are never fused away.
 */
import { isRowSelective, isZeroOneGather } from '../csr.ts';
import { size, type Graph, type GraphNode, type LinearNode } from '../ir.ts';
import { composeLinear } from './composeLinear.ts';
import { consumers } from './consumers.ts';

/** Every row has ≤ 1 coefficient and no column of input `a` is read twice. */
function selectiveOver(b: LinearNode, a: string, sizeOf: (n: string) => number): boolean {
  if (!isRowSelective(b.matrix)) return false;
  let start = 0;
  for (const i of b.inputs) {
    if (i === a) break;
    start += sizeOf(i);
  }
  const seen = new Uint8Array(sizeOf(a));
  const m = b.matrix;
  for (let k = 0; k < m.rowPtr[m.rows]; k++) {
    const c = m.colIdx[k] - start;
    if (c >= 0 && c < seen.length) {
      if (seen[c]) return false;
      seen[c] = 1;
    }
  }
  return true;
}

function fuseOnce(graph: Graph): Graph | undefined {
  const byName = new Map<string, GraphNode>(graph.nodes.map((n) => [n.name, n]));
  const sizeOf = (n: string): number => size(byName.get(n)!.shape);
  const readers = consumers(graph);
  const outputs = new Set(graph.outputs);
  const replace = (removed: Set<string>, updated: Map<string, GraphNode>): Graph => ({
    ...graph,
    nodes: graph.nodes.filter((n) => !removed.has(n.name)).map((n) => updated.get(n.name) ?? n),
  });

  // Backward: A → B with B row-selective and A's only reader.
  for (const b of graph.nodes) {
    if (b.op !== 'linear') continue;
    for (const aName of b.inputs) {
      const a = byName.get(aName);
      if (a?.op !== 'linear' || outputs.has(a.name)) continue;
      const r = readers.get(a.name)!;
      if (r.length !== 1 || !selectiveOver(b, a.name, sizeOf)) continue;
      return replace(new Set([a.name]), new Map([[b.name, composeLinear(a, b, sizeOf)]]));
    }
  }
  // Forward: P (pure 0/1 gather) into all of its readers, when they are all linear.
  for (const p of graph.nodes) {
    if (p.op !== 'linear' || outputs.has(p.name) || !isZeroOneGather(p.matrix) || p.bias.some((x) => x !== 0)) continue;
    const r = readers.get(p.name)!.map((n) => byName.get(n)!);
    if (r.length === 0 || r.some((c) => c.op !== 'linear')) continue;
    const updated = new Map<string, GraphNode>(r.map((c) => [c.name, composeLinear(p, c as LinearNode, sizeOf)]));
    return replace(new Set([p.name]), updated);
  }
  return undefined;
}

export function fuseLinear(graph: Graph): Graph {
  let g = graph;
  for (let next = fuseOnce(g); next; next = fuseOnce(g)) g = next;
  return g;
}
