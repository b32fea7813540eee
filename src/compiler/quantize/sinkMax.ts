/**
 * Pass for quantized models: move every max (MaxPool) below the elementwise monotone ops that
 * precede it, so that pooling compares accumulators and only the pooled values are requantized.
 *
 *   acc → Relu → QuantizeLinear → DequantizeLinear → MaxPool → QuantizeLinear
 *   ⇒ acc → MaxPool → Relu → QuantizeLinear → DequantizeLinear → QuantizeLinear
 *
 * max(f(x_1), …, f(x_k)) = f(max(x_1, …, x_k)) for every non-decreasing f, and these all are:
 * relu, clip, quantize (rounding and clamping; its scale must be the same across a window) and
 * a positive diagonal linear node (DequantizeLinear; same coefficient and bias across a window).
 * The requantization after the max is exactly the same integer function, so the circuit is
 * equal to the model's arithmetic, and a Conv → ReLU → Q → MaxPool(2×2) pays one requantization
 * per pooled output instead of four (the float path does the same with commuteReluMax.ts).
 * The last QuantizeLinear above then requantizes with multiplier 1 and no rounding, which
 * quantized.ts lowers for free. A node is moved only when the max is its only reader.
 */
import type { Graph, GraphNode, MaxNode } from '../graph/ir.ts';
import { nodeInputs } from '../graph/passes/consumers.ts';

export function sinkMax(graph: Graph): Graph {
  let g = graph;
  for (let next = sinkOnce(g); next; next = sinkOnce(g)) g = next;
  return g;
}

function sinkOnce(graph: Graph): Graph | undefined {
  const readers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of new Set(nodeInputs(n))) readers.set(i, (readers.get(i) ?? 0) + 1);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const outputs = new Set(graph.outputs);
  for (const max of graph.nodes) {
    if (max.op !== 'max') continue;
    const p = byName.get(max.input);
    if (!p || readers.get(p.name) !== 1 || outputs.has(p.name)) continue;
    // A model input is quantized before anything else reads it (quantized.ts): keep that order.
    if (p.op === 'quantize' && byName.get(p.input)?.op === 'input') continue;
    const after = moved(p, max);
    if (!after) continue;
    const pooled: MaxNode = { ...max, name: `${max.name}::pre${p.op}`, input: nodeInputs(p)[0] };
    const nodes: GraphNode[] = [];
    for (const n of graph.nodes) {
      if (n === p) continue;
      if (n === max) nodes.push(pooled, (after.op === 'linear' ? { ...after, inputs: [pooled.name] } : { ...after, input: pooled.name }) as GraphNode);
      else nodes.push(n);
    }
    return { ...graph, nodes };
  }
  return undefined;
}

/** `p` applied after the max instead of before (same name as the max), or undefined if it cannot move. */
function moved(p: GraphNode, max: MaxNode): GraphNode | undefined {
  const base = { name: max.name, origin: `${p.origin}, ${max.origin}`, shape: max.shape };
  const uniform = (v: ArrayLike<number>): boolean => max.windows.every((w) => Array.from(w).every((j) => v[j] === v[w[0]]));
  switch (p.op) {
    case 'relu':
      return { ...p, ...base };
    case 'clip':
      return { ...p, ...base };
    case 'quantize': {
      if (p.scale.length === 1) return { ...p, ...base };
      if (!uniform(p.scale)) return undefined;
      return { ...p, ...base, scale: Float64Array.from(max.windows, (w) => p.scale[w[0]]) };
    }
    case 'linear': {
      // A positive diagonal (DequantizeLinear, Mul by a positive constant, Add of a constant).
      const m = p.matrix;
      if (p.inputs.length !== 1 || m.rows !== m.cols) return undefined;
      const coef = new Float64Array(m.rows);
      for (let r = 0; r < m.rows; r++) {
        if (m.rowPtr[r + 1] - m.rowPtr[r] !== 1 || m.colIdx[m.rowPtr[r]] !== r || !(m.values[m.rowPtr[r]] > 0)) return undefined;
        coef[r] = m.values[m.rowPtr[r]];
      }
      if (!uniform(coef) || !uniform(p.bias)) return undefined;
      const k = max.windows.length;
      return {
        ...p, ...base, kind: p.kind,
        matrix: { rows: k, cols: k, rowPtr: Int32Array.from({ length: k + 1 }, (_, i) => i), colIdx: Int32Array.from({ length: k }, (_, i) => i), values: Float64Array.from(max.windows, (w) => coef[w[0]]) },
        bias: Float64Array.from(max.windows, (w) => p.bias[w[0]]),
      };
    }
    default:
      return undefined;
  }
}
