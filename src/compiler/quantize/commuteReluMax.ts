/**
 * Pass: relu → max  ⇒  max → relu.
 *
 * max(relu(a), relu(b)) = relu(max(a, b)) because ReLU is monotone, and the fused
 * rescale is monotone too, so pooling the accumulators first and rescaling only the pooled
 * values saves one rescale per pooled-away element (a Conv → ReLU → MaxPool(2×2) pays
 * 1 rescale instead of 4 per output). The output keeps the max's tensor name.
 */
import type { Graph, GraphNode } from '../graph/ir.ts';

export function commuteReluMax(graph: Graph): Graph {
  const consumers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of nodeInputs(n)) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const out: GraphNode[] = [];
  const dropped = new Set<string>();
  for (const node of graph.nodes) {
    if (dropped.has(node.name)) continue;
    const relu = node.op === 'max' ? byName.get(node.input) : undefined;
    if (
      node.op === 'max' &&
      relu?.op === 'relu' &&
      consumers.get(relu.name) === 1 &&
      !graph.outputs.includes(relu.name)
    ) {
      // relu was already emitted just before (topological order): replace it.
      const at = out.indexOf(relu);
      const pooled = `${node.name}::prerelu`;
      out.splice(at, 1);
      out.push({ ...node, name: pooled, input: relu.input });
      out.push({ op: 'relu', name: node.name, origin: relu.origin, shape: node.shape, input: pooled });
      continue;
    }
    out.push(node);
  }
  return { ...graph, nodes: out };
}

export function nodeInputs(n: GraphNode): string[] {
  switch (n.op) {
    case 'input':
      return [];
    case 'linear':
      return n.inputs;
    default:
      return [n.input];
  }
}
