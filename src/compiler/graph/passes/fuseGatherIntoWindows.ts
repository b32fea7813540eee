/**
 * Folds a pure 0/1 gather (Pad with zeros, Transpose, Slice...: coefficients 1, no bias,
 * one input) into the `mean`/`max` nodes that read it, by re-indexing their windows.
 * For `mean`, elements the gather fills with 0 (zero padding) are dropped from the window
 * and the divisor is kept, which is exact (they add nothing to the sum). For `max`, a zero
 * fill would take part in the max, so such gathers are left alone.
 * Typical case: torch's AvgPool2d(count_include_pad=True) exports Pad → AveragePool.
 */
import { isZeroOneGather } from '../csr.ts';
import type { Graph, GraphNode, LinearNode, MaxNode, MeanNode } from '../ir.ts';
import { consumers } from './consumers.ts';

/** Source column of each row of a 0/1 gather (-1 for rows with no entry). */
function sourceOf(p: LinearNode): Int32Array {
  const m = p.matrix;
  return Int32Array.from({ length: m.rows }, (_, r) => (m.rowPtr[r + 1] > m.rowPtr[r] ? m.colIdx[m.rowPtr[r]] : -1));
}

function remap(node: MaxNode | MeanNode, p: LinearNode, src: Int32Array): MaxNode | MeanNode | undefined {
  const windows: Int32Array[] = [];
  for (const w of node.windows) {
    const mapped = Array.from(w, (j) => src[j]);
    if (mapped.includes(-1) && node.op === 'max') return undefined;
    const kept = mapped.filter((j) => j >= 0);
    if (kept.length === 0) return undefined;
    windows.push(Int32Array.from(kept));
  }
  return { ...node, input: p.inputs[0], windows, origin: [...new Set([...p.origin.split(', '), ...node.origin.split(', ')])].join(', ') };
}

function fuseOnce(graph: Graph): Graph | undefined {
  const byName = new Map<string, GraphNode>(graph.nodes.map((n) => [n.name, n]));
  const readers = consumers(graph);
  const outputs = new Set(graph.outputs);
  for (const p of graph.nodes) {
    if (p.op !== 'linear' || p.inputs.length !== 1 || outputs.has(p.name)) continue;
    if (!isZeroOneGather(p.matrix) || p.bias.some((b) => b !== 0)) continue;
    const r = readers.get(p.name)!.map((n) => byName.get(n)!);
    if (r.length === 0 || r.some((c) => c.op !== 'max' && c.op !== 'mean')) continue;
    const src = sourceOf(p);
    const updated = new Map<string, GraphNode>();
    for (const c of r as (MaxNode | MeanNode)[]) {
      const u = remap(c, p, src);
      if (!u) break;
      updated.set(c.name, u);
    }
    if (updated.size !== r.length) continue;
    return { ...graph, nodes: graph.nodes.filter((n) => n !== p).map((n) => updated.get(n.name) ?? n) };
  }
  return undefined;
}

export function fuseGatherIntoWindows(graph: Graph): Graph {
  let g = graph;
  for (let next = fuseOnce(g); next; next = fuseOnce(g)) g = next;
  return g;
}
